// A change to the rulebook's rules or precedents, then a reload of the list and of the draft
// rulebook; a refusal is shown as an error toast (and passed to `onFailure`). Shared by the Rules and
// Precedents stores.
import type { StoreApi } from 'zustand/vanilla';
import type { ApiFailure } from '../api/contract';
import { toFailure } from '../api/errors';
import type { RulebookState } from './rulebook';
import type { ToastsState } from './toasts';

export function changeThenReload(
  deps: { rulebook: StoreApi<RulebookState>; toasts: StoreApi<ToastsState> },
  reload: () => Promise<unknown>,
  onFailure?: (failure: ApiFailure) => void,
) {
  return async function changed(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
    } catch (error) {
      const failure = toFailure(error);
      deps.toasts.getState().push({ message: failure.message, tone: 'error' });
      onFailure?.(failure);
      return false;
    }
    await Promise.all([reload(), deps.rulebook.getState().load()]);
    return true;
  };
}
