// The one error class of the rulebook module: every refusal to load says what went wrong (`code`)
// and where (`source`: a path, a URL, or a label such as `(text)`).

export type RulebookErrorCode =
  | 'syntax'
  | 'format'
  | 'unsupported_version'
  | 'hash_mismatch'
  | 'bad_signature'
  | 'unsigned'
  /** A trusted public key given to the loader is not an Ed25519 public key. */
  | 'bad_key'
  | 'io';

export class RulebookError extends Error {
  override readonly name = 'RulebookError';
  readonly code: RulebookErrorCode;
  readonly source: string;
  /** Individual problems (format errors as `pointer: message`), when there are several. */
  readonly details: string[];

  constructor(code: RulebookErrorCode, source: string, message: string, opts: { details?: string[]; cause?: unknown } = {}) {
    super(`${source}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.source = source;
    this.details = opts.details ?? [];
  }
}

export function isRulebookError(err: unknown): err is RulebookError {
  return err instanceof RulebookError;
}
