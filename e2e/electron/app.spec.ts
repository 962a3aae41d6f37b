// The desktop app end to end through Electron itself (`_electron.launch`). Each test gets a fresh
// user-data directory (CASEBOOK_USER_DATA_DIR) and waits for the renderer's readiness marker.
// Where the Electron binary is missing (machines without internet), every test is skipped with a
// plain message; the same journeys run in Chromium through the browser host.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { API_METHODS } from '../../shared/src/api/contract.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** The Electron executable, or null when it is not on this machine. */
function electronBinary(): string | null {
  const override = process.env.CASEBOOK_ELECTRON_PATH;
  if (override) return existsSync(override) ? override : null;
  try {
    // The electron package's main export is the executable's path; it throws when the binary was never downloaded.
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const SKIP_MESSAGE = 'Electron binary not available on this machine; skipped';
if (binary === null && !process.env.TEST_WORKER_INDEX) console.log(`e2e/electron: ${SKIP_MESSAGE}`);

test.describe('Electron shell', () => {
  test.skip(binary === null, SKIP_MESSAGE);
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(() => {
    test.setTimeout(240_000);
    const run = (args: string[]) => {
      const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
      if (result.status !== 0) throw new Error(`${args.join(' ')} failed`);
    };
    run([path.join(root, 'electron', 'native.mjs')]);
    if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) run([path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build']);
    run([path.join(root, 'electron', 'build.mjs')]);
  });

  let userData = '';
  let app: ElectronApplication;
  let page: Page;

  test.beforeEach(async () => {
    userData = mkdtempSync(path.join(tmpdir(), 'casebook-electron-e2e-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [path.join(root, 'dist', 'electron')],
      cwd: root,
      env: { ...process.env, CASEBOOK_USER_DATA_DIR: userData, ELECTRON_ENABLE_LOGGING: '1' } as Record<string, string>,
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await expect(page.getByTestId('app-ready')).toBeVisible({ timeout: 60_000 });
  });

  test.afterEach(async () => {
    await app?.close();
    rmSync(userData, { recursive: true, force: true });
  });

  test('opens on the start screen; the demo opens on its inbox', async () => {
    expect(page.url()).toMatch(/^casebook:\/\/app\//);
    // A first start (an empty user-data directory) opens no workspace: the person chooses.
    await expect(page.getByTestId('start-screen')).toBeVisible();
    await page.getByTestId('start-demo').click();
    await page.getByTestId('start-create').click();
    await expect(page.getByTestId('inbox-list')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('inbox-row').first()).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('inbox-row').first().click();
    await expect(page.getByTestId('extraction-json')).toBeVisible();
    // The workspace was made in this test's own data directory.
    expect(readdirSync(path.join(userData, 'workspaces')).some((f) => f.endsWith('.casebook'))).toBe(true);
  });

  test('the window is isolated and sees exactly the typed API', async () => {
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    const globals = await page.evaluate(() => {
      const page = globalThis as unknown as { require?: unknown; process?: unknown; casebook: object };
      return { require: typeof page.require, process: typeof page.process, api: Object.keys(page.casebook).sort() };
    });
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', api: [...API_METHODS, 'on'].sort() });
  });

  test('serves the app with the strict CSP and refuses bad calls', async () => {
    const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    const failure = await page.evaluate(async () => {
      const api = (globalThis as unknown as { casebook: { listMessages(args: unknown): Promise<unknown> } }).casebook;
      return api.listMessages({ limit: 'all' }).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(failure).toMatchObject({ name: 'ApiError', failure: { code: 'bad_request' } });
  });

  test('links and navigation never replace the app page or open windows', async () => {
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    const opened = await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('file:///etc/passwd') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
    await expect(page.getByTestId('app-ready')).toBeVisible();
  });
});
