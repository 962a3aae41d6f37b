// Runs through createBackend over real workspace files (temp dirs), with the embedded provider and
// with the scripted OpenAI-compatible server: progress, filters and ids, cancel and resume, a
// restart in the middle of a run, per-message errors and their retry, auth failures, the
// persistent response cache, the concurrency limit and the rate limit.
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiEvents, RunRecord } from '../../../shared/src/api/index.js';
import { defaultAnswer } from '../../../shared/testkit/answer.js';
import { startScriptedServer, type ChatRequestBody, type ParsedMessage, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { openWorkspace, repositories } from '../../services/workspace/index.js';
import type { Backend } from '../ports.js';
import { createBackend, PROVIDER_SETTING } from '../service.js';
import {
  apiFailure as failure,
  backendOptions,
  call,
  demoId as idOf,
  demoRows,
  demoWorkspaces,
  type DemoWorkspaces,
  type Events,
  type TestOptions as Options,
  type TestOptionsOver,
} from '../test-support.js';
import { RUN_SETTING } from './service.js';

let demo: DemoWorkspaces;
let server: ScriptedServer;
const open: Backend[] = [];

beforeAll(async () => {
  server = await startScriptedServer();
  // One demo workspace, seeded and extracted once, copied for each test.
  demo = await demoWorkspaces('casebook-runs-');
}, 60_000);
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  server.reset();
});
afterAll(async () => {
  await server.close();
  demo.cleanup();
});

const options = (workspacePath: string, over: TestOptionsOver = {}): Options => backendOptions(workspacePath, { appVersion: '9.9.9-test', ...over });

/** A fresh copy of the demo workspace and a backend over it. */
async function demoBackend(over: TestOptionsOver = {}): Promise<{ backend: Backend; opts: Options; path: string }> {
  const path = demo.copy();
  const opts = options(path, over);
  const backend = await createBackend(opts);
  open.push(backend);
  return { backend, opts, path };
}

/** The draft's provider switched to the scripted server; short retries so failures are quick. */
async function useServer(backend: Backend, opts: Options, extra: Record<string, number> = {}): Promise<void> {
  await call(backend, 'updateSettings', { baseURL: server.url });
  await call(backend, 'updateDraft', { settings: { provider: 'openai', model: 'casebook-test-1' } });
  opts.settings.set(PROVIDER_SETTING.maxRetries, 0);
  opts.settings.set(PROVIDER_SETTING.timeoutMs, 10_000);
  for (const [k, v] of Object.entries(extra)) opts.settings.set(k, v);
}

const progress = (events: Events, runId: string) =>
  events.filter(([e, p]) => e === 'runProgress' && (p as ApiEvents['runProgress']).runId === runId).map(([, p]) => p as ApiEvents['runProgress']);
const ended = (events: Events, runId: string) =>
  events.some(([e, p]) => e === 'messagesChanged' && (p as ApiEvents['messagesChanged']).reason.startsWith(`run ${runId} `));

/** Waits until the run's execution has ended (its messagesChanged event), however it ended. */
async function settle(events: Events, runId: string, timeout = 30_000): Promise<void> {
  await vi.waitFor(() => expect(ended(events, runId)).toBe(true), { timeout, interval: 10 });
}
async function waitFor(backend: Backend, runId: string, status: RunRecord['status'], timeout = 30_000): Promise<RunRecord> {
  let run: RunRecord | undefined;
  await vi.waitFor(
    async () => {
      run = await call(backend, 'getRun', { runId });
      expect(run.status).toBe(status);
    },
    { timeout, interval: 10 },
  );
  return run!;
}

/** Read-only look at the workspace file beside the open backend (WAL lets readers in). */
function inspect<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const extractionsPerItem = (path: string, runId: string) =>
  inspect(path, (db) => db.prepare('SELECT message_id AS id, count(*) AS n FROM extractions WHERE run_id = ? GROUP BY message_id').all(runId) as { id: string; n: number }[]);
