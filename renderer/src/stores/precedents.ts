// Precedents: corrections kept with their message, output and rationale. Search, edit, delete, restore.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiArgs, ApiFailure, CasebookApi, PrecedentRecord } from '../api/contract';
import { isReadOnlyFailure, toFailure } from '../api/errors';
import { changeThenReload } from './changeThenReload';
import type { RulebookState } from './rulebook';
import type { ToastsState } from './toasts';

export interface PrecedentsState {
  records: PrecedentRecord[] | null;
  search: string;
  loading: boolean;
  error: ApiFailure | null;
  /**
   * The backend said the workspace cannot be written (isReadOnlyFailure): no edit controls. Any other
   * failure, `unavailable` included, is an error to retry.
   */
  readOnly: boolean;
  saveError: ApiFailure | null;
  load(search?: string): Promise<void>;
  update(patch: ApiArgs<'updatePrecedent'>): Promise<boolean>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<void>;
  /** A precedent made elsewhere (a correction): the list is stale. */
  invalidate(): void;
}

export function createPrecedentsStore(api: CasebookApi, deps: { rulebook: StoreApi<RulebookState>; toasts: StoreApi<ToastsState> }) {
  let generation = 0;
  return createStore<PrecedentsState>()((set, get) => {
    const readOnlyOn = (failure: ApiFailure) => {
      if (isReadOnlyFailure(failure)) set({ readOnly: true });
    };
    const changed = changeThenReload(deps, () => get().load(), readOnlyOn);
    return {
      records: null,
      search: '',
      loading: false,
      error: null,
      readOnly: false,
      saveError: null,
      async load(search = get().search) {
        const mine = ++generation;
        set({ loading: true, error: null, search });
        try {
          const records = await api.listPrecedents(search.trim() ? { search: search.trim() } : {});
          if (mine === generation) set({ records, loading: false });
        } catch (error) {
          if (mine !== generation) return;
          const failure = toFailure(error);
          if (!isReadOnlyFailure(failure)) {
            set({ loading: false, error: failure });
            return;
          }
          // The workspace cannot be written: show the draft rulebook's precedents, read-only.
          if (!deps.rulebook.getState().rulebook) await deps.rulebook.getState().load();
          const rb = deps.rulebook.getState().rulebook;
          if (mine !== generation) return;
          if (!rb) {
            set({ loading: false, error: failure });
            return;
          }
          const words = search.toLowerCase().split(/\s+/).filter(Boolean);
          const records = rb.precedents
            .map((p) => ({ ...p, messageId: null, deletedAt: null }))
            .filter((p) => words.every((w) => JSON.stringify(p).toLowerCase().includes(w)));
          set({ records, loading: false, readOnly: true });
        }
      },
      async update(patch) {
        set({ saveError: null });
        try {
          await api.updatePrecedent(patch);
        } catch (error) {
          const failure = toFailure(error);
          set({ saveError: failure });
          readOnlyOn(failure);
          return false;
        }
        await Promise.all([get().load(), deps.rulebook.getState().load()]);
        return true;
      },
      async remove(id) {
        if (!(await changed(() => api.deletePrecedent({ id })))) return;
        deps.toasts.getState().push({ message: `Precedent ${id} deleted.`, action: { label: 'Undo', run: () => get().restore(id) } });
      },
      async restore(id) {
        if (await changed(() => api.restorePrecedent({ id }))) deps.toasts.getState().push({ message: `Precedent ${id} restored.` });
      },
      invalidate() {
        set({ records: null });
      },
    };
  });
}
