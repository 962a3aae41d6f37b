import type { Migration } from './types.js';

// "Needs review" puts first what is most likely wrong (backend/teach/review-priority.ts): each
// extraction stored with a trace keeps its score, 0..1, higher is more likely wrong; NULL when none
// was computed (human corrections, extractions stored before this migration, other run kinds).
//
// The inbox orders by the score of a message's newest extraction. Ordering through the join would
// sort the whole filtered set, so the message row carries a copy, `messages.review_priority`, kept
// equal to its newest extraction's by one trigger: whenever `latest_extraction_id` changes (the
// extractions_latest triggers of 001 on insert and delete, and the foreign key's ON DELETE SET
// NULL) the copy is read again from the extraction it now points at. An extraction's score is
// written with its row and never changed. The index serves
//   WHERE status = 'needs_review' ORDER BY review_priority DESC, received_at DESC, id DESC
// read backwards (SQLite sorts NULL lowest, so unscored messages come last), keyset included.

export const migration005: Migration = {
  id: 5,
  name: 'review_priority',
  up: `
ALTER TABLE extractions ADD COLUMN review_priority REAL;
ALTER TABLE messages ADD COLUMN review_priority REAL;

CREATE TRIGGER messages_review_priority AFTER UPDATE OF latest_extraction_id ON messages BEGIN
  UPDATE messages
     SET review_priority = (SELECT review_priority FROM extractions WHERE id = new.latest_extraction_id)
   WHERE seq = new.seq;
END;

CREATE INDEX messages_status_priority ON messages (status, review_priority, received_at, id);
`,
};
