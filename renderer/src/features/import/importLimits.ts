// The contract's import limit (shared/src/api/contract.ts), kept here so zod stays out of the
// window; the import dialog's test checks that the two agree.

/** The largest file an import takes, in bytes (64 MiB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
