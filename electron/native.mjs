// `npm run electron:native` (and `prestart`): puts a copy of better-sqlite3 built for the installed
// Electron's ABI into .electron-native/, so the Electron backend process loads it (through
// better-sqlite3's `nativeBinding` option, see electron/main/paths.ts) while plain Node — tests,
// the browser host, the CLI — keeps using node_modules/better-sqlite3 built for Node.
//
//   .electron-native/electron-<version>-<platform>-<arch>/better-sqlite3/build/Release/better_sqlite3.node
//
// How: copy node_modules/better-sqlite3 (without its build/), then inside the copy
//   1. prebuild-install --runtime electron --target <version>  (downloads the prebuilt addon from
//      better-sqlite3's GitHub releases), or failing that
//   2. node-gyp rebuild --runtime=electron --target=<version> --dist-url=https://electronjs.org/headers
//      (npm's bundled node-gyp; needs Python and a C++ toolchain).
// Both need internet. Nothing to do when the build for this version already exists. When the
// Electron binary itself is missing (machines without internet), it exits quietly: `npm start`
// then explains in one line, and runs this script again after it has downloaded Electron.
//
// Options: --force  rebuild even if present, and even without the Electron binary.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const force = process.argv.includes('--force');

function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron executable `npm start` would run, if it is there. */
export function installedElectronBinary(pkgDir) {
  if (process.env.CASEBOOK_ELECTRON_PATH) return existsSync(process.env.CASEBOOK_ELECTRON_PATH) ? process.env.CASEBOOK_ELECTRON_PATH : null;
  if (!pkgDir) return null;
  try {
    const relative = readFileSync(path.join(pkgDir, 'path.txt'), 'utf8');
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist'), relative);
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

export function nativeDir(version, platform = process.platform, arch = process.arch) {
  return path.join(root, '.electron-native', `electron-${version}-${platform}-${arch}`, 'better-sqlite3');
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env }, timeout: 15 * 60_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function npmNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((file) => file && existsSync(file)) ?? null;
}

function main() {
  const pkgDir = electronPackageDir();
  if (!pkgDir) {
    console.error('electron:native: the electron package is not installed (run npm install)');
    return 1;
  }
  const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const dir = nativeDir(version);
  const addon = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(addon) && !force) return 0;
  if (!installedElectronBinary(pkgDir) && !force) return 0;

  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  writeFileSync(path.join(root, '.electron-native', '.gitignore'), '*\n');
  cpSync(source, dir, { recursive: true, filter: (file) => !/[/\\](build|node_modules)$/.test(file) });

  const attempts = [];
  const prebuild = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  const fetched = run(process.execPath, [prebuild, '--runtime', 'electron', '--target', version, '--arch', process.arch, '--platform', process.platform], dir);
  attempts.push(fetched.output.trim());
  if (!fetched.ok || !existsSync(addon)) {
    const gyp = npmNodeGyp();
    if (gyp) {
      const built = run(process.execPath, [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${version}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'], dir);
      attempts.push(built.output.trim().split('\n').slice(-5).join('\n'));
    }
  }
  if (!existsSync(addon)) {
    rmSync(dir, { recursive: true, force: true });
    console.error(`electron:native: could not fetch or build better-sqlite3 for Electron ${version} (it needs internet, and for a source build Python and a C++ toolchain).`);
    if (process.env.CASEBOOK_VERBOSE) console.error(attempts.join('\n---\n'));
    return 1;
  }
  console.log(`electron:native: better-sqlite3 for Electron ${version} is in ${path.relative(root, addon)}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
