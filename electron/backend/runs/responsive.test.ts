// A long run with the embedded provider must not starve the host (issue 7): during a run over
// 30,000 messages the browser host answers calls within 100 ms, a cancel takes effect within a
// second, and after a restart the host listens before the interrupted run takes up its work.
// Everything is real: the backend over a SQLite file, the browser host over HTTP.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiArgs, ApiMethod, ApiResults, RunRecord } from '../../../shared/src/api/index.js';
import { startWebHost, type WebHost } from '../../web-host/server.js';
import type { Backend, BackendOptions } from '../ports.js';
import { createBackend } from '../service.js';
import { backendOptions, memorySettings, tempFolder, type TempFolder } from '../test-support.js';

const MESSAGES = 30_000;

let folder: TempFolder;
let dir: string;
let path: string;
/** The host's settings, kept across a restart as the host keeps them. */
const settings = memorySettings();
let backend: Backend | null = null;
let host: WebHost | null = null;

const options = (): BackendOptions => backendOptions(path, { settings, emit: () => undefined });

/** One API call over HTTP, as the window makes it; resolves with the result and how long it took. */
function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<{ result: ApiResults[M]; ms: number }> {
  const h = host!;
  const body = JSON.stringify(args);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: h.port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { host: `127.0.0.1:${h.port}`, authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const reply = JSON.parse(text) as { ok: boolean; result: ApiResults[M]; error?: unknown };
          if (!reply.ok) reject(new Error(`${method}: ${JSON.stringify(reply.error)}`));
          else resolve({ result: reply.result, ms });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function open(): Promise<void> {
  backend = await createBackend(options());
  host = await startWebHost({ handlers: backend.handlers, rendererDir: dir, token: 'responsive-token' });
  backend.startBackgroundWork();
}
async function shut(): Promise<void> {
  await host?.close();
  backend?.close(); // as a quit or a crash: a run in progress stays `running`
  host = null;
  backend = null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await pause(20);
  }
}
const run = async (id: string): Promise<RunRecord> => (await call('getRun', { runId: id })).result;

beforeAll(async () => {
  folder = tempFolder('casebook-responsive-');
  dir = folder.dir;
  path = folder.path('workspace.casebook');
  await open();
  const lines = Array.from({ length: MESSAGES }, (_, i) =>
    JSON.stringify({ id: `bulk-${i}`, text: `Ticket ${i}: my order TW-${100000 + i} has not arrived and I am ${i % 3 ? 'upset' : 'waiting'}. Can you refund it? - Customer ${i}` }),
  );
  const imported = await call('importMessages', { file: { name: 'bulk.jsonl', content: lines.join('\n') } });
  expect(imported.result.inserted).toBe(MESSAGES);
}, 120_000);
afterAll(async () => {
  await shut();
  folder.cleanup();
});

describe('a long embedded run and the host', () => {
  let runId = '';

  it('answers every call within 100 ms while the run works, and stops within a second of a cancel', async () => {
    runId = (await call('startRun', { selection: { all: true } })).result.id;
    await until(() => run(runId), (r) => r.done >= 500, 'the run to get going');

    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      latencies.push((await call('getCounts', {})).ms);
      latencies.push((await call('listMessages', { limit: 50 })).ms);
      await pause(10);
    }
    const during = await run(runId);
    expect(during.status).toBe('running');
    expect(during.done).toBeLessThan(during.total); // measured while the run was working
    expect(Math.max(...latencies), `latencies: ${latencies.map((l) => l.toFixed(0)).join(' ')}`).toBeLessThan(100);

    const cancelled = (await call('cancelRun', { runId })).result;
    expect(cancelled.status).toBe('cancelled');
    await pause(1000);
    const settled = await run(runId);
    await pause(500);
    // Nothing was extracted after the first second: the run has stopped.
    expect((await run(runId)).done).toBe(settled.done);
    expect(settled.done).toBeLessThan(settled.total);
  }, 60_000);

  it('after a restart, listens first and only then resumes the interrupted run', async () => {
    const resumed = (await call('resumeRun', { runId })).result;
    expect(resumed.status === 'running' || resumed.status === 'queued').toBe(true);
    const before = await until(() => run(runId), (r) => r.done > 0, 'the run to work again');
    await shut(); // the run is left `running`, as a crash leaves it

    backend = await createBackend(options());
    // Created, not yet serving: nothing has resumed.
    const idle = (await (backend.handlers.getRun as (a: { runId: string }) => Promise<RunRecord>)({ runId }));
    expect(idle.status).toBe('running');
    expect(idle.done).toBeGreaterThanOrEqual(before.done);
    host = await startWebHost({ handlers: backend.handlers, rendererDir: dir, token: 'responsive-token' });
    backend.startBackgroundWork();
    const first = await call('getCounts', {});
    expect(first.ms).toBeLessThan(100);
    const going = await until(() => run(runId), (r) => r.done > idle.done, 'the resumed run to extract');
    expect(going.status).toBe('running');
    expect((await call('getCounts', {})).ms).toBeLessThan(100);
    await call('cancelRun', { runId });
  }, 60_000);
});
