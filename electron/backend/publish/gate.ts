// The regression gate: every precedent of the draft replayed with the draft's provider (cached
// answers reused), in the background like a run, with progress events and cancel. A failing
// precedent that the newest published version also holds, and that passes when replayed under
// that version, is a regression: this draft broke it. Gates live in memory (the newest few).
import { randomUUID } from 'node:crypto';
import { ApiError, type GateFailure, type GateProgress, type GateReport } from '../../../shared/src/api/index.js';
import type { Precedent, RulebookArtifact } from '../../../shared/src/domain.js';
import { createExtractor, type Extractor } from '../../../shared/src/pipeline/extractor.js';
import { replayPrecedents, type PrecedentReplay } from '../../../shared/src/rulebook/replay.js';
import type { BackendContext } from '../context.js';
import { hostNumber } from '../runs/handlers.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, RUN_SETTING } from '../runs/service.js';

/** Failures a report lists (regressions first). */
export const MAX_GATE_FAILURES = 500;
/** Gates kept in memory, newest last. */
const KEEP_GATES = 5;
/** Progress events: at most one per this many ms, unless this fraction more is done. */
const PROGRESS_MS = 100;
const PROGRESS_STEP = 0.02;

interface GateState {
  report: Omit<GateReport, 'failures'>;
  failures: GateFailure[];
  controller: AbortController;
  finished: Promise<void>;
}

export interface GateOptions {
  /** Called when a gate ends (done, cancelled or failed), after its events. */
  onEnd?: (report: GateReport) => void;
}

const excerpt = (text: string, max = 140): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

export class GateService {
  private readonly gates = new Map<string, GateState>();
  private running: GateState | null = null;
  private closed = false;

  constructor(
    private readonly ctx: BackendContext,
    private readonly options: GateOptions = {},
  ) {}

  /** Starts a gate over the draft as it is now; while one runs, answers that one. */
  start(): GateReport {
    if (this.running) return this.report(this.running);
    let extractor: Extractor;
    try {
      extractor = this.ctx.extraction.current();
    } catch (err) {
      throw new ApiError({ code: 'conflict', message: `the gate cannot run: ${(err as Error).message}` });
    }
    const draft = extractor.rulebook;
    const baseline = this.ctx.repos.rulebookVersions.latest(draft.id);
    const state: GateState = {
      report: {
        id: `gate_${randomUUID()}`,
        status: 'running',
        draftHash: draft.hash,
        baseline: baseline ? { version: baseline.version, hash: baseline.hash } : null,
        total: draft.precedents.length,
        done: 0,
        passed: 0,
        failed: 0,
        regressions: 0,
        cached: 0,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        error: null,
      },
      failures: [],
      controller: new AbortController(),
      finished: Promise.resolve(),
    };
    this.gates.set(state.report.id, state);
    while (this.gates.size > KEEP_GATES) this.gates.delete(this.gates.keys().next().value!);
    this.running = state;
    state.finished = this.execute(state, extractor, baseline?.artifact ?? null);
    return this.report(state);
  }

  cancel(gateId: string): GateReport {
    const state = this.state(gateId);
    if (state.report.status === 'running') state.controller.abort();
    return this.report(state);
  }

  get(gateId: string): GateReport {
    return this.report(this.state(gateId));
  }

  /** The gate by id, or null (for publishing). */
  find(gateId: string): GateReport | null {
    const state = this.gates.get(gateId);
    return state ? this.report(state) : null;
  }

  /** Resolves when the gate has ended (for tests and benchmarks). */
  async settled(gateId: string): Promise<GateReport> {
    const state = this.state(gateId);
    await state.finished;
    return this.report(state);
  }

  /** Stops a running gate for good (the workspace is closing). */
  close(): void {
    this.closed = true;
    this.running?.controller.abort();
  }

  private state(gateId: string): GateState {
    const state = this.gates.get(gateId);
    if (!state) throw new ApiError({ code: 'not_found', message: `no gate ${gateId} (gates are kept until the app restarts, the newest ${KEEP_GATES})` });
    return state;
  }

