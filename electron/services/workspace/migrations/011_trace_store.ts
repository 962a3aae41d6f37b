import type { Migration } from './types.js';

// Production traces at a million (issue 12): the columns the charts and lists read, taken out of
// the JSON once at import, and per-hour aggregates kept as traces are stored, so a 30-day chart
// sums a few thousand hour rows instead of reading a million traces.

export const migration011: Migration = {
  id: 11,
  name: 'trace_store',
  up: `
-- Whole hours since 1970-01-01T00:00Z of received_at (the trace's time): the bucket key of every chart.
ALTER TABLE traces ADD COLUMN hour INTEGER;
ALTER TABLE traces ADD COLUMN service TEXT;
ALTER TABLE traces ADD COLUMN provider TEXT;
ALTER TABLE traces ADD COLUMN latency_ms REAL;
ALTER TABLE traces ADD COLUMN cached INTEGER CHECK (cached IN (0, 1));
-- JSON array of the output's keys outside the draft's fields when imported, or NULL when none.
ALTER TABLE traces ADD COLUMN unknown_keys TEXT;
-- JSON { errors, rulesFired, precedents, promptHash } of a trace line (what the Trace column does not hold).
ALTER TABLE traces ADD COLUMN detail TEXT;
-- 'casebook-trace', 'minimal-jsonl' or 'csv'.
ALTER TABLE traces ADD COLUMN format TEXT;

-- listTraces walks the time index (traces_received) newest first and filters on the way; how many
-- match comes from trace_buckets whenever one condition over whole hours says it, so indexes per
-- version, model or validity would only slow the import. The message-hash index goes: its random
-- keys cost an import of a million more than every other index together, and a trace finds its
-- workspace message through messages.content_hash.
DROP INDEX traces_message_hash;

-- Counts per hour, source and metric, added to as traces are stored (never for a duplicate):
--   total   key ''                  traces
--   field   field, key: value JSON  traces whose output has that value for that key (a draft field
--                                   missing from the output counts as null)
--   key     key: an output key      traces whose output has the key (unknown keys: those outside the draft's fields)
--   valid   key 'true' | 'false'
--   version key: the rulebook version, or 'null'
--   model   key: the model, or 'null'
--   latency key: the latency's bucket (log scale, 10% wide), or 'null'
-- Traces stored before this migration get their hour; their counts are not made (none were imported through the app).
UPDATE traces SET hour = CAST(unixepoch(received_at) / 3600 AS INTEGER);

CREATE TABLE trace_buckets (
  metric TEXT    NOT NULL,
  field  TEXT    NOT NULL DEFAULT '',
  hour   INTEGER NOT NULL,
  source TEXT    NOT NULL,
  key    TEXT    NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (metric, field, hour, source, key)
) WITHOUT ROWID;
`,
};
