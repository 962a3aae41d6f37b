import type { Statement } from 'better-sqlite3';
import type { Extraction, ExtractionResult, FieldChange, Trace, ValidationError } from '../../../shared/src/domain.js';
import { HUMAN_PROVIDER } from '../../../shared/src/api/names.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import { fromJson, toJson } from './json.js';
import { SCHEMA_HASH_FUNCTION } from './schema-shape.js';
import { SETTING_KEYS } from './settings.js';
import type { Workspace } from './workspace.js';

export interface NewExtraction {
  messageId: string;
  runId?: string | null;
  /** The published version, or null for the draft rulebook. */
  rulebookVersion?: number | null;
  rulebookHash?: string | null;
  result: ExtractionResult;
  /**
   * How likely the output is wrong, 0..1 (backend/teach/review-priority.ts); what "needs review"
   * orders by when this is the message's newest extraction. Null or absent: not scored.
   */
  reviewPriority?: number | null;
  /**
   * The hash of the schema it was made under (schemaShapeHash of the extractor's rulebook). Absent:
   * made under the draft's schema as it is now (read in the same statement).
   */
  schemaHash?: string | null;
  /** Why the review priority is what it is (stored as JSON with the row); absent: none computed. */
  reasons?: readonly StoredReason[] | null;
}

/** One reason behind an extraction's confidence, as stored. */
export interface StoredReason {
  kind: string;
  text: string;
  field?: string;
}

export interface StoredExtraction {
  id: number;
  messageId: string;
  runId: string | null;
  rulebookVersion: number | null;
  rulebookHash: string | null;
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  trace: Trace | null;
  createdAt: string;
  /** The hash of the schema it was made under (schema-shape.ts); null when no draft existed. */
  schemaHash: string | null;
  /** A person's correction (trace provider `human`). */
  human: boolean;
  /** How likely it is wrong, 0..1 (confidence is 1 minus this); null when not scored. */
  reviewPriority: number | null;
  reasons: StoredReason[];
}

const COLUMNS = 'id, message_id, run_id, rulebook_version, rulebook_hash, output, valid, errors, trace, created_at, schema_hash, human, review_priority, reasons';

/** A message beside its newest extraction, for scans over the whole inbox (a rule's impact preview). */
export interface LatestRow {
  messageId: string;
  text: string;
  subject: string | null;
  receivedAt: string;
  output: Extraction;
  valid: boolean;
  /** The model's answer as received (trace.rawOutput); only when asked for, else null. */
  rawOutput: string | null;
}

/** A message whose newest extraction fired a rule, with what the rule changed there. */
export interface FiredRow {
  messageId: string;
  subject: string | null;
  /** The start of the message's text (enough for a preview), not the whole of it. */
  textStart: string;
  receivedAt: string;
  changed: FieldChange[];
}

/** Where a scan stopped: the last row of a page (newest first by received time, then id). */
export interface LatestCursor {
  receivedAt: string;
  messageId: string;
}

/**
 * Narrows a scan to messages that may contain some words. Built by code from literal words, never
 * from what a person typed.
 */
export interface LatestTextFilter {
  /** An FTS5 query, matched against the subject and text columns of the message index. */
  fts: string;
  /** Rows whose subject or text this says yes to are kept whatever the index says (called in SQLite, synchronously). */
  alsoKeep?: (text: string) => boolean;
}

export interface LatestPageRequest {
  /** Rows after this one (newest first); from the start when absent. */
  after?: LatestCursor | null;
  limit?: number;
  filter?: LatestTextFilter | null;
  /** Also read trace.rawOutput (costs a JSON parse of each trace in SQLite). */
  withRawOutput?: boolean;
}

/** The review priority a regression's message carries: above every score review-priority.ts gives. */
export const REGRESSION_PRIORITY = 10;

