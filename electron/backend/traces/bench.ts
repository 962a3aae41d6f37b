// Production traces at a million (issue 12's aims: import 1,000,000 trace lines in under 20 s; a
// 30-day chart of one field in under 300 ms), each beside a baseline in the same run. Part of
// `npm run bench`; prints numbers, asserts nothing. The lines are the runtime's trace log format,
// written as a service would (one file per UTC day over 30 days) and read through the watched
// folder, as production feeds them. CASEBOOK_BENCH_TRACES sets how many (default 1,000,000).
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseApiArgs, type ApiArgs, type ApiMethod, type ApiResults } from '../../../shared/src/api/index.js';
import { traceFileName } from '../../../shared/src/service/trace-log.js';
import { openWorkspace } from '../../services/workspace/index.js';
import { benchBackendOptions } from '../bench-support.js';
import { createBackend, createBackendContext } from '../service.js';
import { closeTraceHandlers, createTraceHandlers, traceImporter, type TraceHandlers } from './handlers.js';

const COUNT = Number(process.env.CASEBOOK_BENCH_TRACES ?? 1_000_000);
const DAYS = 30;
const START = Date.UTC(2026, 10, 1);
const ISSUES = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];
const URGENCY = ['low', 'medium', 'high', 'critical'];
const AREAS = ['accounts', 'billing', 'point_of_sale', 'online_booking', 'payments', 'hardware', 'reporting'];
const WORDS = ['card', 'reader', 'offline', 'refund', 'charged', 'twice', 'booking', 'app', 'crashes', 'invoice', 'printer', 'login', 'locked', 'please', 'urgent', 'today'];

/** Line i: spread evenly over 30 days; from day 15 some answers say `priority` instead of `urgency`, and issue_type shifts. */
function line(i: number): string {
  const t = START + Math.floor((i / COUNT) * DAYS * 86_400_000);
  const late = t >= START + 15 * 86_400_000;
  const drift = late && i % 10 === 0;
  const output: Record<string, unknown> = {
    name: i % 3 ? `Customer ${i % 997}` : null,
    issue_type: drift ? 'bug' : ISSUES[i % ISSUES.length],
    ...(drift ? { priority: URGENCY[(i >> 3) % 4] } : { urgency: URGENCY[(i >> 3) % 4] }),
    product_area: AREAS[(i >> 2) % AREAS.length],
    sentiment: ['negative', 'neutral', 'positive'][i % 3],
    order_id: i % 11 === 0 ? `TW-${100000 + i}` : null,
    requested_action: i % 5 ? 'refund duplicate charge' : null,
    language: i % 9 ? 'en' : 'de',
    is_repeat_contact: i % 13 === 0,
  };
  const text = Array.from({ length: 14 }, (_, k) => WORDS[(i * 7 + k * 13 + (i >> k)) % WORDS.length]).join(' ') + ` #${i}`;
  return JSON.stringify({
    v: 1,
    time: new Date(t).toISOString(),
    service: 'support-triage',
    messageId: `req-${i}`,
    message: { subject: i % 4 ? 'Help' : null, text },
    output,
    valid: !drift,
    errors: drift ? [{ path: '/urgency', message: 'is required' }] : [],
    rulebook: { id: 'support-triage', version: late ? 4 : 3, hash: late ? 'sha256:bbbb' : 'sha256:aaaa' },
    provider: 'openai',
    model: late && i % 2 ? 'gpt-b' : 'gpt-a',
    latencyMs: 200 + ((i * 37) % 900),
    cached: i % 17 === 0,
    rulesFired: i % 6 === 0 ? ['r-repeat'] : [],
    precedents: [{ id: `p-${i % 500}`, score: 0.8 }],
    promptHash: 'f'.repeat(64),
  });
}

