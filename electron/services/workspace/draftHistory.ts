// The draft rulebook's change history: who changed what and when, newest first, with what undoing
// each change takes. Writes join the caller's transaction (a change and its entry commit together).
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { DraftChangeKind } from '../../../shared/src/api/names.js';
import type { JsonValue } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

export interface NewDraftHistoryEntry {
  kind: DraftChangeKind;
  author: string;
  /** One line a person reads. */
  summary: string;
  /** The change as asked for. */
  change: JsonValue;
  /** What undoing it takes (the state before); null when it cannot be undone. */
  undo: JsonValue | null;
  /** For an undo: the entry it undoes (marked undone by the new entry). */
  undoOf?: string | null;
}

export interface StoredDraftHistoryEntry {
  seq: number;
  id: string;
  at: string;
  author: string;
  kind: DraftChangeKind;
  summary: string;
  change: JsonValue;
  undo: JsonValue | null;
  undoneBy: string | null;
  undoOf: string | null;
}

interface Row {
  seq: number;
  id: string;
  at: string;
  author: string;
  kind: DraftChangeKind;
  summary: string;
  change: string;
  undo: string | null;
  undone_by: string | null;
  undo_of: string | null;
}

const COLUMNS = 'seq, id, at, author, kind, summary, change, undo, undone_by, undo_of';

function mapRow(row: Row): StoredDraftHistoryEntry {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    author: row.author,
    kind: row.kind,
    summary: row.summary,
    change: fromJson<JsonValue>(row.change),
    undo: row.undo === null ? null : fromJson<JsonValue>(row.undo),
    undoneBy: row.undone_by,
    undoOf: row.undo_of,
  };
}

export class DraftHistoryRepository {
  private readonly insertStmt: Statement;
  private readonly markStmt: Statement<[{ id: string; by: string }]>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly listStmt: Statement<[number], Row>;
  private readonly newestNotUndoneStmt: Statement<[], Row>;

  constructor(private readonly ws: Workspace) {
    this.insertStmt = ws.db.prepare(
      `INSERT INTO draft_history (id, at, author, kind, summary, change, undo, undo_of) VALUES (@id, @at, @author, @kind, @summary, @change, @undo, @undoOf)`,
    );
    this.markStmt = ws.db.prepare('UPDATE draft_history SET undone_by = @by WHERE id = @id AND undone_by IS NULL');
    this.getStmt = ws.db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM draft_history WHERE id = ?`);
    this.listStmt = ws.db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM draft_history ORDER BY seq DESC LIMIT ?`);
    this.newestNotUndoneStmt = ws.db.prepare<[], Row>(
      `SELECT ${COLUMNS} FROM draft_history WHERE kind <> 'undo' AND undone_by IS NULL ORDER BY seq DESC LIMIT 1`,
    );
  }

  /** Records a change (and, for an undo, marks the entry it undoes), in the caller's transaction. */
  add(entry: NewDraftHistoryEntry): StoredDraftHistoryEntry {
    return this.ws.write(() => {
      const id = `h_${randomUUID()}`;
      this.insertStmt.run({
        id,
        at: this.ws.timestamp(),
        author: entry.author,
        kind: entry.kind,
        summary: entry.summary,
        change: toJson(entry.change),
        undo: entry.undo === null ? null : toJson(entry.undo),
        undoOf: entry.undoOf ?? null,
      });
      if (entry.undoOf && this.markStmt.run({ id: entry.undoOf, by: id }).changes !== 1) {
        throw new Error(`draft history: entry ${entry.undoOf} does not exist or was already undone`);
      }
      return this.get(id)!;
    });
  }

  get(id: string): StoredDraftHistoryEntry | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /** Newest first. */
  list(limit = 100): StoredDraftHistoryEntry[] {
    return this.listStmt.all(limit).map(mapRow);
  }

  /**
   * The newest change that is not an undo and was not undone: the one undo may take back next
   * (undoing changes one by one, newest first, walks back through the history).
   */
  newestNotUndone(): StoredDraftHistoryEntry | null {
    const row = this.newestNotUndoneStmt.get();
    return row ? mapRow(row) : null;
  }

  /** The newest entry, or null in a workspace whose draft was never edited. */
  latest(): StoredDraftHistoryEntry | null {
    return this.list(1)[0] ?? null;
  }
}
