import type { Migration } from './types.js';

// The model that made a production trace, as a column: a trace imported without its full Trace
// (issue 12: message, output and time; rulebook version and model optional) still says which
// model answered, and traces can be told apart by model over time.

export const migration006: Migration = {
  id: 6,
  name: 'trace_model',
  up: `
ALTER TABLE traces ADD COLUMN model TEXT;
`,
};
