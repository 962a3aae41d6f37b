// The browser host put together (what `npm run web` runs, main.ts): the backend's session over the
// data directory and the HTTP host in front of it. Which workspace is open at start:
// - `workspace` given (--workspace FILE): that file, made with the demo unless `demo` is false;
// - otherwise the most recent workspace whose file is still there; on a first run (no list), the
//   file earlier versions made by default (DATA_DIR/workspace.casebook) if it is there;
// - otherwise none: the window shows the start screen.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ApiEventName, ApiEvents } from '../../shared/src/api/index.js';
import type { Backend } from '../backend/ports.js';
import { createBackend } from '../backend/service.js';
import { startWebHost, type WebHost } from './server.js';
import { confSettings, hostSecrets } from './stores.js';

export interface BrowserHostOptions {
  /** Settings (settings.json), the recent list, and new workspaces (`workspaces/`). */
  dataDir: string;
  /** --workspace FILE. */
  workspace?: string;
  /** Seed a new --workspace FILE with the demo. */
  demo: boolean;
  port?: number;
  rendererDir: string;
  resourcesDir: string;
  appVersion: string;
  /** The OpenAI-compatible provider's key (OPENAI_API_KEY), kept in memory only. */
  apiKey?: string;
  /** A fixed launch token (tests). */
  token?: string;
  log?: (line: string) => void;
}

export interface BrowserHost {
  host: WebHost;
  backend: Backend;
  /** The workspace open now, or null. */
  workspacePath(): Promise<string | null>;
  close(): Promise<void>;
}

/** Where earlier versions made the workspace when none was named. */
export const legacyWorkspacePath = (dataDir: string) => join(dataDir, 'workspace.casebook');

export async function startBrowserHost(o: BrowserHostOptions): Promise<BrowserHost> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const workspace = o.workspace ? resolve(o.workspace) : null;
  if (workspace) mkdirSync(dirname(workspace), { recursive: true });
  const events = new EventEmitter();
  const backend = await createBackend({
    workspacePath: workspace,
    openRecent: true,
    fallbackWorkspacePath: legacyWorkspacePath(dataDir),
    workspacesDir: join(dataDir, 'workspaces'),
    resourcesDir: o.resourcesDir,
    demo: o.demo,
    host: 'web',
    appVersion: o.appVersion,
    settings: confSettings(dataDir),
    secrets: hostSecrets(o.apiKey, join(dataDir, 'secrets')),
    emit: (event, payload) => events.emit('event', event, payload),
  });
  let host: WebHost;
  try {
    host = await startWebHost({
      handlers: backend.handlers,
      rendererDir: o.rendererDir,
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.token ? { token: o.token } : {}),
      subscribe: (listener) => {
        const l = (e: ApiEventName, p: ApiEvents[ApiEventName]) => listener(e, p);
        events.on('event', l);
        return () => events.off('event', l);
      },
      ...(o.log ? { log: o.log } : {}),
    });
  } catch (err) {
    backend.close();
    throw err;
  }
  // Only now, with the host answering, may a run left by a crash or a restart take up its work.
  backend.startBackgroundWork();
  return {
    host,
    backend,
    workspacePath: async () => (await backend.handlers.getAppInfo({})).workspacePath,
    close: async () => {
      await host.close();
      backend.close();
    },
  };
}
