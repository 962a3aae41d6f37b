// `npm run web [-- --port N --workspace FILE --no-demo]`: the browser host. Prints the URL to open,
// which carries the per-launch token.
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ApiEventName, ApiEvents } from '../../shared/src/api/index.js';
import { createBackend } from '../backend/service.js';
import { startWebHost } from './server.js';
import { confSettings, memorySecrets } from './stores.js';

const ROOT = resolve(import.meta.dirname, '../..');

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    workspace: { type: 'string' },
    'no-demo': { type: 'boolean' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  console.log(`npm run web -- [--port N] [--workspace FILE] [--no-demo] [--data-dir DIR]

Starts Casebook's browser host on 127.0.0.1 and prints the URL to open (with its per-launch token).
  --workspace FILE   the workspace's SQLite file (default: DATA_DIR/workspace.casebook)
  --no-demo          start a new workspace empty instead of with the demo
  --data-dir DIR     where settings and the default workspace live (default: $CASEBOOK_HOME or ~/.casebook)
The OpenAI-compatible provider's key is read from OPENAI_API_KEY.`);
  process.exit(0);
}

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port expects a port number, got "${values.port}"`);
  process.exit(2);
}
const dataDir = resolve(values['data-dir'] ?? process.env.CASEBOOK_HOME ?? join(homedir(), '.casebook'));
const workspacePath = resolve(values.workspace ?? join(dataDir, 'workspace.casebook'));
mkdirSync(dataDir, { recursive: true });
mkdirSync(dirname(workspacePath), { recursive: true });

const events = new EventEmitter();
const appVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

try {
  const backend = await createBackend({
    workspacePath,
    resourcesDir: join(ROOT, 'resources'),
    demo: !values['no-demo'],
    host: 'web',
    appVersion,
    settings: confSettings(dataDir),
    secrets: memorySecrets(process.env.OPENAI_API_KEY),
    emit: (event, payload) => events.emit('event', event, payload),
  });
  const host = await startWebHost({
    handlers: backend.handlers,
    rendererDir: join(ROOT, 'dist', 'renderer'),
    port,
    subscribe: (listener) => {
      const l = (e: ApiEventName, p: ApiEvents[ApiEventName]) => listener(e, p);
      events.on('event', l);
      return () => events.off('event', l);
    },
    log: (line) => console.error(line),
  });
  // Only now, with the host answering, may a run left by a crash or a restart take up its work.
  backend.startBackgroundWork();
  console.log(`Casebook is running at ${host.url}`);
  console.log(`workspace: ${workspacePath}`);
  const stop = () => {
    void host.close().then(() => {
      backend.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(`casebook web: ${(err as Error).message}`);
  process.exit(1);
}
