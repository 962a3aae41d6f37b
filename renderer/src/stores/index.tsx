// All of the window's stores, created once per API and handed down by context (tests make their own).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { CasebookApi } from '../api/contract';
import { createAppStore, type AppState } from './app';
import { createInboxStore, type InboxState } from './inbox';
import { createMessageDetailStore, type MessageDetailState } from './messageDetail';
import { createNavigationStore, type NavigationState, type ScreenId } from './navigation';
import { createRulebookStore, type RulebookState } from './rulebook';
import { createImporterStore, type ImporterState } from './importer';
import { createPrecedentsStore, type PrecedentsState } from './precedents';
import { createReviewStore, type ReviewState } from './review';
import { createRulesStore, type RulesState } from './rules';
import { createRunsStore, type RunsState } from './runs';
import { createSettingsStore, type SettingsState } from './settings';
import { createToastsStore, type ToastsState } from './toasts';

export interface Stores {
  api: CasebookApi;
  app: StoreApi<AppState>;
  navigation: StoreApi<NavigationState>;
  inbox: StoreApi<InboxState>;
  messageDetail: StoreApi<MessageDetailState>;
  rulebook: StoreApi<RulebookState>;
  settings: StoreApi<SettingsState>;
  rules: StoreApi<RulesState>;
  precedents: StoreApi<PrecedentsState>;
  review: StoreApi<ReviewState>;
  runs: StoreApi<RunsState>;
  importer: StoreApi<ImporterState>;
  toasts: StoreApi<ToastsState>;
}

export function createStores(api: CasebookApi, options: { screen?: ScreenId } = {}): Stores {
  const app = createAppStore(api);
  const inbox = createInboxStore(api);
  const messageDetail = createMessageDetailStore(api);
  const rulebook = createRulebookStore(api);
  const toasts = createToastsStore();
  const precedents = createPrecedentsStore(api, { rulebook, toasts });
  return {
    api,
    app,
    navigation: createNavigationStore(options.screen),
    inbox,
    messageDetail,
    rulebook,
    settings: createSettingsStore(api),
    rules: createRulesStore(api, { rulebook, toasts }),
    precedents,
    review: createReviewStore(api, { app, inbox, messageDetail, precedents, rulebook }),
    runs: createRunsStore(api, { toasts }),
    importer: createImporterStore(),
    toasts,
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
export const useRules = <T,>(selector: (s: RulesState) => T): T => useStore(useStores().rules, selector);
export const usePrecedents = <T,>(selector: (s: PrecedentsState) => T): T => useStore(useStores().precedents, selector);
export const useReview = <T,>(selector: (s: ReviewState) => T): T => useStore(useStores().review, selector);
export const useRuns = <T,>(selector: (s: RunsState) => T): T => useStore(useStores().runs, selector);
export const useImporter = <T,>(selector: (s: ImporterState) => T): T => useStore(useStores().importer, selector);
export const useToasts = <T,>(selector: (s: ToastsState) => T): T => useStore(useStores().toasts, selector);
