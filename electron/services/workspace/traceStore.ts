// The production trace store at scale (issue 12, migration 011): traces written in batches with the
// columns the charts and lists read taken out of the JSON, and per-hour counts (`trace_buckets`)
// added to in the same transaction, so a 30-day chart sums hour rows (a few thousand) instead of
// reading a million traces. Lists read the traces themselves, newest first, a page at a time.
import type { Statement } from 'better-sqlite3';
import type { Extraction, ExtractionSchema, JsonValue, ValidationError } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import { messageContentHash } from './messages.js';
import type { Workspace } from './workspace.js';

export const HOUR_MS = 3_600_000;

/** Whole hours since 1970-01-01T00:00Z: the bucket key of every chart. */
export function hourOf(iso: string): number {
  const ms = canonicalTimeMs(iso);
  return Math.floor((Number.isNaN(ms) ? Date.parse(iso) : ms) / HOUR_MS);
}

const DAY_MS = 86_400_000;

/** `count` decimal digits of `s` at `at` as a number, or -1 when one is not a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i += 1) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

/**
 * The time of a string already in the stored form (`2026-03-02T08:40:18.000Z`, what `toISOString`
 * writes, so also what the runtime's trace log writes), in ms, without a Date: an import reads a
 * million of them. NaN for anything else (another form, or a date that does not exist, which
 * Date.parse would roll over into the next month): the caller then parses it the slow way.
 */
export function canonicalTimeMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return NaN;
  return daysFromCivil(y, mo, d) * DAY_MS + h * HOUR_MS + mi * 60_000 + sec * 1000 + ms;
}
export const hourStart = (hour: number): string => new Date(hour * HOUR_MS).toISOString();

/**
 * The content hash the messages table would give a trace's message (same text, subject and time):
 * how a trace finds the workspace message it is about. Imports leave the column empty and it is
 * made here, when a trace is read.
 */
export function traceMessageHash(message: { text: string; subject?: string | null | undefined } | null, receivedAt: string): string | null {
  if (!message || typeof message.text !== 'string' || message.text.trim() === '') return null;
  return messageContentHash({ text: message.text, subject: message.subject ?? null, sender: null, context: null, receivedAt });
}

/** A trace as stored: what a line said, normalised. */
export interface TraceRow {
  id: string;
  source: string;
  /** ISO 8601 (`toISOString`). */
  receivedAt: string;
  message: { subject: string | null; text: string; sender?: string | null } | null;
  messageHash: string | null;
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  rulebookId: string | null;
  rulebookVersion: number | null;
  rulebookHash: string | null;
  model: string | null;
  provider: string | null;
  service: string | null;
  latencyMs: number | null;
  cached: boolean | null;
  rulesFired: string[];
  precedents: { id: string; score: number }[] | null;
  promptHash: string | null;
  format: string;
  /** Output keys outside the draft's fields when stored. */
  unknownKeys: string[];
}

/** A stored trace read back, with its row key. */
export interface StoredTraceRow extends TraceRow {
  seq: number;
}

// ---------------------------------------------------------------------------------------------
// Bucket keys.

/** The series key of a missing version or model (its value is null). */
export const NONE_KEY = '(none)';
/** The series key of free text: a draft field of type string without values, a date or a list, or a value over 100 characters. */
export const TEXT_KEY = '(text)';
const MAX_VALUE_KEY = 100;

/** How a field's values are counted: free-text fields only as null or (text), so a name does not make a series per customer. */
export type FieldKinds = ReadonlyMap<string, 'value' | 'text'>;

export function fieldKinds(schema: ExtractionSchema | null | undefined): FieldKinds {
  const kinds = new Map<string, 'value' | 'text'>();
  for (const f of schema?.fields ?? []) {
    const text = f.type === 'date' || f.type === 'string_list' || (f.type === 'string' && !(f.values && f.values.length));
    kinds.set(f.name, text ? 'text' : 'value');
  }
  return kinds;
}

/** The key a value is counted under: its JSON (`"bug"`, `true`, `3`, `null`), or (text). */
export function valueKey(value: unknown, kind: 'value' | 'text' | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (kind === 'text') return TEXT_KEY;
  const json = JSON.stringify(value);
  return json.length > MAX_VALUE_KEY ? TEXT_KEY : json;
}

