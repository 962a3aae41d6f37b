// Production traces from files (issue 12): the runtime's trace log (JSONL, `v: 1`), the minimal
// JSONL format other systems can write, and CSV. This file reads one line (or CSV row) into a row;
// JSONL is imported a chunk at a time, on worker threads where it is large (chunks.ts,
// import-pool.ts), in batches of one transaction each; every good line is stored, each bad one
// listed with its line number and what is wrong; a line already stored (same source and id) is
// skipped.
//
// The minimal format, one object a line (or a CSV row):
//   { "text" | "message": string, "output": object, "time": ISO 8601,
//     "version"?: integer, "model"?: string, "id"?: string, "subject"?: string, "valid"?: boolean }
// CSV: a header naming `text` (or `message`), `time`, and either `output` (the output as JSON) or one
// column per output key; `version`, `model`, `id`, `subject`, `valid` optional. An empty cell of a
// draft field is null; an empty cell of another column leaves that key out.
// A time without a zone is UTC. Without `valid`, the output is checked against the draft's schema.
// A trace's id is its message id (`messageId`, `id`) and time, or, without one, a hash of its line.
//
// Unknown keys are the output's keys that are not draft field names, aliases included: `priority`
// is unknown even where the draft makes it an alias of `urgency`, since the point is to see a model
// drift to it.
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import Papa from 'papaparse';
import type { Extraction, ExtractionSchema, JsonValue, ValidationError } from '../../../shared/src/domain.js';
import { validateExtraction } from '../../../shared/src/schema/validate.js';
import type { TraceImportResult } from '../../../shared/src/api/index.js';
import { droppedKeysOf } from '../../../shared/src/api/names.js';
import { canonicalTimeMs, fieldKinds, type FieldKinds, type TraceRow, type TraceStore } from '../../services/workspace/traceStore.js';
import { detectDelimiter, parseCsv } from '../import/csv.js';
import { decodeText } from '../import/parse.js';
import { TimeSlice } from '../time-slice.js';
import type { ImportedTraceChunk } from './chunk-import.js';

export type TraceFormat = TraceImportResult['format'];

/** Lines in one transaction. */
export const BATCH_LINES = 2_000;
/** Bad lines listed in a result (all are counted). */
export const MAX_LISTED_BAD = 200;
/** A line longer than this is refused (a trace with a 20,000-character message is far below it). */
export const MAX_TRACE_LINE_CHARS = 1_000_000;
export const TRACE_VERSION = 1;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A time as stored (`toISOString`), or null when it is not an ISO 8601 time. */
export function parseTraceTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // The runtime writes times in the stored form already: taken as they are, without a Date.
  if (!Number.isNaN(canonicalTimeMs(value))) return value;
  return parseTraceTimeByDate(value);
}

