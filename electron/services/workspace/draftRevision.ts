// A counter that moves whenever anything the draft rulebook is assembled from may have changed, so
// the draft artifact (hashed over every precedent: ~70 ms at 570 precedents) is built once per
// change instead of once per extracted message. Temporary triggers on this connection count every
// insert, update and delete of the tables the draft reads (nothing is stored: no migration); writes
// by another connection show in `PRAGMA data_version`.
import type Database from 'better-sqlite3';

/** The tables draftArtifact reads: the draft itself lives in settings. */
const DRAFT_TABLES = ['precedents', 'rules', 'settings', 'rulebook_versions'] as const;

export function installDraftRevision(db: Database.Database): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS casebook_draft_revision (n INTEGER NOT NULL)');
  db.exec('INSERT INTO casebook_draft_revision (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM casebook_draft_revision)');
  const exists = db.prepare("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?").pluck();
  // A workspace opened with only some migrations (tests) lacks some tables: nothing changes them.
  for (const table of DRAFT_TABLES.filter((t) => exists.get(t) !== undefined)) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS casebook_draft_revision_${table}_${op.toLowerCase()}
        AFTER ${op} ON main.${table} BEGIN UPDATE casebook_draft_revision SET n = n + 1; END`);
    }
  }
}

/** Differs from the last call's value whenever a table the draft reads may have changed since. */
export function draftRevision(db: Database.Database): string {
  const n = db.prepare('SELECT n FROM temp.casebook_draft_revision').pluck().get() as number;
  const other = db.pragma('data_version', { simple: true }) as number;
  return `${other}:${n}`;
}
