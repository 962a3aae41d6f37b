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

const NAMED_PREFIX = 'secret.';

/**
 * The API key and the named secrets (signing keys, sync tokens), encrypted with safeStorage and
 * persisted as base64 ciphertext. Where the platform cannot encrypt for real, they are kept in
 * memory for this session only and never written.
 */
export function createSafeStorageSecretStore(
  store: KeyValueStore,
  safeStorage: SafeStorageLike,
  log: (message: string) => void = () => undefined,
  platform: NodeJS.Platform = process.platform,
): SecretStore & { snapshot(): Record<string, string> } {
  const sessionOnly = new Map<string, string>();
  const read = (field: string, what: string): string | null => {
    if (sessionOnly.has(field)) return sessionOnly.get(field)!;
    const stored = store.get(field);
    if (typeof stored !== 'string' || stored === '') return null;
    if (!safeStorage.isEncryptionAvailable()) return null;
    try {
      return safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      log(`casebook: the stored ${what} could not be decrypted (was it saved by another user or machine?)`);
      return null;
    }
  };
  const write = (field: string, value: string | null, what: string) => {
    sessionOnly.delete(field);
    if (value === null || value === '') {
      store.delete(field);
      return;
    }
    if (!canEncrypt(safeStorage, platform)) {
      store.delete(field);
      sessionOnly.set(field, value);
      log(`casebook: no OS keychain available; the ${what} is kept for this session only`);
      return;
    }
    store.set(field, safeStorage.encryptString(value).toString('base64'));
  };
  return {
    get storage() {
      return canEncrypt(safeStorage, platform)
        ? 'encrypted with the operating system\'s keychain (Electron safeStorage), in the app\'s settings folder'
        : 'in memory for this session only: no OS keychain is available, so nothing secret is written';
    },
    getApiKey: () => read(KEY_FIELD, 'API key'),
    setApiKey: (key) => write(KEY_FIELD, key, 'API key'),
    getSecret: (name) => read(NAMED_PREFIX + name, `secret "${name}"`),
    setSecret: (name, value) => write(NAMED_PREFIX + name, value, `secret "${name}"`),
    snapshot() {
      const out: Record<string, string> = {};
      const names = new Set([...Object.keys(store.store), ...sessionOnly.keys()].filter((k) => k.startsWith(NAMED_PREFIX)));
      for (const field of names) {
        const value = read(field, 'secret');
        if (value !== null) out[field.slice(NAMED_PREFIX.length)] = value;
      }
      return out;
    },
  };
}
