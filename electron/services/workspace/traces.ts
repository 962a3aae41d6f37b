// Production traces: what a service running the runtime extracted (the message, the output, when;
// the rulebook version, the model and the full Trace when known), imported in bulk to be charted
// over time and replayed against other rulebook versions or models. Read by time range, through
// the `traces_received` index, so a workspace with a million traces answers a range at once.
import type { Statement } from 'better-sqlite3';
import type { Extraction, MessageInput, Trace } from '../../../shared/src/domain.js';
import { fromJson, isoTime, toJson } from './json.js';
import { messageContentHash } from './messages.js';
import { hourOf, traceMessageHash, TraceStore, type TraceRecord } from './traceStore.js';
import { readRunTraces, type RunTraceRow } from './traceRuns.js';
import type { Workspace } from './workspace.js';

export interface NewTrace {
  /** The trace's id at its source (a request id, a line number): one trace per source and id. */
  id: string;
  /** The service or file it came from. */
  source: string;
  /** When the service extracted it. */
  receivedAt: string;
  message: MessageInput;
  output: Extraction;
  /** Whether the output fitted the schema, when known. */
  valid?: boolean | null;
  rulebookId?: string | null;
  rulebookVersion?: number | null;
  rulebookHash?: string | null;
  /** The model that answered; taken from `trace` when absent. */
  model?: string | null;
  trace?: Trace | null;
}

export interface StoredTrace {
  /** The row's key: with `receivedAt`, where a page of `list` ends. */
  seq: number;
  id: string;
  source: string;
  receivedAt: string;
  message: MessageInput;
  /** The content hash the messages table gives the same message received at the same time. */
  messageHash: string | null;
  output: Extraction;
  valid: boolean | null;
  rulebookId: string | null;
  rulebookVersion: number | null;
  rulebookHash: string | null;
  model: string | null;
  trace: Trace | null;
  importedAt: string;
}

/** A time range, `from` included, `to` excluded; either end open when absent. */
export interface TraceRange {
  from?: string;
  to?: string;
}

export interface TraceListRequest extends TraceRange {
  /** Traces after this one (the last of the page before), oldest first. */
  after?: { receivedAt: string; seq: number } | null;
  /** 1..10,000; 1,000 by default. */
  limit?: number;
}

const COLUMNS = `seq, id, source, received_at, message, message_hash, output, valid, rulebook_id, rulebook_version, rulebook_hash,
  model, trace, imported_at`;
// Open ends are the widest times there are, so one statement (and one index range) serves every range.
const RANGE = 'received_at >= @from AND received_at < @to';
const EARLIEST = '';
const LATEST = '\uffff';

/** The statements, exported so a test can check their query plans. */
export const TRACE_SQL = {
  list: `SELECT ${COLUMNS} FROM traces WHERE ${RANGE} ORDER BY received_at, seq LIMIT @limit`,
  // `from` is raised to the cursor's time by the caller, so the index range starts at the cursor.
  listAfter: `SELECT ${COLUMNS} FROM traces WHERE ${RANGE} AND (received_at, seq) > (@after_at, @after_seq)
    ORDER BY received_at, seq LIMIT @limit`,
  count: `SELECT count(*) FROM traces WHERE ${RANGE}`,
} as const;

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
  trace: string | null;
  imported_at: string;
}

type Params = Record<string, string | number | null>;

export class TraceRepository {
  private readonly listStmt: Statement<[Params], Row>;
  private readonly listAfterStmt: Statement<[Params], Row>;
  private readonly countStmt: Statement<[Params], number>;
  private storeCache: TraceStore | null = null;

  constructor(private readonly ws: Workspace) {
    this.listStmt = ws.db.prepare(TRACE_SQL.list);
    this.listAfterStmt = ws.db.prepare(TRACE_SQL.listAfter);
    this.countStmt = ws.db.prepare<[Params], number>(TRACE_SQL.count).pluck();
  }

  /** The store the trace charts, lists and imports use (migration 011; prepared on first use, so older schemas still read). */
  get store(): TraceStore {
    return (this.storeCache ??= new TraceStore(this.ws));
  }

