// `npm start`: opens the Casebook desktop app.
//   1. finds the Electron binary, downloading it with the electron package's own install.js when
//      it is missing (its install script is not run by `npm install`: see allowScripts);
//   2. makes sure better-sqlite3 is built for Electron's ABI (electron/native.mjs);
//   3. builds the renderer (vite) and the shell (electron/build.mjs);
//   4. runs Electron on dist/electron, passing on any extra arguments
//      (`npm start -- --workspace FILE --no-demo`).
// Where the binary cannot be had (no internet), it prints one line naming the browser host and
// exits with status 1.
//
// Environment: CASEBOOK_ELECTRON_PATH=<executable> uses that Electron instead (never downloads);
// CASEBOOK_SKIP_BUILD=1 skips steps 2 and 3.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

export const NO_ELECTRON_LINE =
  'Electron is not installed on this machine (its binary could not be downloaded). Run the browser host instead: npm run web';

function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function installedBinary(pkgDir) {
  try {
    const relative = readFileSync(path.join(pkgDir, 'path.txt'), 'utf8');
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist'), relative);
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** Runs the electron package's install.js (the download it would have done at install time). */
function download(pkgDir) {
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  delete env.npm_config_electron_skip_binary_download;
  // Say something only if the download is really happening (it takes a while); a machine without
  // internet fails within a second or two and gets the one explanatory line instead.
  const notice = setTimeout(() => console.log('Downloading the Electron binary (first start only)…'), 3000);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(pkgDir, 'install.js')], { cwd: pkgDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => {
      clearTimeout(notice);
      if (code !== 0 && process.env.CASEBOOK_VERBOSE) console.error(stderr);
      resolve(code === 0);
    });
  });
}

async function findElectron() {
  const override = process.env.CASEBOOK_ELECTRON_PATH;
  if (override !== undefined) return override && existsSync(override) ? override : null;
  const pkgDir = electronPackageDir();
  if (!pkgDir) return null;
  const present = installedBinary(pkgDir);
  if (present) return present;
  if (!(await download(pkgDir))) return null;
  return installedBinary(pkgDir);
}

function step(label, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`npm start: ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

function build() {
  step('better-sqlite3 for Electron', process.execPath, [path.join(root, 'electron', 'native.mjs')]);
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts ?? {};
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (scripts['build:renderer']) step('the renderer build', npm, ['run', '--silent', 'build:renderer']);
  else step('the renderer build', process.execPath, [path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  step('the Electron shell build', process.execPath, [path.join(root, 'electron', 'build.mjs')]);
}

async function main() {
  const electron = await findElectron();
  if (!electron) {
    console.error(NO_ELECTRON_LINE);
    process.exit(1);
  }
  if (process.env.CASEBOOK_SKIP_BUILD !== '1') build();

  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron, [path.join(root, 'dist', 'electron'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    console.error(`npm start: could not run Electron at ${electron}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

await main();
