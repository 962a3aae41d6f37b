import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostSecrets } from './stores.js';

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
});
