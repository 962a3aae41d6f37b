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
    secrets: (() => {
      const named = new Map<string, string>();
      return { storage: 'in memory (bench)', getApiKey: () => null, setApiKey: () => undefined, getSecret: (n: string) => named.get(n) ?? null, setSecret: (n: string, v: string | null) => void (v === null ? named.delete(n) : named.set(n, v)) };
    })(),
    emit: () => undefined,
  };
}
