import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Extraction, MessageInput, Precedent } from '../../../shared/src/domain.js';
import { fromJson, isoTime, toJson } from './json.js';
import type { Workspace } from './workspace.js';

/** A precedent as the workspace keeps it: the domain precedent, where it came from, and its undo state. */
export interface StoredPrecedent extends Precedent {
  /** The workspace message it was made from, if any. */
  messageId: string | null;
  updatedAt: string;
  /** Set while deleted (undo restores it). */
  deletedAt: string | null;
}

export interface NewPrecedent {
  /** Generated when absent. */
  id?: string;
  message: MessageInput;
  output: Extraction;
  rationale?: string;
  tags?: string[];
  author?: string;
  createdAt?: string;
  messageId?: string | null;
}

export interface PrecedentPatch {
  output?: Extraction;
  rationale?: string | null;
  tags?: string[];
}

const COLUMNS = 'id, message_id, message, output, rationale, tags, author, created_at, updated_at, deleted_at';

const SQL = {
  insert: `INSERT INTO precedents (id, message_id, message, output, rationale, tags, author, created_at, updated_at)
    VALUES (@id, @message_id, @message, @output, @rationale, @tags, @author, @created_at, @updated_at)`,
  get: `SELECT ${COLUMNS} FROM precedents WHERE id = ?`,
  // In the order they were added (a rulebook file's order, then the team's): a draft made from a
  // file lists its precedents exactly as the file does, and retrieval breaks ties the same way.
  list: `SELECT ${COLUMNS} FROM precedents WHERE deleted_at IS NULL ORDER BY rowid`,
  listAll: `SELECT ${COLUMNS} FROM precedents ORDER BY rowid`,
  forMessage: `SELECT ${COLUMNS} FROM precedents WHERE message_id = ? AND deleted_at IS NULL ORDER BY created_at, id`,
  update: `UPDATE precedents SET output = @output, rationale = @rationale, tags = @tags, updated_at = @updated_at
    WHERE id = @id AND deleted_at IS NULL`,
  softDelete: 'UPDATE precedents SET deleted_at = @at, updated_at = @at WHERE id = @id AND deleted_at IS NULL',
  restore: 'UPDATE precedents SET deleted_at = NULL, updated_at = @at WHERE id = @id AND deleted_at IS NOT NULL',
  purge: 'DELETE FROM precedents WHERE deleted_at IS NOT NULL AND deleted_at < ?',
  count: 'SELECT count(*) FROM precedents WHERE deleted_at IS NULL',
  outputRow: 'SELECT id, output, updated_at, deleted_at FROM precedents WHERE id = ?',
  putOutputRow: 'UPDATE precedents SET output = @output, updated_at = @updated_at, deleted_at = @deleted_at WHERE id = @id',
} as const;

/**
 * The columns of a precedent's row that a schema change writes, exactly as stored: what its undo
 * puts back (the message, a copy of it, stays out of the draft's history).
 */
export interface PrecedentOutputRow {
  id: string;
  output: string;
  updated_at: string;
  deleted_at: string | null;
}

interface Row {
  id: string;
  message_id: string | null;
  message: string;
  output: string;
  rationale: string | null;
  tags: string;
  author: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export class PrecedentRepository {
  private readonly insertStmt: Statement<[Record<string, string | null>]>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly listStmt: Statement<[], Row>;
  private readonly listAllStmt: Statement<[], Row>;
  private readonly forMessageStmt: Statement<[string], Row>;
  private readonly updateStmt: Statement<[Record<string, string | null>]>;
  private readonly softDeleteStmt: Statement<[{ id: string; at: string }]>;
  private readonly restoreStmt: Statement<[{ id: string; at: string }]>;
  private readonly purgeStmt: Statement<[string]>;
  private readonly countStmt: Statement<[], number>;
  private readonly outputRowStmt: Statement<[string], PrecedentOutputRow>;
  private readonly putOutputRowStmt: Statement<[Record<string, string | null>]>;

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.insertStmt = db.prepare(SQL.insert);
    this.getStmt = db.prepare(SQL.get);
    this.listStmt = db.prepare(SQL.list);
    this.listAllStmt = db.prepare(SQL.listAll);
    this.forMessageStmt = db.prepare(SQL.forMessage);
    this.updateStmt = db.prepare(SQL.update);
    this.softDeleteStmt = db.prepare(SQL.softDelete);
    this.restoreStmt = db.prepare(SQL.restore);
    this.purgeStmt = db.prepare(SQL.purge);
    this.countStmt = db.prepare<[], number>(SQL.count).pluck();
    this.outputRowStmt = db.prepare(SQL.outputRow);
    this.putOutputRowStmt = db.prepare(SQL.putOutputRow);
  }

