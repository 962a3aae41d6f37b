import type { Statement } from 'better-sqlite3';
import type { ExtractionSchema, ModelSettings } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

/** Keys the workspace itself uses. Secrets (API keys) never go here: they stay in the main process. */
export const SETTING_KEYS = {
  /** The draft rulebook's id, name, instructions, schema and model settings (rules and precedents have tables). */
  draftRulebook: 'rulebook.draft',
  /** When the demo data was seeded. */
  demoSeededAt: 'demo.seededAt',
} as const;

/**
 * The draft rulebook as the workspace stores it (the `rulebook.draft` setting): its own part only;
 * its rules and precedents live in their tables. The window gets the whole draft as the API's
 * `DraftRulebook` record (shared/src/api/records.ts); draft.ts assembles the artifact.
 */
export interface StoredDraft {
  id: string;
  name: string;
  instructions: string;
  schema: ExtractionSchema;
  settings: ModelSettings;
}

const SQL = {
  get: 'SELECT value FROM settings WHERE key = ?',
  set: `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @at)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  delete: 'DELETE FROM settings WHERE key = ?',
} as const;

export class SettingsRepository {
  private readonly getStmt: Statement<[string], string>;
  private readonly setStmt: Statement<[{ key: string; value: string; at: string }]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(private readonly ws: Workspace) {
    this.getStmt = ws.db.prepare<[string], string>(SQL.get).pluck();
    this.setStmt = ws.db.prepare(SQL.set);
    this.deleteStmt = ws.db.prepare(SQL.delete);
  }

  /** The stored value, as the caller says it was stored; null when unset. */
  get<T>(key: string): T | null {
    const value = this.getStmt.get(key);
    return value === undefined ? null : fromJson<T>(value);
  }

  /** Stores any JSON-serialisable value. */
  set(key: string, value: unknown): void {
    if (value === undefined) throw new TypeError('a setting needs a value (use delete to remove it)');
    this.ws.write(() => this.setStmt.run({ key, value: toJson(value), at: this.ws.timestamp() }));
  }

  delete(key: string): boolean {
    return this.ws.write(() => this.deleteStmt.run(key).changes === 1);
  }
}
