import type { Migration } from './types.js';

// Publishing and the production loop (issue 11).
//
// - `rulebook_publications`: what a publish says about a version beyond its artifact: who published
//   it, their note, the changelog computed at publish time, the gate's result and the reason a
//   failing gate was overridden. Immutable like the version it describes.
// - `rulebook_label_history` gains the version a move came from and why it was made: a rollback
//   is a move back, and the history says who did what, when, from what, to what and why. Both
//   are append-only: the database refuses to change or delete a publication or a recorded move.
// - `signing_keys`: the workspace's Ed25519 public keys (the private halves live with the host's
//   secrets, never in this file): the active one signs new versions; retired ones are no longer
//   listed for services to trust.
// - `sync_targets`: folders and HTTP endpoints versions are synced to, with their last status.
//   An HTTP target's token lives with the host's secrets, named by the target's id.
// - `deployments`: production services the app polls for their status report.

export const migration010: Migration = {
  id: 10,
  name: 'publish',
  up: `
CREATE TABLE rulebook_publications (
  version_id      INTEGER PRIMARY KEY REFERENCES rulebook_versions(id),
  author          TEXT    NOT NULL,
  note            TEXT    NOT NULL DEFAULT '',
  -- [{kind, text}] as JSON.
  changelog       TEXT    NOT NULL,
  -- {passed, failed, regressions} as JSON, or NULL when published without a gate.
  gate            TEXT,
  override_reason TEXT,
  key_id          TEXT
);
CREATE TRIGGER rulebook_publications_immutable BEFORE UPDATE ON rulebook_publications BEGIN
  SELECT RAISE(ABORT, 'a publication is immutable');
END;
CREATE TRIGGER rulebook_publications_undeletable BEFORE DELETE ON rulebook_publications BEGIN
  SELECT RAISE(ABORT, 'a publication is immutable: it cannot be deleted');
END;

ALTER TABLE rulebook_label_history ADD COLUMN from_version_id INTEGER REFERENCES rulebook_versions(id);
ALTER TABLE rulebook_label_history ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE TRIGGER rulebook_label_history_immutable BEFORE UPDATE ON rulebook_label_history BEGIN
  SELECT RAISE(ABORT, 'the label history is immutable: a move is recorded, never changed');
END;
CREATE TRIGGER rulebook_label_history_undeletable BEFORE DELETE ON rulebook_label_history BEGIN
  SELECT RAISE(ABORT, 'the label history is immutable: a move cannot be deleted');
END;

CREATE TABLE signing_keys (
  key_id         TEXT PRIMARY KEY,
  public_key_pem TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  retired_at     TEXT,
  active         INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (active) WHERE active = 1;

CREATE TABLE sync_targets (
  id              TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('folder', 'http')),
  name            TEXT NOT NULL,
  -- The folder (kind folder) or the base URL (kind http).
  location        TEXT NOT NULL,
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  status          TEXT NOT NULL DEFAULT 'never' CHECK (status IN ('never', 'ok', 'failed', 'syncing')),
  last_attempt_at TEXT,
  last_success_at TEXT,
  last_error      TEXT,
  retry_at        TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_commit     TEXT,
  created_at      TEXT NOT NULL
);

CREATE TABLE deployments (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  status_url     TEXT NOT NULL,
  last_polled_at TEXT,
  -- The last RuntimeStatus as JSON, when the last poll answered.
  last_status    TEXT,
  last_error     TEXT,
  created_at     TEXT NOT NULL
);
`,
};
