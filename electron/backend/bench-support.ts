// What the backend's benchmarks share (they run under plain tsx, without the test runner):
// BackendOptions for a demo workspace with the host's stores in memory and no events.
import { fileURLToPath } from 'node:url';
import type { BackendOptions } from './ports.js';

export const BENCH_RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));

export function benchBackendOptions(workspacePath: string): BackendOptions {
  const data = new Map<string, unknown>();
  return {
    workspacePath,
    resourcesDir: BENCH_RESOURCES,
    demo: true,
    host: 'web',
    appVersion: 'bench',
    settings: { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) },
    secrets: { getApiKey: () => null, setApiKey: () => undefined },
    emit: () => undefined,
  };
}
