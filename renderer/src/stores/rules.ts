// The rules of the draft rulebook as records (position, times, deleted), with edit, enable, delete
// and restore. Every change reloads the draft rulebook, which the inbox's "why" panel reads.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiFailure, CasebookApi, Rule, RuleRecord } from '../api/contract';
import { toFailure } from '../api/errors';
import { changeThenReload } from './changeThenReload';
import type { RulebookState } from './rulebook';
import type { ToastsState } from './toasts';

export interface RulesState {
  records: RuleRecord[] | null;
  loading: boolean;
  error: ApiFailure | null;
  /** The backend cannot list rule records yet: the list comes from the draft rulebook, read-only. */
  readOnly: boolean;
  saveError: ApiFailure | null;
  load(): Promise<void>;
  save(rule: Rule): Promise<RuleRecord | null>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<void>;
}

export function createRulesStore(api: CasebookApi, deps: { rulebook: StoreApi<RulebookState>; toasts: StoreApi<ToastsState> }) {
  return createStore<RulesState>()((set, get) => {
    const changed = changeThenReload(deps, () => get().load());
    return {
      records: null,
      loading: false,
      error: null,
      readOnly: false,
      saveError: null,
      async load() {
        set({ loading: true, error: null });
        try {
          set({ records: await api.listRules({}), loading: false, readOnly: false });
        } catch (error) {
          const failure = toFailure(error);
          if (failure.code !== 'unavailable') {
            set({ loading: false, error: failure });
            return;
          }
          // Until the backend lists rule records, show the draft rulebook's rules.
          if (!deps.rulebook.getState().rulebook) await deps.rulebook.getState().load();
          const rb = deps.rulebook.getState().rulebook;
          if (!rb) {
            set({ loading: false, error: deps.rulebook.getState().error ?? failure });
            return;
          }
          const records = rb.rules.map((rule, position) => ({ rule, position, createdAt: rule.provenance.createdAt, updatedAt: rule.provenance.createdAt, deletedAt: null }));
          set({ records, loading: false, readOnly: true });
        }
      },
      async save(rule) {
        set({ saveError: null });
        try {
          const record = await api.saveRule({ rule });
          await Promise.all([get().load(), deps.rulebook.getState().load()]);
          return record;
        } catch (error) {
          set({ saveError: toFailure(error) });
          return null;
        }
      },
      async setEnabled(id, enabled) {
        await changed(() => api.setRuleEnabled({ id, enabled }));
      },
      async remove(id) {
        if (!(await changed(() => api.deleteRule({ id })))) return;
        deps.toasts.getState().push({ message: `Rule ${id} deleted.`, action: { label: 'Undo', run: () => get().restore(id) } });
      },
      async restore(id) {
        if (await changed(() => api.restoreRule({ id }))) deps.toasts.getState().push({ message: `Rule ${id} restored.` });
      },
    };
  });
}
