// Runs once before any test: checks that Chromium is there (when the browser project runs) and builds
// the renderer once, so that each browser host started by the tests serves the current code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { ROOT } from './host.js';
import { CHROMIUM_PATH } from './chromium.js';

/** The projects named with --project on the command line (none: all projects run). */
function selectedProjects(argv: readonly string[]): string[] {
  const names: string[] = [];
  argv.forEach((arg, i) => {
    if (arg.startsWith('--project=')) names.push(arg.slice('--project='.length));
    else if (arg === '--project' && argv[i + 1]) names.push(argv[i + 1]!);
  });
  return names;
}

export default function globalSetup(_config: FullConfig): void {
  const selected = selectedProjects(process.argv);
  const browserRuns = selected.length === 0 || selected.some((name) => name === 'browser' || name.includes('*'));
  if (browserRuns && !existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser end-to-end tests need it: ` +
        'run `apt-get install chromium` (Debian), or set CHROMIUM_PATH to a Chromium executable. ' +
        '(`npx playwright install` cannot download browsers on these machines.)',
    );
  }

  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '--silent', 'build:renderer', '--', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`building the renderer (npm run build:renderer) failed:\n${build.error?.message ?? ''}${build.stdout}\n${build.stderr}`);
  }
  if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('vite build left no dist/renderer/index.html');
  console.log(`e2e: renderer built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
