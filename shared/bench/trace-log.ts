// The trace log's cost per extraction in a production service: N extractions with the embedded
// provider through createRulebookService, without a trace log and with one (with and without the
// message text), the log flushed inside the timed span so its writes are paid for. Prints numbers only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serializeRulebook } from '../src/rulebook/index.js';
import { createRulebookService, type RulebookService } from '../src/service/service.js';
import { createTraceLog, traceLineOf, type TraceLog } from '../src/service/trace-log.js';
import { syntheticRulebook } from './pipeline.js';
import { syntheticMessages } from './retrieval.js';

const N = 1_000;
const ROUNDS = 9;

export async function benchTraceLog(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'casebook-bench-trace-'));
  try {
    const file = join(dir, 'production.json');
    await writeFile(file, serializeRulebook(syntheticRulebook(1_000)));
    const messages = syntheticMessages(200, 31).map((m, i) => ({ ...m, id: `m${i}` }));
    const logs: TraceLog[] = [];
    const make = (traceLog?: TraceLog) => createRulebookService({ source: file, service: 'bench', allowUnsigned: true, ...(traceLog ? { traceLog } : {}) });
    const cases: { name: string; svc: RulebookService; log: TraceLog | null }[] = [{ name: 'no trace log (baseline)', svc: make(), log: null }];
    for (const includeText of [true, false]) {
      const log = createTraceLog({ dir: join(dir, `traces-${includeText}`), service: 'bench', includeText });
      logs.push(log);
      cases.push({ name: `trace log, ${includeText ? 'with' : 'without'} text`, svc: make(log), log });
    }
    for (const c of cases) {
      await c.svc.ready();
      for (let i = 0; i < 100; i++) await c.svc.extract(messages[i % messages.length]!); // warm up
      await c.log?.flush();
    }
    // Rounds alternate the cases so a noisy machine shifts them alike; the median round counts.
    const totals = cases.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, c] of cases.entries()) {
        const t0 = performance.now();
        for (let i = 0; i < N; i++) await c.svc.extract(messages[i % messages.length]!);
        await c.log?.flush();
        totals[k]!.push(performance.now() - t0);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = median(totals[0]!);
    console.log(`\n## Trace log cost per extraction (embedded provider, 1,000 precedents; ${N.toLocaleString('en')} extractions, median of ${ROUNDS} rounds)`);
    const w = Math.max(...cases.map((c) => c.name.length));
    console.log(`${'case'.padEnd(w)}  ${'total ms'.padStart(10)}  ${'µs/extraction'.padStart(14)}  ${'+µs vs baseline'.padStart(16)}`);
    for (const [k, c] of cases.entries()) {
      const ms = median(totals[k]!);
      const per = (ms * 1000) / N;
      const diff = ((ms - base) * 1000) / N;
      console.log(`${c.name.padEnd(w)}  ${ms.toFixed(1).padStart(10)}  ${per.toFixed(1).padStart(14)}  ${(k === 0 ? '' : diff.toFixed(1)).padStart(16)}`);
    }
    console.log(`lines dropped: ${logs.map((l) => l.dropped()).join(', ')}`);

    // The log alone, without the extraction's noise: what write() costs the caller (building the
    // line, serialising, queueing), and that plus the writer's appends until flushed.
    const sample = await cases[0]!.svc.extract(messages[0]!);
    for (const includeText of [true, false]) {
      const log = createTraceLog({ dir: join(dir, `alone-${includeText}`), service: 'bench', includeText, maxQueue: 1_000_000 });
      const lines = 20_000;
      const callerUs: number[] = [];
      const totalUs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        for (let i = 0; i < lines; i++) log.write(traceLineOf(sample, messages[i % messages.length]!, { service: 'bench', latencyMs: 1, includeText: true }));
        const t1 = performance.now();
        await log.flush();
        callerUs.push(((t1 - t0) * 1000) / lines);
        totalUs.push(((performance.now() - t0) * 1000) / lines);
      }
      console.log(`trace log alone, ${includeText ? 'with' : 'without'} text: write() ${median(callerUs).toFixed(2)} µs/line to the caller, ${median(totalUs).toFixed(2)} µs/line flushed to disk (${lines.toLocaleString('en')} lines, median of ${ROUNDS})`);
      await log.close();
    }
    for (const c of cases) await c.svc.close();
    for (const l of logs) await l.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