  private report(state: GateState): GateReport {
    return { ...state.report, baseline: state.report.baseline && { ...state.report.baseline }, failures: state.failures.map((f) => ({ ...f, fields: [...f.fields], errors: [...f.errors] })) };
  }

  private progress(state: GateState): GateProgress {
    return { ...state.report };
  }

  private async execute(state: GateState, extractor: Extractor, baseline: RulebookArtifact | null): Promise<void> {
    const r = state.report;
    const signal = state.controller.signal;
    const draft = extractor.rulebook;
    const embedded = extractor.provider.name === 'embedded';
    // The embedded provider computes in this thread: concurrency only interleaves it (as in runs).
    const concurrency = embedded ? 1 : Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(hostNumber(this.ctx, RUN_SETTING.concurrency, DEFAULT_CONCURRENCY))));
    let lastAt = 0;
    let lastDone = 0;
    const emitProgress = (force = false) => {
      const now = performance.now();
      if (!force && now - lastAt < PROGRESS_MS && r.done - lastDone < Math.max(1, r.total * PROGRESS_STEP)) return;
      lastAt = now;
      lastDone = r.done;
      if (!this.closed) this.ctx.emit('gateProgress', this.progress(state));
    };
    const failed: { precedent: Precedent; result: PrecedentReplay }[] = [];
    try {
      emitProgress(true);
      const summary = await replayPrecedents(draft, {
        extractor,
        concurrency,
        signal,
        onResult: (result, precedent) => {
          r.done++;
          if (result.pass) r.passed++;
          else {
            r.failed++;
            failed.push({ precedent, result });
          }
          if (result.cached) r.cached++;
          emitProgress();
        },
      });
      if (summary.aborted || signal.aborted) {
        r.status = 'cancelled';
      } else {
        const regressed = baseline ? await this.regressions(baseline, extractor, failed.map((f) => f.precedent.id), concurrency, signal) : new Set<string>();
        if (signal.aborted) r.status = 'cancelled';
        else {
          r.regressions = regressed.size;
          const all = failed.map(({ precedent, result }): GateFailure => ({
            precedentId: precedent.id,
            excerpt: excerpt(precedent.message.text),
            fields: result.diffs.map((d) => ({ field: d.field, expected: d.expected ?? null, actual: d.actual ?? null })),
            errors: result.errors,
            regression: regressed.has(precedent.id),
          }));
          // Regressions first; otherwise the precedents' order (a stable sort keeps it).
          all.sort((a, b) => Number(b.regression) - Number(a.regression));
          state.failures = all.slice(0, MAX_GATE_FAILURES);
          r.status = 'done';
        }
      }
    } catch (err) {
      r.status = 'failed';
      r.error = err instanceof Error ? err.message : String(err);
    } finally {
      r.finishedAt = new Date().toISOString();
      if (this.running === state) this.running = null;
    }
    if (this.closed) return;
    emitProgress(true);
    this.ctx.emit('publishChanged', { reason: `gate ${r.status}` });
    this.options.onEnd?.(this.report(state));
  }

  /**
   * Of the precedents that failed under the draft, those the baseline also holds and that pass when
   * replayed under it (with the same provider: cached answers reused).
   */
  private async regressions(baseline: RulebookArtifact, draftExtractor: Extractor, failedIds: string[], concurrency: number, signal: AbortSignal): Promise<Set<string>> {
    const wanted = new Set(failedIds);
    const subset = baseline.precedents.filter((p) => wanted.has(p.id));
    if (subset.length === 0) return new Set();
    const embedded = draftExtractor.provider.name === 'embedded';
    // The embedded provider learns from the rulebook's own precedents: the baseline's, here. A
    // model provider answers prompts, whichever rulebook built them.
    const extractor = embedded
      ? createExtractor(baseline, { provider: { kind: 'embedded' } })
      : createExtractor(baseline, { provider: draftExtractor.provider, cache: this.ctx.repos.responseCache });
    const summary = await replayPrecedents(baseline, { extractor, precedents: subset, concurrency, signal });
    return new Set(summary.results.filter((x) => x.pass).map((x) => x.id));
  }
}
