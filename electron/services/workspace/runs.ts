import { DROPPED_KEY_MESSAGE } from '../../../shared/src/api/names.js';
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { ExtractionResult, JsonValue, ModelSettings } from '../../../shared/src/domain.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import { ExtractionRepository, type NewExtraction } from './extractions.js';
import { fromJson, toJson } from './json.js';
import { machineMayReplaceSql } from './messages.js';
import type { Workspace } from './workspace.js';

export { RUN_STATUSES, type RunStatus } from '../../../shared/src/api/names.js';
import type { RunStatus } from '../../../shared/src/api/names.js';
export type RunItemStatus = 'pending' | 'done' | 'error';
/**
 * `extract` runs feed the inbox; the others are kept beside it: `compare` (a selection extracted
 * under another rulebook version, provider or model, to compare with), regression, replay ...
 */
export type RunKind = 'extract' | 'compare' | 'regression' | 'replay' | 'drift' | (string & {});

export interface NewRun {
  id?: string;
  kind: RunKind;
  rulebookId?: string | null;
  /** Null for the draft rulebook. */
  rulebookVersion?: number | null;
  rulebookHash?: string | null;
  provider: string;
  model: string;
  settings?: ModelSettings | null;
  /** What was asked for (ids, a filter, everything), kept to show and to repeat the run. */
  selection: JsonValue;
  /** The messages the run extracts, each once. */
  messageIds: readonly string[];
}