const LATENCY_STEP = Math.log(1.1);
/** Latency histogram bucket: 0 for under 1 ms, else 1 + floor(log1.1(ms)) (each 10% wide). */
export function latencyBucket(ms: number | null): string {
  const b = latencyBucketNumber(ms);
  return b === -1 ? 'null' : String(b);
}
/** A bucket's representative latency (its geometric middle), in ms, to a tenth. */
export function latencyOfBucket(key: string): number | null {
  if (key === 'null') return null;
  const b = Number(key);
  if (b === 0) return 0.5;
  return Math.round(Math.exp((b - 0.5) * LATENCY_STEP) * 10) / 10;
}

export type BucketMetric = 'total' | 'field' | 'key' | 'valid' | 'version' | 'model' | 'latency';

export interface BucketRow {
  hour: number;
  key: string;
  n: number;
}

/** Where a chart's hour counts come from: the stored aggregates, or counts made on the fly. */
export interface BucketSource {
  rows(metric: BucketMetric, field: string, fromHour: number, toHour: number, source: string | undefined): BucketRow[];
}

const SEP = '\u0000';
/** The page cache an importing connection gets, in KiB. */
const TRACE_CACHE_KIB = 64 * 1024;

const bump = <K>(map: Map<K, number>, key: K, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n);
};

/** One field's values in one hour: strings by the string itself (made JSON once, when read out), other values by their key. */
class FieldCounts {
  readonly strings = new Map<string, number>();
  readonly keys = new Map<string, number>();
}

/**
 * One hour's counts from one source. A trace adds some twenty counts; keyed by the values the
 * trace holds (a version number, a model, a string value) rather than by joined strings, they cost
 * a map lookup each, and the keys the table stores are made once per hour, when read out.
 */
class HourCounts {
  total = 0;
  /** valid, version, model, latency, key: by the metric's key, or (version, model, latency) by the raw value. */
  readonly valid = new Map<string, number>();
  readonly version = new Map<number | string | null, number>();
  readonly model = new Map<string | null, number>();
  readonly latency = new Map<number | string, number>();
  readonly key = new Map<string, number>();
  readonly fields = new Map<string, FieldCounts>();

  constructor(
    readonly hour: number,
    readonly source: string,
  ) {}

  field(name: string): FieldCounts {
    let f = this.fields.get(name);
    if (!f) this.fields.set(name, (f = new FieldCounts()));
    return f;
  }

  /** Every (metric, field, key) count, keys as the table stores them. */
  *entries(): Generator<{ metric: BucketMetric; field: string; key: string; n: number }> {
    if (this.total) yield { metric: 'total', field: '', key: '', n: this.total };
    for (const [metric, map, keyOf] of [
      ['valid', this.valid, String],
      ['version', this.version, (k: number | string | null) => (k === null ? NONE_KEY : String(k))],
      ['model', this.model, (k: string | null) => k ?? NONE_KEY],
      ['latency', this.latency, (k: number | string) => (k === -1 ? 'null' : String(k))],
      ['key', this.key, String],
    ] as const) {
      for (const [key, n] of merged(map as Map<unknown, number>, keyOf as (k: unknown) => string)) yield { metric, field: '', key, n };
    }
    for (const [field, f] of this.fields) {
      const byKey = merged(f.strings, stringValueKey);
      for (const [key, n] of f.keys) bump(byKey, key, n);
      for (const [key, n] of byKey) yield { metric: 'field', field, key, n };
    }
  }
}

/** A map's counts under the keys `keyOf` gives (two raw keys may give one). */
function merged<K>(map: Map<K, number>, keyOf: (k: K) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of map) bump(out, keyOf(k), n);
  return out;
}

/** valueKey of a string value of a field counted by value. */
const stringValueKey = (value: string): string => {
  const json = JSON.stringify(value);
  return json.length > MAX_VALUE_KEY ? TEXT_KEY : json;
};

/** Latency bucket as a number (-1: none); see latencyBucket. */
function latencyBucketNumber(ms: number | null): number {
  if (ms === null || !Number.isFinite(ms)) return -1;
  return ms < 1 ? 0 : 1 + Math.floor(Math.log(ms) / LATENCY_STEP);
}

/** One count as a tuple: metric, field, hour, source, key, n. */
export type CountTuple = [BucketMetric, string, number, string, string, number];