/** Any ISO 8601 form, read through a Date (the plain way, which the stored-form shortcut above must agree with). */
export function parseTraceTimeByDate(value: string): string | null {
  const s = value.trim();
  const m = ISO_TIME.exec(s);
  if (!m) return null;
  // A time of day without a zone is UTC (Date would read it as local time).
  const withZone = s.length > 10 && !m[1] ? `${s.replace(' ', 'T')}Z` : s.replace(' ', 'T');
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const hashOf = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** What a line is read against: the draft's schema (for validity and unknown keys) and where it came from. */
export interface TraceReadContext {
  source: string;
  schema: ExtractionSchema | null;
  kinds: FieldKinds;
}

export function readContext(source: string, schema: ExtractionSchema | null): TraceReadContext {
  return { source, schema, kinds: fieldKinds(schema) };
}

function unknownKeys(output: Extraction, kinds: FieldKinds): string[] {
  const keys: string[] = [];
  for (const k in output) if (!kinds.has(k)) keys.push(k);
  return keys;
}

/**
 * The keys the runtime dropped from an output as no field of its schema: its errors name each one
 * (droppedKeysOf). A model drifting to `priority` shows only there, since the output it logged no
 * longer holds the key. The line's errors are untrusted: only well-formed entries are read.
 */
function droppedKeys(errors: unknown, kinds: FieldKinds): string[] {
  if (!Array.isArray(errors)) return [];
  const wellFormed = (errors as unknown[]).filter((e): e is { path: string; message: string } => isObject(e) && typeof e.path === 'string' && typeof e.message === 'string');
  return droppedKeysOf(wellFormed).filter((key) => !kinds.has(key));
}


function checkOrValidate(output: Extraction, valid: unknown, errors: unknown, ctx: TraceReadContext): { valid: boolean; errors: ValidationError[] } | string {
  if (valid !== undefined && valid !== null) {
    if (typeof valid !== 'boolean') return `"valid" must be true or false, not ${JSON.stringify(valid)}`;
    return { valid, errors: Array.isArray(errors) ? (errors as ValidationError[]) : [] };
  }
  if (!ctx.schema || ctx.schema.fields.length === 0) return { valid: true, errors: [] };
  const found = validateExtraction(output, ctx.schema);
  return { valid: found.length === 0, errors: found };
}

/** One line of the runtime's trace log as a row, or what is wrong with it. */
function runtimeRow(obj: Record<string, unknown>, raw: string, ctx: TraceReadContext): TraceRow | string {
  const v = obj.v;
  if (v !== TRACE_VERSION) {
    return typeof v === 'number' && Number.isInteger(v) && v > TRACE_VERSION
      ? `unknown trace format version ${v} (this Casebook reads version ${TRACE_VERSION})`
      : `"v" must be ${TRACE_VERSION}, not ${JSON.stringify(v)}`;
  }
  if (obj.time === undefined) return 'missing "time"';
  const receivedAt = parseTraceTime(obj.time);
  if (!receivedAt) return `bad time ${JSON.stringify(obj.time)} (ISO 8601 expected)`;
  if (obj.output === undefined) return 'missing "output"';
  if (!isObject(obj.output)) return '"output" must be an object';
  if (typeof obj.valid !== 'boolean') return obj.valid === undefined ? 'missing "valid"' : '"valid" must be true or false';
  const rb = obj.rulebook;
  if (rb === undefined) return 'missing "rulebook"';
  if (!isObject(rb) || !(Number.isInteger(rb.version) && (rb.version as number) >= 0)) return '"rulebook" must be { id, version, hash } with an integer version';
  let message: TraceRow['message'] = null;
  if (obj.message !== null && obj.message !== undefined) {
    if (!isObject(obj.message) || typeof obj.message.text !== 'string') return '"message" must be { subject, text } or null';
    message = { subject: str(obj.message.subject), text: obj.message.text };
  }
  const output = obj.output as Extraction;
  const messageId = str(obj.messageId);
  const latency = typeof obj.latencyMs === 'number' && Number.isFinite(obj.latencyMs) ? obj.latencyMs : null;
  const precedents = Array.isArray(obj.precedents)
    ? (obj.precedents as unknown[]).filter((p): p is { id: string; score: number } => isObject(p) && typeof p.id === 'string' && typeof p.score === 'number')
    : null;
  return {
    id: messageId ? `${messageId}@${receivedAt}` : `h:${hashOf(raw)}`,
    source: ctx.source,
    receivedAt,
    message,
    // Not stored: made from the message and time when a trace is read (traceMessageHash), which a million imports need not pay for.
    messageHash: null,
    output,
    valid: obj.valid,
    errors: Array.isArray(obj.errors) ? (obj.errors as ValidationError[]) : [],
    rulebookId: str(rb.id),
    rulebookVersion: rb.version as number,
    rulebookHash: str(rb.hash),
    model: str(obj.model),
    provider: str(obj.provider),
    service: str(obj.service),
    latencyMs: latency,
    cached: typeof obj.cached === 'boolean' ? obj.cached : null,
    rulesFired: Array.isArray(obj.rulesFired) ? (obj.rulesFired as unknown[]).filter((r): r is string => typeof r === 'string') : [],
    precedents,
    promptHash: str(obj.promptHash),
    format: 'casebook-trace',
    unknownKeys: [...new Set([...unknownKeys(output, ctx.kinds), ...droppedKeys(obj.errors, ctx.kinds)])],
  };
}

interface MinimalFields {
  text: unknown;
  subject: unknown;
  output: unknown;
  time: unknown;
  version: unknown;
  model: unknown;
  id: unknown;
  valid: unknown;
  errors?: unknown;
}

/** A minimal record (a JSONL object or a CSV row) as a row, or what is wrong with it. */
function minimalRow(f: MinimalFields, raw: string, format: TraceFormat, ctx: TraceReadContext): TraceRow | string {
  let text: string | null = null;
  let subject = str(f.subject);
  if (isObject(f.text) && typeof f.text.text === 'string') {
    text = f.text.text;
    subject ??= str(f.text.subject);
  } else text = str(f.text);
  if (f.text === undefined || f.text === null) return 'missing "text" (or "message")';
  if (text === null) return '"text" must be a string';
  if (f.output === undefined || f.output === null) return 'missing "output"';
  if (!isObject(f.output)) return '"output" must be an object';
  if (f.time === undefined || f.time === null || f.time === '') return 'missing "time"';
  const receivedAt = parseTraceTime(f.time);
  if (!receivedAt) return `bad time ${JSON.stringify(f.time)} (ISO 8601 expected)`;
  let version: number | null = null;
  if (f.version !== undefined && f.version !== null && f.version !== '') {
    const n = typeof f.version === 'string' ? Number(f.version.trim().replace(/^v/i, '')) : f.version;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return `bad version ${JSON.stringify(f.version)} (a whole number expected)`;
    version = n;
  }
  if (f.model !== undefined && f.model !== null && typeof f.model !== 'string') return '"model" must be a string';
  const output = f.output as Extraction;
  const checked = checkOrValidate(output, f.valid, f.errors, ctx);
  if (typeof checked === 'string') return checked;
  const message = { subject, text };
  const id = f.id === undefined || f.id === null || f.id === '' ? null : String(f.id);
  return {
    id: id ? `${id}@${receivedAt}` : `h:${hashOf(raw)}`,
    source: ctx.source,
    receivedAt,
    message,
    messageHash: null,
    output,
    valid: checked.valid,
    errors: checked.errors,
    rulebookId: null,
    rulebookVersion: version,
    rulebookHash: null,
    model: (f.model as string | undefined) || null,
    provider: null,
    service: null,
    latencyMs: null,
    cached: null,
    rulesFired: [],
    precedents: null,
    promptHash: null,
    format,
    unknownKeys: unknownKeys(output, ctx.kinds),
  };
}

/** One JSONL line (already trimmed, not blank) as a row, or what is wrong with it. */
export function traceRowOfLine(line: string, ctx: TraceReadContext): TraceRow | string {
  if (line.length > MAX_TRACE_LINE_CHARS) return `line too long: ${line.length} characters (the limit is ${MAX_TRACE_LINE_CHARS})`;
  if (line.includes('\uFFFD')) return 'not valid UTF-8';
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (!isObject(obj)) return 'not a JSON object';
  if ('v' in obj) return runtimeRow(obj, line, ctx);
  return minimalRow(
    { text: obj.text ?? obj.message, subject: obj.subject, output: obj.output, time: obj.time, version: obj.version, model: obj.model, id: obj.id ?? obj.messageId, valid: obj.valid, errors: obj.errors },
    line,
    'minimal-jsonl',
    ctx,
  );
}

// ---------------------------------------------------------------------------------------------

/** Writes rows in batches, counts, and lists bad lines. */
export class TraceSink {
  imported = 0;
  duplicates = 0;
  badCount = 0;
  lines = 0;
  readonly bad: { line: number; message: string }[] = [];
  from: string | null = null;
  to: string | null = null;
  private batch: TraceRow[] = [];
  private readonly slice = new TimeSlice();

  constructor(
    readonly store: TraceStore,
    readonly ctx: TraceReadContext,
    private readonly onBatch?: () => void,
  ) {}

  async add(row: TraceRow | string, line: number): Promise<void> {
    this.push(row, line);
    await this.slice.yieldIfDue();
  }

  /** Takes a row (or what is wrong with its line) without giving the event loop a turn: the caller does, every few lines (`yieldIfDue`). */
  push(row: TraceRow | string, line: number): void {
    this.lines += 1;
    if (typeof row === 'string') {
      this.badCount += 1;
      if (this.bad.length < MAX_LISTED_BAD) this.bad.push({ line, message: row });
    } else {
      this.batch.push(row);
      if (this.batch.length >= BATCH_LINES) this.flush();
    }
  }

  /** Gives the event loop a turn when this import has held it for a slice. */
  yieldIfDue(): Promise<void> {
    return this.slice.yieldIfDue();
  }

  /** Accounts for a chunk of JSONL imported (chunk-import.ts) whose first line is `firstLine`. */
  async addChunk(chunk: ImportedTraceChunk, firstLine: number): Promise<void> {
    this.flush();
    this.lines += chunk.nonBlank;
    this.badCount += chunk.badCount;
    for (const b of chunk.bad) if (this.bad.length < MAX_LISTED_BAD) this.bad.push({ line: firstLine - 1 + b.line, message: b.message });
    this.imported += chunk.inserted;
    this.duplicates += chunk.duplicates;
    if (chunk.from !== null && (this.from === null || chunk.from < this.from)) this.from = chunk.from;
    if (chunk.to !== null && (this.to === null || chunk.to > this.to)) this.to = chunk.to;
    this.onBatch?.();
    await this.slice.yieldIfDue();
  }

  /** Writes what is waiting (one transaction). */
  flush(): void {
    if (this.batch.length === 0) return;
    const { inserted, duplicates } = this.store.insertBatch(this.batch, this.ctx.kinds);
    this.imported += inserted;
    this.duplicates += duplicates;
    for (const r of this.batch) {
      if (this.from === null || r.receivedAt < this.from) this.from = r.receivedAt;
      if (this.to === null || r.receivedAt > this.to) this.to = r.receivedAt;
    }
    this.batch = [];
    this.onBatch?.();
  }

  result(format: TraceFormat): TraceImportResult {
    this.flush();
    return { source: this.ctx.source, format, imported: this.imported, duplicates: this.duplicates, bad: this.bad, badCount: this.badCount, from: this.from, to: this.to };
  }
}

/** The format of a file: CSV by its name or when its first line is not a JSON object; else JSONL, the runtime's when its first object has `v`. */
export function detectTraceFormat(name: string, content: string): TraceFormat {
  if (/\.(csv|tsv)$/i.test(name)) return 'csv';
  let at = 0;
  while (at < content.length) {
    const nl = content.indexOf('\n', at);
    const line = content.slice(at, nl === -1 ? content.length : nl).trim();
    at = nl === -1 ? content.length : nl + 1;
    if (line === '') continue;
    if (!line.startsWith('{')) return 'csv';
    try {
      const obj = JSON.parse(line) as unknown;
      return isObject(obj) && 'v' in obj ? 'casebook-trace' : 'minimal-jsonl';
    } catch {
      // a broken first line: look at the next
    }
  }
  return /\.jsonl?$/i.test(name) || content.trimStart().startsWith('{') ? 'casebook-trace' : 'csv';
}

/** The text of a file as the API sends it. */
export function fileText(file: { content: string; encoding?: 'text' | 'base64' | undefined }): string {
  const text = file.encoding === 'base64' ? decodeText(Buffer.from(file.content, 'base64')) : file.content;
  return text.replace(/^\uFEFF/, '');
}

const CSV_RESERVED = new Set(['text', 'message', 'subject', 'output', 'time', 'version', 'model', 'id', 'valid']);

/** A CSV cell of an output column as a value: JSON when it reads as a number, boolean, null, list or object; else the text. */
function cellValue(cell: string, type: string | undefined): JsonValue {
  const s = cell.trim();
  if (type === 'string' || type === 'enum' || type === 'date') return s;
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(s) || s.startsWith('[') || s.startsWith('{')) {
    try {
      return JSON.parse(s) as JsonValue;
    } catch {
      return s;
    }
  }
  return s;
}

