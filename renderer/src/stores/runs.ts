// Extraction runs: the one shown in the runs bar (live from runProgress events), its errors, and
// cancel, resume and retry. On start the latest runs are listed so an interrupted one can be resumed.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiArgs, ApiEvents, ApiFailure, CasebookApi, RunErrorItem, RunRecord } from '../api/contract';
import { toFailure } from '../api/errors';
import type { ToastsState } from './toasts';

export type Selection = ApiArgs<'startRun'>['selection'];
export type RunProgress = ApiEvents['runProgress'];

export interface RunsState {
  /** The run in the bar: the running one, or the last one that can be resumed or has errors. */
  run: RunRecord | null;
  progress: RunProgress | null;
  errors: RunErrorItem[];
  /** Listed as running at start but no progress has come since: it may have been cut by a restart. */
  stale: boolean;
  busy: boolean;
  error: ApiFailure | null;
  /** Lists the latest runs and picks the one to show (called once the app is ready). */
  load(): Promise<void>;
  start(selection: Selection): Promise<RunRecord | null>;
  cancel(): Promise<void>;
  resume(): Promise<void>;
  retry(): Promise<void>;
  /** A runProgress event from the backend. */
  onProgress(event: RunProgress): void;
  dismiss(): void;
}

const LIVE = new Set(['queued', 'running']);

/** Whether a run stopped before it went through every message (cancelled, failed, or cut by a restart). */
export function isResumable(run: RunRecord, live: boolean): boolean {
  if (run.status === 'cancelled' || run.status === 'failed') return run.done + run.failed < run.total;
  return LIVE.has(run.status) && !live;
}

export function createRunsStore(api: CasebookApi, deps: { toasts: StoreApi<ToastsState> }) {
  return createStore<RunsState>()((set, get) => {
    async function act(run: () => Promise<RunRecord>) {
      set({ busy: true, error: null });
      try {
        const record = await run();
        set({ run: record, progress: fromRecord(record), busy: false, errors: [], stale: false });
      } catch (error) {
        set({ busy: false, error: toFailure(error) });
      }
    }
    async function finished(runId: string) {
      try {
        const record = await api.getRun({ runId });
        const errors = record.failed > 0 ? await api.listRunErrors({ runId }) : [];
        if (get().run?.id === runId) set({ run: record, errors });
      } catch {
        // The bar keeps the last progress it had.
      }
    }
    return {
      run: null,
      progress: null,
      errors: [],
      stale: false,
      busy: false,
      error: null,
      async load() {
        try {
          const runs = await api.listRuns({ limit: 20 });
          if (get().run) return;
          const live = runs.find((r) => LIVE.has(r.status));
          const shown = live ?? runs.find((r) => isResumable(r, false) || (r.status === 'done' && r.failed > 0)) ?? null;
          if (!shown) return;
          set({ run: shown, progress: fromRecord(shown), stale: LIVE.has(shown.status) });
          if (shown.failed > 0) set({ errors: await api.listRunErrors({ runId: shown.id }) });
        } catch {
          // No runs to show (or the backend has no runs yet).
        }
      },
      async start(selection) {
        set({ busy: true, error: null });
        try {
          const record = await api.startRun({ selection });
          // A run answered at once can end (its events come first) before startRun's answer: what the events said is newer.
          const current = get().run;
          if (current?.id === record.id) set({ errors: [], busy: false, stale: false });
          else set({ run: record, progress: fromRecord(record), errors: [], busy: false, stale: false });
          return record;
        } catch (error) {
          const failure = toFailure(error);
          set({ busy: false, error: failure });
          deps.toasts.getState().push({ message: `The run could not start: ${failure.message}`, tone: 'error' });
          return null;
        }
      },
      async cancel() {
        const run = get().run;
        if (run) await act(() => api.cancelRun({ runId: run.id }));
      },
      async resume() {
        const run = get().run;
        if (run) await act(() => api.resumeRun({ runId: run.id }));
      },
      async retry() {
        const run = get().run;
        if (run) await act(() => api.retryRunErrors({ runId: run.id }));
      },
      onProgress(event) {
        const current = get().run;
        if (current && current.id !== event.runId && LIVE.has(current.status) && !LIVE.has(event.status)) return;
        const status = event.status as RunRecord['status'];
        const base: RunRecord = current?.id === event.runId ? current : { id: event.runId, kind: 'extract', status, total: event.total, done: 0, failed: 0, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, error: null, rulebook: { version: null, hash: null }, provider: '', model: '' };
        set({ run: { ...base, status, done: event.done, failed: event.failed, total: event.total }, progress: event, stale: false });
        if (!LIVE.has(event.status)) void finished(event.runId);
      },
      dismiss() {
        set({ run: null, progress: null, errors: [], error: null, stale: false });
      },
    };
  });
}

function fromRecord(r: RunRecord): RunProgress {
  return { runId: r.id, done: r.done, failed: r.failed, total: r.total, ratePerSecond: 0, etaSeconds: null, status: r.status };
}
