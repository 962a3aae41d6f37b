// Which screen is open. Screens are listed in app/screens.tsx; new ones are added there.
import { createStore } from 'zustand/vanilla';

export type ScreenId = 'inbox' | 'rules' | 'rulebook' | 'drift' | 'settings';

export interface NavigationState {
  screen: ScreenId;
  go(screen: ScreenId): void;
}

export function createNavigationStore(initial: ScreenId = 'inbox') {
  return createStore<NavigationState>()((set) => ({
    screen: initial,
    go: (screen) => set({ screen }),
  }));
}
