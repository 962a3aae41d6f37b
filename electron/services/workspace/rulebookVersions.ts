import type { Statement } from 'better-sqlite3';
import type { RulebookArtifact } from '../../../shared/src/domain.js';
import { fromJson, isoTime } from './json.js';
import type { Workspace } from './workspace.js';

/** A published version without its (large) artifact, for lists. */
export interface RulebookVersionSummary {
  id: number;
  rulebookId: string;
  version: number;
  hash: string;
  parentHash: string | null;
  createdAt: string;
  /** Labels that point at this version now. */
  labels: string[];
}

/** A version for lists, with what its artifact says of itself (read by SQLite, not parsed here). */
export interface RulebookVersionListing extends RulebookVersionSummary {
  parentVersion: number | null;
  keyId: string | null;
  counts: { fields: number; rules: number; precedents: number };
}

export interface RulebookVersionRecord extends RulebookVersionSummary {
  artifact: RulebookArtifact;
  /** The artifact's JSON exactly as stored (byte for byte as published). */
  artifactJson: string;
}

export interface LabelMove {
  rulebookId: string;
  label: string;
  /** Null when the label was removed. */
  version: number | null;
  /** The version it pointed at before the move; null when the label was new. */
  from: number | null;
  setBy: string | null;
  setAt: string;
  /** Why it was moved (a rollback says why); '' when no reason was given. */
  reason: string;
}

/** A label as it points now. */
export interface CurrentLabel {
  label: string;
  version: number;
  hash: string;
  setBy: string | null;
  setAt: string;
}

const SUMMARY = `v.id, v.rulebook_id, v.version, v.hash, v.parent_hash, v.created_at,
  (SELECT json_group_array(l.label) FROM (SELECT label FROM rulebook_labels WHERE version_id = v.id ORDER BY label) l) AS labels`;

const SQL = {
  insert: `INSERT INTO rulebook_versions (rulebook_id, version, hash, parent_hash, artifact, created_at)
    VALUES (@rulebook_id, @version, @hash, @parent_hash, @artifact, @created_at)`,
  byHash: `SELECT ${SUMMARY}, v.artifact FROM rulebook_versions v WHERE v.hash = ?`,
  byVersion: `SELECT ${SUMMARY}, v.artifact FROM rulebook_versions v WHERE v.rulebook_id = ? AND v.version = ?`,
  latest: `SELECT ${SUMMARY}, v.artifact FROM rulebook_versions v WHERE v.rulebook_id = ? ORDER BY v.version DESC LIMIT 1`,
  list: `SELECT ${SUMMARY} FROM rulebook_versions v WHERE v.rulebook_id = ? ORDER BY v.version DESC`,
  listing: `SELECT ${SUMMARY}, json_extract(v.artifact, '$.parent.version') AS parent_version, json_extract(v.artifact, '$.signature.keyId') AS key_id,
    json_array_length(v.artifact, '$.schema.fields') AS fields, json_array_length(v.artifact, '$.rules') AS rules,
    json_array_length(v.artifact, '$.precedents') AS precedents
    FROM rulebook_versions v WHERE v.rulebook_id = ? ORDER BY v.version DESC`,
  labelled: `SELECT ${SUMMARY}, v.artifact FROM rulebook_labels l JOIN rulebook_versions v ON v.id = l.version_id
    WHERE l.rulebook_id = ? AND l.label = ?`,
  setLabel: `INSERT INTO rulebook_labels (rulebook_id, label, version_id, set_by, set_at) VALUES (@rulebook_id, @label, @version_id, @set_by, @set_at)
    ON CONFLICT (rulebook_id, label) DO UPDATE SET version_id = excluded.version_id, set_by = excluded.set_by, set_at = excluded.set_at`,
  removeLabel: 'DELETE FROM rulebook_labels WHERE rulebook_id = ? AND label = ?',
  recordLabel: `INSERT INTO rulebook_label_history (rulebook_id, label, version_id, from_version_id, set_by, set_at, reason)
    VALUES (@rulebook_id, @label, @version_id, @from_version_id, @set_by, @set_at, @reason)`,
  labelHistory: `SELECT h.rulebook_id, h.label, v.version, f.version AS from_version, h.set_by, h.set_at, h.reason FROM rulebook_label_history h
    LEFT JOIN rulebook_versions v ON v.id = h.version_id LEFT JOIN rulebook_versions f ON f.id = h.from_version_id
    WHERE h.rulebook_id = ? AND (? IS NULL OR h.label = ?) ORDER BY h.id DESC`,
  current: 'SELECT version_id FROM rulebook_labels WHERE rulebook_id = ? AND label = ?',
  labels: `SELECT l.label, v.version, v.hash, l.set_by, l.set_at FROM rulebook_labels l JOIN rulebook_versions v ON v.id = l.version_id
    WHERE l.rulebook_id = ? ORDER BY l.label`,
} as const;

