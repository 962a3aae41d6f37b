/// <reference types="vite/client" />
import type { CasebookApi } from './api/contract';

declare global {
  /** True in builds and dev servers that run on the in-memory mock API (see vite.config.ts). */
  const __CASEBOOK_MOCK__: boolean;
  interface Window {
    /** The Electron preload bridge: exactly the typed API, nothing else. */
    casebook?: CasebookApi;
  }
}
