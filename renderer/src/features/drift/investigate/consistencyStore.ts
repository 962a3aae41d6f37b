// The consistency panel's state: the repeat run started from here (followed by its driftChanged
// events until it ends), its report a page of messages at a time, and the message open.
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiEvents, ApiFailure, CasebookApi } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import type { ConsistencyItem, ConsistencyReport } from '../../../../../shared/src/api/records.js';
import { LIVE, type Progress } from './common';

export const CONSISTENCY_PAGE = 100;

export type ConsistencyArgs = ApiArgs<'startConsistency'>;

export interface ConsistencyState {
  report: ConsistencyReport | null;
  items: ConsistencyItem[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: ApiFailure | null;
  /** While the repeat run goes on. */
  progress: Progress | null;
  starting: boolean;
  startError: ApiFailure | null;
  cancelling: boolean;
  openId: string | null;
  start(args: ConsistencyArgs): Promise<boolean>;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  cancel(): Promise<void>;
  onEvent(event: ApiEvents['driftChanged']): void;
  open(messageId: string): void;
  close(): void;
}

/** How far the repeats went, from the report's runs. */
function progressOf(report: ConsistencyReport): Progress {
  return {
    status: report.status,
    done: report.runs.reduce((n, r) => n + r.done + r.failed, 0),
    total: report.runs.reduce((n, r) => n + r.total, 0),
  };
}

export function createConsistencyStore(api: CasebookApi) {
  // Answers for an older report (another run started since) are dropped.
  let generation = 0;
  /** Repeat runs whose end event came while a start was waiting for its answer. */
  const endedFirst = new Set<string>();
  return createStore<ConsistencyState>()((set, get) => {
    function show(report: ConsistencyReport) {
      const live = LIVE.has(report.status);
      set({ report, items: report.items, nextCursor: report.nextCursor, progress: live ? progressOf(report) : null, cancelling: live ? get().cancelling : false });
    }
    return {
      report: null,
      items: [],
      nextCursor: null,
      loading: false,
      loadingMore: false,
      error: null,
      progress: null,
      starting: false,
      startError: null,
      cancelling: false,
      openId: null,

      async start(args) {
        const me = ++generation;
        set({ starting: true, startError: null, error: null, openId: null });
        try {
          const report = await api.startConsistency(args);
          if (me !== generation) return false;
          set({ starting: false, cancelling: false });
          show(report);
          // A repeat run answered at once can end before its start is answered: its end event, come first, counts.
          const ended = endedFirst.has(report.id);
          endedFirst.clear();
          if (ended && LIVE.has(report.status)) get().onEvent({ kind: 'consistency', id: report.id, done: 0, total: 0, status: 'done' });
          return true;
        } catch (error) {
          if (me === generation) set({ starting: false, startError: toFailure(error) });
          return false;
        }
      },

      async refresh() {
        const id = get().report?.id;
        if (!id) return;
        const me = generation;
        set({ loading: true, error: null });
        try {
          const report = await api.getConsistency({ id, limit: CONSISTENCY_PAGE });
          if (me !== generation) return;
          set({ loading: false });
          show(report);
        } catch (error) {
          if (me === generation) set({ loading: false, error: toFailure(error) });
        }
      },

      async loadMore() {
        const { report, nextCursor, loadingMore } = get();
        if (!report || !nextCursor || loadingMore) return;
        const me = generation;
        set({ loadingMore: true });
        try {
          const page = await api.getConsistency({ id: report.id, cursor: nextCursor, limit: CONSISTENCY_PAGE });
          if (me !== generation) return;
          const seen = new Set(get().items.map((i) => i.messageId));
          set({ items: [...get().items, ...page.items.filter((i) => !seen.has(i.messageId))], nextCursor: page.nextCursor, loadingMore: false });
        } catch (error) {
          if (me === generation) set({ loadingMore: false, error: toFailure(error) });
        }
      },

      async cancel() {
        const id = get().report?.id;
        if (!id) return;
        const me = generation;
        set({ cancelling: true, error: null });
        try {
          const report = await api.cancelConsistency({ id });
          if (me !== generation) return;
          show(report);
          if (!LIVE.has(report.status)) set({ cancelling: false });
        } catch (error) {
          if (me === generation) set({ cancelling: false, error: toFailure(error) });
        }
      },

      onEvent(event) {
        const report = get().report;
        if (event.kind !== 'consistency') return;
        if (!report || event.id !== report.id) {
          // Perhaps the run this panel is starting, whose start has not been answered yet.
          if (event.id !== null && !LIVE.has(event.status) && get().starting) endedFirst.add(event.id);
          return;
        }
        if (LIVE.has(event.status)) {
          set({ progress: { status: event.status, done: event.done, total: event.total } });
          return;
        }
        set({ progress: null, cancelling: false });
        void get().refresh();
      },

      open(messageId) {
        set({ openId: messageId });
      },

      close() {
        set({ openId: null });
      },
    };
  });
}
