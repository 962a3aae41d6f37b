// Production traces (migration 003, 006): what services running the runtime extracted, imported in
// bulk and read back by time range, for charts over time and replays against other rulebooks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository, messageContentHash } from './messages.js';
import { result, tempWorkspaces, type TempWorkspaces } from './test-helpers.js';
import { TRACE_SQL, TraceRepository, type NewTrace } from './traces.js';
import type { Workspace } from './workspace.js';

let t: TempWorkspaces;
let ws: Workspace;
let traces: TraceRepository;
beforeEach(() => {
  t = tempWorkspaces();
  ws = t.open();
  traces = new TraceRepository(ws);
});
afterEach(() => t.cleanup());

const at = (minute: number) => new Date(Date.UTC(2026, 3, 1) + minute * 60_000).toISOString();
const trace = (n: number, over: Partial<NewTrace> = {}): NewTrace => ({
  id: `t-${n}`,
  source: 'prod.jsonl',
  receivedAt: at(n),
  message: { text: `Card reader ${n} offline` },
  output: { issue_type: 'bug' },
  ...over,
});

describe('traces', () => {
  it('stores what a service extracted, the rulebook version, model and trace optional, and reads it back', () => {
    const full = result({ issue_type: 'account' });
    const { inserted, skipped } = traces.insertMany([
      trace(1),
      trace(2, {
        message: { text: 'Locked out', subject: 'Login', sender: 'ann@example.com' },
        output: full.output,
        valid: true,
        rulebookId: 'tidewell-support',
        rulebookVersion: 7,
        rulebookHash: 'sha256:abc',
        model: 'gpt-4o-mini',
        trace: full.trace,
      }),
    ]);
    expect({ inserted, skipped }).toEqual({ inserted: 2, skipped: 0 });
    const [bare, rich] = traces.list();
    expect(bare).toMatchObject({
      id: 't-1',
      source: 'prod.jsonl',
      receivedAt: at(1),
      message: { text: 'Card reader 1 offline' },
      output: { issue_type: 'bug' },
      valid: null,
      rulebookId: null,
      rulebookVersion: null,
      rulebookHash: null,
      model: null,
      trace: null,
    });
    expect(bare!.importedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(rich).toMatchObject({ rulebookId: 'tidewell-support', rulebookVersion: 7, rulebookHash: 'sha256:abc', model: 'gpt-4o-mini', valid: true, trace: full.trace });
    // The hash the messages table gives the same message received at the same time: to link the two.
    const { id } = new MessageRepository(ws).insert({ text: 'Locked out', subject: 'Login', sender: 'ann@example.com', receivedAt: at(2) });
    expect(rich!.messageHash).toBe(messageContentHash({ text: 'Locked out', subject: 'Login', sender: 'ann@example.com', receivedAt: at(2) }));
    expect(new MessageRepository(ws).get(id)!.contentHash).toBe(rich!.messageHash);
  });

  it('takes the model from the trace when none is given', () => {
    const full = result({ issue_type: 'account' });
    traces.insertMany([trace(1, { trace: full.trace })]);
    expect(traces.list()[0]!.model).toBe(full.trace.provider.model);
  });

  it('imports a file again without duplicates: a trace is one per source and id', () => {
    expect(traces.insertMany([trace(1), trace(2), trace(2)])).toEqual({ inserted: 2, skipped: 1 });
    expect(traces.insertMany([trace(1), trace(3)])).toEqual({ inserted: 1, skipped: 1 });
    expect(traces.insertMany([trace(1, { source: 'other-service' })])).toEqual({ inserted: 1, skipped: 0 });
    expect(traces.count()).toBe(4);
  });

  it('lists by time range, oldest first, [from, to), in pages that give every trace once (equal times included)', () => {
    traces.insertMany(Array.from({ length: 50 }, (_, i) => trace(i, { receivedAt: at(Math.floor(i / 5)) })));
    expect(traces.count()).toBe(50);
    expect(traces.count({ from: at(2), to: at(4) })).toBe(10);
    expect(traces.list({ from: at(2), to: at(4) }).map((x) => x.id)).toEqual(['t-10', 't-11', 't-12', 't-13', 't-14', 't-15', 't-16', 't-17', 't-18', 't-19']);
    expect(traces.list({ from: at(9) }).map((x) => x.id)).toEqual(['t-45', 't-46', 't-47', 't-48', 't-49']);
    expect(traces.count({ to: at(1) })).toBe(5);

    const seen: string[] = [];
    let after: { receivedAt: string; seq: number } | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = traces.list({ from: at(1), to: at(8), limit: 3, after });
      if (page.length === 0) break;
      seen.push(...page.map((x) => x.id));
      const last = page.at(-1)!;
      after = { receivedAt: last.receivedAt, seq: last.seq };
    }
    expect(seen).toEqual(Array.from({ length: 35 }, (_, i) => `t-${i + 5}`));
  });

  it('accepts times in any ISO form and stores them as one; refuses a bad time or a message without text, storing none of the batch', () => {
    traces.insertMany([trace(1, { receivedAt: '2026-04-01T02:00:00+02:00' })]);
    expect(traces.list()[0]!.receivedAt).toBe('2026-04-01T00:00:00.000Z');
    expect(() => traces.insertMany([trace(2), trace(3, { receivedAt: 'yesterday' })])).toThrow(/invalid receivedAt/);
    expect(() => traces.insertMany([trace(4), trace(5, { message: { text: 42 as unknown as string } })])).toThrow(/needs a message with text/);
    expect(traces.count()).toBe(1);
    expect(() => traces.list({ from: 'soon' })).toThrow(/invalid from/);
  });

  it('serves ranges from the time index: no scan of the table, no sort', () => {
    for (const sql of [TRACE_SQL.list, TRACE_SQL.listAfter, TRACE_SQL.count]) {
      const plan = (ws.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ from: at(0), to: at(9), limit: 10, after_at: at(0), after_seq: 0 }) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
      expect(plan, sql).toMatch(/traces_received/);
      expect(plan, sql).not.toMatch(/TEMP B-TREE|SCAN traces(?! USING)/);
    }
  });

  it('holds 100,000 traces: imported in one call, counted and paged by range', () => {
    const n = 100_000;
    const rows = Array.from({ length: n }, (_, i) => trace(i, { receivedAt: at(Math.floor(i / 10)), output: { issue_type: i % 3 ? 'bug' : 'billing' } }));
    expect(traces.insertMany(rows)).toEqual({ inserted: n, skipped: 0 });
    expect(traces.count()).toBe(n);
    expect(traces.count({ from: at(5000), to: at(5100) })).toBe(1000);
    const page = traces.list({ from: at(9999), limit: 100 });
    expect(page.map((x) => x.id)).toEqual(Array.from({ length: 10 }, (_, i) => `t-${99_990 + i}`));
  }, 60_000);
});
