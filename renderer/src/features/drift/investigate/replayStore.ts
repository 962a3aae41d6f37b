// The replay panel's state: past replays (listReplays), the one shown (getReplay, narrowed to one
// attribution when the person drills into it, a page of items at a time), and a replay started
// from here, followed by its driftChanged events until it ends.
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiEvents, ApiFailure, CasebookApi } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import type { Attribution, ReplayItem, ReplayReport } from '../../../../../shared/src/api/records.js';
import { LIVE, type Progress } from './common';

export const REPLAY_PAGE = 100;

export type ReplayArgs = ApiArgs<'startReplay'>;

export interface ReplayState {
  replays: ReplayReport[] | null;
  listError: ApiFailure | null;
  /** The replay shown (its counts; items as narrowed by `attribution`). */
  report: ReplayReport | null;
  attribution: Attribution | null;
  items: ReplayItem[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: ApiFailure | null;
  /** While the replay shown goes on. */
  progress: Progress | null;
  starting: boolean;
  startError: ApiFailure | null;
  cancelling: boolean;
  loadList(): Promise<void>;
  start(args: ReplayArgs): Promise<boolean>;
  show(id: string, attribution?: Attribution | null): Promise<void>;
  drill(attribution: Attribution | null): Promise<void>;
  loadMore(): Promise<void>;
  cancel(): Promise<void>;
  onEvent(event: ApiEvents['driftChanged']): void;
}

export function createReplayStore(api: CasebookApi) {
  // Each replay shown (or drill) is a generation; answers from an older one are dropped.
  let generation = 0;
  // Replays whose end was announced: a short replay can end before startReplay is answered, and its
  // one end event must not be lost (the panel would wait for it forever).
  const ended = new Set<string>();
  return createStore<ReplayState>()((set, get) => {
    function present(report: ReplayReport) {
      const live = LIVE.has(report.status);
      if (live && ended.delete(report.id)) {
        void get().show(report.id, get().attribution);
        return;
      }
      set({
        report,
        items: report.items,
        nextCursor: report.nextCursor,
        progress: live ? { status: report.status, done: report.done, total: report.total } : null,
        cancelling: live ? get().cancelling : false,
      });
      // Keep the list's entry in step with what was just learnt.
      const replays = get().replays;
      if (replays?.some((r) => r.id === report.id)) set({ replays: replays.map((r) => (r.id === report.id ? { ...report, items: [], nextCursor: null } : r)) });
    }
    return {
      replays: null,
      listError: null,
      report: null,
      attribution: null,
      items: [],
      nextCursor: null,
      loading: false,
      loadingMore: false,
      error: null,
      progress: null,
      starting: false,
      startError: null,
      cancelling: false,

      async loadList() {
        try {
          const replays = await api.listReplays({});
          set({ replays, listError: null });
        } catch (error) {
          set({ listError: toFailure(error), replays: get().replays ?? null });
        }
      },

      async start(args) {
        const me = ++generation;
        set({ starting: true, startError: null, error: null });
        try {
          const report = await api.startReplay(args);
          if (me !== generation) return false;
          set({ starting: false, cancelling: false, attribution: null, replays: [report, ...(get().replays ?? []).filter((r) => r.id !== report.id)] });
          present(report);
          return true;
        } catch (error) {
          if (me === generation) set({ starting: false, startError: toFailure(error) });
          return false;
        }
      },

      async show(id, attribution = null) {
        const me = ++generation;
        const same = get().report?.id === id;
        set({ loading: true, error: null, attribution, items: same ? get().items : [], report: same ? get().report : null, progress: same ? get().progress : null, cancelling: same ? get().cancelling : false });
        try {
          const report = await api.getReplay({ id, limit: REPLAY_PAGE, ...(attribution ? { attribution } : {}) });
          if (me !== generation) return;
          set({ loading: false });
          present(report);
        } catch (error) {
          if (me === generation) set({ loading: false, error: toFailure(error) });
        }
      },

      async drill(attribution) {
        const id = get().report?.id;
        if (!id) return;
        await get().show(id, attribution);
      },

      async loadMore() {
        const { report, nextCursor, loadingMore, attribution } = get();
        if (!report || !nextCursor || loadingMore) return;
        const me = generation;
        set({ loadingMore: true });
        try {
          const page = await api.getReplay({ id: report.id, cursor: nextCursor, limit: REPLAY_PAGE, ...(attribution ? { attribution } : {}) });
          if (me !== generation) return;
          set({ items: [...get().items, ...page.items], nextCursor: page.nextCursor, loadingMore: false });
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
          const report = await api.cancelReplay({ id });
          if (me !== generation) return;
          present(report);
        } catch (error) {
          if (me === generation) set({ cancelling: false, error: toFailure(error) });
        }
      },

      onEvent(event) {
        if (event.kind !== 'replay') return;
        const report = get().report;
        if (LIVE.has(event.status)) {
          if (report && event.id === report.id) set({ progress: { status: event.status, done: event.done, total: event.total } });
          return;
        }
        // A replay ended: the list changes, and the one shown (when it is this one) is reloaded.
        if (event.id) {
          ended.add(event.id);
          if (ended.size > 64) ended.delete(ended.values().next().value!);
        }
        void get().loadList();
        if (report && event.id === report.id) {
          set({ progress: null, cancelling: false });
          void get().show(report.id, get().attribution);
        }
      },
    };
  });
}
