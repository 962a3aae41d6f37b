import { useEffect } from 'react';
import { useRulebook, useStores } from '../stores';

/** Loads the draft rulebook once, for the screens that show it. */
export function useRulebookLoaded() {
  const { rulebook } = useStores();
  const state = useRulebook((s) => s);
  useEffect(() => {
    const s = rulebook.getState();
    if (!s.rulebook && !s.loading && !s.error) void s.load();
  }, [rulebook]);
  return state;
}
