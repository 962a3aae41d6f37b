import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { buildMenuTemplate, recentMenuEntries } from './menu.js';
import type { MenuOptions } from './menu.js';
import { createMainWindow, mainWindowOptions } from './window.js';

describe('main window', () => {
  it('runs an isolated, sandboxed renderer without Node, with the bundled preload', () => {
    const options = mainWindowOptions({ preloadPath: '/app/dist/electron/preload.cjs', dark: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
  });

  it('creates the window, loads the app origin, and shows it when ready', () => {
    const created: FakeWindow[] = [];
    class FakeWindow extends EventEmitter {
      webContents = new EventEmitter();
      show = vi.fn();
      loadURL = vi.fn(async () => undefined);
      constructor(readonly options: unknown) {
        super();
        created.push(this);
      }
    }
    const win = createMainWindow(FakeWindow as never, { preloadPath: '/p.cjs', dark: true }) as unknown as FakeWindow;
    expect(created).toHaveLength(1);
    expect(win.loadURL).toHaveBeenCalledWith('casebook://app/index.html');
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });
});

describe('menu', () => {
  const base: MenuOptions = { appName: 'Casebook', isDev: false, platform: 'linux', onAbout: vi.fn(), onImport: vi.fn(), onNewWorkspace: vi.fn(), onOpenWorkspace: vi.fn() };
  type Item = { label?: string; role?: string; id?: string; type?: string; accelerator?: string; enabled?: boolean; click?: () => void; submenu?: Item[] };
  const roles = (items: Item[]): string[] => items.flatMap((item) => [item.role ?? '', ...roles(item.submenu ?? [])]).filter(Boolean);
  const find = (items: Item[], id: string): Item | undefined => items.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.id === id);

  it('has File, Edit, View, Window and Help', () => {
    const labels = (buildMenuTemplate(base) as Item[]).map((item) => item.label?.replace('&', ''));
    expect(labels).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
  });

  it('has Import Messages…, quit, the edit roles and zoom', () => {
    const template = buildMenuTemplate(base) as Item[];
    const item = find(template, 'file.import');
    expect(item).toMatchObject({ accelerator: 'CmdOrCtrl+O' });
    expect(item?.enabled).not.toBe(false);
    item?.click?.();
    expect(base.onImport).toHaveBeenCalledTimes(1);
    expect(roles(template)).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'resetZoom', 'zoomIn', 'zoomOut', 'minimize']));
    expect(find(template, 'help.about')).toBeDefined();
  });

  it('has New Workspace…, Open Workspace… and the recent workspaces in File', () => {
    const onOpenRecent = vi.fn();
    const recent = [
      { path: '/w/support.casebook', name: 'Support & billing', exists: true },
      { path: '/w/gone.casebook', name: 'Gone', exists: false },
    ];
    const template = buildMenuTemplate({ ...base, recent, onOpenRecent }) as Item[];
    const file = template[0]!.submenu!.map((i) => i.id ?? i.role ?? i.type);
    expect(file).toEqual(['file.newWorkspace', 'file.openWorkspace', 'file.openRecent', 'separator', 'file.import', 'separator', 'quit']);
    find(template, 'file.newWorkspace')!.click!();
    expect(base.onNewWorkspace).toHaveBeenCalledTimes(1);
    expect(find(template, 'file.openWorkspace')).toMatchObject({ accelerator: 'CmdOrCtrl+Shift+O' });
    find(template, 'file.openWorkspace')!.click!();
    expect(base.onOpenWorkspace).toHaveBeenCalledTimes(1);
    const entries = find(template, 'file.openRecent')!.submenu!;
    expect(entries.map((e) => [e.label, e.enabled])).toEqual([
      ['Support && billing', true],
      ['Gone (missing)', false],
    ]);
    entries[0]!.click!();
    expect(onOpenRecent).toHaveBeenCalledWith('/w/support.casebook');
    expect(find(buildMenuTemplate(base) as Item[], 'file.openRecent')!.submenu).toEqual([{ label: 'No Recent Workspaces', enabled: false }]);
  });

  it('reads the recent list from the settings defensively', () => {
    const raw = [{ path: '/a.casebook', name: 'A', openedAt: 'x' }, { path: 3 }, null, { path: '/b.casebook', name: 'B' }];
    expect(recentMenuEntries(raw, (p) => p === '/a.casebook')).toEqual([
      { path: '/a.casebook', name: 'A', exists: true },
      { path: '/b.casebook', name: 'B', exists: false },
    ]);
    expect(recentMenuEntries('not a list', () => true)).toEqual([]);
  });

  it('offers reload and developer tools only in development', () => {
    expect(roles(buildMenuTemplate(base) as Item[])).not.toEqual(expect.arrayContaining(['reload']));
    expect(roles(buildMenuTemplate(base) as Item[])).not.toContain('toggleDevTools');
    expect(roles(buildMenuTemplate(base) as Item[])).not.toContain('forceReload');
    expect(roles(buildMenuTemplate({ ...base, isDev: true }) as Item[])).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('follows macOS conventions there', () => {
    const template = buildMenuTemplate({ ...base, platform: 'darwin' }) as Item[];
    expect(template[0]!.label).toBe('Casebook');
    expect(roles(template)).toEqual(expect.arrayContaining(['hide', 'quit', 'close', 'front']));
  });
});