const itemsByStatus = (path: string, runId: string) =>
  Object.fromEntries(
    (inspect(path, (db) => db.prepare('SELECT status, count(*) AS n FROM run_items WHERE run_id = ? GROUP BY status').all(runId)) as { status: string; n: number }[]).map((r) => [r.status, r.n]),
  );

/** Distinct messages the server was asked about (the message line of each chat request). */
const askedMessages = () => server.chatRequests.map((r) => JSON.stringify((r.body as ChatRequestBody).messages?.at(-1)?.content));

describe('a run with the embedded provider', () => {
  it('extracts all 140 demo messages to done, with progress counts that only grow', async () => {
    const { backend, opts, path } = await demoBackend();
    const run = await call(backend, 'startRun', { selection: { all: true } });
    // startRun answers before the work: nothing is done yet.
    expect(run).toMatchObject({ kind: 'extract', total: 140, done: 0, failed: 0, error: null });
    expect(['queued', 'running']).toContain(run.status);

    const done = await waitFor(backend, run.id, 'done');
    expect(done).toMatchObject({ total: 140, done: 140, failed: 0, error: null });
    expect(done.finishedAt).not.toBeNull();
    await settle(opts.events, run.id);

    const events = progress(opts.events, run.id);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done);
      expect(events[i]!.failed).toBeGreaterThanOrEqual(events[i - 1]!.failed);
    }
    expect(events.every((e) => e.total === 140)).toBe(true);
    expect(events.at(-1)).toMatchObject({ done: 140, failed: 0, total: 140, status: 'done', etaSeconds: 0 });
    expect(events[0]!.status).toBe('running');

    const per = extractionsPerItem(path, run.id);
    expect(per).toHaveLength(140);
    expect(per.every((r) => r.n === 1)).toBe(true);
    // The inbox shows the run's extractions.
    const detail = await call(backend, 'getMessage', { id: idOf(demoRows[0]!) });
    expect(detail.extraction!.runId).toBe(run.id);
    const counts = await call(backend, 'getCounts', {});
    expect(counts.byStatus.extracted + counts.byStatus.needs_review).toBe(140);
  });

  it('covers a filter (with full-text search), listed ids, and refuses unknown ids', async () => {
    const { backend } = await demoBackend();
    const searched = await call(backend, 'listMessages', { search: 'refund', limit: 500 });
    expect(searched.total).toBeGreaterThan(0);
    const byFilter = await call(backend, 'startRun', { selection: { filter: { search: 'refund' } } });
    expect(byFilter.total).toBe(searched.total);
    await waitFor(backend, byFilter.id, 'done');

    const invalid = await call(backend, 'listMessages', { valid: false, limit: 500 });
    const byValidity = await call(backend, 'startRun', { selection: { filter: { valid: false } } });
    expect(byValidity.total).toBe(invalid.total);
    await waitFor(backend, byValidity.id, 'done');

    const ids = demoRows.slice(10, 15).map(idOf);
    const byIds = await call(backend, 'startRun', { selection: { ids: [...ids, ids[0]!] } });
    expect(byIds.total).toBe(5);
    const done = await waitFor(backend, byIds.id, 'done');
    expect(done.done).toBe(5);
    for (const id of ids) expect((await call(backend, 'getMessage', { id })).extraction!.runId).toBe(byIds.id);

    const nothing = await call(backend, 'startRun', { selection: { filter: { search: 'zzzz-no-such-word' } } });
    expect(nothing.total).toBe(0);
    expect((await waitFor(backend, nothing.id, 'done')).done).toBe(0);

    const err = await failure(() => call(backend, 'startRun', { selection: { ids: [ids[0]!, 'm_nope'] } }));
    expect(err.failure.code).toBe('not_found');
    expect(err.failure.message).toContain('m_nope');

    const runs = await call(backend, 'listRuns', {});
    expect(runs.map((r) => r.id)).toEqual([nothing.id, byIds.id, byValidity.id, byFilter.id]);
    expect((await call(backend, 'listRuns', { limit: 2 })).map((r) => r.id)).toEqual([nothing.id, byIds.id]);
    expect((await failure(() => call(backend, 'getRun', { runId: 'run_nope' }))).failure.code).toBe('not_found');
    expect((await failure(() => call(backend, 'listRunErrors', { runId: 'run_nope' }))).failure.code).toBe('not_found');
  });

  it('runs one at a time: a second start queues behind the first', async () => {
    const { backend, opts } = await demoBackend();
    const first = await call(backend, 'startRun', { selection: { all: true } });
    const second = await call(backend, 'startRun', { selection: { ids: [idOf(demoRows[0]!)] } });
    expect(second.status).toBe('queued');
    const a = await waitFor(backend, first.id, 'done');
    const b = await waitFor(backend, second.id, 'done');
    expect(b.startedAt! >= a.finishedAt!).toBe(true);
    // The second's first event came after the first's last.
    const order = opts.events.filter(([e]) => e === 'runProgress').map(([, p]) => (p as ApiEvents['runProgress']).runId);
    expect(order.lastIndexOf(first.id)).toBeLessThan(order.indexOf(second.id));
  });

  it('starts a run over 100,000 messages at once (one transaction) and cancels it', async () => {
    const path = demo.copy();
    const ws = openWorkspace(path);
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ text: `Message number ${i}: my card was charged twice`, receivedAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString() }));
    repositories(ws).messages.insertMany(rows);
    ws.close();
    const opts = options(path);
    const backend = await createBackend(opts);
    open.push(backend);

    const run = await call(backend, 'startRun', { selection: { all: true } });
    expect(run.total).toBe(100_140);
    const cancelled = await call(backend, 'cancelRun', { runId: run.id });
    expect(cancelled.status).toBe('cancelled');
    await settle(opts.events, run.id);
    const after = await call(backend, 'getRun', { runId: run.id });
    expect(after.status).toBe('cancelled');
    expect(after.done).toBeLessThan(100_140);
  }, 120_000);
});

