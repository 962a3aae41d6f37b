// Run handlers: extraction over a selection, in the background, with progress events, cancel,
// resume and retry of per-message errors. The work is the RunService's; these only translate.
import type { ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { createCompareExtractors } from '../drift/targets.js';
import { DEFAULT_CONCURRENCY, RUN_SETTING, RunService } from './service.js';

export type RunHandlers = Pick<ApiHandlers, 'startRun' | 'cancelRun' | 'resumeRun' | 'retryRunErrors' | 'getRun' | 'listRuns' | 'listRunErrors'>;

/** A number from the host's settings, or the fallback when unset or not a finite number. */
export function hostNumber(ctx: Pick<BackendContext, 'opts'>, key: string, fallback: number): number {
  const value = ctx.opts.settings.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * The backend's run service: the draft's extractor (and a version's or another model's for
 * comparison runs), the host's concurrency, the context's events.
 */
export function createRunService(ctx: BackendContext): RunService {
  return new RunService({
    repos: ctx.repos,
    extractor: () => ctx.extraction.current(),
    compare: createCompareExtractors(ctx),
    assess: (result, rulebook) => ctx.extraction.assess(result, rulebook),
    emit: ctx.emit,
    concurrency: () => hostNumber(ctx, RUN_SETTING.concurrency, DEFAULT_CONCURRENCY),
  });
}

export function createRunHandlers(ctx: BackendContext, runs: RunService = createRunService(ctx)): RunHandlers {
  return {
    startRun: ({ selection, against }) => runs.start(selection, against),
    cancelRun: ({ runId }) => runs.cancel(runId),
    resumeRun: ({ runId }) => runs.resume(runId),
    retryRunErrors: ({ runId }) => runs.retryErrors(runId),
    getRun: ({ runId }) => runs.get(runId),
    listRuns: ({ limit }) => runs.list(limit),
    listRunErrors: ({ runId, limit }) => runs.errors(runId, limit),
  };
}