function csvBoolean(cell: JsonValue | undefined): unknown {
  if (cell === undefined || cell === null) return undefined;
  const s = String(cell).trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : s === '' ? undefined : cell;
}

/** Reads a CSV file into the sink (the import's CSV parser: broken quoting is one bad row, reading resumes after it). */
export async function readCsv(content: string, name: string, sink: TraceSink): Promise<string | null> {
  const delimiter = detectDelimiter(content, name);
  const header = Papa.parse<string[]>(content, { preview: 1, delimiter }).data[0] ?? [];
  const columns = header.map((c) => c.trim());
  const lower = columns.map((c) => c.toLowerCase());
  const textColumn = columns[lower.indexOf('text')] ?? columns[lower.indexOf('message')];
  if (!textColumn) return 'the CSV has no "text" (or "message") column';
  const subjectColumn = columns[lower.indexOf('subject')];
  const parsed = parseCsv(content, { name, mapping: { text: textColumn, ...(subjectColumn ? { subject: subjectColumn } : {}) } });
  if (parsed.fatal) return parsed.fatal;
  const types = new Map((sink.ctx.schema?.fields ?? []).map((f) => [f.name, f.type as string]));
  const byLine = new Map<number, string>();
  for (const p of parsed.problems) if (!byLine.has(p.line)) byLine.set(p.line, p.reason);
  const items: { line: number; row: TraceRow | string }[] = [...byLine].map(([line, message]) => ({ line, row: message }));
  for (const r of parsed.rows) {
    const meta: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(r.meta ?? {})) meta[k.trim()] = v;
    const get = (key: string) => {
      const col = columns[lower.indexOf(key)];
      return col === undefined ? undefined : meta[col];
    };
    let output: unknown;
    const outputCell = get('output');
    if (outputCell !== undefined) {
      try {
        output = JSON.parse(String(outputCell));
      } catch {
        items.push({ line: r.line, row: '"output" is not JSON' });
        continue;
      }
    } else {
      const o: Record<string, JsonValue> = {};
      for (const f of sink.ctx.schema?.fields ?? []) if (columns.includes(f.name)) o[f.name] = null;
      for (const [col, v] of Object.entries(meta)) if (!CSV_RESERVED.has(col.toLowerCase())) o[col] = cellValue(String(v), types.get(col));
      output = Object.keys(o).length ? o : undefined;
    }
    const raw = JSON.stringify([r.text, r.subject ?? null, meta]);
    items.push({
      line: r.line,
      row: minimalRow(
        { text: r.text, subject: r.subject, output, time: get('time'), version: get('version'), model: get('model') ?? null, id: get('id'), valid: csvBoolean(get('valid')) },
        raw,
        'csv',
        sink.ctx,
      ),
    });
  }
  items.sort((a, b) => a.line - b.line);
  for (const it of items) await sink.add(it.row, it.line);
  return null;
}