  /**
   * Stores traces in one transaction (all or none); a trace whose source and id are already stored
   * (or come earlier in the batch) is skipped, so importing a file again adds only what is new.
   * The charts' hour counts are added for what is stored (an unknown validity counts as valid).
   */
  insertMany(traces: readonly NewTrace[]): { inserted: number; skipped: number } {
    // Checked and converted before the transaction: a bad trace refuses the batch before any write.
    const records = traces.map((t): TraceRecord => {
      if (typeof t?.message?.text !== 'string') throw new TypeError(`trace ${String(t?.id)}: needs a message with text`);
      if (typeof t.id !== 'string' || typeof t.source !== 'string') throw new TypeError('a trace needs an id and a source');
      const receivedAt = isoTime(t.receivedAt, 'receivedAt');
      const { text, subject, sender, context } = t.message;
      const outputJson = toJson(t.output);
      return {
        id: t.id,
        source: t.source,
        receivedAt,
        hour: hourOf(receivedAt),
        message: toJson(t.message),
        messageHash: messageContentHash({ text, subject: subject ?? null, sender: sender ?? null, context: context ?? null, receivedAt }),
        // Counted as stored (a key whose value is undefined is not).
        output: fromJson<Extraction>(outputJson),
        outputJson,
        valid: t.valid ?? null,
        rulebookId: t.rulebookId ?? t.trace?.rulebook.id ?? null,
        rulebookVersion: t.rulebookVersion ?? null,
        rulebookHash: t.rulebookHash ?? t.trace?.rulebook.hash ?? null,
        model: t.model ?? t.trace?.provider.model ?? null,
        provider: null,
        service: null,
        latencyMs: t.trace?.latencyMs ?? null,
        cached: t.trace ? t.trace.cacheHit : null,
        unknownKeys: null,
        detail: null,
        format: null,
        trace: t.trace ? toJson(t.trace) : null,
      };
    });
    const inserted = this.store.insertRecords(records, new Map());
    return { inserted, skipped: records.length - inserted };
  }

  /** Traces in a time range, oldest first (then in the order stored), a page at a time. */
  list(request: TraceListRequest = {}): StoredTrace[] {
    const params: Params = { ...range(request), limit: Math.min(10_000, Math.max(1, Math.floor(request.limit ?? 1000))) };
    if (!request.after) return this.listStmt.all(params).map(mapRow);
    const afterAt = isoTime(request.after.receivedAt, 'after.receivedAt');
    // SQLite starts an index range at one lower bound: the later of the range's start and the cursor.
    if (afterAt > (params.from as string)) params.from = afterAt;
    params.after_at = afterAt;
    params.after_seq = request.after.seq;
    return this.listAfterStmt.all(params).map(mapRow);
  }

  /** The workspace's own extractions in a time range, read as traces (newest first). */
  runTraces(request: TraceRange = {}): RunTraceRow[] {
    return readRunTraces(this.ws, request);
  }

  /** How many traces a time range holds. */
  count(request: TraceRange = {}): number {
    return this.countStmt.get(range(request))!;
  }
}

function range(request: TraceRange): { from: string; to: string } {
  return {
    from: request.from === undefined ? EARLIEST : isoTime(request.from, 'from'),
    to: request.to === undefined ? LATEST : isoTime(request.to, 'to'),
  };
}

function mapRow(row: Row): StoredTrace {
  return {
    seq: row.seq,
    id: row.id,
    source: row.source,
    receivedAt: row.received_at,
    message: fromJson<MessageInput>(row.message),
    messageHash: row.message_hash ?? traceMessageHash(fromJson<MessageInput | null>(row.message), row.received_at),
    output: fromJson<Extraction>(row.output),
    valid: row.valid === null ? null : row.valid === 1,
    rulebookId: row.rulebook_id,
    rulebookVersion: row.rulebook_version,
    rulebookHash: row.rulebook_hash,
    model: row.model,
    trace: fromJson<Trace>(row.trace),
    importedAt: row.imported_at,
  };
}
