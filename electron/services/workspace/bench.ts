// The inbox at 100,000 messages: import, paging, filters and full-text search over a real SQLite
// file. Part of `npm run bench`; prints numbers, asserts nothing. The baseline in the same run is a
// bare `SELECT ... LIMIT 100` on the messages table, which every inbox query builds on.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExtractionResult } from '../../../shared/src/domain.js';
import { measure, printTimings, type Timing } from '../../../shared/bench/measure.js';
import { seededRandom, syntheticMessages } from '../../../shared/bench/retrieval.js';
import { openWorkspace, repositories } from './index.js';

const COUNT = Number(process.env.CASEBOOK_BENCH_MESSAGES ?? 100_000);
const TRACES = Number(process.env.CASEBOOK_BENCH_TRACES ?? 1_000_000);
const ISSUES = ['account', 'billing', 'shipping', 'bug', 'cancellation', 'other'];
const CURRENT_HASH = 's:current';
const STALE_HASH = 's:earlier';

function fakeResult(rnd: () => number): ExtractionResult {
  const valid = rnd() > 0.1;
  return {
    output: { issue_type: ISSUES[Math.floor(rnd() * ISSUES.length)]!, urgency: rnd() > 0.8 ? 'high' : 'low' },
    valid,
    errors: valid ? [] : [{ path: '/urgency', message: 'is missing' }],
    trace: null as unknown as ExtractionResult['trace'], // the inbox never reads traces
  };
}

