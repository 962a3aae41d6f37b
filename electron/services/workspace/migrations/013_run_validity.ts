import type { Migration } from './types.js';

// Comparing two runs (issue 12's 100,000 messages in under 2 s): the newest extraction of each run
// per message and its validity are read from this index alone, so the overlap and validity counts
// no longer look up 200,000 extraction rows (their JSON) for one column.

export const migration013: Migration = {
  id: 13,
  name: 'run_validity',
  up: `
DROP INDEX extractions_run;
CREATE INDEX extractions_run ON extractions (run_id, message_id, valid);
`,
};
