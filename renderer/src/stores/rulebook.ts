// The draft rulebook: schema, rules and precedents. Shared by the Rules and Rulebook screens and by the
// inbox (field types for the extraction view, rule and precedent names in the "why" panel).
import { createStore } from 'zustand/vanilla';
import type { ApiFailure, CasebookApi, DraftRulebook } from '../api/contract';
import { toFailure } from '../api/errors';

export interface RulebookState {
  rulebook: DraftRulebook | null;
  loading: boolean;
  error: ApiFailure | null;
  load(): Promise<void>;
}

export function createRulebookStore(api: CasebookApi) {
  return createStore<RulebookState>()((set) => ({
    rulebook: null,
    loading: false,
    error: null,
    async load() {
      set({ loading: true, error: null });
      try {
        set({ rulebook: await api.getRulebook({}), loading: false });
      } catch (error) {
        set({ loading: false, error: toFailure(error) });
      }
    },
  }));
}