  create(precedent: NewPrecedent): StoredPrecedent {
    return this.createMany([precedent])[0]!;
  }

  /** Stores precedents in one transaction (all or none). */
  createMany(precedents: readonly NewPrecedent[]): StoredPrecedent[] {
    const now = this.ws.timestamp();
    return this.ws.write(() =>
      precedents.map((p) => {
        if (typeof p.message?.text !== 'string') throw new TypeError('a precedent needs a message with text');
        const id = p.id ?? `p_${randomUUID()}`;
        this.insertStmt.run({
          id,
          message_id: p.messageId ?? null,
          message: toJson(p.message),
          output: toJson(p.output),
          rationale: p.rationale ?? null,
          tags: toJson(p.tags ?? []),
          author: p.author ?? null,
          created_at: p.createdAt ? isoTime(p.createdAt, 'createdAt') : now,
          updated_at: now,
        });
        return this.get(id)!;
      }),
    );
  }

  /** A precedent, deleted or not. */
  get(id: string): StoredPrecedent | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /** Oldest first; deleted ones only when asked. */
  list(options: { includeDeleted?: boolean } = {}): StoredPrecedent[] {
    return (options.includeDeleted ? this.listAllStmt : this.listStmt).all().map(mapRow);
  }

  /** The domain precedents a rulebook holds (the ones not deleted). */
  active(): Precedent[] {
    return this.listStmt.all().map((row) => toPrecedent(mapRow(row)));
  }

  forMessage(messageId: string): StoredPrecedent[] {
    return this.forMessageStmt.all(messageId).map(mapRow);
  }

  count(): number {
    return this.countStmt.get()!;
  }

  update(id: string, patch: PrecedentPatch): StoredPrecedent | null {
    return this.ws.write(() => {
      const current = this.get(id);
      if (!current || current.deletedAt !== null) return null;
      this.updateStmt.run({
        id,
        output: toJson(patch.output ?? current.output),
        rationale: patch.rationale === undefined ? (current.rationale ?? null) : patch.rationale,
        tags: toJson(patch.tags ?? current.tags ?? []),
        updated_at: this.ws.timestamp(),
      });
      return this.get(id);
    });
  }

  /** Marks the precedent deleted; `restore` undoes it. */
  delete(id: string): boolean {
    return this.ws.write(() => this.softDeleteStmt.run({ id, at: this.ws.timestamp() }).changes === 1);
  }

  restore(id: string): boolean {
    return this.ws.write(() => this.restoreStmt.run({ id, at: this.ws.timestamp() }).changes === 1);
  }

  /** The output columns of precedents exactly as stored (those that exist, in the order asked). */
  outputRows(ids: readonly string[]): PrecedentOutputRow[] {
    return ids.map((id) => this.outputRowStmt.get(id)).filter((r): r is PrecedentOutputRow => r !== undefined);
  }

  /** Puts output columns back exactly as `outputRows` read them (an undo); false when a precedent is gone. */
  putOutputRows(rows: readonly PrecedentOutputRow[]): boolean {
    return this.ws.write(() => rows.every((row) => this.putOutputRowStmt.run({ ...row }).changes === 1));
  }

  /** Removes for good the precedents deleted before `before` (past the undo window). */
  purgeDeleted(before: string): number {
    return this.ws.write(() => this.purgeStmt.run(isoTime(before)).changes);
  }
}

export function toPrecedent(stored: StoredPrecedent): Precedent {
  return {
    id: stored.id,
    message: stored.message,
    output: stored.output,
    ...(stored.rationale !== undefined ? { rationale: stored.rationale } : {}),
    // The workspace stores no tags as []; a rulebook writes none at all.
    ...(stored.tags?.length ? { tags: stored.tags } : {}),
    ...(stored.author !== undefined ? { author: stored.author } : {}),
    createdAt: stored.createdAt,
  };
}

function mapRow(row: Row): StoredPrecedent {
  return {
    id: row.id,
    message: fromJson<MessageInput>(row.message),
    output: fromJson<Extraction>(row.output),
    ...(row.rationale !== null ? { rationale: row.rationale } : {}),
    tags: fromJson<string[]>(row.tags),
    ...(row.author !== null ? { author: row.author } : {}),
    createdAt: row.created_at,
    messageId: row.message_id,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}
