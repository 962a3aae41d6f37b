import type { ApiFailure } from './contract';
import { FAILURE_CODES } from './contract';

/** An API call that failed, carrying the backend's failure (code, message, and for bad_request the wrong arguments). */
export class ApiCallError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
    this.name = 'ApiCallError';
  }
}

const CODES: ReadonlySet<string> = new Set(FAILURE_CODES);

/** Whatever was thrown, as a failure a person can read. */
export function toFailure(error: unknown): ApiFailure {
  if (error instanceof ApiCallError) return error.failure;
  if (isFailure(error)) return error;
  if (error && typeof error === 'object' && 'failure' in error && isFailure(error.failure)) return error.failure;
  if (error instanceof Error) return { code: 'internal', message: error.message || error.name };
  return { code: 'internal', message: String(error) };
}

export function isFailure(value: unknown): value is ApiFailure {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && CODES.has(v.code) && typeof v.message === 'string';
}

/**
 * Whether a failure says the workspace cannot be written (a read-only file or folder): the only
 * failure that makes the rules and precedents screens read-only. The contract has no code of its own
 * for it, so the backend says it in words: SQLite's "attempt to write a readonly database", or a
 * message naming the workspace read-only. `unavailable` alone is not it: a host that is busy,
 * restarting or unreachable answers that, and a retry may well work.
 */
export function isReadOnlyFailure(failure: ApiFailure): boolean {
  return /\bread-?only\b|cannot be written/i.test(failure.message);
}
