// The native menu. Reload and developer tools exist only in development builds.
import type { MenuItemConstructorOptions } from 'electron';

/** A workspace of the recent list, as File › Open Recent shows it. */
export interface RecentMenuEntry {
  path: string;
  name: string;
  /** False when the file is gone: listed, but cannot be chosen. */
  exists: boolean;
}

export interface MenuOptions {
  appName: string;
  isDev: boolean;
  platform: NodeJS.Platform;
  onAbout: () => void;
  /** File › Import Messages…: main sends the window a `menuCommand` event. */
  onImport: () => void;
  /** File › New Workspace…: main sends the window a `menuCommand` event (the start screen). */
  onNewWorkspace: () => void;
  /** File › Open Workspace…: main shows the native open dialog. */
  onOpenWorkspace: () => void;
  /** File › Open Recent: the recent list, newest first. */
  recent?: readonly RecentMenuEntry[];
  onOpenRecent?: (path: string) => void;
}

/** Entries shown in File › Open Recent. */
export const MAX_RECENT_MENU = 10;

/**
 * The recent list as the backend keeps it in the settings (`{path, name, openedAt}`, newest first),
 * read defensively: the settings file is the person's to edit.
 */
export function recentMenuEntries(raw: unknown, exists: (path: string) => boolean): RecentMenuEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is { path: string; name: string } => !!e && typeof e === 'object' && typeof e.path === 'string' && e.path !== '' && typeof e.name === 'string')
    .slice(0, MAX_RECENT_MENU)
    .map((e) => ({ path: e.path, name: e.name, exists: exists(e.path) }));
}

function openRecentMenu(options: MenuOptions): MenuItemConstructorOptions[] {
  const recent = options.recent ?? [];
  if (recent.length === 0) return [{ label: 'No Recent Workspaces', enabled: false }];
  return recent.map((r, i) => ({
    id: `file.openRecent.${i}`,
    // `&` would be taken for a mnemonic on Windows and Linux.
    label: `${(r.name || r.path).replaceAll('&', '&&')}${r.exists ? '' : ' (missing)'}`,
    toolTip: r.path,
    enabled: r.exists,
    click: () => options.onOpenRecent?.(r.path),
  }));
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        { label: `About ${options.appName}`, click: options.onAbout },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }

  template.push({
    label: '&File',
    submenu: [
      { id: 'file.newWorkspace', label: 'New Workspace…', accelerator: 'CmdOrCtrl+N', click: () => options.onNewWorkspace() },
      { id: 'file.openWorkspace', label: 'Open Workspace…', accelerator: 'CmdOrCtrl+Shift+O', click: () => options.onOpenWorkspace() },
      { id: 'file.openRecent', label: 'Open Recent', submenu: openRecentMenu(options) },
      { type: 'separator' },
      { id: 'file.import', label: 'Import Messages…', accelerator: 'CmdOrCtrl+O', click: () => options.onImport() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', accelerator: 'Ctrl+Q' },
    ],
  });

  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });

  const view: MenuItemConstructorOptions[] = [];
  if (options.isDev) {
    view.push({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  }
  view.push({ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' });
  template.push({ label: '&View', submenu: view });

  template.push({
    label: '&Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });

  template.push({
    label: '&Help',
    role: 'help',
    submenu: [{ id: 'help.about', label: `About ${options.appName}`, click: options.onAbout }],
  });

  return template;
}
