// The host's side of the backend ports in Electron: settings in electron-store, and the provider's
// API key encrypted with safeStorage. Both live in the main process only; the key is handed to the
// backend process over its private port and never to the window.
import type { SafeStorage } from 'electron';
import type { SecretStore, SettingsStore } from '../backend/ports.js';

/** The part of electron-store (or conf) these adapters use. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  readonly store: Record<string, unknown>;
}

export function settingsFromStore(store: KeyValueStore): SettingsStore & { snapshot(): Record<string, unknown> } {
  return {
    get: (key) => store.get(key),
    set: (key, value) => {
      if (value === undefined) store.delete(key);
      else store.set(key, value);
    },
    snapshot: () => structuredClone(store.store),
  };
}

const KEY_FIELD = 'openaiApiKey';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

/** Whether safeStorage really encrypts here (on Linux without a keyring it falls back to a fixed key). */
export function canEncrypt(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

/**
 * The API key, encrypted with safeStorage and persisted as base64 ciphertext. Where the platform
 * cannot encrypt for real, the key is kept in memory for this session only and never written.
 */
export function createSafeStorageSecretStore(
  store: KeyValueStore,
  safeStorage: SafeStorageLike,
  log: (message: string) => void = () => undefined,
  platform: NodeJS.Platform = process.platform,
): SecretStore {
  let sessionOnly: string | null = null;
  return {
    getApiKey() {
      if (sessionOnly !== null) return sessionOnly;
      const stored = store.get(KEY_FIELD);
      if (typeof stored !== 'string' || stored === '') return null;
      if (!safeStorage.isEncryptionAvailable()) return null;
      try {
        return safeStorage.decryptString(Buffer.from(stored, 'base64'));
      } catch {
        log('casebook: the stored API key could not be decrypted (was it saved by another user or machine?)');
        return null;
      }
    },
    setApiKey(key) {
      sessionOnly = null;
      if (key === null || key === '') {
        store.delete(KEY_FIELD);
        return;
      }
      if (!canEncrypt(safeStorage, platform)) {
        store.delete(KEY_FIELD);
        sessionOnly = key;
        log('casebook: no OS keychain available; the API key is kept for this session only');
        return;
      }
      store.set(KEY_FIELD, safeStorage.encryptString(key).toString('base64'));
    },
  };
}