export interface StoredRun {
  id: string;
  kind: RunKind;
  rulebookId: string | null;
  rulebookVersion: number | null;
  rulebookHash: string | null;
  provider: string;
  model: string;
  settings: ModelSettings | null;
  selection: JsonValue;
  status: RunStatus;
  total: number;
  done: number;
  errors: number;
  /** total - done - errors. */
  pending: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunItem {
  runId: string;
  messageId: string;
  status: RunItemStatus;
  error: string | null;
  attempts: number;
  extractionId: number | null;
  updatedAt: string | null;
}

const RUN_COLUMNS = `id, kind, rulebook_id, rulebook_version, rulebook_hash, provider, model, settings, selection, status,
  total_count, done_count, error_count, error, created_at, started_at, finished_at`;

const SQL = {
  insertRun: `INSERT INTO runs (id, kind, rulebook_id, rulebook_version, rulebook_hash, provider, model, settings, selection, status, total_count, created_at)
    VALUES (@id, @kind, @rulebook_id, @rulebook_version, @rulebook_hash, @provider, @model, @settings, @selection, 'queued', 0, @created_at)`,
  // One statement for every item; the ids come sorted, so the keys are appended in order (a run
  // over 100,000 messages is created several times faster than row by row in random order).
  insertItems: `INSERT INTO run_items (run_id, message_id) SELECT @id, value FROM json_each(@ids) WHERE true ON CONFLICT DO NOTHING`,
  setTotal: 'UPDATE runs SET total_count = (SELECT count(*) FROM run_items WHERE run_id = @id) WHERE id = @id',
  get: `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`,
  list: `SELECT ${RUN_COLUMNS} FROM runs WHERE (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds))) ORDER BY created_at DESC, id DESC LIMIT @limit`,
  unfinished: `SELECT ${RUN_COLUMNS} FROM runs WHERE status IN ('queued', 'running') ORDER BY created_at, id`,
  start: `UPDATE runs SET status = 'running', started_at = coalesce(started_at, @at), finished_at = NULL, error = NULL
    WHERE id = @id AND status IN ('queued', 'running', 'cancelled', 'failed')`,
  requeue: `UPDATE runs SET status = 'queued', finished_at = NULL, error = NULL
    WHERE id = @id AND status IN ('cancelled', 'failed', 'done')`,
  finish: `UPDATE runs SET status = @status, finished_at = @at, error = @error WHERE id = @id AND status IN ('queued', 'running')`,
  pending: `SELECT message_id FROM run_items WHERE run_id = @run_id AND status = 'pending' AND message_id > @after
    ORDER BY message_id LIMIT @limit`,
  itemStatus: 'SELECT status FROM run_items WHERE run_id = ? AND message_id = ?',
  completeItem: `UPDATE run_items SET status = 'done', error = NULL, extraction_id = @extraction_id, attempts = attempts + 1, updated_at = @at
    WHERE run_id = @run_id AND message_id = @message_id AND status = 'pending'`,
  failItem: `UPDATE run_items SET status = 'error', error = @error, attempts = attempts + 1, updated_at = @at
    WHERE run_id = @run_id AND message_id = @message_id AND status = 'pending'`,
  countDone: 'UPDATE runs SET done_count = done_count + 1 WHERE id = ?',
  countError: 'UPDATE runs SET error_count = error_count + 1 WHERE id = ?',
  retryErrors: `UPDATE run_items SET status = 'pending', updated_at = @at WHERE run_id = @run_id AND status = 'error'`,
  recount: `UPDATE runs SET
    done_count = (SELECT count(*) FROM run_items WHERE run_id = @id AND status = 'done'),
    error_count = (SELECT count(*) FROM run_items WHERE run_id = @id AND status = 'error')
    WHERE id = @id`,
  // A finished message's status follows its new extraction unless a person already decided on it.
  messageStatus: `UPDATE messages SET status = @status WHERE id = @message_id AND ${machineMayReplaceSql('status')}`,
  items: `SELECT run_id, message_id, status, error, attempts, extraction_id, updated_at FROM run_items
    WHERE run_id = @run_id AND (@status IS NULL OR status = @status) AND message_id > @after ORDER BY message_id LIMIT @limit`,
  delete: 'DELETE FROM runs WHERE id = ?',
} as const;

interface RunRow {
  id: string;
  kind: string;
  rulebook_id: string | null;
  rulebook_version: number | null;
  rulebook_hash: string | null;
  provider: string;
  model: string;
  settings: string | null;
  selection: string;
  status: RunStatus;
  total_count: number;
  done_count: number;
  error_count: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface ItemRow {
  run_id: string;
  message_id: string;
  status: RunItemStatus;
  error: string | null;
  attempts: number;
  extraction_id: number | null;
  updated_at: string | null;
}

/**
 * Runs and their items. Each item is one message; finishing it (storing its extraction and marking
 * it done) is one transaction that only succeeds while the item is pending, so a run resumed after a
 * restart extracts exactly the messages still pending and none twice.
 */
export class RunRepository {
  private readonly extractions: ExtractionRepository;
  /** Two runs compared (drift): the newest extraction of each per message, side by side. */
  readonly comparison: RunComparisonQueries;
  private readonly stmts: { [K in keyof typeof SQL]: Statement<unknown[]> };

