// Replays that ended (issue 12, migration 014): the report and the items whose answer differed,
// written in one transaction when a replay ends, read back a page at a time by attribution.
import type { Statement } from 'better-sqlite3';
import type { Attribution, ReplayItem, ReplayReport } from '../../../shared/src/api/index.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

/** A replay's report without its items. */
export type ReplaySummary = Omit<ReplayReport, 'items' | 'nextCursor'>;

export interface StoredReplay {
  report: ReplaySummary;
  startedAt: string;
}

export class ReplayRepository {
  private readonly insertReplay: Statement<[string, string, string]>;
  private readonly insertItem: Statement<[string, number, string, string]>;
  private readonly getStmt: Statement<[string], { report: string; started_at: string }>;
  private readonly listStmt: Statement<[number], { report: string; started_at: string }>;
  private readonly pruneStmt: Statement<[number]>;

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.insertReplay = db.prepare('INSERT OR REPLACE INTO replays (id, started_at, report) VALUES (?, ?, ?)');
    this.insertItem = db.prepare('INSERT INTO replay_items (replay_id, ord, attribution, item) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare('SELECT report, started_at FROM replays WHERE id = ?');
    this.listStmt = db.prepare('SELECT report, started_at FROM replays ORDER BY started_at DESC, id DESC LIMIT ?');
    this.pruneStmt = db.prepare('DELETE FROM replays WHERE id NOT IN (SELECT id FROM replays ORDER BY started_at DESC, id DESC LIMIT ?)');
  }

  /** Writes an ended replay and its items (in trace order), keeping the newest `keep` replays. */
  save(report: ReplaySummary, startedAt: string, items: readonly ReplayItem[], keep: number): void {
    this.ws.write(() => {
      this.ws.db.prepare('DELETE FROM replay_items WHERE replay_id = ?').run(report.id);
      this.insertReplay.run(report.id, startedAt, toJson(report));
      items.forEach((item, ord) => this.insertItem.run(report.id, ord, item.attribution, toJson(item)));
      this.pruneStmt.run(keep);
    });
  }

  get(id: string): StoredReplay | null {
    const row = this.getStmt.get(id);
    return row ? { report: fromJson<ReplaySummary>(row.report), startedAt: row.started_at } : null;
  }

  /** The newest `limit` replays. */
  list(limit: number): StoredReplay[] {
    return this.listStmt.all(limit).map((row) => ({ report: fromJson<ReplaySummary>(row.report), startedAt: row.started_at }));
  }

  /** A page of a replay's items (of one attribution, when given), in trace order, and how many match. */
  items(id: string, attribution: Attribution | undefined, offset: number, limit: number): { items: ReplayItem[]; matching: number } {
    const where = attribution ? 'replay_id = @id AND attribution = @attribution' : 'replay_id = @id';
    const params: Record<string, string | number> = attribution ? { id, attribution } : { id };
    const db = this.ws.db;
    const matching = db.prepare(`SELECT count(*) FROM replay_items WHERE ${where}`).pluck().get(params) as number;
    const items = (db.prepare(`SELECT item FROM replay_items WHERE ${where} ORDER BY ord LIMIT @limit OFFSET @offset`).pluck().all({ ...params, offset, limit }) as string[]).map((s) =>
      fromJson<ReplayItem>(s),
    );
    return { items, matching };
  }
}