const SQL = {
  insert: `INSERT INTO extractions (message_id, run_id, rulebook_version, rulebook_hash, output, valid, errors, trace, created_at, review_priority, human, reasons, schema_hash)
    VALUES (@message_id, @run_id, @rulebook_version, @rulebook_hash, @output, @valid, @errors, @trace, @created_at, @review_priority, @human, @reasons,
      coalesce(@schema_hash, ${SCHEMA_HASH_FUNCTION}((SELECT value FROM settings WHERE key = '${SETTING_KEYS.draftRulebook}'))))`,
  // A machine's answer for a message a person has decided on: stored beside the answer of record
  // (the trigger leaves latest_extraction_id alone); compared with it to find regressions.
  settledRecord: `SELECT m.latest_extraction_id AS record_id, r.output AS record_output
    FROM messages m JOIN extractions r ON r.id = m.latest_extraction_id
    WHERE m.id = @message_id AND m.status IN ('corrected', 'accepted') AND m.latest_extraction_id <> @id
      AND (@run_id IS NULL OR (SELECT kind FROM runs WHERE id = @run_id) = 'extract')`,
  // A regression ranks first in the review queue: its copy of the priority is REGRESSION_PRIORITY,
  // above any score (an invalid answer that also disagrees can score more than 1); when it is
  // cleared, the copy goes back to the answer of record's.
  setRegression: `UPDATE messages SET regression_extraction_id = @extraction_id,
      review_priority = CASE WHEN @extraction_id IS NULL THEN (SELECT review_priority FROM extractions WHERE id = latest_extraction_id) ELSE ${REGRESSION_PRIORITY} END
    WHERE id = @message_id`,
  get: `SELECT ${COLUMNS} FROM extractions WHERE id = ?`,
  latestForMessage: `SELECT ${COLUMNS} FROM extractions
    WHERE id = (SELECT latest_extraction_id FROM messages WHERE id = ?)`,
  forMessage: `SELECT ${COLUMNS} FROM extractions WHERE message_id = ? ORDER BY id DESC LIMIT ?`,
  forRun: `SELECT ${COLUMNS} FROM extractions WHERE run_id = @run_id AND message_id > @after
    ORDER BY message_id LIMIT @limit`,
  newestForRun: `SELECT ${COLUMNS} FROM extractions WHERE run_id = ? AND message_id = ? ORDER BY id DESC LIMIT 1`,
} as const;

const LATEST_FROM = 'FROM messages m JOIN extractions e ON e.id = m.latest_extraction_id';
/** The rules fired by each message's newest extraction, one row per firing (json_each over the trace). */
const FIRED_FROM = `${LATEST_FROM} JOIN json_each(e.trace, '$.rulesFired') f
  WHERE json_extract(f.value, '$.ruleId') = @rule`;
const FIRED_TEXT_CHARS = 400;

const LATEST_WHERE = {
  before: '(m.received_at, m.id) < (@at, @id)',
  through: '(m.received_at, m.id) >= (@at, @id)',
  fts: 'm.seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @fts)',
  ftsOrKeep: `(m.seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @fts)
    OR casebook_keep_text(m.text) OR casebook_keep_text(m.subject))`,
} as const;

/**
 * The predicate of the scan being run: a filter's `alsoKeep`, as the SQL function
 * `casebook_keep_text`. Set only while a statement runs (better-sqlite3 is synchronous, so no
 * other statement can see it), registered once per connection.
 */
let keepText: ((text: string) => boolean) | null = null;
const withKeepFunction = new WeakSet<object>();
function registerKeepFunction(db: Workspace['db']): void {
  if (withKeepFunction.has(db)) return;
  db.function('casebook_keep_text', { deterministic: false }, (text: unknown) => (typeof text === 'string' && keepText?.(text) ? 1 : 0));
  withKeepFunction.add(db);
}

interface LatestDbRow {
  id: string;
  text: string;
  subject: string | null;
  received_at: string;
  output: string;
  valid: number;
  raw_output: string | null;
}

interface Row {
  id: number;
  message_id: string;
  run_id: string | null;
  rulebook_version: number | null;
  rulebook_hash: string | null;
  output: string;
  valid: number;
  errors: string;
  trace: string | null;
  created_at: string;
  schema_hash: string | null;
  human: number;
  review_priority: number | null;
  reasons: string | null;
}

export class ExtractionRepository {
  private readonly insertStmt: Statement<[Record<string, string | number | null>]>;
  private readonly getStmt: Statement<[number], Row>;
  private readonly latestStmt: Statement<[string], Row>;
  private readonly forMessageStmt: Statement<[string, number], Row>;
  private readonly forRunStmt: Statement<[{ run_id: string; after: string; limit: number }], Row>;
  private newestForRunStmt: Statement<[string, string], Row> | null = null;
  private readonly settledRecordStmt: Statement<[{ message_id: string; id: number; run_id: string | null }], { record_id: number; record_output: string }>;
  private readonly setRegressionStmt: Statement<[{ message_id: string; extraction_id: number | null }]>;
  private readonly scans = new Map<string, Statement<[Record<string, string | number | null>]>>();

