import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Extraction, JsonValue, MessageInput } from '../../../shared/src/domain.js';
import { toFtsQuery } from './fts.js';
import { fromJson, isoTime, toJson } from './json.js';
import type { Workspace } from './workspace.js';

import { MACHINE_STATUSES, REVIEW_STATUSES, type ReviewStatus } from '../../../shared/src/api/names.js';

/** A message's review status: the names module's list, which the window and the API share. */
export const MESSAGE_STATUSES = REVIEW_STATUSES;
export type MessageStatus = ReviewStatus;

/**
 * Whether a machine (an extraction, a run) may set the status of a message that has this one: only
 * while no person has decided on it (MACHINE_STATUSES: new, extracted, needs_review); a correction
 * or an acceptance stays. The one home of this rule; SQL that decides it uses `machineMayReplaceSql`.
 */
export function machineMayReplace(status: MessageStatus): boolean {
  return (MACHINE_STATUSES as readonly MessageStatus[]).includes(status);
}

/** `machineMayReplace` as an SQL condition on a status column (`m.status`, `status`). */
export function machineMayReplaceSql(column: string): string {
  return `${column} IN (${MACHINE_STATUSES.map((s) => `'${s}'`).join(', ')})`;
}

/** A message to import. */
export interface NewMessage {
  text: string;
  subject?: string | null;
  sender?: string | null;
  context?: string[] | null;
  /** When the customer sent it; the import time when unknown. */
  receivedAt?: string | null;
  source?: string | null;
  /** Its id where it came from. */
  externalId?: string | null;
  /** Other imported fields (channel ...). */
  meta?: Record<string, JsonValue> | null;
}

export interface StoredMessage {
  id: string;
  contentHash: string;
  text: string;
  subject: string | null;
  sender: string | null;
  context: string[] | null;
  receivedAt: string;
  source: string | null;
  externalId: string | null;
  meta: Record<string, JsonValue> | null;
  importedAt: string;
  status: MessageStatus;
  /** The answer of record: a person's correction or accepted answer, else the newest machine answer. */
  latestExtractionId: number | null;
  /** A later machine answer that disagrees with the person's answer of record, or null. */
  regressionExtractionId: number | null;
}

/** A row of the inbox list: the message in short and its newest extraction. */
export interface InboxRow {
  id: string;
  subject: string | null;
  sender: string | null;
  /** The first characters of the text. */
  preview: string;
  receivedAt: string;
  status: MessageStatus;
  source: string | null;
  latest: {
    id: number;
    valid: boolean;
    output: Extraction;
    schemaHash: string | null;
    human: boolean;
    /** How likely it is wrong, 0..1; null when not scored. */
    reviewPriority: number | null;
    reasons: { kind: string; text: string; field?: string }[];
  } | null;
  /** A later machine answer disagrees with the person's answer of record. */
  regression: boolean;
}

export interface InboxFilter {
  status?: MessageStatus;
  /** The review queue: status needs_review, or a regression (a machine answer disagreeing with a person's). */
  queue?: boolean;
  /** Of the newest extraction; `none`: never extracted. */
  validity?: 'valid' | 'invalid' | 'none';
  /** A field of the newest extraction equals a value (a missing field counts as null). */
  field?: { name: string; value: string | number | boolean | null };
  /**
   * Whether the newest extraction was made under another schema than `schemaHash` (the draft's as it
   * is now): `stale: true` keeps only those; false keeps the others (never extracted included). An
   * extraction without a hash (made with no draft) is never stale.
   */
  stale?: { stale: boolean; schemaHash: string };
}

export interface InboxPageRequest {
  filter?: InboxFilter;
  /**
   * Newest first by default. `priority`: most likely wrong first (least confident), by the answer
   * of record's review priority (regressions first, unscored last), then newest first.
   */
  order?: 'newest' | 'oldest' | 'priority';
  /** 1..500, 100 by default. */
  limit?: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string | null;
}

