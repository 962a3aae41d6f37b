// Limits of an import. The file itself, and a row, are capped by the names module's limits, which
// the window shows too.
export { MAX_ROW_CHARS } from '../../../shared/src/api/names.js';
/** Rows shown by previewImport. */
export const PREVIEW_ROWS = 20;
/** Rows inserted per transaction. */
export const CHUNK_ROWS = 1_000;
/** Problems listed one by one; past this, one summary line says how many more there were. */
export const MAX_LISTED_PROBLEMS = 1_000;
/** importProgress events at most this often. */
export const PROGRESS_INTERVAL_MS = 250;
