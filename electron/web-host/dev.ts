// The real backend and browser host behind `npm run dev:renderer` (loaded by vite.config.ts): the same
// pieces as `npm run web` (browser-host.ts), on 127.0.0.1 with a port of its own, a dev data directory
// and the demo workspace open at start (others can be made and opened from the window). The Vite dev
// server proxies /api to it; the window carries the host's token.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { legacyWorkspacePath, startBrowserHost } from './browser-host.js';

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
  const workspacePath = legacyWorkspacePath(dataDir);
  const appVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const running = await startBrowserHost({
    dataDir,
    workspace: workspacePath,
    demo: true,
    // The dev server serves the window; the host answers /api only (and has no build to serve).
    rendererDir: join(ROOT, 'dist', 'renderer'),
    resourcesDir: join(ROOT, 'resources'),
    appVersion,
    ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { origin: running.host.origin, token: running.host.token, workspacePath, close: () => running.close() };
}