export interface InboxPage {
  items: InboxRow[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface SearchRequest {
  query: string;
  filter?: InboxFilter;
  limit?: number;
  offset?: number;
}

export interface SearchHit extends InboxRow {
  /** bm25: lower is better. */
  rank: number;
}

export interface InsertResult {
  inserted: number;
  skipped: number;
  /** For each input, in order, the id of the message (new, or the one it duplicated). */
  ids: string[];
}

// ---------------------------------------------------------------------------------------------
// Statements. The inbox and search queries are built from the fragments below, one statement per
// combination of filters, prepared once and cached.

const MESSAGE_COLUMNS = `id, content_hash, text, subject, sender, context, received_at, source, external_id, meta,
  imported_at, status, latest_extraction_id, regression_extraction_id`;

const INSERT_COLUMNS = [
  'id', 'content_hash', 'text', 'subject', 'sender', 'context', 'received_at', 'source', 'external_id', 'meta', 'imported_at',
] as const;
const INSERT_CHUNK = 1000;

function insertSql(rows: number): string {
  const row = `(${INSERT_COLUMNS.map(() => '?').join(', ')})`;
  return `INSERT INTO messages (${INSERT_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}
    ON CONFLICT (content_hash) DO NOTHING`;
}

const SQL = {
  // Many rows per statement: FTS5 flushes its pending index at every statement savepoint, so
  // inserting row by row through the FTS trigger is several times slower.
  insertChunk: insertSql(INSERT_CHUNK),
  insertOne: insertSql(1),
  get: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`,
  setStatus: 'UPDATE messages SET status = @status WHERE id = @id',
  // A person's explicit choice of an answer of record (adopting a machine's, or an undo putting one back).
  setRecord: `UPDATE messages SET latest_extraction_id = @extraction_id, status = @status WHERE id = @id
    AND (@extraction_id IS NULL OR EXISTS (SELECT 1 FROM extractions WHERE id = @extraction_id AND message_id = @id))`,
  // A new review threshold, applied to the messages no person has decided on: their status follows
  // their answer's validity and confidence (1 - review_priority); an unscored answer keeps its status.
  applyThreshold: `UPDATE messages SET status = CASE
        WHEN e.valid = 0 OR (e.review_priority IS NOT NULL AND 1.0 - e.review_priority < @threshold) THEN 'needs_review'
        WHEN e.review_priority IS NULL THEN messages.status
        ELSE 'extracted' END
    FROM extractions e
    WHERE e.id = messages.latest_extraction_id AND messages.status IN ('extracted', 'needs_review') AND e.human = 0`,
  // Two index-served counts rather than one scan with OR.
  countQueue: `SELECT (SELECT count(*) FROM messages WHERE status = 'needs_review')
    + (SELECT count(*) FROM messages WHERE regression_extraction_id IS NOT NULL AND status <> 'needs_review')`,
  countRegressions: 'SELECT count(*) FROM messages WHERE regression_extraction_id IS NOT NULL',
  setMachineStatus: `UPDATE messages SET status = @status WHERE id = @id AND ${machineMayReplaceSql('status')}`,
  delete: 'DELETE FROM messages WHERE id = ?',
  countAll: 'SELECT count(*) FROM messages',
  countByStatus: 'SELECT status, count(*) AS n FROM messages GROUP BY status',
} as const;

const INBOX_COLUMNS = `m.id, m.subject, m.sender, substr(m.text, 1, 280) AS preview, m.received_at, m.status, m.source,
  e.id AS latest_id, e.valid AS latest_valid, e.output AS latest_output, m.latest_schema_hash,
  e.human AS latest_human, e.review_priority AS latest_priority, e.reasons AS latest_reasons, m.regression_extraction_id AS regression_id`;
const INBOX_FROM = 'FROM messages m LEFT JOIN extractions e ON e.id = m.latest_extraction_id';
/**
 * The FROM of a count or an id list: the join only when a condition reads the extraction. SQLite
 * keeps an unused LEFT JOIN here, a lookup per row (a count of 90,000 current messages took 33 ms
 * with it, a few without).
 */
const fromFor = (where: readonly string[]) => (where.some((w) => /\be\./.test(w)) ? INBOX_FROM : 'FROM messages m');
const SEARCH_FROM = `FROM messages_fts f JOIN messages m ON m.seq = f.rowid
  LEFT JOIN extractions e ON e.id = m.latest_extraction_id`;
// Subject counts twice as much as the body, the sender half as much.
const SEARCH_RANK = 'bm25(messages_fts, 2.0, 1.0, 0.5)';

const WHERE = {
  status: 'm.status = @status',
  queue: "(m.status = 'needs_review' OR m.regression_extraction_id IS NOT NULL)",
  valid: 'e.valid = 1',
  invalid: 'e.valid = 0',
  none: 'm.latest_extraction_id IS NULL',
  field: `e.id IS NOT NULL AND coalesce(json_type(e.output, @field_path), 'null') = @field_type
    AND (@field_value IS NULL OR json_extract(e.output, @field_path) = @field_value)`,
  after: '(m.received_at, m.id) > (@cursor_at, @cursor_id)',
  before: '(m.received_at, m.id) < (@cursor_at, @cursor_id)',
  // Keyset for review_priority DESC (NULLs last), received_at DESC, id DESC.
  beforePriority: '((m.review_priority, m.received_at, m.id) < (@cursor_priority, @cursor_at, @cursor_id) OR m.review_priority IS NULL)',
  beforeUnscored: 'm.review_priority IS NULL AND (m.received_at, m.id) < (@cursor_at, @cursor_id)',
  match: 'messages_fts MATCH @query',
  // Two ranges rather than <>, so the messages_schema_hash index serves them (migration 008).
  stale: '(m.latest_schema_hash < @schema_hash OR m.latest_schema_hash > @schema_hash)',
  current: '(m.latest_schema_hash IS NULL OR m.latest_schema_hash = @schema_hash)',
} as const;

interface MessageRow {
  id: string;
  content_hash: string;
  text: string;
  subject: string | null;
  sender: string | null;
  context: string | null;
  received_at: string;
  source: string | null;
  external_id: string | null;
  meta: string | null;
  imported_at: string;
  status: MessageStatus;
  latest_extraction_id: number | null;
  regression_extraction_id: number | null;
}

interface InboxDbRow {
  id: string;
  subject: string | null;
  sender: string | null;
  preview: string;
  received_at: string;
  status: MessageStatus;
  source: string | null;
  latest_id: number | null;
  latest_valid: number | null;
  latest_output: string | null;
  latest_schema_hash: string | null;
  latest_human: number | null;
  latest_priority: number | null;
  latest_reasons: string | null;
  regression_id: number | null;
  rank?: number;
  review_priority?: number | null;
}

type Params = Record<string, string | number | null>;

/** The hash that makes two imports of the same message one message. */
export function messageContentHash(message: NewMessage): string {
  const canonical = JSON.stringify([
    textForContentHash(message.text),
    message.subject?.trim() || null,
    message.sender?.trim() || null,
    message.context?.map(textForContentHash) ?? null,
    message.receivedAt ? isoTime(message.receivedAt, 'receivedAt') : null,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function messageIdFromHash(contentHash: string): string {
  return `m_${contentHash.slice(0, 24)}`;
}

/**
 * A text as the content hash reads it: line endings made `\n`, outer whitespace trimmed, nothing
 * else (not the pipeline's `normaliseText`): the same message exported on Windows and on Unix is one
 * message, and a message's id never changes when the pipeline's normalisation does.
 */
function textForContentHash(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

export function toMessageInput(message: StoredMessage): MessageInput {
  return {
    id: message.id,
    text: message.text,
    ...(message.subject !== null ? { subject: message.subject } : {}),
    ...(message.sender !== null ? { sender: message.sender } : {}),
    ...(message.context !== null ? { context: message.context } : {}),
  };
}

export class MessageRepository {
  private insertChunkStmt: Statement<(string | null)[]> | null = null;
  private missingStmt: Statement<[string], string> | null = null;
  private countSchemaStmt: Statement<[string], number> | null = null;
  private readonly insertOneStmt: Statement<(string | null)[]>;
  // Statements that read columns of later migrations are prepared on first use, so an older
  // workspace's rows can still be written through this repository before it is upgraded (tests).
  private getStmtCache: Statement<[string], MessageRow> | null = null;
  private readonly setStatusStmt: Statement<[{ id: string; status: MessageStatus }]>;
  private readonly setMachineStatusStmt: Statement<[{ id: string; status: MessageStatus }]>;
  private setRecordStmt: Statement<[{ id: string; extraction_id: number | null; status: MessageStatus }]> | null = null;
  private countQueueStmt: Statement<[], number> | null = null;
  private countRegressionsStmt: Statement<[], number> | null = null;
  private readonly deleteStmt: Statement<[string]>;
  private readonly countAllStmt: Statement<[], number>;
  private readonly countByStatusStmt: Statement<[], { status: MessageStatus; n: number }>;
  private readonly queries = new Map<string, Statement<[Params], InboxDbRow>>();

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.insertOneStmt = db.prepare<(string | null)[]>(SQL.insertOne);
    this.setStatusStmt = db.prepare(SQL.setStatus);
    this.setMachineStatusStmt = db.prepare(SQL.setMachineStatus);
    this.deleteStmt = db.prepare(SQL.delete);
    this.countAllStmt = db.prepare<[], number>(SQL.countAll).pluck();
    this.countByStatusStmt = db.prepare(SQL.countByStatus);
  }

  /**
   * Imports messages in one transaction; a message whose content hash is already stored (or comes
   * earlier in the same batch) is skipped. A message's id derives from its hash, so `ids` holds the
   * id of each input whether it was new or a duplicate.
   */
  insertMany(messages: readonly NewMessage[]): InsertResult {
    const importedAt = this.ws.timestamp();
    const ids: string[] = [];
    // Row values in INSERT_COLUMNS order, flattened.
    const values: (string | null)[] = [];
    for (const message of messages) {
      if (typeof message?.text !== 'string' || message.text.trim() === '') throw new TypeError('a message needs text');
      const hash = messageContentHash(message);
      const id = messageIdFromHash(hash);
      ids.push(id);
      values.push(
        id,
        hash,
        message.text,
        message.subject ?? null,
        message.sender ?? null,
        message.context ? toJson(message.context) : null,
        message.receivedAt ? isoTime(message.receivedAt, 'receivedAt') : importedAt,
        message.source ?? null,
        message.externalId ?? null,
        message.meta ? toJson(message.meta) : null,
        importedAt,
      );
    }
    const width = INSERT_COLUMNS.length;
    return this.ws.write(() => {
      let inserted = 0;
      let row = 0;
      for (; row + INSERT_CHUNK <= ids.length; row += INSERT_CHUNK) {
        // Prepared on first use: it is a large statement and most repositories never import in bulk.
        this.insertChunkStmt ??= this.ws.db.prepare<(string | null)[]>(SQL.insertChunk);
        inserted += this.insertChunkStmt.run(...values.slice(row * width, (row + INSERT_CHUNK) * width)).changes;
      }
      for (; row < ids.length; row += 1) {
        inserted += this.insertOneStmt.run(...values.slice(row * width, (row + 1) * width)).changes;
      }
      return { inserted, skipped: ids.length - inserted, ids };
    });
  }

  insert(message: NewMessage): { id: string; inserted: boolean } {
    const result = this.insertMany([message]);
    return { id: result.ids[0]!, inserted: result.inserted === 1 };
  }

  get(id: string): StoredMessage | null {
    this.getStmtCache ??= this.ws.db.prepare(SQL.get);
    const row = this.getStmtCache.get(id);
    return row ? mapMessage(row) : null;
  }

  setStatus(id: string, status: MessageStatus): boolean {
    if (!MESSAGE_STATUSES.includes(status)) throw new TypeError(`unknown message status: ${String(status)}`);
    return this.ws.write(() => this.setStatusStmt.run({ id, status }).changes === 1);
  }

  /**
   * The status a machine's result earns, set only where a machine may replace it
   * (`machineMayReplace`); decided in the statement itself, so nothing comes between the check and
   * the write. Whether it was set.
   */
  setMachineStatus(id: string, status: 'extracted' | 'needs_review'): boolean {
    if (status !== 'extracted' && status !== 'needs_review') throw new TypeError(`not a status a machine gives: ${String(status)}`);
    return this.ws.write(() => this.setMachineStatusStmt.run({ id, status }).changes === 1);
  }

  /**
   * A person's explicit choice of the message's answer of record and status (adopting a machine's
   * answer, or an undo putting the earlier one back). The extraction must be the message's own.
   * Whether it was set.
   */
  setAnswerOfRecord(id: string, extractionId: number | null, status: MessageStatus): boolean {
    if (!MESSAGE_STATUSES.includes(status)) throw new TypeError(`unknown message status: ${String(status)}`);
    this.setRecordStmt ??= this.ws.db.prepare(SQL.setRecord);
    const stmt = this.setRecordStmt;
    return this.ws.write(() => stmt.run({ id, extraction_id: extractionId, status }).changes === 1);
  }

  /** Applies a review threshold (0..1) to the messages no person has decided on; how many changed status. */
  applyReviewThreshold(threshold: number): number {
    if (!(threshold >= 0 && threshold <= 1)) throw new RangeError('a review threshold is between 0 and 1');
    return this.ws.write(() => this.ws.db.prepare(SQL.applyThreshold).run({ threshold }).changes);
  }

  /** The review queue's size (needs review, or a regression) and how many of those are regressions. */
  queueCounts(): { queue: number; regressions: number } {
    this.countQueueStmt ??= this.ws.db.prepare<[], number>(SQL.countQueue).pluck();
    this.countRegressionsStmt ??= this.ws.db.prepare<[], number>(SQL.countRegressions).pluck();
    return { queue: this.countQueueStmt.get()!, regressions: this.countRegressionsStmt.get()! };
  }

  /** Deletes the message with its extractions; precedents made from it keep their copy. */
  delete(id: string): boolean {
    return this.ws.write(() => this.deleteStmt.run(id).changes === 1);
  }

  count(filter: InboxFilter = {}): number {
    if (!filter.status && filter.queue === undefined && !filter.validity && !filter.field && !filter.stale) return this.countAllStmt.get()!;
    const { where, params } = filterClause(filter);
    const key = `count|${where.join('|')}`;
    let stmt = this.queries.get(key);
    if (!stmt) {
      stmt = this.ws.db.prepare(`SELECT count(*) AS n ${fromFor(where)} WHERE ${where.join(' AND ')}`);
      this.queries.set(key, stmt);
    }
    return (stmt.get(params) as unknown as { n: number }).n;
  }

  countByStatus(): Record<MessageStatus, number> {
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const row of this.countByStatusStmt.all()) counts[row.status] = row.n;
    return counts;
  }

  /** One page of the inbox, sorted by (receivedAt, id); stable under inserts (keyset pagination). */
  page(request: InboxPageRequest = {}): InboxPage {
    if (request.order === 'priority') return this.priorityPage(request);
    const limit = clampLimit(request.limit);
    const newest = (request.order ?? 'newest') === 'newest';
    const { where, params } = filterClause(request.filter ?? {});
    if (request.cursor) {
      const [at, id] = decodeCursor(request.cursor);
      where.push(newest ? WHERE.before : WHERE.after);
      params.cursor_at = at;
      params.cursor_id = id;
    }
    const dir = newest ? 'DESC' : 'ASC';
    const sql = `SELECT ${INBOX_COLUMNS} ${INBOX_FROM}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY m.received_at ${dir}, m.id ${dir} LIMIT @limit`;
    params.limit = limit + 1;
    const rows = this.query(`page|${dir}|${where.join('|')}`, sql).all(params);
    const items = rows.slice(0, limit).map(mapInboxRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null };
  }

  /**
   * A page of the messages that need review, most likely wrong first: the newest extraction's
   * review priority descending (unscored last), then newest first. Its cursor carries the priority.
   */
  private priorityPage(request: InboxPageRequest): InboxPage {
    const filter = request.filter ?? {};
    const limit = clampLimit(request.limit);
    const { where, params } = filterClause(filter);
    if (request.cursor) {
      const [priority, at, id] = decodePriorityCursor(request.cursor);
      where.push(priority === null ? WHERE.beforeUnscored : WHERE.beforePriority);
      if (priority !== null) params.cursor_priority = priority;
      params.cursor_at = at;
      params.cursor_id = id;
    }
    const sql = `SELECT ${INBOX_COLUMNS}, m.review_priority ${INBOX_FROM}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY m.review_priority DESC, m.received_at DESC, m.id DESC LIMIT @limit`;
    params.limit = limit + 1;
    const rows = this.query(`priority|${where.join('|')}`, sql).all(params);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(mapInboxRow),
      nextCursor: rows.length > limit && last ? encodePriorityCursor(last.review_priority ?? null, last.received_at, last.id) : null,
    };
  }

  /** Full-text search over subject, text and sender, best match first (bm25). Any input is safe. */
  search(request: SearchRequest): SearchHit[] {
    const query = toFtsQuery(request.query);
    if (query === null) return [];
    const { where, params } = filterClause(request.filter ?? {});
    where.unshift(WHERE.match);
    params.query = query;
    params.limit = clampLimit(request.limit);
    params.offset = Math.max(0, Math.floor(request.offset ?? 0));
    // Without filters, the best matches are picked in the index before anything is joined.
    const sql =
      where.length === 1
        ? `WITH hits AS (SELECT rowid, ${SEARCH_RANK} AS rank FROM messages_fts WHERE ${WHERE.match}
             ORDER BY rank, rowid LIMIT @limit OFFSET @offset)
           SELECT ${INBOX_COLUMNS}, hits.rank AS rank FROM hits JOIN messages m ON m.seq = hits.rowid
             LEFT JOIN extractions e ON e.id = m.latest_extraction_id
           ORDER BY hits.rank, hits.rowid`
        : `SELECT ${INBOX_COLUMNS}, ${SEARCH_RANK} AS rank ${SEARCH_FROM}
           WHERE ${where.join(' AND ')}
           ORDER BY rank, m.received_at DESC, m.id DESC LIMIT @limit OFFSET @offset`;
    return this.query(`search|${where.join('|')}`, sql)
      .all(params)
      .map((row) => ({ ...mapInboxRow(row), rank: row.rank ?? 0 }));
  }

  /** How many messages a search matches (with its filter), for the inbox's count. */
  searchCount(request: Pick<SearchRequest, 'query' | 'filter'>): number {
    const query = toFtsQuery(request.query);
    if (query === null) return 0;
    const { where, params } = filterClause(request.filter ?? {});
    where.unshift(WHERE.match);
    params.query = query;
    const sql =
      where.length === 1
        ? `SELECT count(*) AS n FROM messages_fts WHERE ${WHERE.match}`
        : `SELECT count(*) AS n ${SEARCH_FROM} WHERE ${where.join(' AND ')}`;
    return (this.query(`searchCount|${where.join('|')}`, sql).get(params) as unknown as { n: number }).n;
  }

  /** Ids of every message matching the filter, oldest first (what a run over a filter extracts). */
  ids(filter: InboxFilter = {}): string[] {
    const { where, params } = filterClause(filter);
    const sql = `SELECT m.id ${fromFor(where)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY m.received_at, m.id`;
    return (this.query(`ids|${where.join('|')}`, sql).all(params) as unknown as { id: string }[]).map((r) => r.id);
  }

  /**
   * Ids of every message a full-text search matches (with its filter), oldest first: what a run
   * over a searched inbox extracts. Unlike `search`, not cut at a page.
   */
  searchIds(request: Pick<SearchRequest, 'query' | 'filter'>): string[] {
    const query = toFtsQuery(request.query);
    if (query === null) return [];
    const { where, params } = filterClause(request.filter ?? {});
    where.unshift(WHERE.match);
    params.query = query;
    const sql = `SELECT m.id ${SEARCH_FROM} WHERE ${where.join(' AND ')} ORDER BY m.received_at, m.id`;
    return (this.query(`searchIds|${where.join('|')}`, sql).all(params) as unknown as { id: string }[]).map((r) => r.id);
  }

  /**
   * How many messages have a newest extraction made under the schema with this hash: the
   * extractions a schema change away from it would make stale.
   */
  countWithSchemaHash(schemaHash: string): number {
    this.countSchemaStmt ??= this.ws.db.prepare<[string], number>('SELECT count(*) FROM messages WHERE latest_schema_hash = ?').pluck();
    return this.countSchemaStmt.get(schemaHash)!;
  }

  /** Which of `ids` name no message (in the order given, each once). */
  missing(ids: readonly string[]): string[] {
    this.missingStmt ??= this.ws.db
      .prepare<[string], string>('SELECT DISTINCT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = j.value) ORDER BY j.key')
      .pluck();
    return this.missingStmt.all(JSON.stringify(ids));
  }

  private query(key: string, sql: string): Statement<[Params], InboxDbRow> {
    let stmt = this.queries.get(key);
    if (!stmt) {
      stmt = this.ws.db.prepare(sql);
      this.queries.set(key, stmt);
    }
    return stmt;
  }
}

function filterClause(filter: InboxFilter): { where: string[]; params: Params } {
  const where: string[] = [];
  const params: Params = {};
  if (filter.status !== undefined) {
    if (!MESSAGE_STATUSES.includes(filter.status)) throw new TypeError(`unknown message status: ${String(filter.status)}`);
    where.push(WHERE.status);
    params.status = filter.status;
  }
  if (filter.queue !== undefined) where.push(filter.queue ? WHERE.queue : `NOT ${WHERE.queue}`);
  if (filter.validity !== undefined) {
    const clause = { valid: WHERE.valid, invalid: WHERE.invalid, none: WHERE.none }[filter.validity];
    if (!clause) throw new TypeError(`unknown validity filter: ${String(filter.validity)}`);
    where.push(clause);
  }
  if (filter.field !== undefined) {
    const { name, value } = filter.field;
    // eslint-disable-next-line no-control-regex
    if (typeof name !== 'string' || name === '' || /["\\\u0000-\u001f]/.test(name)) {
      throw new TypeError(`invalid field name: ${JSON.stringify(name)}`);
    }
    where.push(WHERE.field);
    params.field_path = `$."${name}"`;
    if (value === null) {
      params.field_type = 'null';
      params.field_value = null;
    } else if (typeof value === 'boolean') {
      params.field_type = value ? 'true' : 'false';
      params.field_value = null;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError('a field filter needs a finite number');
      params.field_type = Number.isInteger(value) ? 'integer' : 'real';
      params.field_value = value;
    } else if (typeof value === 'string') {
      params.field_type = 'text';
      params.field_value = value;
    } else {
      throw new TypeError('a field filter compares with a string, number, boolean or null');
    }
  }
  if (filter.stale !== undefined) {
    if (typeof filter.stale.schemaHash !== 'string') throw new TypeError('a stale filter needs the schema hash it compares with');
    where.push(filter.stale.stale ? WHERE.stale : WHERE.current);
    params.schema_hash = filter.stale.schemaHash;
  }
  return { where, params };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  return Math.min(500, Math.max(1, Math.floor(limit)));
}

export function encodeCursor(receivedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([receivedAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new TypeError('invalid inbox cursor');
}

/** The cursor of the priority order: [priority or null, receivedAt, id] (the other orders' cursors have two elements). */
export function encodePriorityCursor(priority: number | null, receivedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([priority, receivedAt, id]), 'utf8').toString('base64url');
}

function decodePriorityCursor(cursor: string): [number | null, string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      (value[0] === null || (typeof value[0] === 'number' && Number.isFinite(value[0]))) &&
      typeof value[1] === 'string' &&
      typeof value[2] === 'string'
    ) {
      return [value[0] as number | null, value[1], value[2]];
    }
  } catch {
    // fall through
  }
  throw new TypeError('invalid inbox cursor');
}

function mapMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    contentHash: row.content_hash,
    text: row.text,
    subject: row.subject,
    sender: row.sender,
    context: fromJson<string[]>(row.context),
    receivedAt: row.received_at,
    source: row.source,
    externalId: row.external_id,
    meta: fromJson<Record<string, JsonValue>>(row.meta),
    importedAt: row.imported_at,
    status: row.status,
    latestExtractionId: row.latest_extraction_id,
    regressionExtractionId: row.regression_extraction_id,
  };
}

function mapInboxRow(row: InboxDbRow): InboxRow {
  return {
    id: row.id,
    subject: row.subject,
    sender: row.sender,
    preview: row.preview,
    receivedAt: row.received_at,
    status: row.status,
    source: row.source,
    latest:
      row.latest_id === null
        ? null
        : {
            id: row.latest_id,
            valid: row.latest_valid === 1,
            output: fromJson<Extraction>(row.latest_output ?? '{}'),
            schemaHash: row.latest_schema_hash ?? null,
            human: row.latest_human === 1,
            reviewPriority: row.latest_priority ?? null,
            reasons: fromJson<{ kind: string; text: string; field?: string }[]>(row.latest_reasons ?? null) ?? [],
          },
    regression: row.regression_id !== null && row.regression_id !== undefined,
  };
}
