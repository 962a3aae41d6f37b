/// <reference types="vite/client" />
import type { CasebookApi } from './api/contract';

declare global {
  interface Window {
    /** The Electron preload bridge: exactly the typed API, nothing else. */
    casebook?: CasebookApi;
  }
}
