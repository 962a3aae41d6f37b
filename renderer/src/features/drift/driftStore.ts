// The Drift screen's state: the runs to pick from, the two compared (A the reference, B the other),
// the filter on the changed messages, the comparison (a page at a time), the row the keys move over,
// the message pair open, and a comparison run started from here (followed by its runProgress events).
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiEvents, ApiFailure, CasebookApi, RunRecord } from '../../api/contract';
import { toFailure } from '../../api/errors';
import type { RunComparison, RunComparisonItem, RunPair } from '../../../../shared/src/api/records.js';
import { defaultPair } from './runLabel';

export type FilterValue = string | number | boolean | null;

/** What the table is narrowed to: a field (or a key outside the schema), one old → new transition of it, or the messages whose validity changed. */
export interface DriftFilter {
  field?: string;
  from?: FilterValue;
  to?: FilterValue;
  validityChanged?: boolean;
}

export type Against = NonNullable<ApiArgs<'startRun'>['against']>;
export type Selection = ApiArgs<'startRun'>['selection'];

export const PAGE_SIZE = 100;
const LIVE = new Set(['queued', 'running']);
/** Progress events of runs not (yet) known as this window's comparison run, kept by run: the newest few. */
const MAX_UNCLAIMED = 20;

export interface PendingRun {
  runId: string;
  status: string;
  done: number;
  failed: number;
  total: number;
}

