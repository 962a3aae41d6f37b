// The inbox: filters, the pages loaded so far (cursor paging as the list scrolls), and the selection.
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiFailure, CasebookApi, MessageSummary, ReviewStatus } from '../api/contract';
import { toFailure } from '../api/errors';

export const PAGE_SIZE = 200;

/** A field of the newest extraction equals a value (null: the field is empty or missing). */
export type FieldFilter = NonNullable<ApiArgs<'listMessages'>['field']>;

export interface InboxFilters {
  status: ReviewStatus | null;
  valid: boolean | null;
  field: FieldFilter | null;
  /** Only messages whose extraction was made under an earlier schema (true), or only current ones (false). */
  stale: boolean | null;
  search: string;
  /** The review queue: messages needing review and regressions (a later answer disagreeing with a person's). */
  queue: boolean;
  /** `confidence`: least confident first. */
  sort: InboxSort;
}

export type InboxSort = NonNullable<ApiArgs<'listMessages'>['sort']>;

export const NO_FILTERS: InboxFilters = { status: null, valid: null, field: null, stale: null, search: '', queue: false, sort: 'received_desc' };

/** The review queue as a filter: least confident first (the sort stays the person's to change). */
export const QUEUE_FILTERS: Partial<InboxFilters> = { queue: true, status: null, sort: 'confidence' };

export interface InboxState {
  filters: InboxFilters;
  items: MessageSummary[];
  /** Messages matching the filters; null until the first page arrived. */
  total: number | null;
  nextCursor: string | null;
  loading: boolean;
  error: ApiFailure | null;
  selectedId: string | null;
  /** Messages ticked for a bulk action (re-run), in the order they were ticked. */
  checked: string[];
  toggleChecked(id: string): void;
  clearChecked(): void;
  setFilters(patch: Partial<InboxFilters>): Promise<void>;
  /** Loads the first page again (after a change in the workspace), keeping the selection. */
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  select(id: string | null): void;
  /** Moves the selection by `delta` rows (j/k). */
  move(delta: number): void;
  /** Updates one loaded row in place (after an accept or a correction), without a reload. */
  patchItem(id: string, patch: Partial<MessageSummary>): void;
}

export function hasActiveFilters(f: InboxFilters): boolean {
  return f.status !== null || f.queue || f.valid !== null || f.field !== null || f.stale !== null || f.search.trim() !== '';
}

export function createInboxStore(api: CasebookApi) {
  // Each filter change starts a new generation; answers from an older one are dropped.
  let generation = 0;

  return createStore<InboxState>()((set, get) => {
    function query(cursor: string | null, limit = PAGE_SIZE): ApiArgs<'listMessages'> {
      const f = get().filters;
      const args: ApiArgs<'listMessages'> = { sort: f.sort, limit, cursor };
      if (f.status) args.status = f.status;
      if (f.queue) args.queue = true;
      if (f.valid !== null) args.valid = f.valid;
      if (f.field) args.field = f.field;
      if (f.stale !== null) args.stale = f.stale;
      const search = f.search.trim();
      if (search) args.search = search;
      return args;
    }

    async function loadFirst(limit: number): Promise<void> {
      const mine = ++generation;
      set({ loading: true, error: null });
      try {
        const page = await api.listMessages(query(null, limit));
        if (mine !== generation) return;
        set({ items: page.items, total: page.total, nextCursor: page.nextCursor, loading: false });
      } catch (error) {
        if (mine !== generation) return;
        set({ loading: false, error: toFailure(error) });
      }
    }

    return {
      filters: NO_FILTERS,
      items: [],
      total: null,
      nextCursor: null,
      loading: false,
      error: null,
      selectedId: null,
      checked: [],
      toggleChecked(id) {
        set((s) => ({ checked: s.checked.includes(id) ? s.checked.filter((x) => x !== id) : [...s.checked, id] }));
      },
      clearChecked() {
        set({ checked: [] });
      },
      async setFilters(patch) {
        set({ filters: { ...get().filters, ...patch }, items: [], total: null, nextCursor: null });
        await loadFirst(PAGE_SIZE);
      },
      async reload() {
        await loadFirst(Math.min(500, Math.max(PAGE_SIZE, get().items.length)));
      },
      async loadMore() {
        const { nextCursor, loading, error } = get();
        if (loading || nextCursor === null || error) return;
        const mine = generation;
        set({ loading: true });
        try {
          const page = await api.listMessages(query(nextCursor));
          if (mine !== generation) return;
          set((s) => ({ items: s.items.concat(page.items), total: page.total, nextCursor: page.nextCursor, loading: false }));
        } catch (e) {
          if (mine !== generation) return;
          set({ loading: false, error: toFailure(e) });
        }
      },
      select(id) {
        set({ selectedId: id });
      },
      patchItem(id, patch) {
        set((s) => ({ items: s.items.map((m) => (m.id === id ? { ...m, ...patch } : m)) }));
      },
      move(delta) {
        const { items, selectedId, nextCursor } = get();
        if (items.length === 0) return;
        const current = selectedId === null ? -1 : items.findIndex((m) => m.id === selectedId);
        const next = current < 0 ? 0 : Math.max(0, Math.min(items.length - 1, current + delta));
        set({ selectedId: items[next]?.id ?? null });
        if (nextCursor !== null && next >= items.length - 10) void get().loadMore();
      },
    };
  });
}
