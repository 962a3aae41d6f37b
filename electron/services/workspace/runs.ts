import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { ExtractionResult, JsonValue, ModelSettings } from '../../../shared/src/domain.js';
import { ExtractionRepository, type NewExtraction } from './extractions.js';
import { fromJson, toJson } from './json.js';
import { machineMayReplaceSql } from './messages.js';
import type { Workspace } from './workspace.js';

export { RUN_STATUSES, type RunStatus } from '../../../shared/src/api/names.js';
import type { RunStatus } from '../../../shared/src/api/names.js';
export type RunItemStatus = 'pending' | 'done' | 'error';
/** `extract` runs feed the inbox; the others (regression, replay, drift ...) are kept beside it. */
export type RunKind = 'extract' | 'regression' | 'replay' | 'drift' | (string & {});

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
  list: `SELECT ${RUN_COLUMNS} FROM runs WHERE (@kind IS NULL OR kind = @kind) ORDER BY created_at DESC, id DESC LIMIT @limit`,
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
  private readonly stmts: { [K in keyof typeof SQL]: Statement<unknown[]> };

  constructor(private readonly ws: Workspace) {
    this.extractions = new ExtractionRepository(ws);
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

  /** Newest first. */
  list(options: { kind?: RunKind; limit?: number } = {}): StoredRun[] {
    return (this.stmts.list.all({ kind: options.kind ?? null, limit: options.limit ?? 100 }) as RunRow[]).map(mapRun);
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
