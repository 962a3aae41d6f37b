// The trace store's import path made cheap (issue 12's million lines): times read without a Date,
// hour counts kept by raw value, and the detail column written short must each give exactly what
// the plain way gives. Properties against the plain way, and a round trip through a real workspace.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Extraction, ExtractionSchema, JsonValue } from '../../../shared/src/domain.js';
import { propertyOptions } from '../../../shared/src/testing/property.js';
import { tempWorkspaces, type TempWorkspaces } from './test-helpers.js';
import { BucketCounts, canonicalTimeMs, fieldKinds, HOUR_MS, hourOf, latencyBucket, NONE_KEY, TraceStore, traceMessageHash, valueKey, type FieldKinds, type TraceRow } from './traceStore.js';

// Years 0000 to 9999: every time toISOString writes with four digits.
const anyMs = fc.integer({ min: Math.ceil(Date.parse('0000-01-01T00:00:00.000Z')), max: Date.parse('9999-12-31T23:59:59.999Z') });

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Strings of the stored shape with any digits: days that do not exist, hour 24, second 60 ... */
const shapedTime = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 39 }), fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 69 }), fc.integer({ min: 0, max: 69 }), fc.integer({ min: 0, max: 999 }))
  .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);

describe('times read without a Date', () => {
  it('reads every time toISOString writes as Date.parse does, and its hour as Date.parse gives it', () => {
    fc.assert(
      fc.property(anyMs, (ms) => {
        const iso = new Date(ms).toISOString();
        expect(canonicalTimeMs(iso)).toBe(ms);
        expect(hourOf(iso)).toBe(Math.floor(ms / HOUR_MS));
      }),
      propertyOptions(500),
    );
  });

  it('takes a string of the stored shape only when it is already what toISOString writes (else NaN: the slow way decides)', () => {
    fc.assert(
      fc.property(shapedTime, (s) => {
        const fast = canonicalTimeMs(s);
        const parsed = Date.parse(s);
        if (Number.isNaN(fast)) expect(Number.isNaN(parsed) || new Date(parsed).toISOString() !== s).toBe(true);
        else {
          expect(fast).toBe(parsed);
          expect(new Date(fast).toISOString()).toBe(s);
        }
        expect(hourOf(s)).toEqual(Math.floor(parsed / HOUR_MS));
      }),
      propertyOptions(1000),
    );
    // Rolled over by Date.parse, so left to it: the stored time is then the next month's.
    for (const s of ['2026-02-29T00:00:00.000Z', '2026-04-31T10:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T10:00:00Z', ' 2026-01-01T10:00:00.000Z']) expect(canonicalTimeMs(s)).toBeNaN();
    expect(canonicalTimeMs('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
  });
});

// The hour counts as the plain way makes them: one joined key per count, each value made JSON.
function plainCounts(traces: readonly CountedTrace[], kinds: FieldKinds): Map<string, number> {
  const out = new Map<string, number>();
  const add = (...k: (string | number)[]) => out.set(k.join('|'), (out.get(k.join('|')) ?? 0) + 1);
  for (const t of traces) {
    const hour = hourOf(t.receivedAt);
    const s = t.source;
    add('total', '', hour, s, '');
    add('valid', '', hour, s, t.valid === false ? 'false' : 'true');
    add('version', '', hour, s, t.rulebookVersion === null ? NONE_KEY : String(t.rulebookVersion));
    add('model', '', hour, s, t.model ?? NONE_KEY);
    add('latency', '', hour, s, latencyBucket(t.latencyMs));
    for (const key in t.output) {
      add('key', '', hour, s, key);
      add('field', key, hour, s, valueKey(t.output[key], kinds.get(key)));
    }
    for (const name of kinds.keys()) if (!(name in t.output)) add('field', name, hour, s, 'null');
  }
  return out;
}

interface CountedTrace {
  source: string;
  receivedAt: string;
  output: Extraction;
  valid: boolean | null;
  rulebookVersion: number | null;
  model: string | null;
  latencyMs: number | null;
}

const SCHEMA: ExtractionSchema = {
  fields: [
    { name: 'issue_type', type: 'enum', values: ['bug', 'billing'] },
    { name: 'name', type: 'string' },
    { name: 'count', type: 'number' },
    { name: 'tags', type: 'string_list' },
  ],
} as unknown as ExtractionSchema;

const value: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>('bug', 'billing', 'null', '(text)', '"quoted"', 'x'.repeat(99), 'x'.repeat(120), null, true, 0, 3.5, '', ['a'], { a: 1 }),
  fc.string({ maxLength: 8 }),
);
const countedTrace: fc.Arbitrary<CountedTrace> = fc.record({
  source: fc.constantFrom('a.jsonl', 'b.jsonl'),
  receivedAt: fc.integer({ min: 0, max: 5 * HOUR_MS }).map((ms) => new Date(Date.UTC(2026, 2, 2) + ms).toISOString()),
  output: fc.dictionary(fc.constantFrom('issue_type', 'name', 'count', 'tags', 'priority', 'other'), value, { maxKeys: 5 }) as fc.Arbitrary<Extraction>,
  valid: fc.constantFrom(true, false, null),
  rulebookVersion: fc.constantFrom(null, 0, 3, 4),
  model: fc.constantFrom(null, 'gpt-a', '(none)', 'null'),
  latencyMs: fc.constantFrom(null, 0.2, 1, 250, 251, 9000, Number.NaN),
});

describe('hour counts kept by raw value', () => {
  it('give every (metric, field, hour, source, key) count the plain way gives, in any order of traces', () => {
    const kinds = fieldKinds(SCHEMA);
    fc.assert(
      fc.property(fc.array(countedTrace, { maxLength: 40 }), (traces) => {
        const counts = new BucketCounts();
        for (const t of traces) counts.addTrace(t, kinds);
        const got = new Map<string, number>();
        for (const e of counts.entries()) {
          const k = [e.metric, e.field, e.hour, e.source, e.key].join('|');
          expect(got.has(k), `${k} given twice`).toBe(false);
          got.set(k, e.n);
        }
        expect(Object.fromEntries(got)).toEqual(Object.fromEntries(plainCounts(traces, kinds)));
      }),
      propertyOptions(300),
    );
  });

  it('adds counts given by key to those of traces (one row per key)', () => {
    const counts = new BucketCounts();
    counts.addTrace({ source: 's', receivedAt: '2026-03-02T10:00:00.000Z', output: { issue_type: 'bug' }, valid: true, rulebookVersion: 3, model: null, latencyMs: null }, fieldKinds(SCHEMA));
    const hour = hourOf('2026-03-02T10:00:00.000Z');
    counts.add('field', 'issue_type', hour, 's', '"bug"', 2);
    counts.add('version', '', hour, 's', '3');
    counts.add('model', '', hour, 's', NONE_KEY);
    expect(counts.rows('field', 'issue_type', hour, hour + 1, 's')).toEqual([{ hour, key: '"bug"', n: 3 }]);
    expect(counts.rows('version', '', hour, hour + 1, undefined)).toEqual([{ hour, key: '3', n: 2 }]);
    expect(counts.rows('model', '', hour, hour + 1, undefined)).toEqual([{ hour, key: NONE_KEY, n: 2 }]);
  });
});

describe('a trace line stored and read back', () => {
  let t: TempWorkspaces;
  beforeEach(() => {
    t = tempWorkspaces();
  });
  afterEach(() => t.cleanup());

  const row = (i: number, over: Partial<TraceRow>): TraceRow => ({
    id: `r-${i}`,
    source: 'prod.jsonl',
    receivedAt: new Date(Date.UTC(2026, 2, 2, 10, i)).toISOString(),
    message: { subject: null, text: `message ${i}` },
    messageHash: null,
    output: { issue_type: 'bug' },
    valid: true,
    errors: [],
    rulebookId: 'r',
    rulebookVersion: 1,
    rulebookHash: 'h',
    model: 'm',
    provider: 'p',
    service: 's',
    latencyMs: 5,
    cached: false,
    rulesFired: [],
    precedents: null,
    promptHash: null,
    format: 'casebook-trace',
    unknownKeys: [],
    ...over,
  });

  it('gives back its errors, rules fired, precedents and prompt hash, whichever are empty or missing (the detail column writes only the others)', () => {
    const ws = t.open();
    const store = new TraceStore(ws);
    const detail: fc.Arbitrary<Pick<TraceRow, 'errors' | 'rulesFired' | 'precedents' | 'promptHash'>> = fc.record({
      errors: fc.constantFrom<TraceRow['errors']>([], [{ path: '/urgency', message: 'is required' }] as TraceRow['errors']),
      rulesFired: fc.constantFrom<string[]>([], ['r-1', 'r-2']),
      precedents: fc.constantFrom<TraceRow['precedents']>(null, [], [{ id: 'p-1', score: 0.8 }]),
      promptHash: fc.constantFrom<string | null>(null, '', 'f'.repeat(64)),
    });
    let i = 0;
    fc.assert(
      fc.property(detail, (d) => {
        const r = row((i += 1), d);
        expect(store.insertBatch([r, r], new Map())).toEqual({ inserted: 1, duplicates: 1 });
        const seq = ws.db.prepare('SELECT seq FROM traces WHERE id = ?').pluck().get(r.id) as number;
        const { seq: _seq, ...back } = store.get(seq)!;
        // The message's hash is not stored by an import: it is made when the trace is read.
        expect(back).toEqual({ ...r, messageHash: traceMessageHash(r.message, r.receivedAt) });
        expect(back.messageHash).toMatch(/^[0-9a-f]{64}$/);
        const stored = ws.db.prepare('SELECT detail FROM traces WHERE seq = ?').pluck().get(seq);
        if (!d.errors.length && !d.rulesFired.length && d.precedents === null && d.promptHash === null) expect(stored).toBeNull();
      }),
      propertyOptions(60),
    );
  });
});