  constructor(private readonly ws: Workspace) {
    this.insertStmt = ws.db.prepare(SQL.insert);
    this.getStmt = ws.db.prepare(SQL.get);
    this.latestStmt = ws.db.prepare(SQL.latestForMessage);
    this.forMessageStmt = ws.db.prepare(SQL.forMessage);
    this.forRunStmt = ws.db.prepare(SQL.forRun);
    this.settledRecordStmt = ws.db.prepare(SQL.settledRecord);
    this.setRegressionStmt = ws.db.prepare(SQL.setRegression);
  }

  /**
   * Stores an extraction. For the inbox it becomes the message's answer of record while no person
   * has decided on the message (and always when it is a person's correction); a machine's answer
   * for a decided message is kept beside it, and marks a regression when it disagrees.
   */
  insert(extraction: NewExtraction): number {
    const { result } = extraction;
    const human = isHumanTrace(result.trace);
    return this.ws.write(() => {
      const id = Number(
        this.insertStmt.run({
          message_id: extraction.messageId,
          run_id: extraction.runId ?? null,
          rulebook_version: extraction.rulebookVersion ?? null,
          rulebook_hash: extraction.rulebookHash ?? result.trace?.rulebook?.hash ?? null,
          output: toJson(result.output),
          valid: result.valid ? 1 : 0,
          errors: toJson(result.errors ?? []),
          trace: result.trace ? toJson(result.trace) : null,
          created_at: this.ws.timestamp(),
          review_priority: priority(extraction.reviewPriority),
          human: human ? 1 : 0,
          reasons: extraction.reasons ? toJson(extraction.reasons) : null,
          schema_hash: extraction.schemaHash ?? null,
        }).lastInsertRowid,
      );
      if (!human) {
        const settled = this.settledRecordStmt.get({ message_id: extraction.messageId, id, run_id: extraction.runId ?? null });
        if (settled) {
          const disagrees = !result.valid || fieldsThatDiffer(fromJson<Extraction>(settled.record_output), result.output).length > 0;
          this.setRegressionStmt.run({ message_id: extraction.messageId, extraction_id: disagrees ? id : null });
        }
      }
      return id;
    });
  }

  /** Removes an extraction (an undone correction); the message's answer of record is the caller's to set again. */
  delete(id: number): boolean {
    return this.ws.write(() => this.ws.db.prepare('DELETE FROM extractions WHERE id = ?').run(id).changes === 1);
  }

  /** Marks (or, with null, clears) the machine answer that disagrees with a message's answer of record. */
  setRegression(messageId: string, extractionId: number | null): void {
    this.ws.write(() => this.setRegressionStmt.run({ message_id: messageId, extraction_id: extractionId }));
  }

  get(id: number): StoredExtraction | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /** The extraction the inbox shows for the message. */
  latestForMessage(messageId: string): StoredExtraction | null {
    const row = this.latestStmt.get(messageId);
    return row ? mapRow(row) : null;
  }

  /** The message's extractions, newest first (its history across runs and rulebooks). */
  forMessage(messageId: string, limit = 50): StoredExtraction[] {
    return this.forMessageStmt.all(messageId, limit).map(mapRow);
  }

  /**
   * Messages that have a newest extraction, with it, newest message first, in pages (keyset on
   * received time and id, so a long scan is stable and each page is cheap).
   */
  latestPage(request: LatestPageRequest = {}): LatestRow[] {
    const where: string[] = [];
    const params: Record<string, string | number | null> = { limit: Math.min(5000, Math.max(1, Math.floor(request.limit ?? 500))) };
    if (request.after) {
      where.push(LATEST_WHERE.before);
      params.at = request.after.receivedAt;
      params.id = request.after.messageId;
    }
    const keep = request.filter?.alsoKeep ?? null;
    if (request.filter) {
      where.push(keep ? LATEST_WHERE.ftsOrKeep : LATEST_WHERE.fts);
      params.fts = request.filter.fts;
      if (keep) registerKeepFunction(this.ws.db);
    }
    const raw = request.withRawOutput ? "json_extract(e.trace, '$.rawOutput')" : 'NULL';
    const sql = `SELECT m.id, m.text, m.subject, m.received_at, e.output, e.valid, ${raw} AS raw_output ${LATEST_FROM}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY m.received_at DESC, m.id DESC LIMIT @limit`;
    let rows: LatestDbRow[];
    keepText = keep;
    try {
      rows = this.scan(`page|${raw}|${where.join('|')}`, sql).all(params) as LatestDbRow[];
    } finally {
      keepText = null;
    }
    return rows.map((r) => ({
      messageId: r.id,
      text: r.text,
      subject: r.subject,
      receivedAt: r.received_at,
      output: fromJson<Extraction>(r.output),
      valid: r.valid === 1,
      rawOutput: typeof r.raw_output === 'string' ? r.raw_output : null,
    }));
  }

