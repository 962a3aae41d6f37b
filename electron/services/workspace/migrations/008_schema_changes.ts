import type { Migration } from './types.js';

// Schema changes of the draft (issue 9).
//
// Stale extractions: each extraction keeps the hash of the schema it was made under
// (`schema_hash`, schema-shape.ts: names, types, nullability, enum values). The inbox asks "is the
// newest extraction made under the schema as it is now?" of every message, so, as 005 did for the
// review priority, the message row carries a copy of its newest extraction's hash
// (`messages.latest_schema_hash`), kept by one trigger whenever `latest_extraction_id` changes; an
// extraction's hash is written with its row and never changed. The stale filter then reads an
// index, never an extraction's JSON. Extractions stored before this migration were made under the
// schema the draft has now (it could not be edited before): they are stamped with its hash by
// `casebook_schema_hash`, which every connection registers (schema-shape.ts).
//
// Rules set aside: a rule that names a field or value a schema change removed is disabled and kept
// (never deleted), but it would no longer load (the rulebook format refuses unknown fields even in a
// disabled rule), so `set_aside` holds why and the rulebook leaves it out until it is edited to fit.

export const migration008: Migration = {
  id: 8,
  name: 'schema_changes',
  up: `
ALTER TABLE extractions ADD COLUMN schema_hash TEXT;
ALTER TABLE messages ADD COLUMN latest_schema_hash TEXT;
ALTER TABLE rules ADD COLUMN set_aside TEXT;

UPDATE extractions SET schema_hash = casebook_schema_hash((SELECT value FROM settings WHERE key = 'rulebook.draft'));
UPDATE messages SET latest_schema_hash = (SELECT schema_hash FROM extractions WHERE id = messages.latest_extraction_id)
 WHERE latest_extraction_id IS NOT NULL;

CREATE TRIGGER messages_latest_schema_hash AFTER UPDATE OF latest_extraction_id ON messages BEGIN
  UPDATE messages
     SET latest_schema_hash = (SELECT schema_hash FROM extractions WHERE id = new.latest_extraction_id)
   WHERE seq = new.seq;
END;

CREATE INDEX messages_schema_hash ON messages (latest_schema_hash, received_at, id);
`,
};
