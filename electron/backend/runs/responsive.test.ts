// A long run with the embedded provider must not starve the host (issue 7): during a run over
// 30,000 messages the browser host answers calls between the run's time slices, a cancel takes
// effect within a second, and after a restart the host listens before the interrupted run takes up
// its work. Everything is real: the backend over a SQLite file, the browser host over HTTP.
//
// Responsiveness is asserted in messages, not milliseconds: while calls are answered, the run may
// extract only a few slices' worth of messages (a run that held the event loop would extract
// thousands meanwhile). A slow or busy machine slows the run and the calls alike, so this holds on
// any machine; how many milliseconds a call waits is measured by `npm run bench` (runs/bench.ts).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiArgs, ApiMethod, ApiResults, RunRecord } from '../../../shared/src/api/index.js';
import { startWebHost, type WebHost } from '../../web-host/server.js';
import type { Backend, BackendOptions } from '../ports.js';
import { createBackend } from '../service.js';
import { backendOptions, memorySettings, tempFolder, type TempFolder } from '../test-support.js';

const MESSAGES = 30_000;
/**
 * Most messages the run may extract while a few calls are answered: a call waits at most for the
 * slice under way (~50 messages at the embedded provider's rate), so a handful of slices.
 */
const MOST_PER_CALLS = 400;

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

  it('answers calls between the run\'s slices while it works (a few slices of messages meanwhile), and stops within a second of a cancel', async () => {
    runId = (await call('startRun', { selection: { all: true } })).result.id;
    await until(() => run(runId), (r) => r.done >= 500, 'the run to get going');

    // How many messages the run extracted while getCounts and listMessages were answered.
    const extractedMeanwhile: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = (await run(runId)).done;
      await call('getCounts', {});
      await call('listMessages', { limit: 50 });
      extractedMeanwhile.push((await run(runId)).done - before);
      await pause(10);
    }
    const during = await run(runId);
    expect(during.status).toBe('running');
    expect(during.done).toBeLessThan(during.total); // measured while the run was working
    // The run went on while the calls were answered, and the calls did not wait for it.
    expect(extractedMeanwhile.some((n) => n > 0), `extracted meanwhile: ${extractedMeanwhile.join(' ')}`).toBe(true);
    expect(Math.max(...extractedMeanwhile), `extracted meanwhile: ${extractedMeanwhile.join(' ')}`).toBeLessThan(MOST_PER_CALLS);

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
    // The first call is answered before the resumed run has done more than a few slices.
    await call('getCounts', {});
    const first = await run(runId);
    expect(first.done - idle.done).toBeLessThan(MOST_PER_CALLS);
    const going = await until(() => run(runId), (r) => r.done > idle.done, 'the resumed run to extract');
    expect(going.status).toBe('running');
    await call('getCounts', {});
    expect((await run(runId)).done - going.done).toBeLessThan(MOST_PER_CALLS);
    await call('cancelRun', { runId });
  }, 60_000);
});
