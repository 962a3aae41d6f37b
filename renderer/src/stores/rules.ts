// The rules of the draft rulebook as records (position, times, deleted), with edit, enable, delete
// and restore. Every change reloads the draft rulebook, which the inbox's "why" panel reads.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiFailure, CasebookApi, Rule, RuleRecord } from '../api/contract';
import { isReadOnlyFailure, toFailure } from '../api/errors';
import { changeThenReload } from './changeThenReload';
import type { RulebookState } from './rulebook';
import type { ToastsState } from './toasts';

export interface RulesState {
  records: RuleRecord[] | null;
  loading: boolean;
  error: ApiFailure | null;
  /**
   * The backend said the workspace cannot be written (isReadOnlyFailure): no edit controls. Any other
   * failure, `unavailable` included, is an error to retry.
   */
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
    const readOnlyOn = (failure: ApiFailure) => {
      if (isReadOnlyFailure(failure)) set({ readOnly: true });
    };
    const changed = changeThenReload(deps, () => get().load(), readOnlyOn);
    return {
      records: null,
      loading: false,
      error: null,
      readOnly: false,
      saveError: null,
      async load() {
        set({ loading: true, error: null });
        try {
          set({ records: await api.listRules({}), loading: false });
        } catch (error) {
          const failure = toFailure(error);
          if (!isReadOnlyFailure(failure)) {
            set({ loading: false, error: failure });
            return;
          }
          // The workspace cannot be written: show the draft rulebook's rules, read-only.
          if (!deps.rulebook.getState().rulebook) await deps.rulebook.getState().load();
          const rb = deps.rulebook.getState().rulebook;
          if (!rb) {
            set({ loading: false, error: deps.rulebook.getState().error ?? failure });
            return;
          }
          const records = rb.rules.map((rule, position) => ({ rule, position, createdAt: rule.provenance.createdAt, updatedAt: rule.provenance.createdAt, deletedAt: null, setAside: null }));
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
          const failure = toFailure(error);
          set({ saveError: failure });
          readOnlyOn(failure);
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
