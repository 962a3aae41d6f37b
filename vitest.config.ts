import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'runtime-and-backend', include: ['shared/**/*.test.ts', 'electron/**/*.test.ts'] },
      },
      {
        // Renderer tests run the real backend behind the window's API: the global setup seeds the
        // template workspaces they copy (renderer/src/test/), once per run and only when one runs.
        extends: true,
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}'],
          globalSetup: ['renderer/src/test/global-setup.ts'],
          setupFiles: ['renderer/src/test/setup.ts'],
          // The files share their modules (the backend, React) instead of importing them again each.
          isolate: false,
        },
      },
    ],
  },
});
