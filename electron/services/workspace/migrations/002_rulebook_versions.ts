import type { Migration } from './types.js';

// Published rulebooks. A version is immutable once written: its artifact is content-hashed and
// maybe signed, production services load it by hash, and drift is explained against it. Labels
// (`production`, `staging`) point at versions and move; every move is kept, so a rollback is a move
// back and the history says who did what.

export const migration002: Migration = {
  id: 2,
  name: 'rulebook_versions',
  up: `
CREATE TABLE rulebook_versions (
  id          INTEGER PRIMARY KEY,
  rulebook_id TEXT    NOT NULL,
  version     INTEGER NOT NULL CHECK (version >= 1),
  hash        TEXT    NOT NULL UNIQUE,
  parent_hash TEXT    REFERENCES rulebook_versions(hash),
  -- The whole RulebookArtifact as JSON text, byte for byte as published.
  artifact    TEXT    NOT NULL,
  created_at  TEXT    NOT NULL,
  UNIQUE (rulebook_id, version)
);

CREATE TRIGGER rulebook_versions_immutable BEFORE UPDATE ON rulebook_versions BEGIN
  SELECT RAISE(ABORT, 'rulebook versions are immutable: publish a new version instead');
END;
CREATE TRIGGER rulebook_versions_undeletable BEFORE DELETE ON rulebook_versions BEGIN
  SELECT RAISE(ABORT, 'rulebook versions are immutable: they cannot be deleted');
END;

CREATE TABLE rulebook_labels (
  rulebook_id TEXT    NOT NULL,
  label       TEXT    NOT NULL,
  version_id  INTEGER NOT NULL REFERENCES rulebook_versions(id),
  set_by      TEXT,
  set_at      TEXT    NOT NULL,
  PRIMARY KEY (rulebook_id, label)
) WITHOUT ROWID;

CREATE TABLE rulebook_label_history (
  id          INTEGER PRIMARY KEY,
  rulebook_id TEXT    NOT NULL,
  label       TEXT    NOT NULL,
  -- NULL when the label was removed.
  version_id  INTEGER REFERENCES rulebook_versions(id),
  set_by      TEXT,
  set_at      TEXT    NOT NULL
);
CREATE INDEX rulebook_label_history_label ON rulebook_label_history (rulebook_id, label, id);
`,
};
