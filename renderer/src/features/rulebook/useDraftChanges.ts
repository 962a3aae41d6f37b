// Keeps the draft shown in step with the backend: another window, an undo or a schema change
// announces itself with draftChanged, and the draft is read again. Unsaved edits are the store's and
// stay as typed.
import { useEffect } from 'react';
import { useStores } from '../../stores';

export function useDraftChanges(): void {
  const { api, rulebook } = useStores();
  useEffect(() => api.on('draftChanged', () => void rulebook.getState().load()), [api, rulebook]);
}
