// RunService on its own, over a real workspace file, with an extractor the test controls: the
// queue, cancel (grace, then abort), resume while a cancelled run drains, retry during a run,
// progress throttling, close in the middle, and failures that are not the provider's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiEventName, type ApiEvents } from '../../../shared/src/api/index.js';
import type { ExtractionResult, MessageInput, RulebookArtifact } from '../../../shared/src/domain.js';
import type { Extractor } from '../../../shared/src/pipeline/extractor.js';
import { ProviderError } from '../../../shared/src/providers/types.js';
import { openWorkspace, repositories, type Repositories, type Workspace } from '../../services/workspace/index.js';
import { RunService, describeError } from './service.js';

const dir = mkdtempSync(join(tmpdir(), 'casebook-runqueue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

type Extract = (message: MessageInput, signal: AbortSignal | undefined) => Promise<ExtractionResult>;

const result = (text: string): ExtractionResult => ({
  output: { topic: text.length % 2 ? 'billing' : 'account' },
  valid: true,
  errors: [],
  trace: { rulebook: { id: 'rb', version: 1, hash: 'sha256:test' } } as never,
});

let n = 0;
function fixture(count: number, opts: { concurrency?: number; cancelGraceMs?: number; progressIntervalMs?: number } = {}) {
  const ws: Workspace = openWorkspace(join(dir, `q-${++n}.casebook`));
  const repos: Repositories = repositories(ws);
  const { ids } = repos.messages.insertMany(Array.from({ length: count }, (_, i) => ({ text: `message ${String(i).padStart(4, '0')}` })));
  const calls: string[] = [];
  const events: [ApiEventName, unknown][] = [];
  let impl: Extract = async (m) => result(m.text);
  const extractor: Extractor = {
    rulebook: { id: 'rb', hash: 'sha256:test', settings: { provider: 'openai', model: 'fake', temperature: 0, seed: 0, k: 4 } } as unknown as RulebookArtifact,
    provider: { name: 'fake', model: 'fake-1', identity: 'fake', complete: () => Promise.reject(new Error('unused')) },
    extract: (m, eo) => {
      calls.push(m.id!);
      return impl(m, eo?.signal);
    },
    retrieve: () => [],
    prepare: () => Promise.resolve(),
  };
  const service = new RunService({
    repos,
    extractor: () => extractor,
    emit: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void events.push([event, payload]),
    concurrency: () => opts.concurrency ?? 2,
    ...(opts.cancelGraceMs !== undefined ? { cancelGraceMs: opts.cancelGraceMs } : {}),
    ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
  });
  cleanups.push(() => {
    service.close();
    ws.close();
  });
  return {
    ws,
    repos,
    ids,
    calls,
    events,
    service,
    setExtract: (f: Extract) => void (impl = f),
    extractionsPerItem: (runId: string) =>
      ws.db.prepare('SELECT message_id, count(*) AS n FROM extractions WHERE run_id = ? GROUP BY message_id').all(runId) as { message_id: string; n: number }[],
  };
}

/** A promise the test resolves. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('RunService', () => {
  it('takes a queued run out of the queue on cancel; resume puts it back', async () => {
    const f = fixture(6, { concurrency: 1 });
    const hold = gate();
    f.setExtract(async (m) => {
      await hold.promise;
      return result(m.text);
    });
    const first = f.service.start({ all: true });
    const second = f.service.start({ ids: [f.ids[0]!] });
    expect(f.service.isScheduled(second.id)).toBe(true);
    const cancelled = f.service.cancel(second.id);
    expect(cancelled.status).toBe('cancelled');
    expect(f.service.isScheduled(second.id)).toBe(false);
    hold.open();
    await f.service.idle();
    expect(f.service.get(first.id)).toMatchObject({ status: 'done', done: 6 });
    expect(f.service.get(second.id)).toMatchObject({ status: 'cancelled', done: 0, startedAt: null });

    expect(f.service.resume(second.id).status).toBe('running'); // nothing ahead of it: it starts at once
    await f.service.idle();
    expect(f.service.get(second.id)).toMatchObject({ status: 'done', done: 1 });
    // Cancelling an ended run changes nothing.
    expect(f.service.cancel(second.id).status).toBe('done');
  });

  it('lets in-flight extractions finish after a cancel, then aborts what is left after the grace period', async () => {
    const f = fixture(10, { concurrency: 2, cancelGraceMs: 30 });
    const slow = gate();
    const aborted: string[] = [];
    // Items go in message id order: the first finishes after the cancel, the second never answers
    // on its own (it is aborted after the grace period), the rest would answer at once.
    const order = [...f.ids].sort();
    f.setExtract((m, signal) => {
      if (m.id === order[0]) return slow.promise.then(() => result(m.text));
      if (m.id === order[1]) {
        return new Promise((_, reject) =>
          signal!.addEventListener('abort', () => {
            aborted.push(m.id!);
            reject(new ProviderError('aborted', 'aborted'));
          }),
        );
      }
      return Promise.resolve(result(m.text));
    });
    const run = f.service.start({ all: true });
    await vi.waitFor(() => expect(f.calls).toHaveLength(2));
    expect(f.service.cancel(run.id).status).toBe('cancelled');
    slow.open();
    await f.service.idle();
    const after = f.service.get(run.id);
    expect(after).toMatchObject({ status: 'cancelled', done: 1, failed: 0 });
    expect(aborted).toEqual([order[1]]);
    expect(f.calls).toEqual([order[0], order[1]]);
    // The aborted item is still pending: a resume extracts it and the rest, each once.
    f.setExtract(async (m) => result(m.text));
    f.service.resume(run.id);
    await f.service.idle();
    expect(f.service.get(run.id)).toMatchObject({ status: 'done', done: 10 });
    expect(f.extractionsPerItem(run.id).every((r) => r.n === 1)).toBe(true);
    expect(f.extractionsPerItem(run.id)).toHaveLength(10);
  });

  it('resumed while its cancelled execution still drains, a run finishes with every item once', async () => {
    const f = fixture(8, { concurrency: 2 });
    const hold = gate();
    f.setExtract(async (m) => {
      await hold.promise;
      return result(m.text);
    });
    const run = f.service.start({ all: true });
    await vi.waitFor(() => expect(f.calls).toHaveLength(2));
    f.service.cancel(run.id);
    expect(f.service.resume(run.id).status).toBe('queued');
    hold.open();
    await f.service.idle();
    expect(f.service.get(run.id)).toMatchObject({ status: 'done', done: 8, failed: 0 });
    expect(f.calls).toHaveLength(8);
    expect(new Set(f.calls).size).toBe(8);
  });

  it('picks up errors retried while the run still executes', async () => {
    const f = fixture(6, { concurrency: 1 });
    const order = [...f.ids].sort();
    const hold = gate();
    let failFirst = true;
    f.setExtract(async (m) => {
      if (m.id === order[0] && failFirst) throw new ProviderError('server', 'HTTP 500 from the model');
      if (m.id === order[5]) await hold.promise;
      return result(m.text);
    });
    const run = f.service.start({ all: true });
    await vi.waitFor(() => expect(f.calls).toContain(order[5]));
    expect(f.service.errors(run.id)).toEqual([{ messageId: order[0], error: 'server: HTTP 500 from the model' }]);
    failFirst = false;
    const retried = f.service.retryErrors(run.id);
    expect(retried).toMatchObject({ status: 'running', failed: 0 });
    hold.open();
    await f.service.idle();
    expect(f.service.get(run.id)).toMatchObject({ status: 'done', done: 6, failed: 0 });
    expect(f.calls.filter((id) => id === order[0])).toHaveLength(2);
    expect(f.extractionsPerItem(run.id)).toHaveLength(6);
  });

  it('records anything thrown as a per-message error, and fails the run on an auth error at once', async () => {
    const f = fixture(5, { concurrency: 1 });
    const order = [...f.ids].sort();
    f.setExtract(async (m) => {
      if (m.id === order[1]) throw new TypeError('cannot read the answer');
      if (m.id === order[2]) throw 'a string';
      if (m.id === order[3]) throw new ProviderError('auth', 'HTTP 401: Incorrect API key provided.', { status: 401 });
      return result(m.text);
    });
    const run = f.service.start({ all: true });
    await f.service.idle();
    const failed = f.service.get(run.id);
    expect(failed).toMatchObject({ status: 'failed', done: 1, failed: 2 });
    expect(failed.error).toContain('Incorrect API key provided');
    expect(f.calls).toEqual(order.slice(0, 4)); // nothing asked after the auth failure
    expect(f.service.errors(run.id).map((e) => e.error).sort()).toEqual(['error: a string', 'error: cannot read the answer']);
    expect(f.events.filter(([e]) => e === 'messagesChanged')).toHaveLength(1);
  });

  it('stops at close without writing anything more; the run stays running for the next start', async () => {
    const f = fixture(4, { concurrency: 2 });
    const hold = gate();
    f.setExtract(async (m) => {
      await hold.promise;
      return result(m.text);
    });
    const run = f.service.start({ all: true });
    await vi.waitFor(() => expect(f.calls).toHaveLength(2));
    f.service.close();
    hold.open();
    await f.service.idle();
    await tick();
    expect(f.repos.runs.get(run.id)).toMatchObject({ status: 'running', done: 0 });
    expect(f.extractionsPerItem(run.id)).toHaveLength(0);
    expect(() => f.service.start({ all: true })).toThrow(ApiError);
    // A new service over the same workspace takes it up.
    const again = new RunService({
      repos: f.repos,
      extractor: () => ({ ...({} as Extractor), rulebook: { hash: 'h' } as RulebookArtifact, provider: { name: 'fake' } as Extractor['provider'], extract: async (m: MessageInput) => result(m.text), prepare: () => Promise.resolve() }) as Extractor,
      emit: () => undefined,
      concurrency: () => 2,
    });
    expect(again.resumeUnfinished()).toEqual([run.id]);
    await again.idle();
    expect(f.repos.runs.get(run.id)).toMatchObject({ status: 'done', done: 4 });
    again.close();
  });

  it('sends progress at most once per interval, and always the final count', async () => {
    const f = fixture(300, { concurrency: 4, progressIntervalMs: 40 });
    f.setExtract(async (m) => {
      await new Promise((r) => setTimeout(r, 1));
      return result(m.text);
    });
    const t0 = performance.now();
    const run = f.service.start({ all: true });
    await f.service.idle();
    const elapsed = performance.now() - t0;
    const progress = f.events.filter(([e]) => e === 'runProgress').map(([, p]) => p as ApiEvents['runProgress']);
    // One per interval, plus the first and the last (forced).
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 40) + 3);
    expect(progress.at(-1)).toMatchObject({ runId: run.id, done: 300, total: 300, status: 'done', etaSeconds: 0 });
    const mid = progress.filter((p) => p.status === 'running' && p.done > 0);
    expect(mid.length).toBeGreaterThan(0);
    expect(mid.every((p) => p.ratePerSecond > 0 && p.etaSeconds !== null)).toBe(true);
  });

  it('refuses to start without a rulebook, and names unknown runs', () => {
    const f = fixture(1);
    const service = new RunService({
      repos: f.repos,
      extractor: () => {
        throw new Error('this workspace has no rulebook yet');
      },
      emit: () => undefined,
      concurrency: () => 1,
    });
    cleanups.push(() => service.close());
    const err = (() => {
      try {
        service.start({ all: true });
      } catch (e) {
        return e as ApiError;
      }
      return null;
    })();
    expect(err?.failure).toMatchObject({ code: 'conflict', message: 'cannot start a run: this workspace has no rulebook yet' });
    expect(f.repos.runs.list()).toHaveLength(0);
    for (const fn of [() => service.get('run_x'), () => service.cancel('run_x'), () => service.resume('run_x'), () => service.retryErrors('run_x')]) {
      expect(fn).toThrow(/no run with id run_x/);
    }
  });

  it('describes errors as code: text', () => {
    expect(describeError(new ProviderError('rate_limit', 'HTTP 429 after 5 attempts'))).toBe('rate_limit: HTTP 429 after 5 attempts');
    expect(describeError(new Error('boom'))).toBe('error: boom');
    expect(describeError(42)).toBe('error: 42');
  });
});
