// All of the window's stores, created once per API and handed down by context (tests make their own).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { CasebookApi } from '../api/contract';
import { createAppStore, type AppState } from './app';
import { createInboxStore, type InboxState } from './inbox';
import { createMessageDetailStore, type MessageDetailState } from './messageDetail';
import { createNavigationStore, type NavigationState, type ScreenId } from './navigation';
import { createRulebookStore, type RulebookState } from './rulebook';
import { createSettingsStore, type SettingsState } from './settings';

export interface Stores {
  api: CasebookApi;
  app: StoreApi<AppState>;
  navigation: StoreApi<NavigationState>;
  inbox: StoreApi<InboxState>;
  messageDetail: StoreApi<MessageDetailState>;
  rulebook: StoreApi<RulebookState>;
  settings: StoreApi<SettingsState>;
}

export function createStores(api: CasebookApi, options: { screen?: ScreenId } = {}): Stores {
  return {
    api,
    app: createAppStore(api),
    navigation: createNavigationStore(options.screen),
    inbox: createInboxStore(api),
    messageDetail: createMessageDetailStore(api),
    rulebook: createRulebookStore(api),
    settings: createSettingsStore(api),
  };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores: no StoresProvider above this component');
  return stores;
}

export const useApp = <T,>(selector: (s: AppState) => T): T => useStore(useStores().app, selector);
export const useNavigation = <T,>(selector: (s: NavigationState) => T): T => useStore(useStores().navigation, selector);
export const useInbox = <T,>(selector: (s: InboxState) => T): T => useStore(useStores().inbox, selector);
export const useMessageDetail = <T,>(selector: (s: MessageDetailState) => T): T => useStore(useStores().messageDetail, selector);
export const useRulebook = <T,>(selector: (s: RulebookState) => T): T => useStore(useStores().rulebook, selector);
export const useSettings = <T,>(selector: (s: SettingsState) => T): T => useStore(useStores().settings, selector);
