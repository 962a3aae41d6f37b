// Binds the gate to Electron's ipcMain: one `ipcMain.handle` per API method, nothing else. The
// sender check compares the calling frame with the main frame of the one app window.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import type { ApiMethod } from '../../shared/src/api/index.js';
import { apiChannel } from './channels.js';
import { createIpcGate } from './gate.js';
import type { IpcGate } from './gate.js';

type FrameLike = Pick<WebFrameMain, 'processId' | 'routingId' | 'parent' | 'url'>;

/** True when `frame` is the top-level frame of `win`'s page. */
export function isMainFrameOf(win: BrowserWindow | null, frame: FrameLike): boolean {
  if (!win || win.isDestroyed()) return false;
  const main = win.webContents.mainFrame;
  return frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId;
}

export interface BindOptions {
  appOrigin: string;
  getWindow: () => BrowserWindow | null;
  call: (method: ApiMethod, args: unknown) => Promise<unknown>;
  log?: (message: string, detail?: unknown) => void;
}

/** Registers the handlers; returns a function that removes them. */
export function bindApiHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: BindOptions): () => void {
  const gate: IpcGate<FrameLike> = createIpcGate<FrameLike>({
    appOrigin: options.appOrigin,
    isMainFrame: (frame) => isMainFrameOf(options.getWindow(), frame),
    call: options.call,
    ...(options.log ? { log: options.log } : {}),
  });
  for (const method of gate.methods) {
    ipcMain.handle(apiChannel(method), (event: IpcMainInvokeEvent, rawArgs: unknown) => {
      const win = options.getWindow();
      // A message from another webContents (a devtools extension, a stray view) never gets in.
      const frame = win && !win.isDestroyed() && event.sender === win.webContents ? event.senderFrame : null;
      return gate.handle(method, { frame, url: frame?.url }, rawArgs);
    });
  }
  return () => {
    for (const method of gate.methods) ipcMain.removeHandler(apiChannel(method));
  };
}