export async function benchWorkspace(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-ws-'));
  const ws = openWorkspace(join(dir, 'bench.casebook'));
  const repos = repositories(ws);
  try {
    const rnd = seededRandom(3);
    const start = Date.UTC(2026, 0, 1);
    const messages = syntheticMessages(COUNT, 11).map((m, i) => ({
      text: m.text,
      subject: m.subject ?? null,
      sender: `Customer ${i % 5000} <c${i % 5000}@example.com>`,
      receivedAt: new Date(start + i * 60_000).toISOString(),
      source: 'bench',
    }));

    let t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < messages.length; i += 1000) ids.push(...repos.messages.insertMany(messages.slice(i, i + 1000)).ids);
    const importMs = performance.now() - t0;
    t0 = performance.now();
    ws.write(() => {
      // One in ten made under an earlier schema: the stale filter's share.
      ids.forEach((id, i) => repos.extractions.insert({ messageId: id, result: fakeResult(rnd), schemaHash: i % 10 === 0 ? STALE_HASH : CURRENT_HASH }));
    });
    const extractMs = performance.now() - t0;
    // Confidences spread evenly, one in seven below the review line, one in 200 a person's answer a
    // later run disagrees with (a regression): the review queue's shape.
    ws.db.exec(`UPDATE messages SET review_priority = ((seq * 7919) % 1000) / 1000.0,
        status = CASE WHEN (seq * 7919) % 1000 > 857 THEN 'needs_review' ELSE 'extracted' END;
      UPDATE messages SET regression_extraction_id = latest_extraction_id, status = 'corrected', review_priority = 10.0 WHERE seq % 200 = 0;`);
    console.log(`\n## Workspace at ${COUNT.toLocaleString('en')} messages`);
    console.log(`import (1,000 rows per transaction): ${importMs.toFixed(0)} ms; one extraction each: ${extractMs.toFixed(0)} ms; file ${(statSync(join(dir, 'bench.casebook')).size / 1e6).toFixed(0)} MB`);

    const first = repos.messages.page({ limit: 100 });
    let deep = first.nextCursor;
    for (let i = 0; i < 500 && deep; i++) deep = repos.messages.page({ limit: 100, cursor: deep }).nextCursor;
    const bare = ws.db.prepare('SELECT id, subject, sender, received_at FROM messages ORDER BY received_at DESC, id DESC LIMIT 100');

    const rows: Timing[] = [];
    const runs = { runs: 50, warmup: 5 };
    rows.push(await measure('bare SELECT ... LIMIT 100 (baseline)', () => bare.all(), runs));
    rows.push(await measure('inbox: first page of 100', () => repos.messages.page({ limit: 100 }), runs));
    rows.push(await measure('inbox: page 501 by cursor', () => repos.messages.page({ limit: 100, cursor: deep }), runs));
    rows.push(await measure('inbox: status filter', () => repos.messages.page({ limit: 100, filter: { status: 'needs_review' } }), runs));
    rows.push(await measure('inbox: invalid only', () => repos.messages.page({ limit: 100, filter: { validity: 'invalid' } }), runs));
    rows.push(await measure('inbox: issue_type = billing', () => repos.messages.page({ limit: 100, filter: { field: { name: 'issue_type', value: 'billing' } } }), runs));
    const stale = { stale: true, schemaHash: CURRENT_HASH };
    rows.push(await measure('inbox: stale only (1 in 10)', () => repos.messages.page({ limit: 100, filter: { stale } }), runs));
    rows.push(await measure('count stale', () => repos.messages.count({ stale }), runs));
    rows.push(await measure('count current', () => repos.messages.count({ stale: { ...stale, stale: false } }), runs));
    rows.push(await measure('ids of the stale (a run over the filter)', () => repos.messages.ids({ stale }), runs));
    rows.push(await measure('count all', () => repos.messages.count(), runs));
    rows.push(await measure('count by status', () => repos.messages.countByStatus(), runs));
    const queueFirst = repos.messages.page({ limit: 100, filter: { queue: true }, order: 'priority' });
    let queueDeep = queueFirst.nextCursor;
    for (let i = 0; i < 50 && queueDeep; i++) queueDeep = repos.messages.page({ limit: 100, filter: { queue: true }, order: 'priority', cursor: queueDeep }).nextCursor;
    rows.push(await measure('review queue, least confident first', () => repos.messages.page({ limit: 100, filter: { queue: true }, order: 'priority' }), runs));
    rows.push(await measure('review queue, page 51 by cursor', () => repos.messages.page({ limit: 100, filter: { queue: true }, order: 'priority', cursor: queueDeep }), runs));
    rows.push(await measure('review queue, newest first', () => repos.messages.page({ limit: 100, filter: { queue: true } }), runs));
    rows.push(await measure('count the queue and its regressions', () => repos.messages.queueCounts(), runs));
    rows.push(await measure('whole inbox, least confident first', () => repos.messages.page({ limit: 100, order: 'priority' }), runs));
    rows.push(await measure('search "password" (common), top 100', () => repos.messages.search({ query: 'password', limit: 100 }), runs));
    rows.push(await measure('search "locked out", top 100', () => repos.messages.search({ query: 'locked out', limit: 100 }), runs));
    rows.push(await measure('search rare word, top 100', () => repos.messages.search({ query: 'gdpr', limit: 100 }), runs));
    rows.push(await measure('search + status filter', () => repos.messages.search({ query: 'refund', limit: 100, filter: { status: 'extracted' } }), runs));
    rows.push(await measure('search as you type "pa" (prefix)', () => repos.messages.search({ query: 'pa', limit: 100 }), runs));
    printTimings(`Inbox queries at ${COUNT.toLocaleString('en')} messages`, rows);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Production traces at a million (issue 12's import): the import, a day's range counted and read,
 * and a page deep in the history. The baseline is the same range read by a full scan.
 */
export async function benchTraces(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-traces-'));
  const ws = openWorkspace(join(dir, 'bench.casebook'));
  const { traces } = repositories(ws);
  try {
    const rnd = seededRandom(5);
    const start = Date.UTC(2026, 0, 1);
    const texts = syntheticMessages(1000, 13).map((m) => m.text);
    const at = (i: number) => new Date(start + i * 3_000).toISOString(); // a trace every 3 s: a million is about 35 days
    const t0 = performance.now();
    for (let i = 0; i < TRACES; i += 50_000) {
      traces.insertMany(
        Array.from({ length: Math.min(50_000, TRACES - i) }, (_, j) => ({
          id: `req-${i + j}`,
          source: 'bench',
          receivedAt: at(i + j),
          message: { text: texts[(i + j) % texts.length]! },
          output: { issue_type: ISSUES[Math.floor(rnd() * ISSUES.length)]! },
          rulebookVersion: 1 + Math.floor((i + j) / 100_000),
          model: 'gpt-4o-mini',
        })),
      );
    }
    const importMs = performance.now() - t0;
    console.log(`\n## Production traces at ${TRACES.toLocaleString('en')}`);
    console.log(`import (50,000 per call): ${importMs.toFixed(0)} ms; file ${(statSync(join(dir, 'bench.casebook')).size / 1e6).toFixed(0)} MB`);
    const day = { from: at(TRACES / 2), to: new Date(Date.parse(at(TRACES / 2)) + 86_400_000).toISOString() };
    const scan = ws.db.prepare('SELECT count(*) FROM traces NOT INDEXED WHERE received_at >= @from AND received_at < @to').pluck();
    const rows: Timing[] = [];
    const runs = { runs: 20, warmup: 2 };
    rows.push(await measure('count a day by full scan (baseline)', () => scan.get(day), runs));
    rows.push(await measure('count a day (index)', () => traces.count(day), runs));
    rows.push(await measure('count all', () => traces.count(), runs));
    rows.push(await measure('first 1,000 of a day', () => traces.list({ ...day, limit: 1000 }), runs));
    rows.push(await measure('page of 1,000 deep in the history (keyset)', () => traces.list({ after: { receivedAt: at(TRACES - 5000), seq: TRACES - 5000 }, limit: 1000 }), runs));
    printTimings(`Trace ranges at ${TRACES.toLocaleString('en')} traces`, rows);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx electron/services/workspace/bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  await benchWorkspace();
  await benchTraces();
}
