// A counter that moves whenever anything the draft rulebook is assembled from may have changed, so
// the draft artifact (hashed over every precedent: ~70 ms at 570 precedents) is built once per
// change instead of once per extracted message. Temporary triggers on this connection call a
// JavaScript function on every insert, update and delete of the tables the draft reads (nothing is
// stored: no migration). The count lives in JavaScript, not in a table, so a rolled-back write still
// moves it: a draft assembled inside a transaction that later rolled back is never reused. Writes by
// another connection show in `PRAGMA data_version`.
import type Database from 'better-sqlite3';

/** The tables draftArtifact reads: the draft itself lives in settings. */
const DRAFT_TABLES = ['precedents', 'rules', 'settings', 'rulebook_versions'] as const;

const counts = new WeakMap<Database.Database, { n: number }>();

export function installDraftRevision(db: Database.Database): void {
  const count = { n: 0 };
  counts.set(db, count);
  db.function('casebook_draft_changed', { varargs: false }, () => {
    count.n += 1;
    return null;
  });
  const exists = db.prepare("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?").pluck();
  // A workspace opened with only some migrations (tests) lacks some tables: nothing changes them.
  for (const table of DRAFT_TABLES.filter((t) => exists.get(t) !== undefined)) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS casebook_draft_revision_${table}_${op.toLowerCase()}
        AFTER ${op} ON main.${table} BEGIN SELECT casebook_draft_changed(); END`);
    }
  }
}

/** Differs from the last call's value whenever a table the draft reads may have changed since (only ever moves forward). */
export function draftRevision(db: Database.Database): string {
  const other = db.pragma('data_version', { simple: true }) as number;
  return `${other}:${counts.get(db)?.n ?? 0}`;
}
