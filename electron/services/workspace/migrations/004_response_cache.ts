import type { Migration } from './types.js';

// The model's answers, kept in the workspace so a re-run costs nothing, also after a restart. The
// key is the pipeline's cache key (a sha256 over the endpoint, model, parameters, the full prompt
// and the JSON schema; never the API key); the value is the ProviderResponse as JSON.

export const migration004: Migration = {
  id: 4,
  name: 'response_cache',
  up: `
CREATE TABLE response_cache (
  key        TEXT PRIMARY KEY,
  -- JSON ProviderResponse: the raw answer, usage, the model that answered, attempts, response format.
  value      TEXT NOT NULL CHECK (json_valid(value)),
  created_at TEXT NOT NULL
);
`,
};