  /**
   * How many messages have a newest extraction; with `through`, only the ones a `latestPage` scan
   * has passed when it reaches that row (it and every newer one).
   */
  countLatest(options: { through?: LatestCursor | null } = {}): number {
    const params: Record<string, string | number | null> = {};
    let where = '';
    if (options.through) {
      where = `WHERE ${LATEST_WHERE.through}`;
      params.at = options.through.receivedAt;
      params.id = options.through.messageId;
    }
    const sql = `SELECT count(*) AS n ${LATEST_FROM} ${where}`;
    return (this.scan(`count|${where}`, sql).get(params) as { n: number }).n;
  }

  /**
   * Messages whose newest extraction's trace lists `ruleId` among the rules fired, newest message
   * first (by received time, then id), at most `limit`; and how many there are in all.
   */
  firedBy(ruleId: string, limit = 50): { rows: FiredRow[]; total: number } {
    const params = { rule: ruleId, limit: Math.min(5000, Math.max(1, Math.floor(limit))) };
    const sql = `SELECT m.id, m.subject, substr(m.text, 1, ${FIRED_TEXT_CHARS}) AS text_start, m.received_at,
        json_extract(f.value, '$.changed') AS changed ${FIRED_FROM}
      ORDER BY m.received_at DESC, m.id DESC LIMIT @limit`;
    const rows = this.scan('fired', sql).all(params) as { id: string; subject: string | null; text_start: string; received_at: string; changed: string | null }[];
    const total = (this.scan('fired-count', `SELECT count(DISTINCT m.id) AS n ${FIRED_FROM}`).get({ rule: ruleId }) as { n: number }).n;
    // A rule fires once per extraction; should a trace list it twice, its changes go together.
    const byMessage = new Map<string, FiredRow>();
    for (const r of rows) {
      const changed = fromJson<FieldChange[]>(r.changed) ?? [];
      const seen = byMessage.get(r.id);
      if (seen) seen.changed.push(...changed);
      else byMessage.set(r.id, { messageId: r.id, subject: r.subject, textStart: r.text_start, receivedAt: r.received_at, changed });
    }
    return { rows: [...byMessage.values()], total };
  }

  private scan(key: string, sql: string): Statement<[Record<string, string | number | null>]> {
    let stmt = this.scans.get(key);
    if (!stmt) {
      stmt = this.ws.db.prepare(sql);
      this.scans.set(key, stmt);
    }
    return stmt;
  }

  /** A run's newest extraction of a message, or null when the run has none (not in it, failed, not reached yet). */
  newestForRun(runId: string, messageId: string): StoredExtraction | null {
    this.newestForRunStmt ??= this.ws.db.prepare(SQL.newestForRun);
    const row = this.newestForRunStmt.get(runId, messageId);
    return row ? mapRow(row) : null;
  }

  /** A run's extractions by message id, in pages: `after` is the last message id of the page before. */
  forRun(runId: string, options: { after?: string; limit?: number } = {}): StoredExtraction[] {
    return this.forRunStmt.all({ run_id: runId, after: options.after ?? '', limit: options.limit ?? 500 }).map(mapRow);
  }
}

/** A finite score, or null (NaN and infinities would sort oddly). */
function priority(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function mapRow(row: Row): StoredExtraction {
  return {
    id: row.id,
    messageId: row.message_id,
    runId: row.run_id,
    rulebookVersion: row.rulebook_version,
    rulebookHash: row.rulebook_hash,
    output: fromJson<Extraction>(row.output),
    valid: row.valid === 1,
    errors: fromJson<ValidationError[]>(row.errors),
    trace: fromJson<Trace>(row.trace),
    createdAt: row.created_at,
    schemaHash: row.schema_hash,
    human: row.human === 1,
    reviewPriority: row.review_priority,
    reasons: fromJson<StoredReason[]>(row.reasons) ?? [],
  };
}

/** Whether a trace is a person's correction's. */
function isHumanTrace(trace: Pick<Trace, 'provider'> | null | undefined): boolean {
  return trace?.provider?.name === HUMAN_PROVIDER;
}

/** The fields (keys of either) whose values differ, compared as canonical JSON; in the order met. */
export function fieldsThatDiffer(a: Extraction, b: Extraction): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null));
}
