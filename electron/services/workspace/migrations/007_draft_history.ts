import type { Migration } from './types.js';

// The draft's change history (issue 9): every edit of the schema, the instructions, the model
// settings or the name, who made it and when, what was asked, and what undoing it takes. Kept for
// the changelog that publishing writes, and for undo. `seq` orders entries (ids are not numbers).

export const migration007: Migration = {
  id: 7,
  name: 'draft_history',
  up: `
CREATE TABLE draft_history (
  seq        INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL UNIQUE,
  at         TEXT    NOT NULL,
  author     TEXT    NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('schema', 'instructions', 'settings', 'name', 'undo')),
  summary    TEXT    NOT NULL,
  change     TEXT    NOT NULL,
  -- What undoing it takes (the state before, as the change's code stores it); NULL: not undoable.
  undo       TEXT,
  undone_by  TEXT    REFERENCES draft_history(id),
  undo_of    TEXT    REFERENCES draft_history(id)
);
`,
};
