// The browser host's settings and secrets: `conf` (what electron-store is built on) for settings,
// the API key from OPENAI_API_KEY, kept in memory only (the browser host never writes that key),
// and named secrets (a workspace's signing keys, sync tokens) as files readable only by the user
// (mode 0600 in a 0700 folder). They are not encrypted, and the Settings screen says so.
import Conf from 'conf';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore, SettingsStore } from '../backend/ports.js';

export function confSettings(dir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'casebook' });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
  };
}

/** A secret's file name: its name with every character outside [A-Za-z0-9._-] escaped, so no name leaves the folder. */
const fileNameOf = (name: string) => `${name.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}.secret`;

/**
 * The API key in memory (from the environment); named secrets, when `dir` is given, as files in
 * `dir` that only this user can read; without `dir`, named secrets are kept in memory too.
 */
export function hostSecrets(initial: string | undefined, dir?: string): SecretStore {
  let key = initial?.trim() || null;
  const memory = new Map<string, string>();
  const ensureDir = () => {
    if (!dir) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  };
  return {
    storage: dir
      ? `not encrypted: in files readable only by your user (mode 0600) in ${dir}; the API key is kept in memory only`
      : 'in memory for this session only',
    getApiKey: () => key,
    setApiKey: (next) => {
      key = next?.trim() || null;
    },
    getSecret(name) {
      if (!dir) return memory.get(name) ?? null;
      const file = join(dir, fileNameOf(name));
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
    setSecret(name, value) {
      if (!dir) {
        if (value === null) memory.delete(name);
        else memory.set(name, value);
        return;
      }
      const file = join(dir, fileNameOf(name));
      if (value === null) {
        rmSync(file, { force: true });
        return;
      }
      ensureDir();
      // Written whole under another name, flushed to the disk, then renamed, and the rename flushed
      // too: neither a half-written key nor, after a crash, a lost one (a signing key made now may
      // already sign a version the workspace keeps).
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, value);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      syncFolder(dir);
    },
  };
}

/** Flushes a folder's entries (a rename in it) to the disk; where a folder cannot be opened (Windows), the rename stands as it is. */
function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // some file systems refuse to sync a folder; the file itself was synced
  } finally {
    closeSync(fd);
  }
}

/** The API key only, in memory (named secrets in memory too): hosts and tests without a data folder. */
export const memorySecrets = (initial: string | undefined): SecretStore => hostSecrets(initial);
