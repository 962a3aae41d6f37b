// What a publish says about a version beyond its artifact: who published it, their note, the
// changelog computed then, the gate's result, the reason a failing gate was overridden and the key
// that signed it. Written once with the version; the database refuses a change.
import type { Statement } from 'better-sqlite3';
import type { ChangelogEntry } from '../../../shared/src/api/records.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

/** The gate's result as a publication keeps it. */
export interface PublicationGate {
  passed: number;
  failed: number;
  regressions: number;
}

export interface NewPublication {
  /** rulebook_versions.id of the version published. */
  versionId: number;
  author: string;
  note: string;
  changelog: ChangelogEntry[];
  /** Null when published without a gate. */
  gate: PublicationGate | null;
  overrideReason: string | null;
  keyId: string | null;
}

export type StoredPublication = NewPublication;

interface Row {
  version_id: number;
  author: string;
  note: string;
  changelog: string;
  gate: string | null;
  override_reason: string | null;
  key_id: string | null;
}

const map = (r: Row): StoredPublication => ({
  versionId: r.version_id,
  author: r.author,
  note: r.note,
  changelog: fromJson<ChangelogEntry[]>(r.changelog),
  gate: fromJson<PublicationGate>(r.gate),
  overrideReason: r.override_reason,
  keyId: r.key_id,
});

export class PublicationRepository {
  private readonly insertStmt: Statement<[Record<string, string | number | null>]>;
  private readonly getStmt: Statement<[number], Row>;
  private readonly byRulebookStmt: Statement<[string], Row>;

  constructor(private readonly ws: Workspace) {
    this.insertStmt = ws.db.prepare(`INSERT INTO rulebook_publications (version_id, author, note, changelog, gate, override_reason, key_id)
      VALUES (@version_id, @author, @note, @changelog, @gate, @override_reason, @key_id)`);
    this.getStmt = ws.db.prepare('SELECT * FROM rulebook_publications WHERE version_id = ?');
    this.byRulebookStmt = ws.db.prepare(`SELECT p.* FROM rulebook_publications p JOIN rulebook_versions v ON v.id = p.version_id
      WHERE v.rulebook_id = ? ORDER BY v.version DESC`);
  }

  /** Records a publish, in the caller's transaction (with the version it describes). */
  insert(p: NewPublication): StoredPublication {
    return this.ws.write(() => {
      this.insertStmt.run({
        version_id: p.versionId,
        author: p.author,
        note: p.note,
        changelog: toJson(p.changelog),
        gate: p.gate === null ? null : toJson(p.gate),
        override_reason: p.overrideReason,
        key_id: p.keyId,
      });
      return this.get(p.versionId)!;
    });
  }

  get(versionId: number): StoredPublication | null {
    const row = this.getStmt.get(versionId);
    return row ? map(row) : null;
  }

  /** Every publication of a rulebook, by version id (for lists). */
  forRulebook(rulebookId: string): Map<number, StoredPublication> {
    return new Map(this.byRulebookStmt.all(rulebookId).map((r) => [r.version_id, map(r)]));
  }
}
