// Loading a rulebook: parse, check the format and its version, recompute the hash of the body,
// verify the signature. Anything wrong is refused with a RulebookError that names the source.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { RulebookArtifact } from '../domain.js';
import { RULEBOOK_FORMAT, RULEBOOK_FORMAT_VERSION } from '../domain.js';
import { RulebookError } from './errors.js';
import { validateRulebookFormat } from './format.js';
import { rulebookHash } from './hash.js';
import { checkJsonText, lineColumn, type JsonTextProblem } from './json-position.js';
import { prototypeNameProblems } from './prototype-keys.js';
import { verifyHashSignature } from './sign.js';

export interface ParseOptions {
  /** Named in error messages: a path, a URL or a label. Default `(text)`. */
  source?: string;
  /** Trusted Ed25519 public keys (SPKI PEM). When given, the rulebook must be signed by one of them. */
  publicKeys?: string[];
  /** Refuse an unsigned rulebook. A signed rulebook is then verified, which needs `publicKeys`. */
  requireSignature?: boolean;
  /** Called with warnings that do not make the rulebook invalid (a precedent that no longer fits the schema). */
  onWarning?: (warning: string) => void;
}

export interface LoadOptions extends ParseOptions {
  /** For http(s) sources; default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** For http(s) sources; default 30 s. */
  timeoutMs?: number;
}

const MAX_LISTED = 5;
const KNOWN_MAJOR = Number(RULEBOOK_FORMAT_VERSION.split('.')[0]);

/** Parses and verifies a rulebook file's text. Throws RulebookError. */
export function parseRulebook(text: string, opts: ParseOptions = {}): RulebookArtifact {
  const source = opts.source ?? '(text)';
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The strict check first: JSON.parse would let the last of duplicate keys win, build `__proto__`
  // keys that other code takes for prototypes, and make Infinity of a huge number, and what it
  // builds from deep nesting overflows the stack of the checks below.
  const problem = checkJsonText(clean);
  if (problem) throw textProblemError(problem, source);
  let json: unknown;
  try {
    json = JSON.parse(clean);
  } catch (err) {
    // Not expected once the text was checked; kept so that no text escapes as a bare SyntaxError.
    const { line, column } = lineColumn(clean, clean.length);
    throw new RulebookError('syntax', source, `invalid JSON at line ${line}, column ${column}: ${(err as Error).message}`, { cause: err });
  }
  checkFormatHeader(json, source);

  const result = validateRulebookFormat(json);
  if (!result.ok) throw formatRefusal(result.errors, source);
  const reserved = prototypeNameProblems(result.value);
  if (reserved.length) throw formatRefusal(reserved, source);
  for (const w of result.warnings) opts.onWarning?.(w);
  const rb = result.value;

  const hash = rulebookHash(rb);
  if (hash !== rb.hash) {
    throw new RulebookError('hash_mismatch', source, `content was changed after it was hashed: expected ${hash}, file says ${rb.hash}`);
  }

  const keys = opts.publicKeys ?? [];
  if (keys.length > 0 || opts.requireSignature) {
    if (!rb.signature) {
      throw new RulebookError('unsigned', source, `rulebook ${rb.id} v${rb.version} is not signed, and a signature is required`);
    }
    if (keys.length === 0) {
      throw new RulebookError('bad_signature', source, `a signature is required but no public keys were given to verify it (signed with key ${rb.signature.keyId})`);
    }
    let check: ReturnType<typeof verifyHashSignature>;
    try {
      check = verifyHashSignature(rb, keys);
    } catch (err) {
      // The caller's key, not the file, is wrong: say so rather than let a crypto error escape.
      throw new RulebookError('bad_key', source, `a trusted public key cannot be used: ${(err as Error).message}`, { cause: err });
    }
    if (!check.ok) throw new RulebookError('bad_signature', source, `bad signature: ${check.reason ?? 'it does not verify'}`);
  }
  return rb;
}

