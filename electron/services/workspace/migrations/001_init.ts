import type { Migration } from './types.js';

// The core of a workspace: messages (with full-text search), runs, extractions, precedents, rules
// and settings. Times are ISO 8601 UTC strings (`2026-03-02T08:40:18.000Z`), which sort as text.
// JSON columns hold compact JSON text and are named for what they hold.

export const migration001: Migration = {
  id: 1,
  name: 'init',
  up: `
CREATE TABLE messages (
  -- seq is the stable integer key of the full-text index (a rowid alias survives VACUUM).
  seq          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  content_hash TEXT    NOT NULL UNIQUE,
  text         TEXT    NOT NULL,
  subject      TEXT,
  sender       TEXT,
  -- JSON array of earlier messages of the conversation, oldest first, or NULL.
  context      TEXT,
  received_at  TEXT    NOT NULL,
  -- Where the message came from: 'demo', a file name, 'paste', 'trace' ...
  source       TEXT,
  -- The id the message had where it came from (a ticket number, a CSV column).
  external_id  TEXT,
  -- JSON object of other imported fields (channel, tags ...), or NULL.
  meta         TEXT,
  imported_at  TEXT    NOT NULL,
  status       TEXT    NOT NULL DEFAULT 'new'
               CHECK (status IN ('new', 'extracted', 'needs_review', 'corrected', 'accepted')),
  -- The newest extraction of this message; kept by a trigger on extractions.
  latest_extraction_id INTEGER REFERENCES extractions(id) ON DELETE SET NULL
);
CREATE INDEX messages_received ON messages (received_at, id);
CREATE INDEX messages_status_received ON messages (status, received_at, id);
CREATE INDEX messages_latest_extraction ON messages (latest_extraction_id);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
  subject, text, sender,
  content = 'messages', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, subject, text, sender) VALUES (new.seq, new.subject, new.text, new.sender);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, subject, text, sender) VALUES ('delete', old.seq, old.subject, old.text, old.sender);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, text, sender ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, subject, text, sender) VALUES ('delete', old.seq, old.subject, old.text, old.sender);
  INSERT INTO messages_fts (rowid, subject, text, sender) VALUES (new.seq, new.subject, new.text, new.sender);
END;

CREATE TABLE runs (
  id              TEXT    PRIMARY KEY,
  -- 'extract' (the inbox), 'regression' (precedents replayed before publishing), 'replay', 'drift' ...
  kind            TEXT    NOT NULL,
  rulebook_id     TEXT,
  -- NULL while the rulebook is a draft; the published version otherwise.
  rulebook_version INTEGER,
  rulebook_hash   TEXT,
  provider        TEXT    NOT NULL,
  model           TEXT    NOT NULL,
  -- JSON ModelSettings the run used.
  settings        TEXT,
  -- JSON of what was selected: ids, a filter, or everything.
  selection       TEXT    NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'cancelled', 'done', 'failed')),
  total_count     INTEGER NOT NULL DEFAULT 0,
  done_count      INTEGER NOT NULL DEFAULT 0,
  error_count     INTEGER NOT NULL DEFAULT 0,
  error           TEXT,
  created_at      TEXT    NOT NULL,
  started_at      TEXT,
  finished_at     TEXT
);
CREATE INDEX runs_created ON runs (created_at);
CREATE INDEX runs_status ON runs (status);

CREATE TABLE extractions (
  id               INTEGER PRIMARY KEY,
  message_id       TEXT    NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  -- NULL for a one-off extraction; a run's extractions go with it.
  run_id           TEXT    REFERENCES runs(id) ON DELETE CASCADE,
  rulebook_version INTEGER,
  rulebook_hash    TEXT,
  output           TEXT    NOT NULL,
  valid            INTEGER NOT NULL CHECK (valid IN (0, 1)),
  errors           TEXT    NOT NULL DEFAULT '[]',
  trace            TEXT,
  created_at       TEXT    NOT NULL
);
CREATE INDEX extractions_message ON extractions (message_id, id);
CREATE INDEX extractions_run ON extractions (run_id, message_id);

-- The newest extraction is what the inbox shows and filters on. Extractions made by other kinds
-- of runs (regression, replay, drift: comparing rulebooks or models) do not change the inbox.
CREATE TRIGGER extractions_latest AFTER INSERT ON extractions
WHEN new.run_id IS NULL OR (SELECT kind FROM runs WHERE id = new.run_id) = 'extract' BEGIN
  UPDATE messages SET latest_extraction_id = new.id
   WHERE id = new.message_id AND (latest_extraction_id IS NULL OR latest_extraction_id < new.id);
END;
CREATE TRIGGER extractions_latest_delete AFTER DELETE ON extractions BEGIN
  UPDATE messages
     SET latest_extraction_id = (
       SELECT max(e.id) FROM extractions e LEFT JOIN runs r ON r.id = e.run_id
        WHERE e.message_id = old.message_id AND (e.run_id IS NULL OR r.kind = 'extract'))
   -- (the foreign key's ON DELETE SET NULL has already cleared it when it pointed at the deleted row)
   WHERE id = old.message_id AND (latest_extraction_id IS NULL OR latest_extraction_id = old.id);
END;

CREATE TABLE run_items (
  run_id        TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  message_id    TEXT    NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'error')),
  error         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  extraction_id INTEGER REFERENCES extractions(id) ON DELETE SET NULL,
  updated_at    TEXT,
  PRIMARY KEY (run_id, message_id)
) WITHOUT ROWID;
CREATE INDEX run_items_status ON run_items (run_id, status);
CREATE INDEX run_items_message ON run_items (message_id);

CREATE TABLE precedents (
  id          TEXT PRIMARY KEY,
  -- The workspace message the precedent was made from, when there is one.
  message_id  TEXT REFERENCES messages(id) ON DELETE SET NULL,
  -- JSON MessageInput: the precedent keeps its own copy of the message.
  message     TEXT NOT NULL,
  output      TEXT NOT NULL,
  rationale   TEXT,
  tags        TEXT NOT NULL DEFAULT '[]',
  author      TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  -- Set by delete, cleared by undo.
  deleted_at  TEXT
);
CREATE INDEX precedents_message ON precedents (message_id);
CREATE INDEX precedents_created ON precedents (created_at, id);

CREATE TABLE rules (
  id          TEXT    PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('guidance', 'override', 'alias')),
  -- JSON Rule; its id, kind and enabled are the columns' values.
  body        TEXT    NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- Overrides apply in this order.
  position    INTEGER NOT NULL,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  deleted_at  TEXT
);
CREATE INDEX rules_position ON rules (position, id);

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`,
};
