// Entry of the backend's Electron utility process (bundled to dist/electron/utility.cjs and forked
// by electron/main/backend-process.ts). Plain Node: it never imports `electron`; Electron gives a
// utility process `process.parentPort`, the private channel to the main process.
import { createBackend } from './service.js';
import { serveBackend } from './utility-host.js';
import type { ParentPortLike } from './utility-host.js';

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!port) {
  console.error('utility-entry must run as an Electron utility process');
  process.exit(1);
}
serveBackend(port, createBackend, { exit: (code) => process.exit(code) });
