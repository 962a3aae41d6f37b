// The demo's first impression, measured: a fresh demo workspace made by createBackend (its messages
// extracted at first start by the embedded provider, as the app does), compared field by field with
// resources/demo/labels.jsonl, and what "Needs review" shows first. Part of `npm run bench`; prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SETTINGS, type ExtractionSchema, type Precedent, type Rule } from '../../shared/src/domain.js';
import { EMBEDDED_RETRIEVAL_DEPTH, createEmbeddedProvider } from '../../shared/src/providers/embedded.js';
import { PrecedentIndex } from '../../shared/src/retrieval/index.js';
import { createBackend } from './service.js';
import { BENCH_RESOURCES, benchBackendOptions } from './bench-support.js';
import { fieldMatches, formatDemoQuality, measureDemo } from './demo-quality.js';

const RESOURCES = BENCH_RESOURCES;

export async function benchDemoAccuracy(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-demo-'));
  try {
    const t0 = performance.now();
    const backend = await createBackend(benchBackendOptions(join(dir, 'demo.casebook')));
    const seconds = (performance.now() - t0) / 1000;
    try {
      const q = await measureDemo(backend.handlers, RESOURCES);
      console.log(`\n## The demo with the embedded provider, against resources/demo/labels.jsonl (first start: ${seconds.toFixed(2)} s)`);
      console.log('(exact match; name: first names agree, case and accents ignored; requested_action: null meets null, else a shared content word)');
      console.log(formatDemoQuality(q));
      const rulebook = await backend.handlers.getRulebook({});
      const loo = await leaveOneOut(rulebook.schema, rulebook.precedents, rulebook.rules);
      console.log(`\n## Leave-one-out over the demo's ${rulebook.precedents.length} precedents (each answered by the embedded provider taught the others)`);
      for (const [f, a] of Object.entries(loo)) console.log(`${f.padEnd(18)}  ${`${(a * 100).toFixed(1)}%`.padStart(7)}`);
    } finally {
      await backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Generalisation within the precedents: each precedent's message answered by an embedded provider
 * built over all the others (retrieval included), compared with its own output, per enum and
 * boolean field. Rules are passed as the pipeline passes them (value aliases); overrides are not
 * applied, so this measures the provider alone.
 */
export async function leaveOneOut(schema: ExtractionSchema, precedents: readonly Precedent[], rules: readonly Rule[]): Promise<Record<string, number>> {
  const fields = schema.fields.filter((f) => f.type === 'enum' || f.type === 'boolean').map((f) => f.name);
  const right = new Map(fields.map((f) => [f, 0]));
  const depth = Math.max(DEFAULT_SETTINGS.k, EMBEDDED_RETRIEVAL_DEPTH);
  for (let i = 0; i < precedents.length; i++) {
    const held = precedents[i]!;
    const others = precedents.filter((_, j) => j !== i);
    const index = PrecedentIndex.build(others);
    const provider = createEmbeddedProvider({ precedents: others, index });
    const res = await provider.complete({
      messages: [],
      jsonSchema: {},
      schemaName: 'extraction',
      settings: DEFAULT_SETTINGS,
      schema,
      message: held.message,
      precedents: index.search(held.message, depth).map((h) => ({ precedent: others[h.index]!, score: h.score })),
      rules: [...rules],
    });
    const out = JSON.parse(res.raw) as Record<string, unknown>;
    for (const f of fields) if (fieldMatches(f, out[f] as never, held.output[f])) right.set(f, right.get(f)! + 1);
  }
  return Object.fromEntries(fields.map((f) => [f, right.get(f)! / Math.max(1, precedents.length)]));
}

// `tsx electron/backend/demo-accuracy.bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) await benchDemoAccuracy();
