// The Electron main process: app lifecycle, the one window, the app protocol, the security guards,
// the menu, and the IPC gate in front of the backend's utility process. Bundled by
// electron/build.mjs to dist/electron/main.cjs; `npm start` (electron/launch.mjs) runs it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import Store from 'electron-store';
import { parseApiArgs, type ApiEventName, type ApiEvents } from '../../shared/src/api/index.js';
import { RECENT_WORKSPACES_SETTING } from '../backend/utility-protocol.js';
import { BackendProcess } from './backend-process.js';
import { eventChannel } from './channels.js';
import { bindApiHandlers } from './ipc.js';
import { buildMenuTemplate, recentMenuEntries } from './menu.js';
import { APP_ORIGIN } from './origin.js';
import { resolveAppPaths } from './paths.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { denyAllPermissions, enforceCsp, installAppGuards } from './security.js';
import { createSafeStorageSecretStore, settingsFromStore } from './stores.js';
import type { KeyValueStore } from './stores.js';
import { createMainWindow, windowTitle } from './window.js';

const APP_NAME = 'Casebook';

function log(message: string, detail?: unknown): void {
  if (detail === undefined) console.error(message);
  else console.error(message, detail);
}

// --- Before the app is ready -------------------------------------------------------------------
app.setName(APP_NAME);
if (process.env.CASEBOOK_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.CASEBOOK_USER_DATA_DIR));
app.enableSandbox();
registerAppScheme(protocol);
installAppGuards(app, shell, { appOrigin: APP_ORIGIN, log });

const isDev = !app.isPackaged || process.env.CASEBOOK_DEV === '1';
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log('casebook: could not start', error);
      app.exit(1);
    });
}

function start(): void {
  const paths = resolveAppPaths({
    appDir: app.getAppPath(),
    userDataDir: app.getPath('userData'),
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    env: process.env,
    argv: process.argv,
    electronVersion: process.versions.electron ?? '',
    platform: process.platform,
    arch: process.arch,
    exists: existsSync,
  });
  if (!paths.nativeBinding && !app.isPackaged) {
    log('casebook: no better-sqlite3 build for this Electron version in .electron-native/ (run `npm run electron:native`)');
  }

  const defaultSession = session.defaultSession;
  denyAllPermissions(defaultSession);
  enforceCsp(defaultSession);
  serveRenderer(protocol, paths.rendererDir);

  const store = settingsFromStore(new Store<Record<string, unknown>>({ name: 'settings' }) as unknown as KeyValueStore);
  // The backend reports every setting it changes; a change of the recent workspaces rebuilds the menu.
  const settings: typeof store = {
    ...store,
    set: (key, value) => {
      store.set(key, value);
      if (key === RECENT_WORKSPACES_SETTING) setMenu();
    },
  };
  const secrets = createSafeStorageSecretStore(new Store<Record<string, unknown>>({ name: 'secrets' }) as unknown as KeyValueStore, safeStorage, log);
  // electron-store answers a synchronous IPC query meant for its renderer mode; nothing of ours uses it.
  ipcMain.removeAllListeners('electron-store-get-data');

  const sendEvent = (event: ApiEventName, payload: unknown) => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    // The title names the open workspace (the window sets it too, as its page title).
    if (event === 'workspaceChanged') mainWindow.setTitle(windowTitle((payload as ApiEvents['workspaceChanged']).name));
    mainWindow.webContents.send(eventChannel(event), payload);
  };
  const backend = new BackendProcess({
    fork: () => utilityProcess.fork(paths.utility, [], { serviceName: `${APP_NAME} backend`, stdio: 'inherit' }),
    init: () => ({
      ...(paths.workspacePath ? { workspacePath: paths.workspacePath } : {}),
      fallbackWorkspacePath: paths.fallbackWorkspacePath,
      workspacesDir: paths.workspacesDir,
      resourcesDir: paths.resourcesDir,
      demo: paths.demo,
      appVersion: app.getVersion(),
      ...(paths.nativeBinding ? { nativeBinding: paths.nativeBinding } : {}),
    }),
    settings,
    secrets,
    onEvent: sendEvent,
    log,
  });
  let stopped = false;
  backend.start().catch((error: unknown) => {
    if (!stopped) log('casebook: the backend did not start', error);
  });

  bindApiHandlers(ipcMain, { appOrigin: APP_ORIGIN, getWindow: () => mainWindow, call: (method, args) => backend.call(method, args), log });

  app.setAboutPanelOptions({
    applicationName: APP_NAME,
    applicationVersion: app.getVersion(),
    version: `Electron ${process.versions.electron ?? ''}`,
    copyright: 'MIT License',
    ...(paths.icon ? { iconPath: paths.icon } : {}),
  });
  /** Opens a workspace file in the backend; the backend announces the switch, and the window reloads. */
  const openWorkspaceAt = async (file: string) => {
    try {
      await backend.call('openWorkspace', parseApiArgs('openWorkspace', { path: file }));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const options = { type: 'error' as const, message: 'Casebook cannot open this workspace', detail };
      await (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
    }
  };
  const chooseWorkspace = async () => {
    const options = {
      title: 'Open Workspace',
      defaultPath: paths.workspacesDir,
      properties: ['openFile' as const],
      filters: [{ name: 'Casebook workspaces', extensions: ['casebook'] }],
    };
    const chosen = await (mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options));
    const file = chosen.canceled ? undefined : chosen.filePaths[0];
    if (file) await openWorkspaceAt(file);
  };
  function setMenu(): void {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          appName: APP_NAME,
          isDev,
          platform: process.platform,
          onAbout: () => app.showAboutPanel(),
          onImport: () => sendEvent('menuCommand', { command: 'import' } satisfies ApiEvents['menuCommand']),
          onNewWorkspace: () => sendEvent('menuCommand', { command: 'newWorkspace' } satisfies ApiEvents['menuCommand']),
          onOpenWorkspace: () => void chooseWorkspace(),
          recent: recentMenuEntries(store.get(RECENT_WORKSPACES_SETTING), existsSync),
          onOpenRecent: (file) => void openWorkspaceAt(file),
        }),
      ),
    );
  }
  setMenu();

  const openWindow = () => {
    mainWindow = createMainWindow(
      BrowserWindow,
      { preloadPath: paths.preload, dark: nativeTheme.shouldUseDarkColors, ...(paths.icon ? { iconPath: paths.icon } : {}) },
      log,
    );
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  };
  openWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    backend.stop().finally(() => app.quit());
  });
}
