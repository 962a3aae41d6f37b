// Reading trace lines at speed (issue 12's million lines): a time already in the stored form is
// taken as it is, and must read as the plain way reads it; a file read in one go still stores every
// good line, lists the bad ones by number and gives the event loop its turns.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { propertyOptions } from '../../../shared/src/testing/property.js';
import { tempWorkspaces, type TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { TraceStore } from '../../services/workspace/traceStore.js';
import { readJsonl } from './chunks.js';
import { parseTraceTime, parseTraceTimeByDate, readContext, TraceSink } from './import.js';

/** parseTraceTime as it was, with a Date for every time. */
const plainTraceTime = (value: unknown): string | null => (typeof value === 'string' ? parseTraceTimeByDate(value) : null);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const time = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 999 }),
    fc.constantFrom('Z', 'z', '', '+02:00', '-0130'),
    fc.constantFrom('T', ' '),
    fc.constantFrom('', ' '),
  )
  .map(([y, mo, d, h, mi, s, ms, zone, sep, space]) => `${space}${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}${zone}`);

describe('trace times', () => {
  it('reads every time as the plain way does (days that do not exist roll over; a time without a zone is UTC)', () => {
    fc.assert(
      fc.property(fc.oneof(time, fc.string({ maxLength: 30 })), (s) => {
        expect(parseTraceTime(s)).toBe(plainTraceTime(s));
      }),
      propertyOptions(2000),
    );
    expect(parseTraceTime('2026-02-30T00:00:00.000Z')).toBe('2026-03-02T00:00:00.000Z');
    expect(parseTraceTime('2026-03-02T10:00:00.000Z')).toBe('2026-03-02T10:00:00.000Z');
  });
});

describe('reading a file of trace lines', () => {
  let t: TempWorkspaces;
  beforeEach(() => {
    t = tempWorkspaces();
  });
  afterEach(() => t.cleanup());

  it('stores every good line of a long file once, lists each bad one by its number, and lets the event loop turn meanwhile', async () => {
    const ws = t.open();
    const store = new TraceStore(ws);
    const n = 6_000;
    const bad = new Set<number>();
    const lines: string[] = [];
    for (let i = 1; i <= n; i += 1) {
      if (i % 997 === 0) {
        bad.add(i);
        lines.push(`{"v":1,"time":"2026-03-02T10:00:00.000Z" broken ${i}`);
      } else lines.push(JSON.stringify({ text: `message ${i}`, output: { issue_type: i % 2 ? 'bug' : 'billing' }, time: new Date(Date.UTC(2026, 2, 2) + i * 60_000).toISOString(), id: `m${i}`, valid: true }));
    }
    let turns = 0;
    let stop = false;
    const tick = () => {
      turns += 1;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    const sink = new TraceSink(store, readContext('long.jsonl', null));
    await readJsonl(lines.join('\n') + '\n', sink);
    const result = sink.result('minimal-jsonl');
    stop = true;
    expect(result).toMatchObject({ imported: n - bad.size, duplicates: 0, badCount: bad.size, from: '2026-03-02T00:01:00.000Z' });
    expect(result.bad.map((b) => b.line)).toEqual([...bad]);
    expect(result.bad.every((b) => b.message.startsWith('not JSON'))).toBe(true);
    expect(turns).toBeGreaterThan(0);
    expect(ws.db.prepare('SELECT count(*) FROM traces').pluck().get()).toBe(n - bad.size);
    const total = ws.db.prepare("SELECT sum(n) FROM trace_buckets WHERE metric = 'total'").pluck().get();
    expect(total).toBe(n - bad.size);
    const bugs = ws.db.prepare(`SELECT sum(n) FROM trace_buckets WHERE metric = 'field' AND field = 'issue_type' AND key = '"bug"'`).pluck().get();
    expect(bugs).toBe(ws.db.prepare(`SELECT count(*) FROM traces WHERE output ->> '$.issue_type' = 'bug'`).pluck().get());

    // Again: nothing new, every good line a duplicate.
    const again = new TraceSink(store, readContext('long.jsonl', null));
    await readJsonl(lines.join('\n'), again);
    expect(again.result('minimal-jsonl')).toMatchObject({ imported: 0, duplicates: n - bad.size, badCount: bad.size });
    expect(ws.db.prepare("SELECT sum(n) FROM trace_buckets WHERE metric = 'total'").pluck().get()).toBe(n - bad.size);
  });
});
