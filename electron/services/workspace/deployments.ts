// Deployments (issue 11): production services the app polls for their status report, with what
// the last poll found (the report, or why there was none).
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { parseRuntimeStatus } from '../../../shared/src/api/publish-schemas.js';
import type { RuntimeStatus } from '../../../shared/src/service/types.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

export interface StoredDeployment {
  id: string;
  name: string;
  statusUrl: string;
  lastPolledAt: string | null;
  /** The last report, when the last poll answered. */
  status: RuntimeStatus | null;
  /** Why the last poll failed. */
  error: string | null;
  createdAt: string;
}

export interface NewDeployment {
  id?: string;
  name: string;
  statusUrl: string;
}

interface Row {
  id: string;
  name: string;
  status_url: string;
  last_polled_at: string | null;
  last_status: string | null;
  last_error: string | null;
  created_at: string;
}

const COLUMNS = 'id, name, status_url, last_polled_at, last_status, last_error, created_at';

function parseStored(json: string | null): RuntimeStatus | null {
  if (json === null) return null;
  try {
    return parseRuntimeStatus(fromJson<unknown>(json));
  } catch {
    return null;
  }
}

function mapRow(row: Row): StoredDeployment {
  return {
    id: row.id,
    name: row.name,
    statusUrl: row.status_url,
    lastPolledAt: row.last_polled_at,
    // Read back through the report's schema: a workspace file can be crafted, and the window reads this.
    status: parseStored(row.last_status),
    error: row.last_error,
    createdAt: row.created_at,
  };
}

export class DeploymentRepository {
  private readonly listStmt: Statement<[], Row>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly insertStmt: Statement<[Record<string, string>]>;
  private readonly updateStmt: Statement<[Record<string, string>]>;
  private readonly clearStmt: Statement<[string]>;
  private readonly deleteStmt: Statement<[string]>;
  private readonly pollStmt: Statement<[Record<string, string | null>]>;

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.listStmt = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM deployments ORDER BY name COLLATE NOCASE, created_at, id`);
    this.getStmt = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM deployments WHERE id = ?`);
    this.insertStmt = db.prepare('INSERT INTO deployments (id, name, status_url, created_at) VALUES (@id, @name, @statusUrl, @at)');
    this.updateStmt = db.prepare('UPDATE deployments SET name = @name, status_url = @statusUrl WHERE id = @id');
    this.clearStmt = db.prepare('UPDATE deployments SET last_polled_at = NULL, last_status = NULL, last_error = NULL WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM deployments WHERE id = ?');
    this.pollStmt = db.prepare('UPDATE deployments SET last_polled_at = @at, last_status = @status, last_error = @error WHERE id = @id');
  }

  /** By name. */
  list(): StoredDeployment[] {
    return this.listStmt.all().map(mapRow);
  }

  get(id: string): StoredDeployment | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /** Adds a service (no id, or one not stored) or changes one; a new status URL forgets the old poll. */
  save(deployment: NewDeployment): StoredDeployment {
    return this.ws.write(() => {
      const existing = deployment.id ? this.get(deployment.id) : null;
      const id = deployment.id ?? `dep_${randomUUID()}`;
      const params = { id, name: deployment.name, statusUrl: deployment.statusUrl };
      if (!existing) this.insertStmt.run({ ...params, at: this.ws.timestamp() });
      else {
        this.updateStmt.run(params);
        if (existing.statusUrl !== deployment.statusUrl) this.clearStmt.run(id);
      }
      return this.get(id)!;
    });
  }

  delete(id: string): boolean {
    return this.ws.write(() => this.deleteStmt.run(id).changes === 1);
  }

  /** Records a poll: the report it got, or why it got none. Null when the service is gone. */
  recordPoll(id: string, outcome: { at: string; status: RuntimeStatus | null; error: string | null }): StoredDeployment | null {
    return this.ws.write(() => {
      const status = outcome.status === null ? null : parseRuntimeStatus(outcome.status);
      const changed = this.pollStmt.run({ id, at: outcome.at, status: status === null ? null : toJson(status), error: outcome.error }).changes;
      return changed === 1 ? this.get(id) : null;
    });
  }
}
