import type * as Fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hostSecrets } from './stores.js';

// Every fsync and rename the store makes, in order (the real ones still run).
const fsLog = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      const s = fs.fstatSync(fd);
      fsLog.push(`fsync ${s.isDirectory() ? 'folder' : `file of ${s.size} bytes`}`);
      fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      fsLog.push(`rename ${from.endsWith('.tmp') ? 'tmp' : from} -> ${readFileSync(from, 'utf8').length} bytes`);
      fs.renameSync(from, to);
    },
  };
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the browser host keeps named secrets in files only its user can read', () => {
  it('writes 0600 files in a 0700 folder, reads them back, removes on null, and says where', () => {
    const base = mkdtempSync(join(tmpdir(), 'casebook-secrets-'));
    dirs.push(base);
    const dir = join(base, 'secrets');
    const secrets = hostSecrets('sk-env', dir);
    secrets.setSecret('signing-key:0123456789abcdef', 'PEM');
    expect(secrets.getSecret('signing-key:0123456789abcdef')).toBe('PEM');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    // A name never leaves the folder.
    secrets.setSecret('../../escape', 'x');
    expect(readdirSync(base)).toEqual(['secrets']);
    expect(secrets.getSecret('../../escape')).toBe('x');
    secrets.setSecret('signing-key:0123456789abcdef', null);
    expect(secrets.getSecret('signing-key:0123456789abcdef')).toBeNull();
    expect(secrets.getApiKey()).toBe('sk-env');
    expect(secrets.storage).toContain('not encrypted');
    // A new store over the same folder (a restart) finds what was written.
    expect(hostSecrets(undefined, dir).getSecret('../../escape')).toBe('x');
  });

  it('flushes a secret to the disk before the rename, and the folder after it, so a crash cannot lose a key', () => {
    const base = mkdtempSync(join(tmpdir(), 'casebook-secrets-'));
    dirs.push(base);
    const secrets = hostSecrets(undefined, join(base, 'secrets'));
    fsLog.length = 0;
    secrets.setSecret('signing-key:0123456789abcdef', 'PRIVATE PEM');
    expect(fsLog).toEqual(['fsync file of 11 bytes', 'rename tmp -> 11 bytes', 'fsync folder']);
    expect(readdirSync(join(base, 'secrets'))).toEqual(['signing-key%3a0123456789abcdef.secret']);
    expect(secrets.getSecret('signing-key:0123456789abcdef')).toBe('PRIVATE PEM');
  });
});
