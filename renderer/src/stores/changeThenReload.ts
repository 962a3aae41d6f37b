// A change to the rulebook's rules or precedents, then a reload of the list and of the draft
// rulebook; a refusal is shown as an error toast. Shared by the Rules and Precedents stores.
import type { StoreApi } from 'zustand/vanilla';
import { toFailure } from '../api/errors';
import type { RulebookState } from './rulebook';
import type { ToastsState } from './toasts';

export function changeThenReload(deps: { rulebook: StoreApi<RulebookState>; toasts: StoreApi<ToastsState> }, reload: () => Promise<unknown>) {
  return async function changed(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
    } catch (error) {
      deps.toasts.getState().push({ message: toFailure(error).message, tone: 'error' });
      return false;
    }
    await Promise.all([reload(), deps.rulebook.getState().load()]);
    return true;
  };
}