  constructor(private readonly ws: Workspace) {
    this.extractions = new ExtractionRepository(ws);
    this.comparison = new RunComparisonQueries(ws);
    this.stmts = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, ws.db.prepare(sql)])) as {
      [K in keyof typeof SQL]: Statement<unknown[]>;
    };
  }

  /** Creates a queued run with one pending item per message (duplicates in `messageIds` count once). */
  create(run: NewRun): StoredRun {
    const id = run.id ?? `run_${randomUUID()}`;
    return this.ws.write(() => {
      this.stmts.insertRun.run({
        id,
        kind: run.kind,
        rulebook_id: run.rulebookId ?? null,
        rulebook_version: run.rulebookVersion ?? null,
        rulebook_hash: run.rulebookHash ?? null,
        provider: run.provider,
        model: run.model,
        settings: run.settings ? toJson(run.settings) : null,
        selection: toJson(run.selection),
        created_at: this.ws.timestamp(),
      });
      const sorted = [...run.messageIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.stmts.insertItems.run({ id, ids: toJson(sorted) });
      this.stmts.setTotal.run({ id });
      return this.get(id)!;
    });
  }

  get(id: string): StoredRun | null {
    const row = this.stmts.get.get(id) as RunRow | undefined;
    return row ? mapRun(row) : null;
  }

  /** Newest first; of one kind, or of any of several. */
  list(options: { kind?: RunKind | readonly RunKind[]; limit?: number } = {}): StoredRun[] {
    const kinds = options.kind === undefined ? null : toJson(typeof options.kind === 'string' ? [options.kind] : options.kind);
    return (this.stmts.list.all({ kinds, limit: options.limit ?? 100 }) as RunRow[]).map(mapRun);
  }

  /** Runs that were queued or running when the app stopped: to resume (or cancel) on the next start. */
  unfinished(): StoredRun[] {
    return (this.stmts.unfinished.all() as RunRow[]).map(mapRun);
  }

  /** Marks the run running (also to resume a cancelled or failed one). */
  start(id: string): boolean {
    return this.ws.write(() => this.stmts.start.run({ id, at: this.ws.timestamp() }).changes === 1);
  }

  /**
   * Puts an ended run (cancelled, failed, or done with items made pending again) back in the queue,
   * to be started again; it counts as unfinished until then, so a restart resumes it too.
   */
  requeue(id: string): boolean {
    return this.ws.write(() => this.stmts.requeue.run({ id }).changes === 1);
  }

  cancel(id: string): boolean {
    return this.finish(id, 'cancelled');
  }

  /** Ends a queued or running run. */
  finish(id: string, status: 'done' | 'failed' | 'cancelled', error: string | null = null): boolean {
    return this.ws.write(() => this.stmts.finish.run({ id, status, at: this.ws.timestamp(), error }).changes === 1);
  }

  /** The next pending messages, by id; `after` pages through them. */
  pendingMessageIds(runId: string, options: { limit?: number; after?: string } = {}): string[] {
    return (
      this.stmts.pending.all({ run_id: runId, after: options.after ?? '', limit: options.limit ?? 100 }) as {
        message_id: string;
      }[]
    ).map((r) => r.message_id);
  }

  /**
   * Stores the extraction of a pending item and marks it done, in one transaction. Returns the new
   * extraction's id, or null (and stores nothing) when the item was not pending: already done,
   * failed, or not part of the run.
   */
  completeItem(
    runId: string,
    messageId: string,
    result: ExtractionResult,
    options: {
      rulebookVersion?: number | null;
      rulebookHash?: string | null;
      status?: 'extracted' | 'needs_review';
      /** Stored with the extraction (NewExtraction.reviewPriority, NewExtraction.reasons). */
      reviewPriority?: number | null;
      reasons?: NewExtraction['reasons'];
      /** The schema it was made under (NewExtraction.schemaHash); the draft's as it is when absent. */
      schemaHash?: string | null;
    } = {},
  ): number | null {
    return this.ws.write(() => {
      const run = this.stmts.get.get(runId) as RunRow | undefined;
      const item = this.stmts.itemStatus.get(runId, messageId) as { status: RunItemStatus } | undefined;
      // Inside one write transaction nobody else can finish the item between this check and the update.
      if (!run || item?.status !== 'pending') return null;
      const extractionId = this.extractions.insert({
        messageId,
        runId,
        rulebookVersion: options.rulebookVersion ?? run.rulebook_version,
        rulebookHash: options.rulebookHash ?? run.rulebook_hash,
        result,
        reviewPriority: options.reviewPriority ?? null,
        reasons: options.reasons ?? null,
        schemaHash: options.schemaHash ?? null,
      });
      this.stmts.completeItem.run({ run_id: runId, message_id: messageId, extraction_id: extractionId, at: this.ws.timestamp() });
      this.stmts.countDone.run(runId);
      if (run.kind === 'extract') {
        // The caller may know better than validity alone (e.g. a disagreement with the precedents shown).
        this.stmts.messageStatus.run({ message_id: messageId, status: options.status ?? (result.valid ? 'extracted' : 'needs_review') });
      }
      return extractionId;
    });
  }

  /** Records a pending item's failure; `retryErrors` makes failed items pending again. */
  failItem(runId: string, messageId: string, error: string): boolean {
    return this.ws.write(() => {
      const changed = this.stmts.failItem.run({ run_id: runId, message_id: messageId, error, at: this.ws.timestamp() }).changes;
      if (changed === 1) this.stmts.countError.run(runId);
      return changed === 1;
    });
  }

  /** Makes every failed item pending again; returns how many. */
  retryErrors(runId: string): number {
    return this.ws.write(() => {
      const changed = this.stmts.retryErrors.run({ run_id: runId, at: this.ws.timestamp() }).changes;
      this.stmts.recount.run({ id: runId });
      return changed;
    });
  }

  items(runId: string, options: { status?: RunItemStatus; after?: string; limit?: number } = {}): RunItem[] {
    return (
      this.stmts.items.all({
        run_id: runId,
        status: options.status ?? null,
        after: options.after ?? '',
        limit: options.limit ?? 500,
      }) as ItemRow[]
    ).map((row) => ({
      runId: row.run_id,
      messageId: row.message_id,
      status: row.status,
      error: row.error,
      attempts: row.attempts,
      extractionId: row.extraction_id,
      updatedAt: row.updated_at,
    }));
  }

  /** Deletes the run with its items and extractions. */
  delete(id: string): boolean {
    return this.ws.write(() => this.stmts.delete.run(id).changes === 1);
  }
}

