// The preload of the app window (sandboxed: bundled to one file, dist/electron/preload.cjs).
// It exposes exactly the typed API as `window.casebook`.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './api.js';

contextBridge.exposeInMainWorld('casebook', createPreloadApi(ipcRenderer));
