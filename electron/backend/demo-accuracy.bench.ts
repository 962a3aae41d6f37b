// The demo's first impression, measured: a fresh demo workspace made by createBackend (its messages
// extracted at first start by the embedded provider, as the app does), compared field by field with
// resources/demo/labels.jsonl, and what "Needs review" shows first. Part of `npm run bench`; prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createBackend } from './service.js';
import { formatDemoQuality, measureDemo } from './demo-quality.js';

const RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));

export async function benchDemoAccuracy(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-demo-'));
  const data = new Map<string, unknown>();
  try {
    const t0 = performance.now();
    const backend = await createBackend({
      workspacePath: join(dir, 'demo.casebook'),
      resourcesDir: RESOURCES,
      demo: true,
      host: 'web',
      appVersion: 'bench',
      settings: { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) },
      secrets: { getApiKey: () => null, setApiKey: () => undefined },
      emit: () => undefined,
    });
    const seconds = (performance.now() - t0) / 1000;
    try {
      const q = await measureDemo(backend.handlers, RESOURCES);
      console.log(`\n## The demo with the embedded provider, against resources/demo/labels.jsonl (first start: ${seconds.toFixed(2)} s)`);
      console.log('(exact match; name: first names agree, case and accents ignored; requested_action: null meets null, else a shared content word)');
      console.log(formatDemoQuality(q));
    } finally {
      await backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx electron/backend/demo-accuracy.bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) await benchDemoAccuracy();
