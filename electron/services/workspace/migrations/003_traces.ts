import type { Migration } from './types.js';

// Production traces: what a service running the runtime extracted, imported to be charted over
// time and replayed against other rulebook versions or models.

export const migration003: Migration = {
  id: 3,
  name: 'traces',
  up: `
CREATE TABLE traces (
  seq              INTEGER PRIMARY KEY,
  -- The trace's id at its source; unique per source.
  id               TEXT    NOT NULL,
  -- The service or file it came from.
  source           TEXT    NOT NULL,
  received_at      TEXT    NOT NULL,
  -- JSON MessageInput, and the hash the messages table would give it (to link or import it).
  message          TEXT    NOT NULL,
  message_hash     TEXT,
  rulebook_id      TEXT,
  rulebook_version INTEGER,
  rulebook_hash    TEXT,
  output           TEXT    NOT NULL,
  valid            INTEGER CHECK (valid IN (0, 1)),
  -- JSON Trace: provider, model, prompt hash, rules fired ...
  trace            TEXT,
  imported_at      TEXT    NOT NULL,
  UNIQUE (source, id)
);
CREATE INDEX traces_received ON traces (received_at);
CREATE INDEX traces_rulebook ON traces (rulebook_hash, received_at);
CREATE INDEX traces_message_hash ON traces (message_hash);
`,
};
