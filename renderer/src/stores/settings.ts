// Provider settings. The API key is write-only: the window only ever learns whether one is stored.
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiFailure, CasebookApi, ProviderSettings } from '../api/contract';
import { toFailure } from '../api/errors';

export interface SettingsState {
  settings: ProviderSettings | null;
  loading: boolean;
  saving: boolean;
  error: ApiFailure | null;
  /** The last save's failure (the form shows it next to the fields). */
  saveError: ApiFailure | null;
  load(): Promise<void>;
  update(patch: ApiArgs<'updateSettings'>): Promise<boolean>;
  setApiKey(apiKey: string): Promise<boolean>;
}

export function createSettingsStore(api: CasebookApi) {
  return createStore<SettingsState>()((set) => {
    async function save(run: () => Promise<ProviderSettings>): Promise<boolean> {
      set({ saving: true, saveError: null });
      try {
        set({ settings: await run(), saving: false });
        return true;
      } catch (error) {
        set({ saving: false, saveError: toFailure(error) });
        return false;
      }
    }
    return {
      settings: null,
      loading: false,
      saving: false,
      error: null,
      saveError: null,
      async load() {
        set({ loading: true, error: null });
        try {
          set({ settings: await api.getSettings({}), loading: false });
        } catch (error) {
          set({ loading: false, error: toFailure(error) });
        }
      },
      update: (patch) => save(() => api.updateSettings(patch)),
      setApiKey: (apiKey) => save(() => api.setApiKey({ apiKey })),
    };
  });
}
