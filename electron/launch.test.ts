// `npm start`'s launcher, run as a real process with a missing or a fake Electron binary.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launcher = path.join(root, 'electron', 'launch.mjs');
const temp = mkdtempSync(path.join(tmpdir(), 'casebook-launch-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function launch(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [launcher, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
}

describe('npm start launcher', () => {
  it('prints one clear line naming the browser host and exits non-zero when Electron is missing', () => {
    const result = launch({ CASEBOOK_ELECTRON_PATH: path.join(temp, 'no-such-electron') });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Electron is not installed on this machine (its binary could not be downloaded). Run the browser host instead: npm run web\n');
  });

  it.skipIf(process.platform === 'win32')('runs the Electron binary on dist/electron with the extra arguments and passes its exit code on', () => {
    const out = path.join(temp, 'args.txt');
    const fake = path.join(temp, 'fake-electron');
    writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\nexit 3\n`);
    chmodSync(fake, 0o755);
    const result = launch({ CASEBOOK_ELECTRON_PATH: fake, CASEBOOK_SKIP_BUILD: '1' }, ['--no-demo']);
    expect(result.status).toBe(3);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([path.join(root, 'dist', 'electron'), '--no-demo']);
  });
});
