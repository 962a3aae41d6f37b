// Playwright fixtures for the browser host:
// - `host` (worker-scoped): one real browser host per worker, on a fresh data directory with the demo
//   workspace, stopped after the worker's tests. The specs only read the workspace, so sharing it
//   between the tests of a worker is safe; each test still gets a fresh page (fresh sessionStorage).
// - `hostOptions` (worker option): `test.use({ hostOptions: { env: {...} } })` in a spec file gives
//   that file its own host (Playwright starts a separate worker for different worker options).
// - `startIsolatedHost` (test-scoped): a host of the test's own, for tests that change the workspace.
// - `inbox`: the inbox page model on the test's page, bound to `host`.
// - `pageErrors`: uncaught errors in the page; the test fails if there were any.
import { test as base, expect } from '@playwright/test';
import { startHost, type HostOptions, type RunningHost } from './host.js';
import { InboxPage } from './inbox-page.js';

interface WorkerFixtures {
  hostOptions: HostOptions;
  host: RunningHost;
}

interface TestFixtures {
  inbox: InboxPage;
  startIsolatedHost: (options?: HostOptions) => Promise<RunningHost>;
  pageErrors: Error[];
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  hostOptions: [{}, { scope: 'worker', option: true }],

  host: [
    async ({ hostOptions }, use) => {
      const host = await startHost(hostOptions);
      try {
        await use(host);
      } finally {
        await host.stop();
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
  startIsolatedHost: async ({}, use) => {
    const started: RunningHost[] = [];
    await use(async (options) => {
      const host = await startHost(options);
      started.push(host);
      return host;
    });
    await Promise.all(started.map((h) => h.stop()));
  },

  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on('pageerror', (error) => errors.push(error));
      await use(errors);
      expect(errors.map((e) => e.message), 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],

  inbox: async ({ page, host }, use) => {
    await use(new InboxPage(page, host));
  },
});

export { expect };
export type { RunningHost, HostOptions };
