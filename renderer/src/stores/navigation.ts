// Which screen is open. Screens are listed in app/screens.tsx; new ones are added there.
import { createStore } from 'zustand/vanilla';

export type ScreenId = 'inbox' | 'rules' | 'precedents' | 'rulebook' | 'history' | 'deployments' | 'drift' | 'settings';

export interface NavigationState {
  screen: ScreenId;
  /** The item to show on arrival (a rule or precedent id), set by links such as the "why" panel's. */
  focusId: string | null;
  go(screen: ScreenId, focusId?: string | null): void;
}

export function createNavigationStore(initial: ScreenId = 'inbox') {
  return createStore<NavigationState>()((set) => ({
    screen: initial,
    focusId: null,
    go: (screen, focusId = null) => set({ screen, focusId }),
  }));
}
