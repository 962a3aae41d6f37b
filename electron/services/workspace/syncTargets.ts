// Sync targets (issue 11): folders and HTTP endpoints that published versions and label files are
// written to, each with the status of its last sync. A target's bearer token is never here (the
// host's secrets keep it, as `sync-token:<id>`). What a target last received (its file manifest)
// is kept in the settings table under `sync.files.<id>`, so unchanged files are not written again
// and a removed label's file can be taken away.
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { SyncTargetKind } from '../../../shared/src/api/names.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

export type SyncStatus = 'never' | 'ok' | 'failed' | 'syncing';

export interface StoredSyncTarget {
  id: string;
  kind: SyncTargetKind;
  name: string;
  /** The folder (kind folder) or the base URL (kind http). */
  location: string;
  enabled: boolean;
  status: SyncStatus;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  retryAt: string | null;
  /** Failed attempts since the last success (the retry backoff's exponent). */
  attempts: number;
  lastCommit: string | null;
  createdAt: string;
}

export interface NewSyncTarget {
  id?: string;
  kind: SyncTargetKind;
  name: string;
  location: string;
  enabled: boolean;
}

/** What a status change sets; fields left out keep their value. */
export type SyncStatusPatch = Partial<Pick<StoredSyncTarget, 'status' | 'lastAttemptAt' | 'lastSuccessAt' | 'lastError' | 'retryAt' | 'attempts' | 'lastCommit'>>;

/** One file a target holds, as last written by a sync. */
export interface SyncedFile {
  /** The content hash of the rulebook version the file holds. */
  hash: string;
  /** Folder targets: the file's size and modification time when written (a changed file is checked again). */
  size?: number;
  mtimeMs?: number;
}

/** File name → what it holds. */
export type SyncManifest = Record<string, SyncedFile>;

interface Row {
  id: string;
  kind: SyncTargetKind;
  name: string;
  location: string;
  enabled: number;
  status: SyncStatus;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  retry_at: string | null;
  attempts: number;
  last_commit: string | null;
  created_at: string;
}

const COLUMNS = 'id, kind, name, location, enabled, status, last_attempt_at, last_success_at, last_error, retry_at, attempts, last_commit, created_at';
const PATCH_COLUMNS = {
  status: 'status',
  lastAttemptAt: 'last_attempt_at',
  lastSuccessAt: 'last_success_at',
  lastError: 'last_error',
  retryAt: 'retry_at',
  attempts: 'attempts',
  lastCommit: 'last_commit',
} as const satisfies Record<keyof SyncStatusPatch, string>;

const manifestKey = (id: string) => `sync.files.${id}`;

function mapRow(row: Row): StoredSyncTarget {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    location: row.location,
    enabled: row.enabled === 1,
    status: row.status,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    retryAt: row.retry_at,
    attempts: row.attempts,
    lastCommit: row.last_commit,
    createdAt: row.created_at,
  };
}

export class SyncTargetRepository {
  private readonly listStmt: Statement<[], Row>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly insertStmt: Statement<[Record<string, string | number>]>;
  private readonly updateStmt: Statement<[Record<string, string | number>]>;
  private readonly resetStmt: Statement<[string]>;
  private readonly deleteStmt: Statement<[string]>;
  private readonly getSettingStmt: Statement<[string], string>;
  private readonly setSettingStmt: Statement<[{ key: string; value: string; at: string }]>;
  private readonly deleteSettingStmt: Statement<[string]>;
  private readonly patchStmts = new Map<string, Statement<[Record<string, string | number | null>]>>();

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.listStmt = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM sync_targets ORDER BY created_at, id`);
    this.getStmt = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM sync_targets WHERE id = ?`);
    this.insertStmt = db.prepare(`INSERT INTO sync_targets (id, kind, name, location, enabled, created_at) VALUES (@id, @kind, @name, @location, @enabled, @at)`);
    this.updateStmt = db.prepare('UPDATE sync_targets SET kind = @kind, name = @name, location = @location, enabled = @enabled WHERE id = @id');
    this.resetStmt = db.prepare(
      `UPDATE sync_targets SET status = 'never', last_attempt_at = NULL, last_success_at = NULL, last_error = NULL, retry_at = NULL, attempts = 0, last_commit = NULL WHERE id = ?`,
    );
    this.deleteStmt = db.prepare('DELETE FROM sync_targets WHERE id = ?');
    this.getSettingStmt = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
    this.setSettingStmt = db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @at)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
    this.deleteSettingStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  /** Oldest first. */
  list(): StoredSyncTarget[] {
    return this.listStmt.all().map(mapRow);
  }

  get(id: string): StoredSyncTarget | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /**
   * Adds a target (no id, or an id not stored yet) or changes one. A target moved to another place
   * (kind or location) starts afresh: its status and its manifest describe the old place.
   */
  save(target: NewSyncTarget): StoredSyncTarget {
    return this.ws.write(() => {
      const existing = target.id ? this.get(target.id) : null;
      const id = target.id ?? `st_${randomUUID()}`;
      const params = { id, kind: target.kind, name: target.name, location: target.location, enabled: target.enabled ? 1 : 0 };
      if (!existing) {
        this.insertStmt.run({ ...params, at: this.ws.timestamp() });
      } else {
        this.updateStmt.run(params);
        if (existing.kind !== target.kind || existing.location !== target.location) {
          this.resetStmt.run(id);
          this.deleteSettingStmt.run(manifestKey(id));
        }
      }
      return this.get(id)!;
    });
  }

  /** Removes a target and its manifest; false when there was none. */
  delete(id: string): boolean {
    return this.ws.write(() => {
      this.deleteSettingStmt.run(manifestKey(id));
      return this.deleteStmt.run(id).changes === 1;
    });
  }

  /** Records a sync's progress or outcome; null when the target is gone (deleted meanwhile). */
  setStatus(id: string, patch: SyncStatusPatch): StoredSyncTarget | null {
    const keys = (Object.keys(patch) as (keyof SyncStatusPatch)[]).filter((k) => patch[k] !== undefined).sort();
    if (keys.length === 0) return this.get(id);
    const sig = keys.join(',');
    let stmt = this.patchStmts.get(sig);
    if (!stmt) {
      stmt = this.ws.db.prepare(`UPDATE sync_targets SET ${keys.map((k) => `${PATCH_COLUMNS[k]} = @${k}`).join(', ')} WHERE id = @id`);
      this.patchStmts.set(sig, stmt);
    }
    const params: Record<string, string | number | null> = { id };
    for (const k of keys) params[k] = patch[k] as string | number | null;
    return this.ws.write(() => (stmt.run(params).changes === 1 ? this.get(id) : null));
  }

  /** What the target holds, as the last syncs wrote it. */
  manifest(id: string): SyncManifest {
    const value = this.getSettingStmt.get(manifestKey(id));
    return value === undefined ? {} : fromJson<SyncManifest>(value);
  }

  /** Stores the manifest, unless the target is gone. */
  setManifest(id: string, manifest: SyncManifest): void {
    this.ws.write(() => {
      if (!this.getStmt.get(id)) return;
      this.setSettingStmt.run({ key: manifestKey(id), value: toJson(manifest), at: this.ws.timestamp() });
    });
  }
}
