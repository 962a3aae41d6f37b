// Provider settings. The API key is write-only: the window only ever learns whether one is stored.
// The connection test's last report is kept here, so it stays while the person moves between screens.
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiFailure, ApiResults, CasebookApi, ProviderSettings } from '../api/contract';
import { toFailure } from '../api/errors';

/** What Settings › Test connection found (the contract's record). */
export type ConnectionReport = ApiResults['testConnection'];

export interface SettingsState {
  settings: ProviderSettings | null;
  loading: boolean;
  saving: boolean;
  error: ApiFailure | null;
  /** The last save's failure (the form shows it next to the fields). */
  saveError: ApiFailure | null;
  /** A connection test under way. */
  testing: boolean;
  /** The last connection test's report, or the failure of the call itself. */
  connection: ConnectionReport | null;
  connectionError: ApiFailure | null;
  load(): Promise<void>;
  update(patch: ApiArgs<'updateSettings'>): Promise<boolean>;
  setApiKey(apiKey: string): Promise<boolean>;
  testConnection(args: ApiArgs<'testConnection'>): Promise<ConnectionReport | null>;
  /**
   * Reads the settings again whenever the draft changes (its provider and model are shown here),
   * so a model changed in Rulebook › Model, another window or an undo shows without a reload.
   * Returns the unsubscribe.
   */
  followDraft(): () => void;
}

export function createSettingsStore(api: CasebookApi) {
  return createStore<SettingsState>()((set, get) => {
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
      testing: false,
      connection: null,
      connectionError: null,
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
      async testConnection(args) {
        if (get().testing) return null;
        set({ testing: true, connection: null, connectionError: null });
        try {
          const connection = await api.testConnection(args);
          set({ testing: false, connection });
          return connection;
        } catch (error) {
          set({ testing: false, connectionError: toFailure(error) });
          return null;
        }
      },
      followDraft: () => api.on('draftChanged', () => void get().load()),
    };
  });
}
