// The main process wiring, with Electron replaced by fakes: what happens before ready, on ready,
// and on the lifecycle events.
import type { EventEmitter as NodeEventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventEmitter: Emitter } = require('node:events') as { EventEmitter: typeof NodeEventEmitter };
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    setName: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn(() => '/tmp/casebook-user-data'),
    getAppPath: vi.fn(() => '/checkout/dist/electron'),
    getVersion: vi.fn(() => '0.1.0'),
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => ready),
    quit: vi.fn(),
    exit: vi.fn(),
    setAboutPanelOptions: vi.fn(),
    showAboutPanel: vi.fn(),
  });
  const windows: Array<InstanceType<typeof Emitter> & { options: unknown; webContents: InstanceType<typeof Emitter> & { send: ReturnType<typeof vi.fn> } }> = [];
  class BrowserWindow extends Emitter {
    static getAllWindows = () => windows;
    webContents = Object.assign(new Emitter(), { send: vi.fn(), mainFrame: { processId: 1, routingId: 1 } });
    loadURL = vi.fn(async () => undefined);
    show = vi.fn();
    setTitle = vi.fn();
    isDestroyed = () => false;
    constructor(readonly options: unknown) {
      super();
      windows.push(this as never);
    }
  }
  const session = { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn(), webRequest: { onHeadersReceived: vi.fn() } } };
  const child = Object.assign(new Emitter(), { postMessage: vi.fn(), kill: vi.fn() });
  return {
    readyResolve,
    windows,
    child,
    electron: {
      app,
      BrowserWindow,
      Menu: { buildFromTemplate: vi.fn((t: unknown) => t), setApplicationMenu: vi.fn() },
      dialog: {
        showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePaths: ['/home/u/triage.casebook'] })),
        showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0 })),
      },
      ipcMain: { handle: vi.fn(), removeHandler: vi.fn(), removeAllListeners: vi.fn() },
      nativeTheme: { shouldUseDarkColors: false },
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      safeStorage: { isEncryptionAvailable: () => true, encryptString: vi.fn(), decryptString: vi.fn() },
      session,
      shell: { openExternal: vi.fn() },
      utilityProcess: { fork: vi.fn(() => child) },
    },
  };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));
vi.mock('electron-store', () => ({
  default: class {
    store: Record<string, unknown> = {};
    get(key: string) {
      return this.store[key];
    }
    set(key: string, value: unknown) {
      this.store[key] = value;
    }
    delete(key: string) {
      delete this.store[key];
    }
  },
}));

import { API_METHODS } from '../../shared/src/api/index.js';

// Electron sets this in a real main process.
Object.assign(process, { resourcesPath: '/opt/casebook/resources' });

const { app, protocol, ipcMain, session, utilityProcess, Menu } = fake.electron;

type MenuItem = { id?: string; click?: () => void; submenu?: MenuItem[]; label?: string; enabled?: boolean };
/** An item of the menu as last set, by id. */
function menuItem(id: string): MenuItem {
  const template = Menu.buildFromTemplate.mock.calls.at(-1)![0] as MenuItem[];
  const item = template.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.id === id);
  if (!item) throw new Error(`no menu item ${id}`);
  return item;
}

/** The API requests the main process sent the backend process. */
const requests = () =>
  fake.child.postMessage.mock.calls.map((c) => c[0] as { type: string; id: number; method: string; args: unknown }).filter((m) => m.type === 'request');

async function whenStarted() {
  fake.readyResolve();
  await vi.waitFor(() => expect(fake.windows.length).toBeGreaterThan(0));
}

