import type { Statement } from 'better-sqlite3';
import type { ResponseCache } from '../../../shared/src/pipeline/cache.js';
import type { ProviderResponse } from '../../../shared/src/providers/types.js';
import type { Workspace } from './workspace.js';

const SQL = {
  get: 'SELECT value FROM response_cache WHERE key = ?',
  set: `INSERT INTO response_cache (key, value, created_at) VALUES (@key, @value, @at)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
  count: 'SELECT count(*) FROM response_cache',
  clear: 'DELETE FROM response_cache',
} as const;

/**
 * The pipeline's response cache, kept in the workspace (`response_cache`), so every model answer
 * survives a restart and a re-run under the same draft costs nothing. After the workspace is closed
 * it answers misses and drops writes: an extraction still in flight when the app shuts down must
 * not fail because its answer can no longer be kept.
 */
export class WorkspaceResponseCache implements ResponseCache {
  private readonly getStmt: Statement<[string], string>;
  private readonly setStmt: Statement<[{ key: string; value: string; at: string }]>;
  private readonly countStmt: Statement<[], number>;
  private readonly clearStmt: Statement<[]>;

  constructor(private readonly ws: Workspace) {
    this.getStmt = ws.db.prepare<[string], string>(SQL.get).pluck();
    this.setStmt = ws.db.prepare(SQL.set);
    this.countStmt = ws.db.prepare<[], number>(SQL.count).pluck();
    this.clearStmt = ws.db.prepare(SQL.clear);
  }

  async get(key: string): Promise<ProviderResponse | undefined> {
    if (!this.ws.isOpen) return undefined;
    const text = this.getStmt.get(key);
    if (text === undefined) return undefined;
    try {
      const value = JSON.parse(text) as ProviderResponse;
      return typeof value?.raw === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: ProviderResponse): Promise<void> {
    if (!this.ws.isOpen) return;
    this.ws.write(() => this.setStmt.run({ key, value: JSON.stringify(value), at: this.ws.timestamp() }));
  }

  /** How many answers are kept. */
  get size(): number {
    return this.countStmt.get()!;
  }

  /** Forgets every kept answer (the next run asks the model again). */
  clear(): number {
    return this.ws.write(() => this.clearStmt.run().changes);
  }
}
