// Tiny timing helpers for `npm run bench`. Benchmarks print numbers; they never assert on time.
import { performance } from 'node:perf_hooks';

export interface Timing {
  name: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
}

/** Times `fn` `runs` times after `warmup` untimed calls. */
export async function measure(name: string, fn: (i: number) => unknown, opts: { runs?: number; warmup?: number } = {}): Promise<Timing> {
  const runs = opts.runs ?? 200;
  const warmup = opts.warmup ?? Math.min(20, runs);
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { name, runs, medianMs: at(0.5), p95Ms: at(0.95), meanMs: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/** Prints timings as an aligned table, with each row's ratio to the first (the baseline). */
export function printTimings(title: string, rows: Timing[]): void {
  console.log(`\n## ${title}`);
  const base = rows[0]?.medianMs ?? 1;
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${'case'.padEnd(w)}  ${'median ms'.padStart(10)}  ${'p95 ms'.padStart(10)}  ${'x baseline'.padStart(10)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(w)}  ${r.medianMs.toFixed(4).padStart(10)}  ${r.p95Ms.toFixed(4).padStart(10)}  ${(r.medianMs / base).toFixed(2).padStart(10)}`);
  }
}