describe('main process', () => {
  it('prepares everything that must happen before ready', async () => {
    await import('./main.js');
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'casebook' })]);
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.listenerCount('web-contents-created')).toBe(1);
    expect(app.listenerCount('second-instance')).toBe(1);
  });

  it('on ready: one secure window on the app origin, guarded session, app protocol, menu, IPC handlers', async () => {
    await import('./main.js');
    await whenStarted();
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]! as unknown as { options: { webPreferences: Record<string, unknown> }; loadURL: ReturnType<typeof vi.fn> };
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/checkout/dist/electron/preload.cjs' });
    expect(win.loadURL).toHaveBeenCalledWith('casebook://app/index.html');
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    expect(session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(protocol.handle).toHaveBeenCalledWith('casebook', expect.any(Function));
    expect(Menu.setApplicationMenu).toHaveBeenCalled();
    expect(ipcMain.handle.mock.calls.map((c) => c[0]).sort()).toEqual(API_METHODS.map((m) => `casebook:${m}`).sort());
    expect(ipcMain.removeAllListeners).toHaveBeenCalledWith('electron-store-get-data');
    expect(utilityProcess.fork).toHaveBeenCalledWith('/checkout/dist/electron/utility.cjs', [], expect.objectContaining({ serviceName: 'Casebook backend' }));
    const init = fake.child.postMessage.mock.calls[0]![0] as { type: string; init: Record<string, unknown> };
    // No workspace named: the backend opens the most recent one, or the earlier default file, or none.
    expect(init).toMatchObject({ type: 'init', init: { demo: true, fallbackWorkspacePath: '/tmp/casebook-user-data/workspace.casebook.sqlite', workspacesDir: '/tmp/casebook-user-data/workspaces' } });
    expect(init.init).not.toHaveProperty('workspacePath');
  });

  it('relays backend events to the window on their own channel', async () => {
    await import('./main.js');
    await whenStarted();
    fake.child.emit('message', { type: 'event', event: 'messagesChanged', payload: { reason: 'import' } });
    fake.child.emit('message', { type: 'event', event: 'notAnEvent', payload: {} });
    const send = fake.windows[0]!.webContents.send;
    expect(send).toHaveBeenCalledWith('casebook:event:messagesChanged', { reason: 'import' });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('File › Import Messages… sends the window a menuCommand event', async () => {
    await import('./main.js');
    await whenStarted();
    type Item = { id?: string; click?: () => void; submenu?: Item[] };
    const template = Menu.buildFromTemplate.mock.calls.at(-1)![0] as Item[];
    const item = template.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.id === 'file.import');
    const send = fake.windows[0]!.webContents.send;
    send.mockClear();
    item!.click!();
    expect(send).toHaveBeenCalledWith('casebook:event:menuCommand', { command: 'import' });
  });

  it('File › New Workspace… sends the window a menuCommand event', async () => {
    await import('./main.js');
    await whenStarted();
    const send = fake.windows[0]!.webContents.send;
    send.mockClear();
    menuItem('file.newWorkspace').click!();
    expect(send).toHaveBeenCalledWith('casebook:event:menuCommand', { command: 'newWorkspace' });
  });

  it('File › Open Workspace… asks for a .casebook file with the native dialog and opens it in the backend; a refusal is shown', async () => {
    await import('./main.js');
    await whenStarted();
    fake.child.emit('message', { type: 'ready' });
    fake.child.postMessage.mockClear();
    menuItem('file.openWorkspace').click!();
    await vi.waitFor(() => expect(requests()).toHaveLength(1));
    const [win, options] = fake.electron.dialog.showOpenDialog.mock.calls.at(-1)!;
    expect(win).toBe(fake.windows[0]);
    expect(options).toMatchObject({ properties: ['openFile'], filters: [{ extensions: ['casebook'] }], defaultPath: '/tmp/casebook-user-data/workspaces' });
    const request = requests()[0]!;
    expect(request).toMatchObject({ method: 'openWorkspace', args: { path: '/home/u/triage.casebook' } });
    fake.child.emit('message', { type: 'response', id: request.id, ok: false, error: { code: 'bad_request', message: '/home/u/triage.casebook is not a Casebook workspace.' } });
    await vi.waitFor(() => expect(fake.electron.dialog.showMessageBox).toHaveBeenCalled());
    expect(fake.electron.dialog.showMessageBox.mock.calls.at(-1)![1]).toMatchObject({ type: 'error', detail: '/home/u/triage.casebook is not a Casebook workspace.' });
  });

  it('lists the recent workspaces in File › Open Recent as the backend reports them, and opens one', async () => {
    await import('./main.js');
    await whenStarted();
    fake.child.emit('message', { type: 'ready' });
    fake.child.emit('message', { type: 'settings-set', key: 'workspaces.recent', value: [{ path: '/tmp', name: 'Tmp', openedAt: '2026-01-01T00:00:00.000Z' }] });
    const entry = menuItem('file.openRecent').submenu![0]!;
    expect(entry).toMatchObject({ label: 'Tmp', enabled: true });
    fake.child.postMessage.mockClear();
    entry.click!();
    await vi.waitFor(() => expect(requests()).toHaveLength(1));
    expect(requests()[0]).toMatchObject({ method: 'openWorkspace', args: { path: '/tmp' } });
  });

  it('names the open workspace in the window title when the backend announces a switch', async () => {
    await import('./main.js');
    await whenStarted();
    fake.child.emit('message', { type: 'event', event: 'workspaceChanged', payload: { path: '/w/acme.casebook', name: 'Acme support' } });
    const win = fake.windows[0]! as unknown as { setTitle: ReturnType<typeof vi.fn> };
    expect(win.setTitle).toHaveBeenCalledWith('Acme support — Casebook');
    expect(fake.windows[0]!.webContents.send).toHaveBeenCalledWith('casebook:event:workspaceChanged', { path: '/w/acme.casebook', name: 'Acme support' });
  });

  it('quits when the last window closes (not on macOS), and stops the backend before quitting', async () => {
    await import('./main.js');
    await whenStarted();
    app.emit('window-all-closed');
    if (process.platform !== 'darwin') expect(app.quit).toHaveBeenCalled();
    app.quit.mockClear();
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(fake.child.postMessage).toHaveBeenCalledWith({ type: 'shutdown' });
    fake.child.emit('exit', 0);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
  });

  it('opens a window again on activate when none is open', async () => {
    await import('./main.js');
    await whenStarted();
    const count = fake.windows.length;
    fake.windows.length = 0;
    app.emit('activate');
    expect(fake.windows.length).toBe(1);
    expect(count).toBe(1);
  });
});
