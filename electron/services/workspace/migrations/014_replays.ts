import type { Migration } from './types.js';

// Replays with attribution (issue 12) kept once they end: which part of a drift was the rulebook,
// the model or the traffic is a finding a person comes back to, after a restart too. A replay under
// way lives in memory; it is written here, whole, when it ends.

export const migration014: Migration = {
  id: 14,
  name: 'replays',
  up: `
CREATE TABLE replays (
  id         TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  -- JSON ReplayReport without its items (status, rulebook, provider, model, counts, error).
  report     TEXT NOT NULL
);
CREATE INDEX replays_started ON replays (started_at);

-- The replayed traces whose answer differed, in the order of the traces.
CREATE TABLE replay_items (
  replay_id   TEXT    NOT NULL REFERENCES replays (id) ON DELETE CASCADE,
  ord         INTEGER NOT NULL,
  attribution TEXT    NOT NULL CHECK (attribution IN ('rulebook', 'model', 'traffic')),
  -- JSON ReplayItem.
  item        TEXT    NOT NULL,
  PRIMARY KEY (replay_id, ord)
) WITHOUT ROWID;
CREATE INDEX replay_items_attribution ON replay_items (replay_id, attribution, ord);
`,
};
