// A run with the embedded provider and the host that serves the window: how fast the run goes,
// and how long a call would wait for the event loop meanwhile. Part of `npm run bench`; prints
// numbers, asserts nothing. The baseline in the same run is the same run without time slices
// (how runs worked before: a call waited until the run ended).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { syntheticMessages } from '../../../shared/bench/retrieval.js';
import { openWorkspace, repositories } from '../../services/workspace/index.js';
import { workspaceAccess } from '../context.js';
import { draftArtifact } from '../draft.js';
import { ExtractionService } from '../extraction.js';
import { createBackend } from '../service.js';
import { benchBackendOptions } from '../bench-support.js';
import { DEFAULT_SLICE_MS } from '../time-slice.js';
import { RunService } from './service.js';

const COUNT = Number(process.env.CASEBOOK_BENCH_RUN_MESSAGES ?? 10_000);

async function timedRun(path: string, sliceMs: number): Promise<{ perSecond: number; p99: number; max: number }> {
  const ws = openWorkspace(path);
  const workspace = workspaceAccess(ws);
  const { repos } = workspace;
  const extraction = new ExtractionService(workspace, () => draftArtifact(repos), () => ({ kind: 'embedded' }));
  const runs = new RunService({ repos, extractor: () => extraction.current(), emit: () => undefined, concurrency: () => 4, sliceMs });
  try {
    extraction.current(); // the index is built before the clock starts
    // The gaps between the ticks of a 1 ms timer: how long the loop was held at a stretch.
    const gaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 1);
    const t0 = performance.now();
    runs.start({ all: true });
    await runs.idle();
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the tick that the end of a held loop lets through
    clearInterval(ticker);
    gaps.sort((a, b) => a - b);
    return { perSecond: (COUNT + 140) / seconds, p99: gaps[Math.floor(gaps.length * 0.99)] ?? 0, max: gaps.at(-1) ?? 0 };
  } finally {
    runs.close();
    ws.close();
  }
}

export async function benchRuns(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-runs-'));
  try {
    const template = join(dir, 'template.casebook');
    const backend = await createBackend(benchBackendOptions(template));
    backend.close();
    const ws = openWorkspace(template);
    repositories(ws).messages.insertMany(syntheticMessages(COUNT, 21).map((m) => ({ text: m.text, subject: m.subject ?? null, sender: null, receivedAt: null, source: 'bench' })));
    ws.close();

    console.log(`\n## A run of ${(COUNT + 140).toLocaleString('en')} messages with the embedded provider, and the event loop meanwhile`);
    console.log(`${'case'.padEnd(44)}  ${'messages/s'.padStart(10)}  ${'loop p99 ms'.padStart(11)}  ${'loop max ms'.padStart(11)}`);
    for (const [name, slice] of [
      ['no time slices (baseline: before issue 7)', Number.POSITIVE_INFINITY],
      [`time slices of ${DEFAULT_SLICE_MS} ms (the default)`, DEFAULT_SLICE_MS],
    ] as const) {
      const path = join(dir, `run-${slice}.casebook`);
      copyFileSync(template, path);
      const r = await timedRun(path, slice);
      console.log(`${name.padEnd(44)}  ${r.perSecond.toFixed(0).padStart(10)}  ${r.p99.toFixed(1).padStart(11)}  ${r.max.toFixed(1).padStart(11)}`);
    }
    console.log('(loop delay: how long a call arriving during the run waits for its first turn; a call needs a few turns)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx electron/backend/runs/bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) await benchRuns();