interface SummaryRow {
  id: number;
  rulebook_id: string;
  version: number;
  hash: string;
  parent_hash: string | null;
  created_at: string;
  labels: string;
}
interface ListingRow extends SummaryRow {
  parent_version: number | null;
  key_id: string | null;
  fields: number;
  rules: number;
  precedents: number;
}
interface RecordRow extends SummaryRow {
  artifact: string;
}
interface LabelRow {
  rulebook_id: string;
  label: string;
  version: number | null;
  from_version: number | null;
  set_by: string | null;
  set_at: string;
  reason: string;
}
interface CurrentLabelRow {
  label: string;
  version: number;
  hash: string;
  set_by: string | null;
  set_at: string;
}

type Params = Record<string, string | number | null>;

/** Published rulebook versions: written once, never changed (the database refuses it), labels move. */
export class RulebookVersionRepository {
  private readonly insertStmt: Statement<[Params]>;
  private readonly byHashStmt: Statement<[string], RecordRow>;
  private readonly byVersionStmt: Statement<[string, number], RecordRow>;
  private readonly latestStmt: Statement<[string], RecordRow>;
  private readonly listStmt: Statement<[string], SummaryRow>;
  private readonly listingStmt: Statement<[string], ListingRow>;
  private readonly labelledStmt: Statement<[string, string], RecordRow>;
  private readonly setLabelStmt: Statement<[Params]>;
  private readonly removeLabelStmt: Statement<[string, string]>;
  private readonly recordLabelStmt: Statement<[Params]>;
  private readonly labelHistoryStmt: Statement<[string, string | null, string | null], LabelRow>;
  private readonly currentStmt: Statement<[string, string], { version_id: number }>;
  private readonly labelsStmt: Statement<[string], CurrentLabelRow>;

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.insertStmt = db.prepare(SQL.insert);
    this.byHashStmt = db.prepare(SQL.byHash);
    this.byVersionStmt = db.prepare(SQL.byVersion);
    this.latestStmt = db.prepare(SQL.latest);
    this.listStmt = db.prepare(SQL.list);
    this.listingStmt = db.prepare(SQL.listing);
    this.labelledStmt = db.prepare(SQL.labelled);
    this.setLabelStmt = db.prepare(SQL.setLabel);
    this.removeLabelStmt = db.prepare(SQL.removeLabel);
    this.recordLabelStmt = db.prepare(SQL.recordLabel);
    this.labelHistoryStmt = db.prepare(SQL.labelHistory);
    this.currentStmt = db.prepare(SQL.current);
    this.labelsStmt = db.prepare(SQL.labels);
  }

  /**
   * Stores a published artifact. The caller (publishing) has computed and verified its hash; this
   * checks that the version follows the parent it names. Storing the same hash again is refused.
   */
  insert(artifact: RulebookArtifact): RulebookVersionRecord {
    if (typeof artifact?.hash !== 'string' || artifact.hash === '') throw new TypeError('a rulebook version needs a hash');
    if (!Number.isInteger(artifact.version) || artifact.version < 1) throw new TypeError('a rulebook version number is 1 or more');
    return this.ws.write(() => {
      if (artifact.parent) {
        const parent = this.byHashStmt.get(artifact.parent.hash);
        if (!parent || parent.rulebook_id !== artifact.id || parent.version !== artifact.parent.version) {
          throw new Error(`rulebook ${artifact.id} v${artifact.version}: parent v${artifact.parent.version} ${artifact.parent.hash} is not in this workspace`);
        }
      }
      const json = JSON.stringify(artifact);
      this.insertStmt.run({
        rulebook_id: artifact.id,
        version: artifact.version,
        hash: artifact.hash,
        parent_hash: artifact.parent?.hash ?? null,
        artifact: json,
        created_at: artifact.createdAt ? isoTime(artifact.createdAt, 'createdAt') : this.ws.timestamp(),
      });
      return this.byHash(artifact.hash)!;
    });
  }

  byHash(hash: string): RulebookVersionRecord | null {
    const row = this.byHashStmt.get(hash);
    return row ? mapRecord(row) : null;
  }

  byVersion(rulebookId: string, version: number): RulebookVersionRecord | null {
    const row = this.byVersionStmt.get(rulebookId, version);
    return row ? mapRecord(row) : null;
  }

  latest(rulebookId: string): RulebookVersionRecord | null {
    const row = this.latestStmt.get(rulebookId);
    return row ? mapRecord(row) : null;
  }

  /** Newest first, without artifacts. */
  list(rulebookId: string): RulebookVersionSummary[] {
    return this.listStmt.all(rulebookId).map(mapSummary);
  }

  /** Newest first, without artifacts but with their parent, signing key and counts. */
  listing(rulebookId: string): RulebookVersionListing[] {
    return this.listingStmt.all(rulebookId).map((row) => ({
      ...mapSummary(row),
      parentVersion: row.parent_version,
      keyId: row.key_id,
      counts: { fields: row.fields, rules: row.rules, precedents: row.precedents },
    }));
  }

  /** The version a label points at (`production`), or null. */
  labelled(rulebookId: string, label: string): RulebookVersionRecord | null {
    const row = this.labelledStmt.get(rulebookId, label);
    return row ? mapRecord(row) : null;
  }

  /**
   * Points a label at a version (moving it if it pointed elsewhere: a rollback is a move back),
   * recording who, when, from what, to what and why. A label that already points there is left as
   * it is (false: nothing moved).
   */
  setLabel(rulebookId: string, label: string, version: number, setBy: string | null = null, reason = ''): boolean {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(label)) throw new TypeError(`invalid label: ${JSON.stringify(label)}`);
    return this.ws.write(() => {
      const target = this.byVersionStmt.get(rulebookId, version);
      if (!target) throw new Error(`rulebook ${rulebookId} has no version ${version}`);
      const from = this.currentStmt.get(rulebookId, label)?.version_id ?? null;
      if (from === target.id) return false;
      const move = { rulebook_id: rulebookId, label, version_id: target.id, set_by: setBy, set_at: this.ws.timestamp() };
      this.setLabelStmt.run(move);
      this.recordLabelStmt.run({ ...move, from_version_id: from, reason });
      return true;
    });
  }

  removeLabel(rulebookId: string, label: string, setBy: string | null = null, reason = ''): boolean {
    return this.ws.write(() => {
      const from = this.currentStmt.get(rulebookId, label)?.version_id ?? null;
      const removed = this.removeLabelStmt.run(rulebookId, label).changes === 1;
      if (removed) {
        this.recordLabelStmt.run({ rulebook_id: rulebookId, label, version_id: null, from_version_id: from, set_by: setBy, set_at: this.ws.timestamp(), reason });
      }
      return removed;
    });
  }

  /** Every label that points at a version now, by name. */
  labels(rulebookId: string): CurrentLabel[] {
    return this.labelsStmt.all(rulebookId).map((r) => ({ label: r.label, version: r.version, hash: r.hash, setBy: r.set_by, setAt: r.set_at }));
  }

  /** Every move of a label (or of every label, without one), newest first. */
  labelHistory(rulebookId: string, label: string | null = null): LabelMove[] {
    return this.labelHistoryStmt.all(rulebookId, label, label).map((row) => ({
      rulebookId: row.rulebook_id,
      label: row.label,
      version: row.version,
      from: row.from_version,
      setBy: row.set_by,
      setAt: row.set_at,
      reason: row.reason,
    }));
  }
}

function mapSummary(row: SummaryRow): RulebookVersionSummary {
  return {
    id: row.id,
    rulebookId: row.rulebook_id,
    version: row.version,
    hash: row.hash,
    parentHash: row.parent_hash,
    createdAt: row.created_at,
    labels: fromJson<string[]>(row.labels),
  };
}

function mapRecord(row: RecordRow): RulebookVersionRecord {
  return { ...mapSummary(row), artifact: fromJson<RulebookArtifact>(row.artifact), artifactJson: row.artifact };
}
