// The one application window. Its web preferences are the security baseline of the app: an
// isolated, sandboxed renderer without Node, with the bundled preload as its only bridge.
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_ENTRY_URL } from './origin.js';

export interface WindowOptionsInput {
  preloadPath: string;
  dark: boolean;
  iconPath?: string;
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Casebook',
    show: false,
    backgroundColor: input.dark ? '#16181d' : '#ffffff',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
      safeDialogs: true,
    },
  };
}

/** The window's title: the open workspace's name, then the app's. */
export function windowTitle(workspaceName: string | null): string {
  return workspaceName ? `${workspaceName} — Casebook` : 'Casebook';
}

type WindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** Creates the window, shows it once the first paint is ready, and loads the app's entry page. */
export function createMainWindow(BrowserWindowCtor: WindowConstructor, input: WindowOptionsInput, log: (message: string) => void = () => undefined): BrowserWindow {
  const win = new BrowserWindowCtor(mainWindowOptions(input));
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', (_event, code, description, url) => log(`casebook: failed to load ${url}: ${code} ${description}`));
  win.webContents.on('render-process-gone', (_event, details) => log(`casebook: renderer gone: ${details.reason}`));
  win.loadURL(APP_ENTRY_URL).catch((error: unknown) => log(`casebook: could not load the app: ${String(error)}`));
  return win;
}
