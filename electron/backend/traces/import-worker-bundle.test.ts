// The trace import worker as the app ships it: electron/build.mjs bundles it beside utility.cjs,
// and the bundle, run as a worker thread under plain Node, must import what the source imports.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempWorkspaces, type TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { TraceStore } from '../../services/workspace/traceStore.js';
import { readJsonl } from './chunks.js';
import { readContext, TraceSink } from './import.js';
import { TraceImportPool } from './import-pool.js';

let t: TempWorkspaces;
let out: string;
let bundle: string;
beforeAll(() => {
  t = tempWorkspaces();
  // Inside the checkout, as dist/electron is: the bundle finds better-sqlite3 in its node_modules.
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  mkdirSync(join(root, 'dist'), { recursive: true });
  out = mkdtempSync(join(root, 'dist', 'bundle-test-'));
  execFileSync(process.execPath, [join(root, 'electron/build.mjs'), '--outdir', out], { cwd: root, stdio: 'pipe' });
  bundle = join(out, 'trace-import-worker.cjs');
}, 120_000);
afterAll(() => {
  t?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

it('is built beside utility.cjs and imports chunks on a worker thread', async () => {
  expect(existsSync(join(out, 'utility.cjs'))).toBe(true);
  expect(existsSync(bundle)).toBe(true);
  const ws = t.open();
  const store = new TraceStore(ws);
  const pool = new TraceImportPool(store, { workers: 1, minWorkerChars: 0, database: { path: ws.path }, script: () => ({ script: pathToFileURL(bundle), eval: false }) });
  try {
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({ text: `message ${i}`, output: { issue_type: i % 2 ? 'bug' : 'billing' }, time: new Date(Date.UTC(2026, 2, 2) + i * 60_000).toISOString(), id: `m${i}`, valid: true }),
    );
    const sink = new TraceSink(store, readContext('bundle.jsonl', null));
    await readJsonl(lines.join('\n') + '\n', sink, pool, 8 * 1024);
    expect(pool.failure).toBeNull();
    expect(pool.imported.worker).toBeGreaterThan(3);
    expect(sink.result('minimal-jsonl')).toMatchObject({ imported: 500, duplicates: 0, badCount: 0 });
    expect(ws.db.prepare('SELECT count(*) FROM traces').pluck().get()).toBe(500);
  } finally {
    pool.close();
  }
});
