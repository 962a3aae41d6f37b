import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { canEncrypt, createSafeStorageSecretStore, settingsFromStore } from './stores.js';
import type { KeyValueStore, SafeStorageLike } from './stores.js';

function memoryStore(): KeyValueStore & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  return {
    data,
    get: (key) => data[key],
    set: (key, value) => {
      data[key] = value;
    },
    delete: (key) => {
      delete data[key];
    },
    get store() {
      return data;
    },
  };
}

function fakeSafeStorage(available = true, backend = 'gnome_libsecret'): SafeStorageLike & { encryptString: ReturnType<typeof vi.fn> } {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    // A reversible stand-in for the OS keychain: XOR and a marker, so the plaintext never appears.
    encryptString: vi.fn((text: string) => Buffer.concat([Buffer.from('ENC:'), Buffer.from([...Buffer.from(text)].map((b) => b ^ 0x5a))])),
    decryptString: (buffer: Buffer) => {
      if (buffer.subarray(0, 4).toString() !== 'ENC:') throw new Error('bad ciphertext');
      return Buffer.from([...buffer.subarray(4)].map((b) => b ^ 0x5a)).toString();
    },
  };
}

const KEY = 'sk-test-0123456789abcdef';

describe('API key in safeStorage', () => {
  it('encrypts the key with safeStorage and stores only ciphertext', () => {
    const store = memoryStore();
    const safe = fakeSafeStorage();
    const secrets = createSafeStorageSecretStore(store, safe, undefined, 'linux');
    secrets.setApiKey(KEY);
    expect(safe.encryptString).toHaveBeenCalledWith(KEY);
    expect(JSON.stringify(store.data)).not.toContain(KEY);
    expect(secrets.getApiKey()).toBe(KEY);
    // A fresh store over the same file reads it back.
    expect(createSafeStorageSecretStore(store, safe, undefined, 'linux').getApiKey()).toBe(KEY);
  });

  it('removes the key on null or empty', () => {
    const store = memoryStore();
    const secrets = createSafeStorageSecretStore(store, fakeSafeStorage(), undefined, 'darwin');
    secrets.setApiKey(KEY);
    secrets.setApiKey('');
    expect(secrets.getApiKey()).toBeNull();
    expect(store.data).toEqual({});
  });

  it('never writes the key where the OS cannot encrypt it; keeps it for the session only', () => {
    for (const safe of [fakeSafeStorage(false), fakeSafeStorage(true, 'basic_text')]) {
      const store = memoryStore();
      const log = vi.fn();
      const secrets = createSafeStorageSecretStore(store, safe, log, 'linux');
      secrets.setApiKey(KEY);
      expect(store.data).toEqual({});
      expect(secrets.getApiKey()).toBe(KEY);
      expect(log).toHaveBeenCalledWith(expect.stringContaining('session only'));
    }
    expect(canEncrypt(fakeSafeStorage(true, 'basic_text'), 'darwin')).toBe(true);
  });

  it('answers null (not garbage) for a key it cannot decrypt', () => {
    const store = memoryStore();
    store.set('openaiApiKey', Buffer.from('someone else').toString('base64'));
    expect(createSafeStorageSecretStore(store, fakeSafeStorage(), vi.fn(), 'linux').getApiKey()).toBeNull();
  });

  it('exposes nothing but the secret store, and the settings never hold the key', () => {
    const secrets = createSafeStorageSecretStore(memoryStore(), fakeSafeStorage(), undefined, 'linux');
    expect(Object.keys(secrets).sort()).toEqual(['getApiKey', 'getSecret', 'setApiKey', 'setSecret', 'snapshot', 'storage']);
    const settingsStore = memoryStore();
    const settings = settingsFromStore(settingsStore);
    settings.set('provider', 'openai');
    secrets.setApiKey(KEY);
    expect(JSON.stringify(settings.snapshot())).not.toContain(KEY);
  });
});

describe('named secrets in safeStorage', () => {
  it('encrypts each named secret, reads it back, snapshots them decrypted and removes on null', () => {
    const store = memoryStore();
    const secrets = createSafeStorageSecretStore(store, fakeSafeStorage(), undefined, 'linux');
    secrets.setSecret('signing-key:abc', 'PRIVATE PEM');
    secrets.setSecret('sync-token:t1', 'tok');
    expect(JSON.stringify(store.store)).not.toContain('PRIVATE PEM');
    expect(secrets.getSecret('signing-key:abc')).toBe('PRIVATE PEM');
    expect(secrets.snapshot()).toEqual({ 'signing-key:abc': 'PRIVATE PEM', 'sync-token:t1': 'tok' });
    secrets.setSecret('sync-token:t1', null);
    expect(secrets.getSecret('sync-token:t1')).toBeNull();
    expect(secrets.snapshot()).toEqual({ 'signing-key:abc': 'PRIVATE PEM' });
    expect(secrets.storage).toContain('keychain');
  });
});

describe('settings in electron-store', () => {
  it('reads, writes, deletes on undefined, and snapshots a copy', () => {
    const store = memoryStore();
    const settings = settingsFromStore(store);
    settings.set('model', 'gpt-x');
    expect(settings.get('model')).toBe('gpt-x');
    const snap = settings.snapshot();
    snap.model = 'changed';
    expect(settings.get('model')).toBe('gpt-x');
    settings.set('model', undefined);
    expect(store.data).toEqual({});
  });
});
