// Runs: extraction over a selection of the workspace's messages, in the background, one run at a
// time, with progress events, cancel, resume (also after a restart) and per-message errors.
// Plain Node: no electron import.
//
// The run's items in the workspace are the ledger: an item is finished by storing its extraction
// and marking it done in one transaction, only while it is pending (RunRepository.completeItem), so
// resuming a run after a cancel, a crash or a restart extracts exactly the items still pending.
import { ApiError, type ApiParsedArgs, type RunErrorItem, type RunRecord } from '../../../shared/src/api/index.js';
import type { ExtractionResult, RulebookArtifact } from '../../../shared/src/domain.js';
import type { Extractor } from '../../../shared/src/pipeline/extractor.js';
import { ProviderError } from '../../../shared/src/providers/types.js';
import { toMessageInput, type Repositories, type StoredRun } from '../../services/workspace/index.js';
import type { RunKind } from '../../services/workspace/runs.js';
import type { Assessment } from '../teach/confidence.js';
import type { EmitEvent } from '../ports.js';
import { currentSchemaHash, schemaHashOf } from '../draft/stale.js';
import { inboxFilter } from '../inbox-filter.js';
import { DEFAULT_SLICE_MS, TimeSlice } from '../time-slice.js';
import { PendingScanner } from './pending.js';
import { ProgressThrottle } from './progress.js';

/** Which messages a run covers, as the contract's `messageSelection` parses it. */
export type MessageSelection = ApiParsedArgs<'startRun'>['selection'];
/** What a comparison run extracts under: a published version or the draft, and another provider or model if given. */
export type CompareAgainst = NonNullable<ApiParsedArgs<'startRun'>['against']>;

/** Run kinds this service executes: the inbox's, and comparison runs kept beside it. */
const RUN_KINDS: readonly RunKind[] = ['extract', 'compare'];

/** Extractors of comparison runs (drift/targets.ts). */
export interface CompareExtractors {
  /** The extractor a new comparison run uses, and the published version it runs (null: the draft). Throws an ApiError for an unknown version. */
  start(against: CompareAgainst): { extractor: Extractor; version: number | null };
  /** The extractor of a comparison run that executes (started or resumed): the rulebook, provider and model it recorded. */
  forRun(run: StoredRun): Extractor;
}

/** Host settings (the host's SettingsStore, not the workspace) that runs read. */
export const RUN_SETTING = {
  /** Extractions in flight at once (1-32; default 4). Same key as the core handlers' HOST_SETTING.concurrency. */
  concurrency: 'runs.concurrency',
  /** Requests per second to a model provider; 0 (the default) for no limit. */
  ratePerSecond: 'runs.ratePerSecond',
} as const;
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;

export interface RunServiceOptions {
  repos: Repositories;
  /** The extractor for the current draft and provider (ExtractionService.current). */
  extractor: () => Extractor;
  /** Extractors of comparison runs; without them, `start` with `against` is refused. */
  compare?: CompareExtractors;
  /**
   * How sure the machine was of a result (ExtractionService.assess): the status it earns, the
   * review priority and reasons stored with it. By default validity alone decides, unscored.
   */
  assess?: (result: ExtractionResult, rulebook: RulebookArtifact) => Assessment;
  emit: EmitEvent;
  /** Read when a run starts executing. */
  concurrency: () => number;
  /** Least time between two progress events of a run, in ms (default 250: about 4 a second). */
  progressIntervalMs?: number;
  /**
   * After a cancel, how long in-flight extractions may finish (their answers are stored and
   * cached) before they are aborted (default 5000 ms).
   */
  cancelGraceMs?: number;
  /** Pending items read from the workspace at a time (default 256). */
  pageSize?: number;
  /** Longest stretch a run holds the event loop before other calls get their turn (default 3 ms). */
  sliceMs?: number;
  now?: () => number;
}