async function writeFiles(dir: string): Promise<number> {
  let bytes = 0;
  let day = -1;
  let out: ReturnType<typeof createWriteStream> | null = null;
  const close = () => new Promise<void>((resolve) => (out ? out.end(resolve) : resolve()));
  let buffer = '';
  for (let i = 0; i < COUNT; i += 1) {
    const l = line(i);
    const d = Math.floor((i / COUNT) * DAYS);
    if (d !== day) {
      if (out) out.write(buffer);
      buffer = '';
      await close();
      day = d;
      out = createWriteStream(join(dir, traceFileName(new Date(START + d * 86_400_000).toISOString().slice(0, 10), 0)));
    }
    buffer += l + '\n';
    bytes += l.length + 1;
    if (buffer.length > 1 << 20) {
      if (!out!.write(buffer)) await new Promise<void>((r) => out!.once('drain', () => r()));
      buffer = '';
    }
  }
  out?.write(buffer);
  await close();
  return bytes;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

/** The median of `runs` timings. */
async function median(fn: () => unknown, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push((await timed(fn)).ms);
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-traces-'));
  try {
    const folder = join(dir, 'log');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    const written = await timed(() => writeFiles(folder));
    const path = join(dir, 'bench.casebook');
    (await createBackend(benchBackendOptions(path))).close();
    const ws = openWorkspace(path);
    const ctx = createBackendContext(ws, benchBackendOptions(path));
    const handlers = createTraceHandlers(ctx, { pollMs: 3_600_000 });
    const api = async <M extends ApiMethod & keyof TraceHandlers>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]> =>
      (await handlers[method](parseApiArgs(method, args) as never)) as ApiResults[M];

    console.log(`\n## Production traces at ${COUNT.toLocaleString('en')} lines (${DAYS} daily files, ${(written.value / 1e6).toFixed(0)} MB; written in ${(written.ms / 1000).toFixed(1)} s)`);

    // Baseline: read and parse every line, no SQLite.
    const files = readdirSync(folder).sort();
    const parse = await timed(() => {
      let n = 0;
      for (const f of files) {
        const text = readFileSync(join(folder, f), 'utf8');
        for (let at = 0; at < text.length; ) {
          const nl = text.indexOf('\n', at);
          const l = text.slice(at, nl);
          at = nl + 1;
          if (l) n += (JSON.parse(l) as { v: number }).v;
        }
      }
      return n;
    });
    const imported = await timed(() => api('watchTraceFolder', { path: folder }));
    const state = imported.value;
    const dbBytes = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    // CPU time beside the clock's: on a machine shared with other work the clock's time also counts the others' turns.
    console.log('| what | time | per line | CPU time (this process) |');
    console.log('|---|---|---|---|');
    console.log(`| baseline: read + JSON.parse every line (no SQLite) | ${(parse.ms / 1000).toFixed(1)} s | ${((parse.ms * 1000) / COUNT).toFixed(1)} µs | ${(parse.cpuMs / 1000).toFixed(1)} s |`);
    console.log(`| import through the watched folder (${state.imported.toLocaleString('en')} stored, ${state.files.reduce((s, f) => s + f.bad, 0)} bad) | ${(imported.ms / 1000).toFixed(1)} s | ${((imported.ms * 1000) / COUNT).toFixed(1)} µs | ${(imported.cpuMs / 1000).toFixed(1)} s |`);
    const pool = traceImporter(ctx);
    const parsedBy = pool ? `${pool.imported.worker} chunks imported on worker threads, ${pool.imported.inProcess} in-process${pool.failure ? ` (workers failed: ${pool.failure})` : ''}` : '';
    console.log(`(aim: under 20 s; workspace file ${(dbBytes / 1e6).toFixed(0)} MB; ${parsedBy})`);

    // A 30-day chart of one field by day, beside a GROUP BY over the raw table.
    const chartArgs = { metric: 'field', field: 'issue_type', bucket: 'day' } as const;
    const chart = await api('traceChart', chartArgs);
    const chartMs = await median(() => api('traceChart', chartArgs));
    const raw = ws.db.prepare("SELECT substr(received_at, 1, 10) AS day, output ->> '$.issue_type' AS v, count(*) FROM traces GROUP BY day, v");
    const rawMs = await median(() => raw.all(), 3);
    const unknownMs = await median(() => api('traceChart', { metric: 'unknown_keys', bucket: 'hour' }));
    const latencyMs = await median(() => api('traceChart', { metric: 'latency', bucket: 'day' }));
    const weekMs = await median(() => api('traceChart', { metric: 'version', bucket: 'week' }));
    console.log('\n| chart over 30 days | median |');
    console.log('|---|---|');
    console.log(`| baseline: GROUP BY day, json ->> issue_type over the traces table | ${ms(rawMs)} |`);
    console.log(`| traceChart field issue_type by day (${chart.buckets.length} buckets, ${chart.series.length} series; aim < 300 ms) | ${ms(chartMs)} |`);
    console.log(`| traceChart unknown_keys by hour | ${ms(unknownMs)} |`);
    console.log(`| traceChart latency p50/p95 by day | ${ms(latencyMs)} |`);
    console.log(`| traceChart version by week | ${ms(weekMs)} |`);

    // A page of the traces behind one day's bar.
    const day = { from: new Date(START + 20 * 86_400_000).toISOString(), to: new Date(START + 21 * 86_400_000).toISOString() };
    const pageArgs = { ...day, field: 'issue_type', value: 'billing', limit: 100 } as const;
    const page = await api('listTraces', pageArgs);
    const pageMs = await median(() => api('listTraces', pageArgs));
    const next = await median(() => api('listTraces', { ...pageArgs, cursor: page.nextCursor }));
    const unknownPage = await median(() => api('listTraces', { ...day, unknownKey: 'priority', limit: 100 }));
    const partialDay = { from: new Date(START + 20 * 86_400_000 + 1_800_000).toISOString(), to: day.to };
    const partialMs = await median(() => api('listTraces', { ...partialDay, field: 'issue_type', value: 'billing', limit: 100 }));
    const scan = ws.db.prepare("SELECT seq FROM traces NOT INDEXED WHERE received_at >= @from AND received_at < @to AND output ->> '$.issue_type' = 'billing' ORDER BY received_at DESC LIMIT 100");
    const scanMs = await median(() => scan.all(day), 3);
    console.log('\n| the traces behind one day and value | median |');
    console.log('|---|---|');
    console.log(`| baseline: the same page without the time index (full scan) | ${ms(scanMs)} |`);
    console.log(`| listTraces day + issue_type = billing, first page of 100 (matching ${page.matching.toLocaleString('en')}, from the hour counts) | ${ms(pageMs)} |`);
    console.log(`| the next page (cursor) | ${ms(next)} |`);
    console.log(`| listTraces day + unknown key priority | ${ms(unknownPage)} |`);
    console.log(`| listTraces half-hour-offset window + value (matching counted from the traces) | ${ms(partialMs)} |`);

    closeTraceHandlers(ctx);
    ws.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