function formatRefusal(errors: string[], source: string): RulebookError {
  const n = errors.length;
  const listed = errors.slice(0, MAX_LISTED).join('; ');
  const more = n > MAX_LISTED ? ` (and ${n - MAX_LISTED} more)` : '';
  return new RulebookError('format', source, `not a valid rulebook, ${n} problem${n === 1 ? '' : 's'}: ${listed}${more}`, { details: errors });
}

function textProblemError(p: JsonTextProblem, source: string): RulebookError {
  if (p.kind === 'syntax') return new RulebookError('syntax', source, `invalid JSON at line ${p.line}, column ${p.column}: ${p.message}`);
  // A __proto__ key is JSON, but no rulebook has a use for one; the others are JSON this loader does not take.
  const code = p.kind === 'prototype_key' ? 'format' : 'syntax';
  return new RulebookError(code, source, `at line ${p.line}, column ${p.column} (${p.pointer || '(root)'}): ${p.message}`);
}

function checkFormatHeader(json: unknown, source: string): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    const got = json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json;
    throw new RulebookError('format', source, `not a Casebook rulebook: expected a JSON object, got ${got}`);
  }
  const { format, formatVersion } = json as { format?: unknown; formatVersion?: unknown };
  if (format !== RULEBOOK_FORMAT) {
    const got = format === undefined ? 'no "format" field' : `format ${JSON.stringify(format)}`;
    throw new RulebookError('format', source, `not a Casebook rulebook: ${got}, expected "${RULEBOOK_FORMAT}"`);
  }
  const m = typeof formatVersion === 'string' ? /^(\d+)\.(\d+)$/.exec(formatVersion) : null;
  if (!m) {
    throw new RulebookError('format', source, `formatVersion must be "MAJOR.MINOR", got ${JSON.stringify(formatVersion)}`);
  }
  const major = Number(m[1]);
  if (major > KNOWN_MAJOR) {
    throw new RulebookError('unsupported_version', source,
      `format version ${formatVersion as string} was written by a newer Casebook; this runtime reads ${KNOWN_MAJOR}.x (upgrade @casebook/runtime)`);
  }
  if (major < KNOWN_MAJOR) {
    throw new RulebookError('unsupported_version', source, `format version ${formatVersion as string} is not supported; this runtime reads ${KNOWN_MAJOR}.x`);
  }
}

export function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** A path for a file path or `file:` URL. */
export function filePathOf(source: string): string {
  return /^file:/i.test(source) ? fileURLToPath(source) : source;
}

export interface FetchedText {
  /** null when the server answered 304 Not Modified. */
  text: string | null;
  etag: string | null;
  lastModified: string | null;
}

/** GETs a rulebook over http(s), conditionally when `etag`/`lastModified` are given. Throws RulebookError('io'). */
export async function fetchRulebookText(
  url: string,
  opts: { fetch?: typeof globalThis.fetch; etag?: string | null; lastModified?: string | null; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<FetchedText> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await doFetch(url, { headers, signal });
  } catch (err) {
    throw new RulebookError('io', url, `could not fetch: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 304) return { text: null, etag: opts.etag ?? null, lastModified: opts.lastModified ?? null };
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new RulebookError('io', url, `could not fetch: HTTP ${res.status} ${res.statusText}`.trim());
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new RulebookError('io', url, `could not read the response: ${(err as Error).message}`, { cause: err });
  }
  return { text, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') };
}

/** Reads a rulebook file (a UTF-8 text file). Throws RulebookError('io'). */
export async function readRulebookFile(source: string): Promise<string> {
  try {
    return await readFile(filePathOf(source), 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new RulebookError('io', source, `could not read the rulebook: ${why}`, { cause: err });
  }
}

/** Loads and verifies a rulebook from a file path, a `file:` URL or an http(s) URL. Throws RulebookError. */
export async function loadRulebook(pathOrUrl: string, opts: LoadOptions = {}): Promise<RulebookArtifact> {
  const source = opts.source ?? pathOrUrl;
  const text = isHttpUrl(pathOrUrl)
    ? ((await fetchRulebookText(pathOrUrl, { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) })).text ?? '')
    : await readRulebookFile(pathOrUrl);
  return parseRulebook(text, { ...opts, source });
}