describe('a run against the scripted OpenAI-compatible server', () => {
  it('cancelled halfway and resumed extracts every message exactly once', async () => {
    const { backend, opts, path } = await demoBackend();
    await useServer(backend, opts);
    server.script({ latencyMs: 15 });
    const run = await call(backend, 'startRun', { selection: { all: true } });
    await vi.waitFor(() => expect(progress(opts.events, run.id).at(-1)?.done ?? 0).toBeGreaterThanOrEqual(50), { timeout: 20_000, interval: 5 });
    const cancelled = await call(backend, 'cancelRun', { runId: run.id });
    expect(cancelled.status).toBe('cancelled');
    await settle(opts.events, run.id);
    const mid = await call(backend, 'getRun', { runId: run.id });
    expect(mid.status).toBe('cancelled');
    expect(mid.done).toBeGreaterThanOrEqual(50);
    expect(mid.done).toBeLessThan(140);
    // In-flight extractions were let finish and stored: the server answered exactly what is done.
    expect(server.chatRequests).toHaveLength(mid.done);
    expect(itemsByStatus(path, run.id)).toEqual({ done: mid.done, pending: 140 - mid.done });

    const resumed = await call(backend, 'resumeRun', { runId: run.id });
    expect(['queued', 'running']).toContain(resumed.status);
    const done = await waitFor(backend, run.id, 'done');
    expect(done).toMatchObject({ done: 140, failed: 0 });
    const per = extractionsPerItem(path, run.id);
    expect(per).toHaveLength(140);
    expect(per.every((r) => r.n === 1)).toBe(true);
    expect(server.chatRequests).toHaveLength(140);
    expect(new Set(askedMessages()).size).toBe(140);
    // Resuming a finished run does nothing.
    expect((await call(backend, 'resumeRun', { runId: run.id })).status).toBe('done');
  });

  it('resumes by itself after a restart in the middle of a run, extracting no message twice', async () => {
    const { backend, opts, path } = await demoBackend();
    await useServer(backend, opts, { [RUN_SETTING.concurrency]: 3 });
    server.script({ latencyMs: 15 });
    const run = await call(backend, 'startRun', { selection: { all: true } });
    await vi.waitFor(() => expect(progress(opts.events, run.id).at(-1)?.done ?? 0).toBeGreaterThanOrEqual(40), { timeout: 20_000, interval: 5 });
    backend.close(); // as a crash or a quit would: the run is left `running`
    open.splice(open.indexOf(backend), 1);
    const before = inspect(path, (db) => db.prepare('SELECT status, done_count FROM runs WHERE id = ?').get(run.id)) as { status: string; done_count: number };
    expect(before.status).toBe('running');
    expect(before.done_count).toBeLessThan(140);
    const requestsBefore = server.chatRequests.length;

    // The same file, settings and key: the run is resumed at start.
    const again = await createBackend({ ...opts, events: [] } as Options);
    open.push(again);
    // Nothing resumes until the host is ready for calls and says so.
    expect(await call(again, 'getRun', { runId: run.id })).toMatchObject({ status: 'running', done: before.done_count });
    again.startBackgroundWork();
    const done = await waitFor(again, run.id, 'done');
    expect(done).toMatchObject({ total: 140, done: 140, failed: 0 });
    const per = extractionsPerItem(path, run.id);
    expect(per).toHaveLength(140);
    expect(per.every((r) => r.n === 1)).toBe(true);
    // After the restart the server is asked about the pending messages only. Requests aborted by
    // the shutdown (at most one per worker; some may reach the server only after it) are asked again.
    expect(server.chatRequests.length - requestsBefore).toBeGreaterThanOrEqual(140 - before.done_count);
    expect(server.chatRequests.length - requestsBefore).toBeLessThanOrEqual(140 - before.done_count + 3);
    expect(server.chatRequests.length).toBeLessThanOrEqual(140 + 3);
  });

  it('records per-message errors and goes on; retryRunErrors fixes them', async () => {
    const { backend, opts, path } = await demoBackend();
    await useServer(backend, opts);
    // Every request about these messages fails with a 500.
    const failing = new Set(demoRows.filter((_, i) => i % 20 === 3).map((r) => r.text));
    const answerer = (body: ChatRequestBody, message: ParsedMessage) => {
      if (failing.has(message.text ?? '')) throw new Error('scripted failure for this message');
      return defaultAnswer((body.response_format?.json_schema?.schema ?? null) as never, message);
    };
    server.script({ answer: answerer });
    const run = await call(backend, 'startRun', { selection: { all: true } });
    const done = await waitFor(backend, run.id, 'done');
    expect(failing.size).toBe(7);
    expect(done).toMatchObject({ total: 140, done: 133, failed: 7 });
    const errors = await call(backend, 'listRunErrors', { runId: run.id });
    expect(errors).toHaveLength(7);
    const failingIds = new Set(demoRows.filter((r) => failing.has(r.text)).map(idOf));
    expect(new Set(errors.map((e) => e.messageId))).toEqual(failingIds);
    for (const e of errors) expect(e.error).toMatch(/^server: .*500/);
    expect(await call(backend, 'listRunErrors', { runId: run.id, limit: 2 })).toHaveLength(2);
    expect(progress(opts.events, run.id).at(-1)).toMatchObject({ done: 133, failed: 7, status: 'done' });

    server.script({});
    const retried = await call(backend, 'retryRunErrors', { runId: run.id });
    expect(retried.failed).toBe(0);
    const fixed = await waitFor(backend, run.id, 'done');
    expect(fixed).toMatchObject({ total: 140, done: 140, failed: 0 });
    expect(await call(backend, 'listRunErrors', { runId: run.id })).toEqual([]);
    const per = extractionsPerItem(path, run.id);
    expect(per).toHaveLength(140);
    expect(per.every((r) => r.n === 1)).toBe(true);
    // Nothing to retry: returned as it is.
    expect((await call(backend, 'retryRunErrors', { runId: run.id })).status).toBe('done');
  });

  it('fails the whole run at once on an auth error, with the reason; a good key and resume finish it', async () => {
    const { backend, opts, path } = await demoBackend();
    await useServer(backend, opts);
    server.script({ requireApiKey: 'sk-right', latencyMs: 5 });
    await call(backend, 'setApiKey', { apiKey: 'sk-wrong' });
    const run = await call(backend, 'startRun', { selection: { all: true } });
    const failed = await waitFor(backend, run.id, 'failed');
    expect(failed.error).toMatch(/API key/);
    expect(failed.error).toMatch(/resume/);
    expect(failed.done).toBe(0);
    expect(failed.failed).toBe(0); // not a per-message error: the items stay pending
    // It stopped at once instead of asking about every message.
    expect(server.chatRequests.length).toBeLessThanOrEqual(4);
    await settle(opts.events, run.id);
    expect(progress(opts.events, run.id).at(-1)).toMatchObject({ status: 'failed' });

    await call(backend, 'setApiKey', { apiKey: 'sk-right' });
    await call(backend, 'resumeRun', { runId: run.id });
    const done = await waitFor(backend, run.id, 'done');
    expect(done).toMatchObject({ done: 140, failed: 0, error: null });
    expect(extractionsPerItem(path, run.id).every((r) => r.n === 1)).toBe(true);
  });

  it('serves a re-run of the same selection under the same draft from the persistent cache, also after a restart', async () => {
    const { backend, opts } = await demoBackend();
    await useServer(backend, opts);
    const selection = { filter: { search: 'password' } };
    const first = await call(backend, 'startRun', { selection });
    expect(first.total).toBeGreaterThan(0);
    await waitFor(backend, first.id, 'done');
    expect(server.chatRequests).toHaveLength(first.total);

    server.reset();
    const second = await call(backend, 'startRun', { selection });
    await waitFor(backend, second.id, 'done');
    expect(server.chatRequests).toHaveLength(0);
    const detail = await call(backend, 'getMessage', { id: (await call(backend, 'listMessages', { search: 'password', limit: 1 })).items[0]!.id });
    expect(detail.extraction!.runId).toBe(second.id);
    expect(detail.extraction!.trace.cacheHit).toBe(true);

    backend.close();
    open.splice(open.indexOf(backend), 1);
    const again = await createBackend({ ...opts, events: [] } as Options);
    open.push(again);
    const third = await call(again, 'startRun', { selection });
    const done = await waitFor(again, third.id, 'done');
    expect(done.done).toBe(first.total);
    expect(server.chatRequests).toHaveLength(0);
  });

  it('keeps at most `runs.concurrency` requests in flight', async () => {
    const { backend, opts } = await demoBackend();
    await useServer(backend, opts, { [RUN_SETTING.concurrency]: 3 });
    let max = 0;
    const answerer = (body: ChatRequestBody, message: ParsedMessage) => {
      // Called while this request is still unanswered, after its latency: count the unanswered ones.
      max = Math.max(max, server.chatRequests.filter((r) => r.outcome === undefined).length);
      return defaultAnswer((body.response_format?.json_schema?.schema ?? null) as never, message);
    };
    server.script({ latencyMs: 25, answer: answerer });
    const run = await call(backend, 'startRun', { selection: { ids: demoRows.slice(0, 24).map(idOf) } });
    await waitFor(backend, run.id, 'done');
    expect(server.chatRequests).toHaveLength(24);
    expect(max).toBe(3);
  });

  it('spaces requests by `runs.ratePerSecond`', async () => {
    const { backend, opts } = await demoBackend();
    await useServer(backend, opts, { [RUN_SETTING.concurrency]: 8, [RUN_SETTING.ratePerSecond]: 20 });
    const times: number[] = [];
    server.script({
      answer: (body, message) => {
        times.push(performance.now());
        return defaultAnswer((body.response_format?.json_schema?.schema ?? null) as never, message);
      },
    });
    const run = await call(backend, 'startRun', { selection: { ids: demoRows.slice(30, 40).map(idOf) } });
    await waitFor(backend, run.id, 'done');
    expect(times).toHaveLength(10);
    times.sort((a, b) => a - b);
    // Ten requests at 20 a second are sent over 9 intervals of 50 ms (the exact schedule is
    // rate-limit.test.ts's, on a fake clock). Arrival times jitter on a loaded machine, so this
    // only checks they were spread out at all: unlimited, 8 at a time, they arrive within ~2 rounds.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(200);
  });
});
