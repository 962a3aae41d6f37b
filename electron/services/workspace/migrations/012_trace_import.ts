import type { Migration } from './types.js';

// Production traces at a million (issue 12): nothing reads traces by rulebook hash (lists walk the
// time index, charts sum the hour counts, replays pick traces by time), so its index only cost every
// import one more index entry per trace (6% of the file's bytes at a million traces).

export const migration012: Migration = {
  id: 12,
  name: 'trace_import',
  up: `
DROP INDEX traces_rulebook;
`,
};
