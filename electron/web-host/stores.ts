// The browser host's settings and secrets: `conf` (what electron-store is built on) for settings,
// and the API key from OPENAI_API_KEY, kept in memory only: the browser host never writes a key.
import Conf from 'conf';
import type { SecretStore, SettingsStore } from '../backend/ports.js';

export function confSettings(dir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'casebook' });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
  };
}

export function memorySecrets(initial: string | undefined): SecretStore {
  let key = initial?.trim() || null;
  return {
    getApiKey: () => key,
    setApiKey: (next) => {
      key = next?.trim() || null;
    },
  };
}