/** Counts per metric, field, hour, source and key, as a batch (or a chart of runs) adds them up. */
export class BucketCounts implements BucketSource {
  private readonly hours = new Map<string, HourCounts>();
  /** The hour the last trace went to: traces come mostly in time order, so most find it here. */
  private last: HourCounts | null = null;

  private hourCounts(hour: number, source: string): HourCounts {
    const last = this.last;
    if (last && last.hour === hour && last.source === source) return last;
    const k = hour + SEP + source;
    let hc = this.hours.get(k);
    if (!hc) this.hours.set(k, (hc = new HourCounts(hour, source)));
    return (this.last = hc);
  }

  add(metric: BucketMetric, field: string, hour: number, source: string, key: string, n = 1): void {
    const hc = this.hourCounts(hour, source);
    if (metric === 'total') hc.total += n;
    else if (metric === 'field') bump(hc.field(field).keys, key, n);
    else bump(hc[metric] as Map<string, number>, key, n);
  }

  /** One trace's counts. */
  /** One trace's counts; `n` -1 takes them back (a duplicate counted before it met the stored trace). */
  addTrace(
    t: Pick<TraceRow, 'source' | 'receivedAt' | 'output' | 'rulebookVersion' | 'model' | 'latencyMs'> & { valid: boolean | null; unknownKeys?: string | null },
    kinds: FieldKinds,
    hour = hourOf(t.receivedAt),
    n: 1 | -1 = 1,
  ): void {
    const hc = this.hourCounts(hour, t.source);
    hc.total += n;
    // An unknown validity counts as valid.
    bump(hc.valid, t.valid === false ? 'false' : 'true', n);
    bump(hc.version, t.rulebookVersion, n);
    bump(hc.model, t.model, n);
    bump(hc.latency, latencyBucketNumber(t.latencyMs), n);
    const output = t.output as Record<string, JsonValue>;
    for (const key in output) {
      bump(hc.key, key, n);
      const value = output[key];
      const kind = kinds.get(key);
      const f = hc.field(key);
      if (value === null || value === undefined) bump(f.keys, 'null', n);
      else if (kind === 'text') bump(f.keys, TEXT_KEY, n);
      else if (typeof value === 'string') bump(f.strings, value, n);
      else bump(f.keys, valueKey(value, kind), n);
    }
    for (const name of kinds.keys()) if (!(name in output)) bump(hc.field(name).keys, 'null', n);
    // Keys the runtime dropped from the output (rare: parsed only when there are any).
    if (t.unknownKeys) for (const key of JSON.parse(t.unknownKeys) as string[]) if (!(key in output)) bump(hc.key, key, n);
  }

  /** The counts as plain tuples (what a parse worker sends back); `add` each to read them in. */
  tuples(): CountTuple[] {
    const out: CountTuple[] = [];
    for (const e of this.entries()) if (e.n !== 0) out.push([e.metric, e.field, e.hour, e.source, e.key, e.n]);
    return out;
  }

  *entries(): Generator<{ metric: BucketMetric; field: string; hour: number; source: string; key: string; n: number }> {
    for (const hc of this.hours.values()) {
      for (const e of hc.entries()) yield { metric: e.metric, field: e.field, hour: hc.hour, source: hc.source, key: e.key, n: e.n };
    }
  }

  rows(metric: BucketMetric, field: string, fromHour: number, toHour: number, source: string | undefined): BucketRow[] {
    const byHourKey = new Map<string, BucketRow>();
    for (const e of this.entries()) {
      if (e.metric !== metric || e.field !== field || e.hour < fromHour || e.hour >= toHour) continue;
      if (source !== undefined && e.source !== source) continue;
      const k = e.hour + SEP + e.key;
      const row = byHourKey.get(k);
      if (row) row.n += e.n;
      else byHourKey.set(k, { hour: e.hour, key: e.key, n: e.n });
    }
    return [...byHourKey.values()];
  }