/** The state of the run that is executing. */
interface Execution {
  runId: string;
  /** Items finished (done or failed) since this execution started: the rate. */
  stats: { started: number; processed: number };
  controller: AbortController;
  cancelled: boolean;
  graceTimer: NodeJS.Timeout | null;
  /** What failed the whole run (an auth error, the workspace), once something did; null until then. */
  fatal: unknown;
}

export function runRecord(run: StoredRun): RunRecord {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    total: run.total,
    done: run.done,
    failed: run.errors,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    rulebook: { version: run.rulebookVersion, hash: run.rulebookHash },
    provider: run.provider,
    model: run.model,
  };
}

/** How a per-message failure is recorded: the error's code, then its text. */
export function describeError(err: unknown): string {
  if (err instanceof ProviderError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}

function isAuthError(err: unknown): err is ProviderError {
  return err instanceof ProviderError && err.code === 'auth';
}

/**
 * Runs extraction runs. Only one executes at a time; others wait in a queue (status `queued`) in
 * the order they were started or resumed. A run that was `queued` or `running` when the backend
 * stopped stays so in the workspace; `resumeUnfinished` (called by createBackend at start) takes
 * them up again.
 */
export class RunService {
  private readonly repos: Repositories;
  private readonly queue: string[] = [];
  private active: Execution | null = null;
  private pumping = false;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** The last execution's stats per run, for the events after it ended. */
  private readonly lastStats = new Map<string, { started: number; processed: number }>();
  /** Progress events: at most one per interval per run, the last one never lost. */
  private readonly progress: ProgressThrottle;
  private readonly cancelGraceMs: number;
  private readonly pageSize: number;
  private readonly now: () => number;
  private readonly slice: TimeSlice;

  constructor(private readonly opts: RunServiceOptions) {
    this.repos = opts.repos;
    this.cancelGraceMs = opts.cancelGraceMs ?? 5000;
    this.pageSize = Math.max(MAX_CONCURRENCY * 2, opts.pageSize ?? 256);
    this.now = opts.now ?? (() => performance.now());
    this.slice = new TimeSlice(opts.sliceMs ?? DEFAULT_SLICE_MS);
    this.progress = new ProgressThrottle(opts.progressIntervalMs ?? 250, this.now, (runId) => this.sendProgress(runId));
  }

  /** The ids of the messages a selection covers, oldest first (listed ids: in the order given, each once). */
  resolveSelection(selection: MessageSelection): string[] {
    if ('ids' in selection) {
      const ids = [...new Set(selection.ids)];
      const missing = this.repos.messages.missing(ids);
      if (missing.length) {
        const shown = missing.slice(0, 5).join(', ');
        throw new ApiError({
          code: 'not_found',
          message: `${missing.length === 1 ? 'no message with id' : `${missing.length} selected messages do not exist:`} ${shown}${missing.length > 5 ? ', ...' : ''}`,
        });
      }
      return ids;
    }
    if ('filter' in selection) {
      const filter = inboxFilter(selection.filter, currentSchemaHash(this.repos));
      const search = selection.filter.search?.trim();
      return search ? this.repos.messages.searchIds({ query: search, filter }) : this.repos.messages.ids(filter);
    }
    return this.repos.messages.ids();
  }

  /**
   * Creates a run over the selection (one pending item per message, in one transaction) under the
   * current draft rulebook and provider, queues it, and returns it at once; it executes in the
   * background. With `against`, a comparison run (kind `compare`) under that version (or the
   * draft), provider and model: its extractions are kept beside the inbox's and change nothing
   * there (not the answer of record, the status, the review queue or regressions).
   */
  start(selection: MessageSelection, against?: CompareAgainst): RunRecord {
    this.assertOpen();
    const messageIds = this.resolveSelection(selection);
    let extractor: Extractor;
    let version: number | null = null;
    if (against && !this.opts.compare) throw new ApiError({ code: 'unavailable', message: 'comparison runs are not available here' });
    try {
      if (against) ({ extractor, version } = this.opts.compare!.start(against));
      else extractor = this.opts.extractor();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError({ code: 'conflict', message: `cannot start a run: ${(err as Error).message}` });
    }
    const rulebook = extractor.rulebook;
    const run = this.repos.runs.create({
      kind: against ? 'compare' : 'extract',
      rulebookId: rulebook.id,
      rulebookVersion: version,
      rulebookHash: rulebook.hash,
      provider: extractor.provider.name,
      model: extractor.provider.model,
      settings: rulebook.settings,
      selection: selection as never,
      messageIds,
    });
    this.enqueue(run.id);
    return runRecord(run);
  }

  /**
   * Stops a run: it takes no new items; extractions in flight may finish (and are stored) for the
   * grace period, then are aborted. A queued run is taken out of the queue. An ended run is
   * returned as it is.
   */
  cancel(runId: string): RunRecord {
    this.assertOpen();
    const run = this.mustGet(runId);
    const queued = this.queue.indexOf(runId);
    if (queued >= 0) this.queue.splice(queued, 1);
    const exec = this.active;
    if (exec && exec.runId === runId && !exec.cancelled) {
      exec.cancelled = true;
      exec.graceTimer = setTimeout(() => exec.controller.abort(new Error('run cancelled')), this.cancelGraceMs);
      exec.graceTimer.unref?.();
    }
    if (run.status === 'queued' || run.status === 'running') {
      this.repos.runs.cancel(runId);
      this.emitProgress(runId, true);
    }
    return runRecord(this.mustGet(runId));
  }

  /**
   * Continues a cancelled, failed or interrupted run with only its pending items. A run that is
   * executing or queued is returned as it is, and so is a finished run with nothing pending.
   */
  resume(runId: string): RunRecord {
    this.assertOpen();
    const run = this.mustGet(runId);
    if (this.isScheduled(runId)) return runRecord(run);
    if (run.status === 'done' && run.pending === 0) return runRecord(run);
    if (run.status === 'cancelled' || run.status === 'failed' || run.status === 'done') this.repos.runs.requeue(runId);
    this.enqueue(runId);
    return runRecord(this.mustGet(runId));
  }

  /** Makes the run's failed items pending again and resumes it (an executing run picks them up). */
  retryErrors(runId: string): RunRecord {
    this.assertOpen();
    this.mustGet(runId);
    const retried = this.repos.runs.retryErrors(runId);
    if (retried === 0) return runRecord(this.mustGet(runId));
    return this.resume(runId);
  }

  get(runId: string): RunRecord {
    return runRecord(this.mustGet(runId));
  }

  /** Newest first: inbox runs and comparison runs. */
  list(limit = 20): RunRecord[] {
    return this.repos.runs.list({ kind: RUN_KINDS, limit }).map(runRecord);
  }

  /** The run's failed items: the message and what went wrong (`code: text`). */
  errors(runId: string, limit = 100): RunErrorItem[] {
    this.mustGet(runId);
    return this.repos.runs.items(runId, { status: 'error', limit }).map((item) => ({ messageId: item.messageId, error: item.error ?? 'error' }));
  }

  /** Queues every run left queued or running (by a crash or a restart); returns their ids. */
  resumeUnfinished(): string[] {
    const ids: string[] = [];
    for (const run of this.repos.runs.unfinished()) {
      if (!RUN_KINDS.includes(run.kind) || this.isScheduled(run.id)) continue;
      this.enqueue(run.id);
      ids.push(run.id);
    }
    return ids;
  }

  /** Whether the run is executing (and not cancelled) or waiting in the queue. */
  isScheduled(runId: string): boolean {
    return (this.active?.runId === runId && !this.active.cancelled) || this.queue.includes(runId);
  }

  /** Resolves when no run is executing or queued. */
  idle(): Promise<void> {
    if (!this.active && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops everything at once, the way a shutdown does: in-flight extractions are aborted and their
   * results dropped, and the workspace is left as it is (the executing run stays `running`, so the
   * next start resumes it). Call before closing the workspace.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    const exec = this.active;
    if (exec) {
      if (exec.graceTimer) clearTimeout(exec.graceTimer);
      exec.controller.abort(new Error('the backend is closing'));
    }
    this.progress.close();
  }

  // -------------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new ApiError({ code: 'unavailable', message: 'the backend is closing' });
  }

  private mustGet(runId: string): StoredRun {
    const run = this.repos.runs.get(runId);
    if (!run || !RUN_KINDS.includes(run.kind)) throw new ApiError({ code: 'not_found', message: `no run with id ${runId}` });
    return run;
  }

  private enqueue(runId: string): void {
    if (!this.queue.includes(runId)) this.queue.push(runId);
    void this.pump();
  }

  /** Executes queued runs one after another until the queue is empty. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const runId = this.queue.shift()!;
        await this.execute(runId).catch(() => undefined);
      }
    } finally {
      this.pumping = false;
      if (!this.active && this.queue.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** The extractor a run takes now: the current draft's for an inbox run, the recorded one for a comparison run. */
  private extractorOf(run: StoredRun): Extractor {
    if (run.kind !== 'compare') return this.opts.extractor();
    if (!this.opts.compare) throw new Error('comparison runs are not available here');
    return this.opts.compare.forRun(run);
  }

  private async execute(runId: string): Promise<void> {
    if (!this.repos.runs.start(runId)) return; // cancelled (or gone) while it waited
    const stored = this.repos.runs.get(runId)!;
    const stats = { started: this.now(), processed: 0 };
    const exec: Execution = { runId, stats, controller: new AbortController(), cancelled: false, graceTimer: null, fatal: null };
    this.active = exec;
    this.lastStats.set(runId, stats);
    try {
      this.emitProgress(runId, true);
      // The embedded provider computes in this thread: more than one at a time only interleaves
      // them and makes the host wait longer between turns. Concurrency is for remote models.
      const embedded = this.extractorOf(stored).provider.name === 'embedded';
      const concurrency = embedded ? 1 : Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(this.opts.concurrency() || DEFAULT_CONCURRENCY)));
      let extractor: Extractor | null = null;
      // The draft (or the key) may have changed: the current extractor is taken once per page.
      const pending = new PendingScanner({ pendingMessageIds: (o) => this.repos.runs.pendingMessageIds(runId, o) }, this.pageSize, () => {
        extractor = this.extractorOf(stored);
      });
      const runWorkers = () =>
        Promise.all(
          Array.from({ length: concurrency }, () =>
            // The workspace failing under a worker (a write refused, a full disk) stops the run.
            this.work(exec, pending, () => extractor!).catch((err: unknown) => this.failRun(exec, err)),
          ),
        );
      await runWorkers();
      // Items made pending again after every worker had run out of work.
      while (!this.stopped(exec) && pending.hasPending()) {
        pending.restart();
        await runWorkers();
      }
    } catch (err) {
      exec.fatal ??= err;
    } finally {
      if (exec.graceTimer) clearTimeout(exec.graceTimer);
      this.active = null;
    }

    if (this.closed) return; // left `running`: the next start resumes it
    if (exec.fatal !== null) {
      this.repos.runs.finish(runId, 'failed', this.runFailure(exec.fatal));
    } else if (!exec.cancelled) {
      this.repos.runs.finish(runId, 'done');
    }
    this.emitProgress(runId, true);
    // A comparison run changes no message (its end is in its last runProgress).
    if (stored.kind === 'extract') this.opts.emit('messagesChanged', { reason: `run ${runId} ${this.repos.runs.get(runId)?.status ?? 'ended'}` });
  }

  private stopped(exec: Execution): boolean {
    return this.closed || exec.cancelled || exec.fatal !== null;
  }

  /** Fails the whole run: the first cause is kept, and extractions in flight are aborted. */
  private failRun(exec: Execution, err: unknown): void {
    exec.fatal ??= err;
    exec.controller.abort(err);
  }

  /** One worker: takes pending items and extracts them until there are none or the run stops. */
  private async work(exec: Execution, pending: PendingScanner, extractor: () => Extractor): Promise<void> {
    while (!this.stopped(exec)) {
      // An extractor that needs no network (the embedded provider, a cache hit) answers with
      // promises that are already settled: without this the loop would never let the host in.
      await this.slice.yieldIfDue();
      if (this.stopped(exec)) return;
      const messageId = pending.next();
      if (messageId === null) return;
      let outcome: 'finished' | 'gone' | 'stop';
      try {
        // A new extractor (the first page, or the draft changed) builds its provider's models in
        // steps with turns between, not all inside its first answer.
        const ex = extractor();
        await ex.prepare();
        outcome = this.stopped(exec) ? 'stop' : await this.extractItem(exec, ex, messageId);
      } finally {
        pending.release(messageId);
      }
      if (outcome === 'stop') return;
      if (outcome === 'finished') this.emitProgress(exec.runId);
    }
  }

  /**
   * Extracts one item and records it done (its extraction stored) or failed. `gone`: the message
   * was deleted meanwhile (its item went with it); `stop`: the worker stops, the item stays pending.
   */
  private async extractItem(exec: Execution, ex: Extractor, messageId: string): Promise<'finished' | 'gone' | 'stop'> {
    const message = this.repos.messages.get(messageId);
    if (!message) return 'gone';
    try {
      const result = await ex.extract(toMessageInput(message), { signal: exec.controller.signal });
      if (this.closed) return 'stop';
      const assessment = this.opts.assess?.(result, ex.rulebook);
      // The schema it ran under: a run started before a schema change makes stale extractions.
      this.repos.runs.completeItem(exec.runId, messageId, result, {
        rulebookHash: ex.rulebook.hash,
        schemaHash: schemaHashOf(ex.rulebook),
        reviewPriority: assessment?.reviewPriority ?? null,
        reasons: assessment?.reasons ?? null,
        ...(assessment ? { status: assessment.status } : {}),
      });
    } catch (err) {
      if (this.closed) return 'stop';
      if (exec.controller.signal.aborted) return 'stop'; // cancelled past its grace, or another worker failed the run
      if (isAuthError(err)) {
        // Every later call would fail the same way: fail the run now.
        this.failRun(exec, err);
        return 'stop';
      }
      this.repos.runs.failItem(exec.runId, messageId, describeError(err));
    }
    exec.stats.processed++;
    return 'finished';
  }

  private runFailure(err: unknown): string {
    if (isAuthError(err)) {
      return `The model provider refused the API key (${err.message}). Set a valid key in Settings, then resume the run.`;
    }
    return `The run stopped: ${err instanceof Error ? err.message : String(err)}`;
  }

  private emitProgress(runId: string, force = false): void {
    if (this.closed) return;
    this.progress.push(runId, force);
  }

  /** The run's progress as it is now, with the rate of its current (or last) execution. */
  private sendProgress(runId: string): void {
    if (this.closed) return;
    const run = this.repos.runs.get(runId);
    if (!run) return;
    // The rate of this execution (items finished per second since it started or resumed).
    const stats = this.active?.runId === runId ? this.active.stats : this.lastStats.get(runId);
    const seconds = stats ? (this.now() - stats.started) / 1000 : 0;
    const ratePerSecond = stats && seconds > 0 ? stats.processed / seconds : 0;
    const pending = Math.max(0, run.total - run.done - run.errors);
    const running = run.status === 'running';
    this.opts.emit('runProgress', {
      runId,
      done: run.done,
      failed: run.errors,
      total: run.total,
      ratePerSecond: Math.round(ratePerSecond * 100) / 100,
      etaSeconds: running ? (ratePerSecond > 0 ? Math.ceil(pending / ratePerSecond) : null) : run.status === 'done' ? 0 : null,
      status: run.status,
    });
  }
}
