// Limits of an import. The file itself is capped by MAX_IMPORT_CHARS in the API contract.

/** A row (all its fields together) longer than this is refused as a problem. */
export const MAX_ROW_CHARS = 100_000;
/** Rows shown by previewImport. */
export const PREVIEW_ROWS = 20;
/** Rows inserted per transaction. */
export const CHUNK_ROWS = 1_000;
/** Problems listed one by one; past this, one summary line says how many more there were. */
export const MAX_LISTED_PROBLEMS = 1_000;
/** importProgress events at most this often. */
export const PROGRESS_INTERVAL_MS = 250;