function mapRun(row: RunRow): StoredRun {
  return {
    id: row.id,
    kind: row.kind,
    rulebookId: row.rulebook_id,
    rulebookVersion: row.rulebook_version,
    rulebookHash: row.rulebook_hash,
    provider: row.provider,
    model: row.model,
    settings: fromJson<ModelSettings>(row.settings),
    selection: fromJson<JsonValue>(row.selection),
    status: row.status,
    total: row.total_count,
    done: row.done_count,
    errors: row.error_count,
    pending: row.total_count - row.done_count - row.error_count,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Two runs compared (issue 12), in SQLite: the newest extraction of each run per message, joined on
// the message, into a temporary table of one row per message both runs extracted, with each schema
// field's value on either side (as JSON text, a missing key as null) and whether it differs; then
// counts, transitions and pages are aggregates over that table.

/** How the pipeline records a key of the model's answer that is no schema field (extractor.ts): dropped from the output, kept in errors. */
export { DROPPED_KEY_MESSAGE };

/** The field a comparison looks at: a schema field, and whether its transitions (old → new) are counted (enum, boolean). */
export interface ComparedField {
  name: string;
  transitions: boolean;
}

export interface RunComparisonCounts {
  overlap: number;
  changed: number;
  becameInvalid: number;
  becameValid: number;
  /** Per compared field, in the order given: messages whose value differs, and (if asked) old → new as JSON text, most frequent first. */
  fields: { field: string; changed: number; transitions: { from: string; to: string; count: number }[] }[];
  /** Keys outside the compared fields, in outputs or dropped from them (errors): messages with it on each side. */
  unknownKeys: { key: string; a: number; b: number }[];
}

/** Which changed messages to list. A `field` may be a compared field or a key outside them. */
export interface RunComparisonFilter {
  field?: string;
  /** JSON text of the old value (with `field`; a missing key is `null`). */
  from?: string;
  /** JSON text of the new value. */
  to?: string;
  validityChanged?: boolean;
}

export interface RunComparisonRow {
  messageId: string;
  subject: string | null;
  excerpt: string;
  /** Compared fields whose value differs (in the order given), then keys outside them that differ (sorted). */
  changedFields: string[];
  a: { extractionId: number; valid: boolean; output: string; unknownKeys: string[] };
  b: { extractionId: number; valid: boolean; output: string; unknownKeys: string[] };
}

const COMPARE_TABLE = 'temp.casebook_run_compare';
const EXCERPT_CHARS = 160;

/** The comparison's SQL function for containers: canonical JSON (key order), so equal values compare equal. */
const withCanonicalFunction = new WeakSet<object>();
function registerCanonicalFunction(db: Workspace['db']): void {
  if (withCanonicalFunction.has(db)) return;
  db.function('casebook_canonical_json', { deterministic: true }, (text: unknown) => {
    if (typeof text !== 'string') return null;
    try {
      return canonicalJson(JSON.parse(text) as JsonValue);
    } catch {
      return text;
    }
  });
  withCanonicalFunction.add(db);
}

/** One side's keys outside the compared fields: in its output (with the value as JSON text) or dropped (errors; null). */
function unknownKeysSql(x: string): string {
  return `nullif((SELECT json_group_object(k, v) FROM (
      SELECT j.key AS k,
        CASE WHEN j.type IN ('object', 'array') THEN j.value WHEN j.type IN ('true', 'false') THEN j.type ELSE json_quote(j.value) END AS v
        FROM json_each(${x}.output) j WHERE j.key NOT IN (SELECT value FROM json_each(@fields))
      UNION ALL
      SELECT substr(json_extract(e.value, '$.path'), 2), NULL FROM json_each(${x}.errors) e
        WHERE ${x}.errors <> '[]' AND json_extract(e.value, '$.message') = '${DROPPED_KEY_MESSAGE}'
      ORDER BY 1)), '{}')`;
}

/** Whether two JSON texts of a field differ: as text, and canonically where both are containers. */
function differsSql(a: string, b: string): string {
  return `CASE WHEN ${a} = ${b} THEN 0
    WHEN substr(${a}, 1, 1) IN ('{', '[') AND substr(${b}, 1, 1) IN ('{', '[') THEN casebook_canonical_json(${a}) IS NOT casebook_canonical_json(${b})
    ELSE 1 END`;
}

export class RunComparisonQueries {
  /** What the temporary table holds now (runs, fields and the runs' extractions), so pages reuse it. */
  private built: string | null = null;
  private fields: readonly ComparedField[] = [];
  private totals = { overlap: 0, becameInvalid: 0, becameValid: 0 };

  constructor(private readonly ws: Workspace) {}

  /**
   * Builds the comparison of runs a and b over `fields`, the draft's, whose shape hash is
   * `schemaHash` (unless the table already holds it). The table keeps only the messages worth a
   * look: outputs or validity that differ, or a side that may hold keys outside the fields. An
   * output made under the draft's schema shape holds only its fields (the pipeline drops other
   * keys and says so in errors), so only outputs made under another shape, or with errors, are
   * read key by key. The overlap and validity counts come from one pass that reads no JSON.
   */
  prepare(a: string, b: string, fields: readonly ComparedField[], schemaHash: string | null): void {
    const db = this.ws.db;
    const stats = db.prepare('SELECT count(*) AS n, max(id) AS last FROM extractions WHERE run_id = ?');
    const signature = JSON.stringify([a, b, fields, schemaHash, stats.get(a), stats.get(b)]);
    if (signature === this.built && this.tableExists()) return;
    registerCanonicalFunction(db);
    this.built = null;
    const n = fields.length;
    // The newest extraction of each run per message, with its validity: SQLite takes a bare column
    // beside max() from the row that has the max, and the index (run_id, message_id, valid) covers it.
    const newest = `WITH ea AS (SELECT message_id, max(id) AS id, valid FROM extractions WHERE run_id = @a GROUP BY message_id),
        eb AS (SELECT message_id, max(id) AS id, valid FROM extractions WHERE run_id = @b GROUP BY message_id)`;
    const joined = `FROM ea JOIN eb ON eb.message_id = ea.message_id JOIN extractions xa ON xa.id = ea.id JOIN extractions xb ON xb.id = eb.id`;
    const totals = db
      .prepare(
        `${newest} SELECT count(*) AS overlap, coalesce(sum(ea.valid = 1 AND eb.valid = 0), 0) AS became_invalid,
          coalesce(sum(ea.valid = 0 AND eb.valid = 1), 0) AS became_valid FROM ea JOIN eb ON eb.message_id = ea.message_id`,
      )
      .get({ a, b }) as { overlap: number; became_invalid: number; became_valid: number };

    const mayHaveKeys = (x: string) => `(${x}.errors <> '[]' OR ${x}.schema_hash IS NOT @schema_hash)`;
    const names = ['message_id', 'a_id', 'b_id', 'a_valid', 'b_valid', 'a_unknown', 'b_unknown', ...fields.flatMap((_, i) => [`a${i}`, `b${i}`])].join(', ');
    const values = fields.map((f) => `, coalesce(xa.output -> '$.${f.name}', 'null'), coalesce(xb.output -> '$.${f.name}', 'null')`).join('');
    db.exec(`DROP TABLE IF EXISTS ${COMPARE_TABLE}`);
    db.exec(`CREATE TABLE ${COMPARE_TABLE} (message_id TEXT PRIMARY KEY, a_id INTEGER, b_id INTEGER, a_valid INTEGER, b_valid INTEGER,
      a_unknown TEXT, b_unknown TEXT${fields.map((_, i) => `, a${i} TEXT, b${i} TEXT, d${i} INTEGER NOT NULL DEFAULT 0`).join('')}, changed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`);
    db.prepare(
      `INSERT INTO ${COMPARE_TABLE} (${names}) ${newest}
      SELECT ea.message_id, xa.id, xb.id, xa.valid, xb.valid,
        CASE WHEN ${mayHaveKeys('xa')} THEN ${unknownKeysSql('xa')} END, CASE WHEN ${mayHaveKeys('xb')} THEN ${unknownKeysSql('xb')} END${values}
      ${joined}
      WHERE xa.output <> xb.output OR xa.valid <> xb.valid OR ${mayHaveKeys('xa')} OR ${mayHaveKeys('xb')}`,
    ).run({ a, b, fields: toJson(fields.map((f) => f.name)), schema_hash: schemaHash });
    const diffs = fields.map((_, i) => `d${i} = ${differsSql(`a${i}`, `b${i}`)}`);
    db.exec(`UPDATE ${COMPARE_TABLE} SET ${[...diffs, `changed = a_unknown IS NOT b_unknown OR a_valid <> b_valid`].join(', ')}`);
    if (n) db.exec(`UPDATE ${COMPARE_TABLE} SET changed = 1 WHERE changed = 0 AND (${fields.map((_, i) => `d${i}`).join(' OR ')})`);
    this.totals = { overlap: totals.overlap, becameInvalid: totals.became_invalid, becameValid: totals.became_valid };
    this.built = signature;
    this.fields = fields;
  }

  /** The counts of the prepared comparison. */
  counts(): RunComparisonCounts {
    const db = this.ws.db;
    const sums = this.fields.map((_, i) => `, coalesce(sum(d${i}), 0) AS d${i}`).join('');
    const totals = db.prepare(`SELECT coalesce(sum(changed), 0) AS changed${sums} FROM ${COMPARE_TABLE}`).get() as Record<string, number>;
    const fields = this.fields.map((f, i) => ({
      field: f.name,
      changed: totals[`d${i}`] ?? 0,
      transitions: f.transitions
        ? (db.prepare(`SELECT a${i} AS "from", b${i} AS "to", count(*) AS count FROM ${COMPARE_TABLE} WHERE d${i} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`).all() as {
            from: string;
            to: string;
            count: number;
          }[])
        : [],
    }));
    const unknownKeys = db
      .prepare(
        `SELECT key, sum(side = 'a') AS a, sum(side = 'b') AS b FROM (
          SELECT 'a' AS side, j.key FROM ${COMPARE_TABLE} c, json_each(c.a_unknown) j WHERE c.a_unknown IS NOT NULL
          UNION ALL
          SELECT 'b', j.key FROM ${COMPARE_TABLE} c, json_each(c.b_unknown) j WHERE c.b_unknown IS NOT NULL)
        GROUP BY key ORDER BY a + b DESC, key`,
      )
      .all() as { key: string; a: number; b: number }[];
    return {
      ...this.totals,
      changed: totals.changed ?? 0,
      fields,
      unknownKeys,
    };
  }

  /** Changed messages matching the filter: how many, and a page of them by message id after `after`. */
  page(filter: RunComparisonFilter, after: string, limit: number): { matching: number; rows: RunComparisonRow[] } {
    const where = ['c.changed'];
    const params: Record<string, string | number> = {};
    if (filter.field !== undefined) {
      const i = this.fields.findIndex((f) => f.name === filter.field);
      params.key = filter.field;
      if (i >= 0) {
        where.push(`c.d${i}`);
        if (filter.from !== undefined) {
          where.push(`c.a${i} = @from`);
          params.from = filter.from;
        }
        if (filter.to !== undefined) {
          where.push(`c.b${i} = @to`);
          params.to = filter.to;
        }
      } else {
        // A key outside the schema: one side has it and the other not, or their values differ.
        const side = (x: 'a' | 'b') => `(CASE WHEN json_type(c.${x}_unknown, '$.' || json_quote(@key)) IS NULL THEN NULL ELSE coalesce(c.${x}_unknown ->> ('$.' || json_quote(@key)), '') END)`;
        where.push(`${side('a')} IS NOT ${side('b')}`);
        if (filter.from !== undefined || filter.to !== undefined) where.push('0');
      }
    }
    if (filter.validityChanged) where.push('c.a_valid <> c.b_valid');
    const clause = where.join(' AND ');
    const db = this.ws.db;
    const matching = (db.prepare(`SELECT count(*) AS n FROM ${COMPARE_TABLE} c WHERE ${clause}`).get(params) as { n: number }).n;
    const diffs = this.fields.map((_, i) => `, c.d${i}`).join('');
    const rows = db
      .prepare(
        `SELECT c.message_id, m.subject, substr(m.text, 1, ${EXCERPT_CHARS * 2}) AS text_start, c.a_id, c.b_id, c.a_valid, c.b_valid,
          c.a_unknown, c.b_unknown, xa.output AS a_output, xb.output AS b_output${diffs}
        FROM ${COMPARE_TABLE} c JOIN messages m ON m.id = c.message_id
          JOIN extractions xa ON xa.id = c.a_id JOIN extractions xb ON xb.id = c.b_id
        WHERE ${clause} AND c.message_id > @after ORDER BY c.message_id LIMIT @limit`,
      )
      .all({ ...params, after, limit }) as Record<string, string | number | null>[];
    return {
      matching,
      rows: rows.map((r) => {
        const changed = this.fields.filter((_, i) => r[`d${i}`] === 1).map((f) => f.name);
        const ua = fromJson<Record<string, string | null>>(r.a_unknown as string | null) ?? {};
        const ub = fromJson<Record<string, string | null>>(r.b_unknown as string | null) ?? {};
        const keys = [...new Set([...Object.keys(ua), ...Object.keys(ub)])].sort();
        for (const k of keys) if (!(k in ua) || !(k in ub) || ua[k] !== ub[k]) changed.push(k);
        return {
          messageId: r.message_id as string,
          subject: r.subject as string | null,
          excerpt: excerpt(r.text_start as string),
          changedFields: changed,
          a: { extractionId: r.a_id as number, valid: r.a_valid === 1, output: r.a_output as string, unknownKeys: Object.keys(ua).sort() },
          b: { extractionId: r.b_id as number, valid: r.b_valid === 1, output: r.b_output as string, unknownKeys: Object.keys(ub).sort() },
        };
      }),
    };
  }

  private tableExists(): boolean {
    return this.ws.db.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'casebook_run_compare'").get() !== undefined;
  }
}

/** The start of a message's text as one line: whitespace made single spaces, at most EXCERPT_CHARS characters. */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}
