// The real backend and browser host behind `npm run dev:renderer` (loaded by vite.config.ts): the same
// pieces as `npm run web` (main.ts), on 127.0.0.1 with a port of its own, a dev data directory and
// the demo workspace. The Vite dev server proxies /api to it; the window carries the host's token.
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApiEventName, ApiEvents } from '../../shared/src/api/index.js';
import { createBackend } from '../backend/service.js';
import { startWebHost } from './server.js';
import { confSettings, memorySecrets } from './stores.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface DevHost {
  /** `http://127.0.0.1:PORT`, where /api is answered. */
  origin: string;
  /** The per-launch token the window must send. */
  token: string;
  workspacePath: string;
  close(): Promise<void>;
}

/** Starts a backend over `dataDir/workspace.casebook` (created with the demo when missing) and a browser host for it. */
export async function startDevHost(opts: { dataDir: string; log?: (line: string) => void }): Promise<DevHost> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const workspacePath = join(dataDir, 'workspace.casebook');
  const events = new EventEmitter();
  const appVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const backend = await createBackend({
    workspacePath,
    resourcesDir: join(ROOT, 'resources'),
    demo: true,
    host: 'web',
    appVersion,
    settings: confSettings(dataDir),
    secrets: memorySecrets(process.env.OPENAI_API_KEY),
    emit: (event, payload) => events.emit('event', event, payload),
  });
  try {
    const host = await startWebHost({
      handlers: backend.handlers,
      // The dev server serves the window; the host answers /api only (and has no build to serve).
      rendererDir: join(ROOT, 'dist', 'renderer'),
      subscribe: (listener) => {
        const l = (e: ApiEventName, p: ApiEvents[ApiEventName]) => listener(e, p);
        events.on('event', l);
        return () => events.off('event', l);
      },
      log: opts.log,
    });
    // As the browser host does once it answers calls.
    backend.startBackgroundWork();
    return {
      origin: host.origin,
      token: host.token,
      workspacePath,
      close: async () => {
        await host.close();
        backend.close();
      },
    };
  } catch (err) {
    backend.close();
    throw err;
  }
}