export interface DriftState {
  runs: RunRecord[] | null;
  runsError: ApiFailure | null;
  a: string | null;
  b: string | null;
  filter: DriftFilter;
  comparison: RunComparison | null;
  items: RunComparisonItem[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: ApiFailure | null;
  /** The row the keys are on (-1: none yet). */
  cursor: number;
  openId: string | null;
  pair: RunPair | null;
  pairError: ApiFailure | null;
  /** A comparison run started from this screen, until it ends. */
  pending: PendingRun | null;
  pendingError: string | null;
  loadRuns(): Promise<void>;
  pick(side: 'a' | 'b', runId: string): void;
  swap(): void;
  setFilter(filter: DriftFilter): void;
  compare(): Promise<void>;
  loadMore(): Promise<void>;
  move(step: 1 | -1): void;
  open(messageId?: string): Promise<void>;
  close(): void;
  startComparisonRun(selection: Selection, against: Against): Promise<boolean>;
  onProgress(event: ApiEvents['runProgress']): void;
}

export function createDriftStore(api: CasebookApi) {
  // Each new comparison (runs or filter changed) is a generation; answers from an older one are dropped.
  let generation = 0;
  let pairGeneration = 0;
  const unclaimed = new Map<string, ApiEvents['runProgress']>();
  return createStore<DriftState>()((set, get) => {
    function args(cursor: string | null) {
      const { a, b, filter } = get();
      return { a: a!, b: b!, ...filter, cursor, limit: PAGE_SIZE };
    }
    return {
      runs: null,
      runsError: null,
      a: null,
      b: null,
      filter: {},
      comparison: null,
      items: [],
      nextCursor: null,
      loading: false,
      loadingMore: false,
      error: null,
      cursor: -1,
      openId: null,
      pair: null,
      pairError: null,
      pending: null,
      pendingError: null,

      async loadRuns() {
        try {
          const runs = await api.listRuns({ limit: 100 });
          const { a, b } = get();
          const known = (id: string | null) => id !== null && runs.some((r) => r.id === id);
          const fallback = defaultPair(runs);
          set({ runs, runsError: null, a: known(a) ? a : fallback.a, b: known(b) ? b : fallback.b });
          if (get().a !== a || get().b !== b || !get().comparison) await get().compare();
        } catch (error) {
          set({ runsError: toFailure(error) });
        }
      },

      pick(side, runId) {
        if (get()[side] === runId) return;
        set(side === 'a' ? { a: runId } : { b: runId });
        set({ filter: {}, openId: null, pair: null });
        void get().compare();
      },

      swap() {
        const { a, b } = get();
        set({ a: b, b: a, filter: {}, openId: null, pair: null });
        void get().compare();
      },

      setFilter(filter) {
        set({ filter, openId: null, pair: null });
        void get().compare();
      },

      async compare() {
        const me = ++generation;
        const { a, b } = get();
        if (!a || !b || a === b) {
          set({ comparison: null, items: [], nextCursor: null, loading: false, error: null, cursor: -1 });
          return;
        }
        set({ loading: true, error: null, items: [], nextCursor: null, cursor: -1 });
        try {
          const comparison = await api.compareRuns(args(null));
          if (me !== generation) return;
          set({ comparison, items: comparison.items, nextCursor: comparison.nextCursor, loading: false });
        } catch (error) {
          if (me !== generation) return;
          set({ comparison: null, loading: false, error: toFailure(error) });
        }
      },

      async loadMore() {
        const { nextCursor, loadingMore } = get();
        if (!nextCursor || loadingMore) return;
        const me = generation;
        set({ loadingMore: true });
        try {
          const page = await api.compareRuns(args(nextCursor));
          if (me !== generation) return;
          set({ items: [...get().items, ...page.items], nextCursor: page.nextCursor, loadingMore: false, comparison: page });
        } catch (error) {
          if (me !== generation) return;
          set({ loadingMore: false, error: toFailure(error) });
        }
      },

      move(step) {
        const { items, cursor, openId } = get();
        if (items.length === 0) return;
        const next = Math.min(items.length - 1, Math.max(0, cursor + step));
        set({ cursor: next });
        if (openId !== null && items[next]!.messageId !== openId) void get().open(items[next]!.messageId);
        if (next >= items.length - 5) void get().loadMore();
      },

      async open(messageId) {
        const { items, cursor, a, b } = get();
        const id = messageId ?? items[cursor]?.messageId;
        if (!id || !a || !b) return;
        const index = items.findIndex((i) => i.messageId === id);
        const me = ++pairGeneration;
        set({ openId: id, pair: null, pairError: null, cursor: index >= 0 ? index : cursor });
        try {
          const pair = await api.getRunPair({ a, b, messageId: id });
          if (me === pairGeneration) set({ pair });
        } catch (error) {
          if (me === pairGeneration) set({ pairError: toFailure(error) });
        }
      },

      close() {
        pairGeneration++;
        set({ openId: null, pair: null, pairError: null });
      },

      async startComparisonRun(selection, against) {
        set({ pendingError: null });
        try {
          const run = await api.startRun({ selection, against });
          // A run answered at once can end before startRun's answer arrives: its end event, come first, counts.
          const seen = unclaimed.get(run.id);
          unclaimed.clear();
          const now = seen ?? { runId: run.id, status: run.status, done: run.done, failed: run.failed, total: run.total, ratePerSecond: 0, etaSeconds: null };
          set({ pending: { runId: run.id, status: now.status, done: now.done, failed: now.failed, total: now.total } });
          if (!LIVE.has(now.status)) get().onProgress(now);
          return true;
        } catch (error) {
          set({ pendingError: toFailure(error).message });
          return false;
        }
      },

      onProgress(event) {
        const pending = get().pending;
        if (!pending || pending.runId !== event.runId) {
          // Perhaps the run this window is starting, whose start has not been answered yet.
          unclaimed.delete(event.runId);
          unclaimed.set(event.runId, event);
          if (unclaimed.size > MAX_UNCLAIMED) unclaimed.delete(unclaimed.keys().next().value!);
          return;
        }
        set({ pending: { runId: event.runId, status: event.status, done: event.done, failed: event.failed, total: event.total } });
        if (LIVE.has(event.status)) return;
        if (event.status === 'done') {
          // The new run becomes B, beside the reference A.
          set({ pending: null });
          void api
            .listRuns({ limit: 100 })
            .then((runs) => {
              // With no reference yet, the run that was B becomes A.
              const { a, b } = get();
              set(!a && b && b !== event.runId ? { runs, a: b } : { runs });
              get().pick('b', event.runId);
            })
            .catch((error: unknown) => set({ runsError: toFailure(error) }));
        } else {
          set({ pending: null, pendingError: `The comparison run ${event.status === 'cancelled' ? 'was cancelled' : 'failed'} (${event.done.toLocaleString()} of ${event.total.toLocaleString()} messages done).` });
        }
      },
    };
  });
}
