// What `npm pack` puts in the runtime's tarball: the built code, its types, the format's schema,
// the bin; no tests, fixtures or sources a service does not need.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNTIME_VERSION } from './version.js';

const root = resolve(import.meta.dirname, '..');

describe('the @casebook/runtime package', () => {
  it('keeps RUNTIME_VERSION in step with package.json', () => {
    expect(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version).toBe(RUNTIME_VERSION);
  });

  it('packs the built runtime, types, schema and bin, and nothing else', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'bin/casebook.mjs', 'rulebook.schema.json', 'package.json']) expect(files).toContain(f);
    expect(files.filter((f) => /\.test\.|test-fixtures|testkit|bench|\/src\//.test(f))).toEqual([]);
    // The app's window-to-backend contract is not the runtime's business: production never calls it.
    expect(files.filter((f) => f.startsWith('dist/api/'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(['.', './rulebook.schema.json']);
  });
});
