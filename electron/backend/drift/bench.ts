// Comparing two runs of 100,000 messages (issue 12's aim: well under 2 s), beside a baseline in the
// same run: a bare count over the same join (the newest extraction of each run per message), which
// reads no JSON. Part of `npm run bench`; prints numbers, asserts nothing. Extractions are written
// straight through the repository (no model), run b differing from run a the way a changed model
// does: some urgency values shifted, some answers saying `priority` instead of `urgency`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseApiArgs, type RunComparison } from '../../../shared/src/api/index.js';
import type { Extraction, ExtractionResult } from '../../../shared/src/domain.js';
import { syntheticMessages } from '../../../shared/bench/retrieval.js';
import { DROPPED_KEY_MESSAGE, openWorkspace } from '../../services/workspace/index.js';
import { benchBackendOptions } from '../bench-support.js';
import { createBackend, createBackendContext } from '../service.js';
import { createDriftHandlers } from './handlers.js';

const COUNT = Number(process.env.CASEBOOK_BENCH_COMPARE_MESSAGES ?? 100_000);
const ISSUES = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];
const URGENCY = ['low', 'medium', 'high', 'critical'];
const AREAS = ['accounts', 'billing', 'point_of_sale', 'online_booking', 'payments', 'hardware', 'reporting'];

function output(i: number): Extraction {
  return {
    name: i % 3 ? `Customer ${i % 997}` : null,
    issue_type: ISSUES[i % ISSUES.length]!,
    urgency: URGENCY[(i >> 3) % URGENCY.length]!,
    product_area: AREAS[(i >> 2) % AREAS.length]!,
    sentiment: ['negative', 'neutral', 'positive'][i % 3]!,
    order_id: i % 11 === 0 ? `TW-${100000 + i}` : null,
    requested_action: i % 5 ? 'refund duplicate charge' : null,
    language: i % 9 ? 'en' : 'de',
    is_repeat_contact: i % 13 === 0,
  };
}

const result = (out: Extraction, errors: ExtractionResult['errors'] = []): ExtractionResult => ({ output: out, valid: errors.length === 0, errors, trace: null as never });

const time = <T>(fn: () => T): { ms: number; value: T } => {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
};

export async function benchCompare(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-compare-'));
  try {
    const path = join(dir, 'compare.casebook');
    (await createBackend(benchBackendOptions(path))).close();
    const ws = openWorkspace(path);
    const ctx = createBackendContext(ws, benchBackendOptions(path));
    const { repos } = ctx;
    const setup = performance.now();
    const { ids } = repos.messages.insertMany(syntheticMessages(COUNT, 12).map((m, i) => ({ text: `${m.text} (#${i})`, subject: m.subject ?? null, sender: null, receivedAt: null, source: 'bench' })));
    const run = (name: string) => repos.runs.create({ id: `run_bench_${name}`, kind: 'compare', provider: 'embedded', model: 'bench', selection: { all: true }, messageIds: ids });
    const a = run('a');
    const b = run('b');
    const c = run('c');
    let shifted = 0;
    let renamed = 0;
    ws.write(() => {
      ids.forEach((messageId, i) => {
        const out = output(i);
        repos.extractions.insert({ messageId, runId: a.id, result: result(out) });
        // Run c: every answer differs (the worst case: every message goes through the field-by-field path).
        repos.extractions.insert({ messageId, runId: c.id, result: result({ ...out, sentiment: 'neutral', language: 'fr' }) });
        if (i % 10 === 1) {
          shifted++;
          repos.extractions.insert({ messageId, runId: b.id, result: result({ ...out, urgency: URGENCY[(URGENCY.indexOf(out.urgency as string) + 1) % 4]! }) });
        } else if (i % 33 === 2) {
          renamed++;
          const { urgency: _u, ...rest } = out;
          repos.extractions.insert({ messageId, runId: b.id, result: result(rest, [{ path: '/priority', message: DROPPED_KEY_MESSAGE }, { path: '', message: "must have required property 'urgency'" }]) });
        } else {
          repos.extractions.insert({ messageId, runId: b.id, result: result(out) });
        }
      });
    });
    const setupSeconds = (performance.now() - setup) / 1000;

    const drift = createDriftHandlers(ctx);
    const compare = (args: Record<string, unknown>) => drift.compareRuns(parseApiArgs('compareRuns', { a: a.id, b: b.id, ...args })) as RunComparison;
    const baseline = time(
      () =>
        (
          ws.db
            .prepare(
              `WITH ea AS (SELECT message_id, max(id) AS id FROM extractions WHERE run_id = ? GROUP BY message_id),
                eb AS (SELECT message_id, max(id) AS id FROM extractions WHERE run_id = ? GROUP BY message_id)
              SELECT count(*) AS n FROM ea JOIN eb ON eb.message_id = ea.message_id`,
            )
            .get(a.id, b.id) as { n: number }
        ).n,
    );
    const cold = time(() => compare({}));
    const page = time(() => compare({ field: 'urgency', from: 'low', to: 'medium', limit: 100 }));
    const changedOnly = time(() => compare({ validityChanged: true, limit: 100 }));
    const everything = time(() => drift.compareRuns(parseApiArgs('compareRuns', { a: a.id, b: c.id })) as RunComparison);
    const cmp = cold.value;
    const urgency = cmp.fields.find((f) => f.field === 'urgency')!;

    console.log(`\n## Comparing two runs of ${COUNT.toLocaleString('en')} messages (SQLite; setup ${setupSeconds.toFixed(1)} s, not timed)`);
    console.log(`${'case'.padEnd(62)}  ${'ms'.padStart(8)}`);
    console.log(`${'baseline: bare count over the join of both runs'.padEnd(62)}  ${baseline.ms.toFixed(0).padStart(8)}`);
    console.log(`${'compareRuns: counts, transitions, unknown keys, first page'.padEnd(62)}  ${cold.ms.toFixed(0).padStart(8)}`);
    console.log(`${'compareRuns again, filtered to low → medium (comparison reused)'.padEnd(62)}  ${page.ms.toFixed(0).padStart(8)}`);
    console.log(`${'compareRuns again, validity changed'.padEnd(62)}  ${changedOnly.ms.toFixed(0).padStart(8)}`);
    console.log(`${'compareRuns where every message changed (worst case)'.padEnd(62)}  ${everything.ms.toFixed(0).padStart(8)}`);
    console.log(
      `(overlap ${cmp.overlap.toLocaleString('en')} = ${baseline.value.toLocaleString('en')}; changed ${cmp.changed.toLocaleString('en')} = ${(shifted + renamed).toLocaleString('en')} scripted; ` +
        `urgency transitions ${urgency.transitions.length}; priority in b ${cmp.unknownKeys.find((k) => k.key === 'priority')?.b ?? 0} = ${renamed} renamed; became invalid ${cmp.validity.becameInvalid}; worst case changed ${everything.value.changed.toLocaleString('en')})`,
    );
    ws.close();
  } finally {
    if (process.env.CASEBOOK_BENCH_KEEP) console.log(dir);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx electron/backend/drift/bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) await benchCompare();
