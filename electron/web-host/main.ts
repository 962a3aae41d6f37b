// `npm run web [-- --port N --workspace FILE --no-demo --data-dir DIR]`: the browser host. Prints
// the URL to open, which carries the per-launch token.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserHost } from './browser-host.js';

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
  --workspace FILE   open this workspace file (made, with the demo, when missing); without it the
                     most recent workspace opens, or on a first run the window offers the ways to start
  --no-demo          make a new --workspace FILE empty instead of with the demo
  --data-dir DIR     settings, the recent list and new workspaces (DIR/workspaces)
                     (default: $CASEBOOK_HOME or ~/.casebook)
The OpenAI-compatible provider's key is read from OPENAI_API_KEY.`);
  process.exit(0);
}

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port expects a port number, got "${values.port}"`);
  process.exit(2);
}
const dataDir = resolve(values['data-dir'] ?? process.env.CASEBOOK_HOME ?? join(homedir(), '.casebook'));
const appVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

try {
  const running = await startBrowserHost({
    dataDir,
    ...(values.workspace ? { workspace: values.workspace } : {}),
    demo: !values['no-demo'],
    port,
    rendererDir: join(ROOT, 'dist', 'renderer'),
    resourcesDir: join(ROOT, 'resources'),
    appVersion,
    ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}),
    log: (line) => console.error(line),
  });
  console.log(`Casebook is running at ${running.host.url}`);
  const workspace = await running.workspacePath();
  console.log(workspace ? `workspace: ${workspace}` : 'no workspace open yet: the window offers the ways to start one');
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(`casebook web: ${(err as Error).message}`);
  process.exit(1);
}
