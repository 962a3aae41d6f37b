import type { Migration } from './types.js';

// The answer of record (issue 10). A person's work is the record: once a message is corrected or
// accepted, what the inbox shows, exports and drift use is that answer, whatever runs later.
//
// - `extractions.human`: a person's correction (its trace says provider `human`); a column, so the
//   trigger below can tell one apart without reading JSON.
// - The trigger that keeps `messages.latest_extraction_id` (the answer of record: the name stays,
//   the meaning narrows) moves it to a new machine extraction only while no person has decided on
//   the message (statuses new, extracted, needs_review: MACHINE_STATUSES); a person's correction
//   always moves it. The machine's later answers are still stored, beside it: the history.
// - `messages.regression_extraction_id`: the newest machine answer when it disagrees with the
//   person's (set by the extraction repository, which compares field by field); such a message is
//   in the review queue. Cleared when a later machine answer agrees, when the person keeps theirs,
//   or when they adopt the machine's (the one explicit way it replaces theirs).
// - `extractions.reasons`: why the confidence (1 - review_priority) is what it is, as JSON
//   [{kind, text, field?}], written with the row.
// - `review_undo`: the newest accept or correction of each message, with what it replaced, so it
//   can be undone (one level, per message).
//
// Workspaces stored before this lost corrections to later runs: a corrected message whose newest
// extraction is a machine's gets its newest correction back as its answer.

export const migration009: Migration = {
  id: 9,
  name: 'answer_of_record',
  up: `
ALTER TABLE extractions ADD COLUMN human INTEGER NOT NULL DEFAULT 0 CHECK (human IN (0, 1));
ALTER TABLE extractions ADD COLUMN reasons TEXT;
UPDATE extractions SET human = 1 WHERE trace IS NOT NULL AND json_valid(trace) AND json_extract(trace, '$.provider.name') = 'human';

ALTER TABLE messages ADD COLUMN regression_extraction_id INTEGER REFERENCES extractions(id) ON DELETE SET NULL;
CREATE INDEX messages_regression ON messages (regression_extraction_id) WHERE regression_extraction_id IS NOT NULL;
-- Any listing by confidence (the review queue, or the whole inbox least confident first) walks this.
CREATE INDEX messages_priority ON messages (review_priority, received_at, id);

DROP TRIGGER extractions_latest;
CREATE TRIGGER extractions_latest AFTER INSERT ON extractions
WHEN new.run_id IS NULL OR (SELECT kind FROM runs WHERE id = new.run_id) = 'extract' BEGIN
  UPDATE messages SET latest_extraction_id = new.id
   WHERE id = new.message_id AND (latest_extraction_id IS NULL OR latest_extraction_id < new.id)
     AND (new.human = 1 OR status IN ('new', 'extracted', 'needs_review'));
END;

UPDATE messages
   SET latest_extraction_id = (SELECT max(id) FROM extractions e WHERE e.message_id = messages.id AND e.human = 1)
 WHERE status = 'corrected'
   AND EXISTS (SELECT 1 FROM extractions e WHERE e.message_id = messages.id AND e.human = 1 AND e.id <> messages.latest_extraction_id)
   AND NOT EXISTS (SELECT 1 FROM extractions e WHERE e.id = messages.latest_extraction_id AND e.human = 1);

CREATE TABLE review_undo (
  message_id         TEXT    PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  action             TEXT    NOT NULL CHECK (action IN ('accept', 'correction')),
  prev_status        TEXT    NOT NULL,
  prev_extraction_id INTEGER REFERENCES extractions(id) ON DELETE SET NULL,
  prev_regression_id INTEGER REFERENCES extractions(id) ON DELETE SET NULL,
  -- The correction's own extraction (removed by the undo).
  extraction_id      INTEGER REFERENCES extractions(id) ON DELETE SET NULL,
  precedent_id       TEXT,
  -- JSON {output, rationale} of the precedent before the correction changed it; NULL when the correction made it.
  precedent_before   TEXT,
  at                 TEXT    NOT NULL
);
`,
};
