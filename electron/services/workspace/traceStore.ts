// The production trace store at scale (issue 12, migration 011): traces written in batches with the
// columns the charts and lists read taken out of the JSON, and per-hour counts (`trace_buckets`)
// added to in the same transaction, so a 30-day chart sums hour rows (a few thousand) instead of
// reading a million traces. Lists read the traces themselves, newest first, a page at a time.
import type { Statement } from 'better-sqlite3';
import type { Extraction, ExtractionSchema, JsonValue, ValidationError } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

export const HOUR_MS = 3_600_000;

/** Whole hours since 1970-01-01T00:00Z: the bucket key of every chart. */
export const hourOf = (iso: string): number => Math.floor(Date.parse(iso) / HOUR_MS);
export const hourStart = (hour: number): string => new Date(hour * HOUR_MS).toISOString();

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
  if (ms === null || !Number.isFinite(ms)) return 'null';
  if (ms < 1) return '0';
  return String(1 + Math.floor(Math.log(ms) / LATENCY_STEP));
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
const TRACE_CACHE_KIB = 256 * 1024;

/** Counts per metric, field, hour, source and key, as a batch (or a chart of runs) adds them up. */
export class BucketCounts implements BucketSource {
  readonly counts = new Map<string, number>();

  add(metric: BucketMetric, field: string, hour: number, source: string, key: string, n = 1): void {
    const k = metric + SEP + field + SEP + hour + SEP + source + SEP + key;
    this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }

  /** One trace's counts. */
  addTrace(t: Pick<TraceRow, 'source' | 'receivedAt' | 'output' | 'valid' | 'rulebookVersion' | 'model' | 'latencyMs'>, kinds: FieldKinds, hour = hourOf(t.receivedAt)): void {
    const s = t.source;
    this.add('total', '', hour, s, '');
    this.add('valid', '', hour, s, t.valid ? 'true' : 'false');
    this.add('version', '', hour, s, t.rulebookVersion === null ? NONE_KEY : String(t.rulebookVersion));
    this.add('model', '', hour, s, t.model ?? NONE_KEY);
    this.add('latency', '', hour, s, latencyBucket(t.latencyMs));
    const output = t.output as Record<string, JsonValue>;
    for (const key in output) {
      this.add('key', '', hour, s, key);
      this.add('field', key, hour, s, valueKey(output[key], kinds.get(key)));
    }
    for (const name of kinds.keys()) if (!(name in output)) this.add('field', name, hour, s, 'null');
  }

  *entries(): Generator<{ metric: string; field: string; hour: number; source: string; key: string; n: number }> {
    for (const [k, n] of this.counts) {
      const [metric, field, hour, source, key] = k.split(SEP) as [string, string, string, string, string];
      yield { metric, field, hour: Number(hour), source, key, n };
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
    this.counts.clear();
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
    parts.push('output -> @ukpath IS NOT NULL');
    params.ukpath = keyPath(filter.unknownKey);
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

export class TraceStore {
  private readonly insertStmt: Statement<[Params]>;
  private readonly bumpStmt: Statement<[Params]>;
  private readonly getStmt: Statement<[number], Row>;
  private readonly chartStmt: Statement<[Params], BucketRow>;
  private readonly chartSourceStmt: Statement<[Params], BucketRow>;
  private readonly spanStmt: Statement<[], { lo: number | null; hi: number | null }>;
  private readonly statements = new Map<string, Statement<[Params]>>();

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.insertStmt = db.prepare(`INSERT INTO traces (id, source, received_at, hour, message, message_hash, output, valid, rulebook_id,
        rulebook_version, rulebook_hash, model, provider, service, latency_ms, cached, unknown_keys, detail, format, imported_at)
      VALUES (@id, @source, @received_at, @hour, @message, @message_hash, @output, @valid, @rulebook_id, @rulebook_version,
        @rulebook_hash, @model, @provider, @service, @latency_ms, @cached, @unknown_keys, @detail, @format, @imported_at)
      ON CONFLICT (source, id) DO NOTHING`);
    this.bumpStmt = db.prepare(`INSERT INTO trace_buckets (metric, field, hour, source, key, n) VALUES (@metric, @field, @hour, @source, @key, @n)
      ON CONFLICT (metric, field, hour, source, key) DO UPDATE SET n = n + excluded.n`);
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM traces WHERE seq = ?`);
    this.chartStmt = db.prepare(`SELECT hour, key, sum(n) AS n FROM trace_buckets
      WHERE metric = @metric AND field = @field AND hour >= @lo AND hour < @hi GROUP BY hour, key`);
    this.chartSourceStmt = db.prepare(`SELECT hour, key, sum(n) AS n FROM trace_buckets
      WHERE metric = @metric AND field = @field AND hour >= @lo AND hour < @hi AND source = @source GROUP BY hour, key`);
    this.spanStmt = db.prepare(`SELECT min(hour) AS lo, max(hour) AS hi FROM trace_buckets WHERE metric = 'total' AND field = ''`);
  }

  /**
   * Stores a batch in one transaction and adds its counts; a trace whose source and id are stored
   * already (or earlier in the batch) is skipped and not counted.
   */
  insertBatch(rows: readonly TraceRow[], kinds: FieldKinds): { inserted: number; duplicates: number } {
    this.growCache();
    const importedAt = this.ws.timestamp();
    const counts = new BucketCounts();
    return this.ws.write(() => {
      let inserted = 0;
      for (const t of rows) {
        const hour = hourOf(t.receivedAt);
        const changes = this.insertStmt.run({
          id: t.id,
          source: t.source,
          received_at: t.receivedAt,
          hour,
          message: toJson(t.message),
          message_hash: t.messageHash,
          output: toJson(t.output),
          valid: t.valid ? 1 : 0,
          rulebook_id: t.rulebookId,
          rulebook_version: t.rulebookVersion,
          rulebook_hash: t.rulebookHash,
          model: t.model,
          provider: t.provider,
          service: t.service,
          latency_ms: t.latencyMs,
          cached: t.cached === null ? null : t.cached ? 1 : 0,
          unknown_keys: t.unknownKeys.length ? toJson(t.unknownKeys) : null,
          detail: toJson({ errors: t.errors, rulesFired: t.rulesFired, precedents: t.precedents, promptHash: t.promptHash }),
          format: t.format,
          imported_at: importedAt,
        }).changes;
        if (changes === 0) continue;
        inserted += 1;
        counts.addTrace(t, kinds, hour);
      }
      for (const e of counts.entries()) this.bumpStmt.run(e);
      return { inserted, duplicates: rows.length - inserted };
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

  /** Adds counts made elsewhere (inside the caller's transaction). */
  addCounts(counts: BucketCounts): void {
    this.ws.write(() => {
      for (const e of counts.entries()) this.bumpStmt.run(e);
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
    messageHash: row.message_hash,
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
