// Trace imports on worker threads (issue 12's million lines): real workers, each with its own
// connection to a real workspace file, must store exactly what one thread stores — the same rows,
// the same hour counts, the same bad lines by number, duplicates skipped once — and a worker that
// cannot start or dies mid-import must lose nothing.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { SettingsRepository } from '../../services/workspace/settings.js';
import { tempWorkspaces, type TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { TraceStore } from '../../services/workspace/traceStore.js';
import type { Workspace } from '../../services/workspace/workspace.js';
import { importAhead, linePieces, readJsonl } from './chunks.js';
import { readContext, TraceSink } from './import.js';
import { TraceImportPool, type TraceImportPoolOptions } from './import-pool.js';
import { TraceFolderWatch } from './watch.js';

const schema: ExtractionSchema = {
  fields: [
    { name: 'issue_type', type: 'enum', values: ['bug', 'billing', 'account'], required: true },
    { name: 'urgency', type: 'enum', values: ['low', 'high'], required: true },
    { name: 'name', type: 'string', required: false },
  ],
} as unknown as ExtractionSchema;

/** A runtime trace log of `n` lines with every kind of line the import meets. */
function traceLog(n: number, seed = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const k = i + seed;
    if (k % 211 === 0) lines.push(`{"v":1,"time":"2026-03-02T10:00:00.000Z" broken ${k}`);
    else if (k % 307 === 0) lines.push('');
    else if (k % 401 === 0) lines.push(JSON.stringify({ v: 2, time: '2026-03-02T10:00:00.000Z' }));
    else {
      // Every 50th line repeats an earlier one (the same id): a duplicate, in this chunk or another.
      const id = k % 50 === 49 ? k - 40 : k;
      const drift = id % 7 === 0;
      lines.push(
        JSON.stringify({
          v: 1,
          time: new Date(Date.UTC(2026, 2, 1) + id * 97_000).toISOString(),
          service: 'svc',
          messageId: `req-${id}`,
          message: { subject: id % 3 ? 'Help' : null, text: `message ${id} ${'é'.repeat(id % 4)} about the card reader` },
          output: { issue_type: ['bug', 'billing', 'account'][id % 3], ...(drift ? {} : { urgency: id % 2 ? 'low' : 'high' }), name: id % 5 ? `Customer ${id}` : null },
          valid: !drift,
          errors: drift ? [{ path: '/priority', message: 'is not a field of the schema; dropped' }] : [],
          rulebook: { id: 'rb', version: id % 2 ? 3 : 4, hash: 'sha256:x' },
          provider: 'openai',
          model: id % 4 ? 'gpt-a' : 'gpt-b',
          latencyMs: 100 + (id % 300),
          cached: id % 9 === 0,
          rulesFired: id % 6 ? [] : ['r-1'],
          precedents: [{ id: `p-${id % 10}`, score: 0.5 }],
          promptHash: 'f'.repeat(64),
        }),
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** Everything an import stored, in an order that does not depend on which thread wrote first. */
function stored(ws: Workspace) {
  return {
    traces: ws.db
      .prepare(
        `SELECT id, source, received_at, hour, message, message_hash, output, valid, rulebook_id, rulebook_version, rulebook_hash, model, provider,
          service, latency_ms, cached, unknown_keys, detail, format, trace FROM traces ORDER BY source, id`,
      )
      .all(),
    buckets: ws.db.prepare('SELECT metric, field, hour, source, key, n FROM trace_buckets ORDER BY metric, field, hour, source, key').all(),
  };
}

const SMALL_CHUNK = 64 * 1024;

let t: TempWorkspaces;
const pools: TraceImportPool[] = [];
beforeEach(() => {
  t = tempWorkspaces();
});
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
  t.cleanup();
});

function pool(ws: Workspace, options: TraceImportPoolOptions = {}): { store: TraceStore; pool: TraceImportPool } {
  const store = new TraceStore(ws);
  const p = new TraceImportPool(store, { workers: 2, minWorkerChars: 0, database: { path: ws.path }, ...options });
  pools.push(p);
  return { store, pool: p };
}

async function importText(store: TraceStore, importer: TraceImportPool, content: string, source = 'log.jsonl') {
  const sink = new TraceSink(store, readContext(source, schema));
  await readJsonl(content, sink, importer, SMALL_CHUNK);
  return sink.result('casebook-trace');
}

describe('importing trace chunks on worker threads', () => {
  it('stores exactly what one thread stores: rows, hour counts, bad lines by number, duplicates', async () => {
    const content = traceLog(3_000);
    const one = t.open('one.casebook');
    const two = t.open('two.casebook');
    const inProcess = pool(one, { workers: 0 });
    const workers = pool(two);

    const a = await importText(inProcess.store, inProcess.pool, content);
    const b = await importText(workers.store, workers.pool, content);

    expect([...linePieces(content, SMALL_CHUNK)].length).toBeGreaterThan(6);
    expect(workers.pool.imported.worker).toBeGreaterThan(6);
    expect(workers.pool.failure).toBeNull();
    expect(inProcess.pool.imported.worker).toBe(0);
    expect(b).toEqual(a);
    expect(a.duplicates).toBeGreaterThan(0);
    expect(a.badCount).toBe(a.bad.length);
    expect(a.bad.map((x) => x.line)).toEqual([...a.bad.map((x) => x.line)].sort((x, y) => x - y));
    // Line numbers are the file's: line 1 is the first, a broken one (k % 211 === 0, k = line - 1).
    expect(a.bad[0]).toEqual({ line: 1, message: expect.stringMatching(/^not JSON/) });
    expect(a.bad.some((x) => x.message.startsWith('unknown trace format version 2'))).toBe(true);
    expect(stored(two)).toEqual(stored(one));
    // The hour counts are the traces' own: counted once each, duplicates not at all.
    const count = (sql: string) => two.db.prepare(sql).pluck().get();
    expect(count("SELECT sum(n) FROM trace_buckets WHERE metric = 'total'")).toBe(count('SELECT count(*) FROM traces'));
    expect(two.db.prepare(`SELECT key, sum(n) AS n FROM trace_buckets WHERE metric = 'field' AND field = 'issue_type' GROUP BY key ORDER BY key`).all()).toEqual(
      two.db.prepare(`SELECT coalesce(output -> '$.issue_type', 'null') AS key, count(*) AS n FROM traces GROUP BY key ORDER BY key`).all(),
    );
    // The key the runtime dropped is counted as an unknown key, by either path.
    const priority = two.db.prepare("SELECT sum(n) FROM trace_buckets WHERE metric = 'key' AND key = 'priority'").pluck().get();
    expect(priority).toBeGreaterThan(0);

    // Imported again through the workers: every good line a duplicate, no count moves.
    const again = await importText(workers.store, workers.pool, content);
    expect(again).toMatchObject({ imported: 0, duplicates: a.imported + a.duplicates });
    expect(stored(two)).toEqual(stored(one));
  });

  it('a chunk a worker cannot import fails the import with its reason, and the workers stay in use', async () => {
    const ws = t.open();
    const { store, pool: importer } = pool(ws, { workers: 1 });
    const file = join(t.dir, 'short.jsonl');
    writeFileSync(file, traceLog(10));
    const job = { file: { path: file, start: 0, end: 1_000_000 }, source: 'short.jsonl', schema, importedAt: '2026-03-01T00:00:00.000Z' };
    await expect(importer.importChunk(job)).rejects.toThrow(/short\.jsonl ended at byte \d+, before 1000000/);
    expect(importer.failure).toBeNull();
    const content = traceLog(300);
    const sink = new TraceSink(store, readContext('after.jsonl', schema));
    await readJsonl(content, sink, importer, SMALL_CHUNK / 4);
    expect(importer.imported.worker).toBeGreaterThan(0);
    expect(sink.result('casebook-trace').imported).toBeGreaterThan(0);
  });

  it('imports in-process, losing nothing, when a worker cannot start', async () => {
    const content = traceLog(1_500, 7);
    const one = t.open('one.casebook');
    const two = t.open('two.casebook');
    const inProcess = pool(one, { workers: 0 });
    const broken = pool(two, { script: () => ({ script: 'throw new Error("no worker today")', eval: true }) });

    const a = await importText(inProcess.store, inProcess.pool, content);
    const b = await importText(broken.store, broken.pool, content);
    expect(b).toEqual(a);
    expect(broken.pool.failure).toMatch(/no worker today/);
    expect(broken.pool.imported.worker).toBe(0);
    expect(stored(two)).toEqual(stored(one));
  });

  it('imports a chunk again in-process when its worker dies half-way through it (what it wrote is skipped as duplicates, counted once)', async () => {
    const content = traceLog(2_000, 3);
    const one = t.open('one.casebook');
    const two = t.open('two.casebook');
    const inProcess = pool(one, { workers: 0 });
    // A worker that writes the first half of its first chunk through the real import, then exits.
    const source = new URL('./import-worker.ts', import.meta.url).href;
    const dying = `
      const { parentPort } = require('node:worker_threads');
      const realOn = parentPort.on.bind(parentPort);
      parentPort.on = (event, handler) => realOn(event, (request) => {
        const text = request.job.text;
        const half = text.slice(0, text.indexOf('\\n', text.length >> 1) + 1);
        handler({ ...request, job: { ...request.job, text: half } });
        parentPort.postMessage = () => process.exit(3);
      });
      import(${JSON.stringify(new URL('../../../node_modules/tsx/dist/esm/api/index.mjs', import.meta.url).href)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}));
    `;
    const dies = pool(two, { workers: 1, script: () => ({ script: dying, eval: true }) });

    const a = await importText(inProcess.store, inProcess.pool, content);
    const b = await importText(dies.store, dies.pool, content);
    expect(dies.pool.failure).toMatch(/exit code 3/);
    expect(b.imported + b.duplicates).toBe(a.imported + a.duplicates);
    expect(b.duplicates).toBeGreaterThan(a.duplicates); // the half it wrote, met again in-process
    expect({ ...b, imported: 0, duplicates: 0 }).toEqual({ ...a, imported: 0, duplicates: 0 });
    expect(stored(two)).toEqual(stored(one));
  });

  it('imports in-process file chunks given at once one after another (each is read into the thread\'s one buffer)', async () => {
    const file = join(t.dir, 'big.jsonl');
    const content = traceLog(2_400);
    writeFileSync(file, content);
    const middle = Buffer.byteLength(content.slice(0, content.indexOf('\n', content.length >> 1) + 1));
    const size = Buffer.byteLength(content);
    const jobs = [
      { file: { path: file, start: 0, end: middle }, source: 'big.jsonl', schema, importedAt: '2026-03-01T00:00:00.000Z' },
      { file: { path: file, start: middle, end: size }, source: 'big.jsonl', schema, importedAt: '2026-03-01T00:00:00.000Z' },
    ];
    const one = t.open('one.casebook');
    const two = t.open('two.casebook');
    const sequential = pool(one, { workers: 0 });
    const together = pool(two, { workers: 0 });
    const a = [await sequential.pool.importChunk(jobs[0]!), await sequential.pool.importChunk(jobs[1]!)];
    // Both started before either ends: each parses for longer than a time slice, so each gives the event loop turns.
    const b = await Promise.all(jobs.map((job) => together.pool.importChunk(job)));
    expect(b).toEqual(a);
    expect(stored(two)).toEqual(stored(one));
  });

  it('accounts for the chunks read before a read fails, in order, then fails', async () => {
    const ws = t.open();
    const { pool: importer } = pool(ws);
    const content = traceLog(600);
    const pieces = [...linePieces(content, SMALL_CHUNK / 4)];
    expect(pieces.length).toBeGreaterThan(3);
    let given = 0;
    const accounted: number[] = [];
    await expect(
      importAhead(
        importer,
        '2026-03-01T00:00:00.000Z',
        () => {
          if (given === 3) throw new Error('EISDIR: illegal operation on a directory, read');
          return { job: { text: pieces[given]!, source: 'x.jsonl', schema }, meta: given++ };
        },
        (chunk, meta) => {
          accounted.push(meta);
          expect(chunk.lines).toBeGreaterThan(0);
        },
      ),
    ).rejects.toThrow(/EISDIR/);
    expect(accounted).toEqual([0, 1, 2]);
  });

  it('reads a watched folder through the workers as one thread does, a half-written last line left for later', async () => {
    const dir = join(t.dir, 'log');
    mkdirSync(dir);
    const first = traceLog(1_200, 11);
    const second = traceLog(900, 5_000);
    writeFileSync(join(dir, 'casebook-2026-03-01.0.jsonl'), first);
    // The last line only half written: 20 characters of it.
    const cut = second.lastIndexOf('\n', second.length - 2);
    writeFileSync(join(dir, 'casebook-2026-03-02.0.jsonl'), second.slice(0, cut + 20));

    const watchWith = async (ws: Workspace, options: TraceImportPoolOptions) => {
      const { store, pool: importer } = pool(ws, options);
      const progress: number[] = [];
      const watch = new TraceFolderWatch({
        store,
        settings: new SettingsRepository(ws),
        schema: () => schema,
        onImported: () => {},
        onProgress: (imported) => progress.push(imported),
        progressMs: 0,
        importer,
        chunkBytes: SMALL_CHUNK,
        pollMs: 3_600_000,
      });
      const state = await watch.setPath(dir);
      return { watch, state, importer, progress };
    };
    const one = t.open('one.casebook');
    const two = t.open('two.casebook');
    const a = await watchWith(one, { workers: 0 });
    const b = await watchWith(two, {});
    expect(b.importer.imported.worker).toBeGreaterThan(4);
    // A long scan tells how far it got, chunk by chunk, before it ends.
    expect(b.progress.length).toBeGreaterThan(4);
    expect(b.progress).toEqual([...b.progress].sort((x, y) => x - y));
    expect(b.progress.at(-1)).toBe(b.state.imported);
    expect(b.state).toEqual({ ...a.state, lastScanAt: b.state.lastScanAt });
    expect(b.state.files.map((f) => f.lines)).toEqual([1_200, 899]);
    expect(stored(two)).toEqual(stored(one));
    // The rest of the last line arrives: both read it, once.
    appendFileSync(join(dir, 'casebook-2026-03-02.0.jsonl'), second.slice(cut + 20));
    await a.watch.scan();
    await b.watch.scan();
    expect(b.watch.state()).toEqual({ ...a.watch.state(), lastScanAt: b.watch.state().lastScanAt });
    expect(b.watch.state().files.map((f) => f.lines)).toEqual([1_200, 900]);
    expect(stored(two)).toEqual(stored(one));
    a.watch.close();
    b.watch.close();
  });
});
