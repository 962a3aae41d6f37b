import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { MigrationFailedError, MigrationHistoryError, WorkspaceTooNewError } from './errors.js';
import type { Migration } from './migrations/types.js';

const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;
const SELECT_HISTORY = 'SELECT id, name, sha256 FROM schema_migrations ORDER BY id';
const INSERT_HISTORY = 'INSERT INTO schema_migrations (id, name, sha256, applied_at) VALUES (?, ?, ?, ?)';

interface HistoryRow {
  id: number;
  name: string;
  sha256: string;
}

export function migrationHash(migration: Migration): string {
  return createHash('sha256').update(migration.up, 'utf8').digest('hex');
}

const label = (m: { id: number; name: string }) => `${String(m.id).padStart(3, '0')}_${m.name}`;

/** Checks that `migrations` is a well-formed list: ids 1..n in order. A programming error otherwise. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds ${label(m)}`);
  });
}

/**
 * Compares the recorded history with the known migrations and refuses a divergence: a recorded
 * migration the code does not know (a newer Casebook wrote the file), a recorded hash that differs
 * (the migration was edited after release, or the file was), or a gap. Returns the pending migrations.
 */
export function pendingMigrations(db: Database.Database, migrations: readonly Migration[]): Migration[] {
  checkMigrationList(migrations);
  const recorded = db.prepare<[], HistoryRow>(SELECT_HISTORY).all();
  const known = new Map(migrations.map((m) => [m.id, m]));
  for (const row of recorded) {
    const migration = known.get(row.id);
    if (!migration) {
      throw new WorkspaceTooNewError(
        `This workspace was written by a newer Casebook: it has migration ${label(row)}, which this version does not know. ` +
          'Update Casebook to open it.',
        row.id,
      );
    }
    const hash = migrationHash(migration);
    if (row.sha256 !== hash) {
      throw new MigrationHistoryError(
        `This workspace's history diverged: migration ${label(row)} was recorded with sha256 ${row.sha256}, ` +
          `but this version's ${label(migration)} has ${hash}. Refusing to open it rather than guess.`,
        row.id,
      );
    }
  }
  recorded.forEach((row, i) => {
    if (row.id !== i + 1) {
      throw new MigrationHistoryError(
        `This workspace's history diverged: migration ${label(migrations[i] ?? { id: i + 1, name: '?' })} was never recorded, ` +
          `but ${label(row)} was. Refusing to open it rather than guess.`,
        i + 1,
      );
    }
  });
  return migrations.slice(recorded.length);
}

/** Applies pending migrations, each in its own transaction together with its history row. */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: () => Date): Migration[] {
  db.exec(CREATE_HISTORY);
  const pending = pendingMigrations(db, migrations);
  const record = db.prepare(INSERT_HISTORY);
  for (const migration of pending) {
    const apply = db.transaction(() => {
      db.exec(migration.up);
      record.run(migration.id, migration.name, migrationHash(migration), now().toISOString());
    });
    try {
      apply.immediate();
    } catch (error) {
      throw new MigrationFailedError(
        `Migration ${label(migration)} failed and was rolled back: ${(error as Error).message}`,
        migration.id,
        error,
      );
    }
  }
  if (pending.length > 0) {
    const problems = db.pragma('foreign_key_check') as unknown[];
    if (problems.length > 0) throw new Error(`foreign key check failed after migrating: ${JSON.stringify(problems.slice(0, 5))}`);
  }
  return pending;
}
