// Where things are when the app runs: the bundled main lives in dist/electron/, the renderer in
// dist/renderer/, the demo data in resources/, and better-sqlite3 built for Electron's ABI in
// .electron-native/ (see electron/native.mjs). Environment variables override each for tests.
import path from 'node:path';

export interface PathInputs {
  /** app.getAppPath(): dist/electron when run from the checkout. */
  appDir: string;
  userDataDir: string;
  isPackaged: boolean;
  /** process.resourcesPath (packaged builds). */
  resourcesPath: string;
  env: Record<string, string | undefined>;
  argv: readonly string[];
  electronVersion: string;
  platform: string;
  arch: string;
  exists: (file: string) => boolean;
}

export interface AppPaths {
  preload: string;
  utility: string;
  rendererDir: string;
  resourcesDir: string;
  /** Named with --workspace or CASEBOOK_WORKSPACE; otherwise the backend opens the most recent one. */
  workspacePath?: string;
  /** Where earlier versions kept the one workspace: opened on a first run when it is there. */
  fallbackWorkspacePath: string;
  /** Where new workspaces are made. */
  workspacesDir: string;
  demo: boolean;
  nativeBinding?: string;
  icon?: string;
}

/** The folder native.mjs writes better-sqlite3 into for one Electron version and platform. */
export function nativeBindingPath(projectRoot: string, electronVersion: string, platform: string, arch: string): string {
  return path.join(projectRoot, '.electron-native', `electron-${electronVersion}-${platform}-${arch}`, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

function argValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

export function resolveAppPaths(input: PathInputs): AppPaths {
  const { appDir, env } = input;
  const projectRoot = path.resolve(appDir, '..', '..');
  const resourcesDir = env.CASEBOOK_RESOURCES_DIR
    ? path.resolve(env.CASEBOOK_RESOURCES_DIR)
    : input.isPackaged
      ? path.join(input.resourcesPath, 'resources')
      : path.join(projectRoot, 'resources');
  const workspace = argValue(input.argv, '--workspace') ?? env.CASEBOOK_WORKSPACE;
  const builtBinding = nativeBindingPath(projectRoot, input.electronVersion, input.platform, input.arch);
  const nativeBinding = env.CASEBOOK_NATIVE_BINDING ?? (input.exists(builtBinding) ? builtBinding : undefined);
  const icon = path.join(resourcesDir, 'icon.png');
  return {
    preload: path.join(appDir, 'preload.cjs'),
    utility: path.join(appDir, 'utility.cjs'),
    rendererDir: env.CASEBOOK_RENDERER_DIR ? path.resolve(env.CASEBOOK_RENDERER_DIR) : path.resolve(appDir, '..', 'renderer'),
    resourcesDir,
    ...(workspace ? { workspacePath: path.resolve(workspace) } : {}),
    fallbackWorkspacePath: path.join(input.userDataDir, 'workspace.casebook.sqlite'),
    workspacesDir: path.join(input.userDataDir, 'workspaces'),
    demo: !input.argv.includes('--no-demo') && env.CASEBOOK_NO_DEMO !== '1',
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(input.exists(icon) ? { icon } : {}),
  };
}
