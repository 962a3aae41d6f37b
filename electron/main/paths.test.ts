import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { nativeBindingPath, resolveAppPaths } from './paths.js';
import type { PathInputs } from './paths.js';

const root = path.resolve('/checkout');
const input = (over: Partial<PathInputs> = {}): PathInputs => ({
  appDir: path.join(root, 'dist', 'electron'),
  userDataDir: '/home/u/.config/Casebook',
  isPackaged: false,
  resourcesPath: '/opt/casebook/resources',
  env: {},
  argv: ['electron', 'dist/electron'],
  electronVersion: '41.10.0',
  platform: 'linux',
  arch: 'x64',
  exists: () => false,
  ...over,
});

describe('app paths', () => {
  it('finds the bundles, the renderer, the resources, the workspaces folder and the earlier default workspace', () => {
    expect(resolveAppPaths(input())).toEqual({
      preload: path.join(root, 'dist', 'electron', 'preload.cjs'),
      utility: path.join(root, 'dist', 'electron', 'utility.cjs'),
      rendererDir: path.join(root, 'dist', 'renderer'),
      resourcesDir: path.join(root, 'resources'),
      fallbackWorkspacePath: path.join('/home/u/.config/Casebook', 'workspace.casebook.sqlite'),
      workspacesDir: path.join('/home/u/.config/Casebook', 'workspaces'),
      demo: true,
    });
  });

  it('takes --workspace and --no-demo, and environment overrides', () => {
    const paths = resolveAppPaths(input({ argv: ['e', '.', '--workspace=/data/w.sqlite', '--no-demo'], env: { CASEBOOK_RESOURCES_DIR: '/r' } }));
    expect(paths).toMatchObject({ workspacePath: path.resolve('/data/w.sqlite'), demo: false, resourcesDir: path.resolve('/r') });
    expect(resolveAppPaths(input({ argv: ['e', '.', '--workspace', '/w2'] })).workspacePath).toBe(path.resolve('/w2'));
    expect(resolveAppPaths(input({ env: { CASEBOOK_WORKSPACE: '/w3' } })).workspacePath).toBe(path.resolve('/w3'));
    expect(resolveAppPaths(input()).workspacePath).toBeUndefined();
  });

  it('uses the better-sqlite3 built for this Electron when native.mjs made it', () => {
    const binding = nativeBindingPath(root, '41.10.0', 'linux', 'x64');
    expect(binding).toBe(path.join(root, '.electron-native', 'electron-41.10.0-linux-x64', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(resolveAppPaths(input({ exists: (f) => f === binding })).nativeBinding).toBe(binding);
    expect(resolveAppPaths(input()).nativeBinding).toBeUndefined();
  });
});