  clear(): void {
    this.hours.clear();
    this.last = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Lists.

/** Which traces: every condition given must hold. */
export interface TraceFilter {
  from?: string | undefined;
  to?: string | undefined;
  source?: string | undefined;
  /** With `value`: the output's value of this key (a draft field missing from the output is null). */
  field?: string | undefined;
  value?: JsonValue | undefined;
  /** The field is free text: `(text)` as value means any non-null value. */
  fieldIsText?: boolean;
  valid?: boolean | undefined;
  /** The output has this key. */
  unknownKey?: string | undefined;
  /** null: traces without a version. */
  version?: number | null | undefined;
  /** null: traces without a model. */
  model?: string | null | undefined;
}

export interface TraceCursor {
  receivedAt: string;
  seq: number;
}

const EARLIEST = '';
const LATEST = '\uffff';

/** A JSON path to one key, quoted (a key with a quote or backslash is refused by the caller). */
export const keyPath = (key: string): string => `$."${key}"`;
export const safeKey = (key: string): boolean => !/["\\]/.test(key);

const COLUMNS = `seq, id, source, received_at, message, message_hash, output, valid, rulebook_id, rulebook_version, rulebook_hash, model,
  provider, service, latency_ms, cached, unknown_keys, detail, format`;

interface Row {
  seq: number;
  id: string;
  source: string;
  received_at: string;
  message: string;
  message_hash: string | null;
  output: string;
  valid: number | null;
  rulebook_id: string | null;
  rulebook_version: number | null;
  rulebook_hash: string | null;
  model: string | null;
  provider: string | null;
  service: string | null;
  latency_ms: number | null;
  cached: number | null;
  unknown_keys: string | null;
  detail: string | null;
  format: string | null;
}

type Params = Record<string, string | number | null>;

function where(filter: TraceFilter): { sql: string; params: Params } {
  const params: Params = { from: filter.from ?? EARLIEST, to: filter.to ?? LATEST };
  const parts = ['received_at >= @from', 'received_at < @to'];
  if (filter.source !== undefined) {
    parts.push('source = @source');
    params.source = filter.source;
  }
  if (filter.field !== undefined && filter.value !== undefined) {
    params.path = keyPath(filter.field);
    if (filter.value === null) parts.push("coalesce(output -> @path, 'null') = 'null'");
    else if (filter.fieldIsText && filter.value === TEXT_KEY) parts.push("coalesce(output -> @path, 'null') <> 'null'");
    else {
      parts.push('output -> @path = @value');
      params.value = JSON.stringify(filter.value);
    }
  }
  if (filter.valid !== undefined) {
    parts.push('valid = @valid');
    params.valid = filter.valid ? 1 : 0;
  }
  if (filter.unknownKey !== undefined) {
    // In the output, or dropped from it by the runtime and named at import.
    parts.push('(output -> @ukpath IS NOT NULL OR EXISTS (SELECT 1 FROM json_each(unknown_keys) WHERE value = @uk))');
    params.ukpath = keyPath(filter.unknownKey);
    params.uk = filter.unknownKey;
  }
  if (filter.version !== undefined) {
    if (filter.version === null) parts.push('rulebook_version IS NULL');
    else {
      parts.push('rulebook_version = @version');
      params.version = filter.version;
    }
  }
  if (filter.model !== undefined) {
    if (filter.model === null) parts.push('model IS NULL');
    else {
      parts.push('model = @model');
      params.model = filter.model;
    }
  }
  return { sql: parts.join(' AND '), params };
}

/** One trace as written: its columns (the JSON ones as text; the plain ones as in TraceRow) and what its hour counts read. */
export interface TraceRecord extends Pick<TraceRow, 'rulebookId' | 'rulebookVersion' | 'rulebookHash' | 'model' | 'provider' | 'service' | 'latencyMs' | 'cached'> {
  id: string;
  source: string;
  /** ISO 8601 (`toISOString`). */
  receivedAt: string;
  /** Whole hours since 1970 of receivedAt (hourOf). */
  hour: number;
  /** JSON: the message. */
  message: string;
  messageHash: string | null;
  output: Extraction;
  /** JSON: the output. */
  outputJson: string;
  /** Unknown (null) counts as valid. */
  valid: boolean | null;
  /** JSON array of the unknown keys, or null when none. */
  unknownKeys: string | null;
  /** JSON { errors, rulesFired, precedents, promptHash }, or null. */
  detail: string | null;
  format: string | null;
  /** JSON Trace, when the whole trace was given. */
  trace: string | null;
}

/** A trace line's row as written. */
export function recordOf(t: TraceRow): TraceRecord {
  return {
    id: t.id,
    source: t.source,
    receivedAt: t.receivedAt,
    hour: hourOf(t.receivedAt),
    message: toJson(t.message),
    messageHash: t.messageHash,
    output: t.output,
    outputJson: toJson(t.output),
    valid: t.valid,
    rulebookId: t.rulebookId,
    rulebookVersion: t.rulebookVersion,
    rulebookHash: t.rulebookHash,
    model: t.model,
    provider: t.provider,
    service: t.service,
    latencyMs: t.latencyMs,
    cached: t.cached,
    unknownKeys: t.unknownKeys.length ? toJson(t.unknownKeys) : null,
    detail: detailJson(t),
    format: t.format,
    trace: null,
  };
}

const bit = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);

/**
 * Traces packed for writing: each trace's columns one after another, in the insert's order (the
 * trace log's rows cross from a parse worker to the writing thread as one flat array, which copies
 * far faster than objects), with the hour counts of every trace in it.
 */
export interface PackedTraces {
  values: (string | number | null)[];
  rows: number;
  counts: CountTuple[];
}

/** Columns per packed trace: id, source, received_at, hour, message, message_hash, output, valid, rulebook_id, rulebook_version, rulebook_hash, model, provider, service, latency_ms, cached, unknown_keys, detail, format, trace. */
export const PACKED_COLUMNS = 20;

/** Appends a trace's columns to `values`. */
export function packRecord(values: (string | number | null)[], r: TraceRecord): void {
  values.push(r.id, r.source, r.receivedAt, r.hour, r.message, r.messageHash, r.outputJson, bit(r.valid), r.rulebookId, r.rulebookVersion,
    r.rulebookHash, r.model, r.provider, r.service, r.latencyMs, bit(r.cached), r.unknownKeys, r.detail, r.format, r.trace);
}

/** Records packed, with their counts. */
export function packRecords(records: readonly TraceRecord[], kinds: FieldKinds): PackedTraces {
  const values: (string | number | null)[] = [];
  const counts = new BucketCounts();
  for (const r of records) {
    packRecord(values, r);
    counts.addTrace(r, kinds, r.hour);
  }
  return { values, rows: records.length, counts: counts.tuples() };
}

/** What the counts of the packed trace at `o` read (for taking back a duplicate's). */
function countedOf(v: readonly (string | number | null)[], o: number) {
  return {
    source: v[o + 1] as string,
    receivedAt: v[o + 2] as string,
    output: JSON.parse(v[o + 6] as string) as Extraction,
    valid: v[o + 7] === null ? null : v[o + 7] === 1,
    rulebookVersion: v[o + 9] as number | null,
    model: v[o + 11] as string | null,
    latencyMs: v[o + 14] as number | null,
    unknownKeys: v[o + 16] as string | null,
  };
}

/**
 * The detail column: only what differs from what a missing entry reads as (no errors, no rules
 * fired, no precedents or prompt hash), or null when nothing does: a million traces write less.
 */
function detailJson(t: Pick<TraceRow, 'errors' | 'rulesFired' | 'precedents' | 'promptHash'>): string | null {
  const d: { errors?: ValidationError[]; rulesFired?: string[]; precedents?: { id: string; score: number }[]; promptHash?: string } = {};
  if (t.errors.length) d.errors = t.errors;
  if (t.rulesFired.length) d.rulesFired = t.rulesFired;
  if (t.precedents !== null) d.precedents = t.precedents;
  if (t.promptHash !== null) d.promptHash = t.promptHash;
  return d.errors || d.rulesFired || d.precedents || d.promptHash !== undefined ? toJson(d) : null;
}

export class TraceStore {
  private readonly insertStmt: Statement<unknown[]>;
  private readonly bumpStmt: Statement<unknown[]>;
  private readonly getStmt: Statement<[number], Row>;
  private readonly chartStmt: Statement<[Params], BucketRow>;
  private readonly chartSourceStmt: Statement<[Params], BucketRow>;
  private readonly spanStmt: Statement<[], { lo: number | null; hi: number | null }>;
  private readonly statements = new Map<string, Statement<[Params]>>();

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    // Positional parameters: binding twenty named ones from an object costs more than the insert's own work.
    this.insertStmt = db.prepare(`INSERT INTO traces (id, source, received_at, hour, message, message_hash, output, valid, rulebook_id,
        rulebook_version, rulebook_hash, model, provider, service, latency_ms, cached, unknown_keys, detail, format, trace, imported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (source, id) DO NOTHING`);
    this.bumpStmt = db.prepare(`INSERT INTO trace_buckets (metric, field, hour, source, key, n) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (metric, field, hour, source, key) DO UPDATE SET n = n + excluded.n`);
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM traces WHERE seq = ?`);
    this.chartStmt = db.prepare(`SELECT hour, key, sum(n) AS n FROM trace_buckets
      WHERE metric = @metric AND field = @field AND hour >= @lo AND hour < @hi GROUP BY hour, key`);
    this.chartSourceStmt = db.prepare(`SELECT hour, key, sum(n) AS n FROM trace_buckets
      WHERE metric = @metric AND field = @field AND hour >= @lo AND hour < @hi AND source = @source GROUP BY hour, key`);
    this.spanStmt = db.prepare(`SELECT min(hour) AS lo, max(hour) AS hi FROM trace_buckets WHERE metric = 'total' AND field = ''`);
  }

  /**
   * Stores a batch of trace lines in one transaction and adds their counts; a trace whose source and
   * id are stored already (or earlier in the batch) is skipped and not counted.
   */
  insertBatch(rows: readonly TraceRow[], kinds: FieldKinds): { inserted: number; duplicates: number } {
    const inserted = this.insertRecords(rows.map(recordOf), kinds);
    return { inserted, duplicates: rows.length - inserted };
  }

  /**
   * Stores traces in one transaction (the caller's, when inside one) and adds the hour counts of
   * those stored; one whose source and id are stored already (or earlier in the batch) is skipped.
   * Returns how many were stored.
   */
  insertRecords(records: readonly TraceRecord[], kinds: FieldKinds): number {
    return this.insertPacked(packRecords(records, kinds), kinds);
  }

  /**
   * Stores packed traces in one transaction (the caller's, when inside one) with their counts; a
   * trace whose source and id are stored already (or earlier in the batch) is skipped and its counts
   * taken back. Returns how many were stored.
   */
  insertPacked(packed: PackedTraces, kinds: FieldKinds, importedAt = this.ws.timestamp()): number {
    this.growCache();
    const insert = this.insertStmt;
    const v = packed.values;
    if (v.length !== packed.rows * PACKED_COLUMNS) throw new Error(`packed traces: ${v.length} values for ${packed.rows} rows`);
    return this.ws.write(() => {
      let inserted = 0;
      let duplicates: BucketCounts | null = null;
      for (let o = 0; o < v.length; o += PACKED_COLUMNS) {
        const changes = insert.run(v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5], v[o + 6], v[o + 7], v[o + 8], v[o + 9],
          v[o + 10], v[o + 11], v[o + 12], v[o + 13], v[o + 14], v[o + 15], v[o + 16], v[o + 17], v[o + 18], v[o + 19], importedAt).changes;
        if (changes !== 0) inserted += 1;
        else (duplicates ??= new BucketCounts()).addTrace(countedOf(v, o), kinds, v[o + 3] as number, -1);
      }
      const counts = new BucketCounts();
      for (const [metric, field, hour, source, key, n] of packed.counts) counts.add(metric, field, hour, source, key, n);
      if (duplicates) for (const [metric, field, hour, source, key, n] of duplicates.tuples()) counts.add(metric, field, hour, source, key, n);
      this.addCounts(counts);
      return inserted;
    });
  }

  private cacheGrown = false;
  /**
   * A million traces carry indexes far larger than SQLite's default page cache (2 MB), and each
   * insert then reads index pages back from the file: imports give this connection a larger cache.
   */
  private growCache(): void {
    if (this.cacheGrown) return;
    this.cacheGrown = true;
    const current = this.ws.db.pragma('cache_size', { simple: true }) as number;
    if (current < 0 ? -current < TRACE_CACHE_KIB : current * 4 < TRACE_CACHE_KIB) this.ws.db.pragma(`cache_size = -${TRACE_CACHE_KIB}`);
  }

  /** Now, as the workspace stamps it (an import's time, read once and passed to its workers). */
  timestamp(): string {
    return this.ws.timestamp();
  }

  /** Adds counts made elsewhere (inside the caller's transaction). */
  addCounts(counts: BucketCounts): void {
    this.ws.write(() => {
      for (const e of counts.entries()) if (e.n !== 0) this.bumpStmt.run(e.metric, e.field, e.hour, e.source, e.key, e.n);
    });
  }

  /** Hour counts of one metric over [fromHour, toHour), summed over sources unless one is given. */
  rows(metric: BucketMetric, field: string, fromHour: number, toHour: number, source: string | undefined): BucketRow[] {
    const params = { metric, field, lo: fromHour, hi: toHour };
    return source === undefined ? this.chartStmt.all(params) : this.chartSourceStmt.all({ ...params, source });
  }

  /** The first and last hour holding traces, or null when there are none. */
  span(): { lo: number; hi: number } | null {
    const { lo, hi } = this.spanStmt.get()!;
    return lo === null || hi === null ? null : { lo, hi };
  }

  private prepared(sql: string): Statement<[Params]> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.ws.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Traces matching, newest first, after the cursor. */
  list(filter: TraceFilter, after: TraceCursor | null, limit: number): StoredTraceRow[] {
    const { sql, params } = where(filter);
    let cond = sql;
    if (after) {
      cond += ' AND (received_at, seq) < (@after_at, @after_seq)';
      params.after_at = after.receivedAt;
      params.after_seq = after.seq;
      // One index range: the window's end lowered to the cursor.
      if (after.receivedAt < (params.to as string)) params.to = `${after.receivedAt}\u0000`;
    }
    params.limit = limit;
    const stmt = this.prepared(`SELECT ${COLUMNS} FROM traces WHERE ${cond} ORDER BY received_at DESC, seq DESC LIMIT @limit`);
    return (stmt.all(params) as Row[]).map(mapRow);
  }

  /** How many traces match. */
  count(filter: TraceFilter): number {
    const { sql, params } = where(filter);
    return this.prepared(`SELECT count(*) AS n FROM traces WHERE ${sql}`).pluck().get(params) as number;
  }

  get(seq: number): StoredTraceRow | null {
    const row = this.getStmt.get(seq);
    return row ? mapRow(row) : null;
  }

  /**
   * The workspace message a trace is about: the one whose content hash is the trace's (same text,
   * subject and time), else the newest with the same text (and the same subject when one has it).
   */
  linkedMessageId(messageHash: string | null, message: { text: string; subject: string | null } | null): string | null {
    if (messageHash) {
      const id = this.prepared('SELECT id FROM messages WHERE content_hash = @hash').pluck().get({ hash: messageHash }) as string | undefined;
      if (id) return id;
    }
    if (!message) return null;
    const text = message.text.replace(/\r\n?/g, '\n').trim();
    const id = this.prepared(
      `SELECT id FROM messages WHERE text = @text OR text = @raw
        ORDER BY (coalesce(subject, '') = coalesce(@subject, '')) DESC, received_at DESC LIMIT 1`,
    )
      .pluck()
      .get({ text, raw: message.text, subject: message.subject }) as string | undefined;
    return id ?? null;
  }
}

function mapRow(row: Row): StoredTraceRow {
  const detail = fromJson<{ errors?: ValidationError[]; rulesFired?: string[]; precedents?: { id: string; score: number }[] | null; promptHash?: string | null }>(row.detail) ?? {};
  const message = fromJson<TraceRow['message']>(row.message);
  return {
    seq: row.seq,
    id: row.id,
    source: row.source,
    receivedAt: row.received_at,
    message: message && typeof message.text === 'string' ? { subject: message.subject ?? null, text: message.text } : null,
    messageHash: row.message_hash ?? traceMessageHash(message && typeof message.text === 'string' ? { subject: message.subject ?? null, text: message.text } : null, row.received_at),
    output: fromJson<Extraction>(row.output),
    valid: row.valid !== 0,
    errors: detail.errors ?? [],
    rulebookId: row.rulebook_id,
    rulebookVersion: row.rulebook_version,
    rulebookHash: row.rulebook_hash,
    model: row.model,
    provider: row.provider,
    service: row.service,
    latencyMs: row.latency_ms,
    cached: row.cached === null ? null : row.cached === 1,
    rulesFired: detail.rulesFired ?? [],
    precedents: detail.precedents ?? null,
    promptHash: detail.promptHash ?? null,
    format: row.format ?? 'casebook-trace',
    unknownKeys: fromJson<string[]>(row.unknown_keys) ?? [],
  };
}
