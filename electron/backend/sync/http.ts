// An HTTP target: each changed file PUT to `<url>/<file name>` (JSON, with the bearer token when one
// is stored), a removed label's file DELETEd. Network errors, timeouts, 429 and 5xx are retried
// with exponential backoff (Retry-After honoured up to a limit); any other 4xx fails at once with
// its status and a short excerpt of the body. The token is never part of a message.
import type { SyncManifest } from '../../services/workspace/syncTargets.js';
import { isSyncFileName, type SyncPlan } from './plan.js';

export interface HttpOptions {
  /** One request's time limit, ms (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** The first backoff, doubled each retry (default 1 s). */
  backoffMs?: number;
  /** The longest wait between attempts, Retry-After included (default 30 s). */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

/** A request the server refused (or that never got an answer after the retries). */
export class HttpSyncError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'HttpSyncError';
  }
}

/**
 * The URL a file goes to: the base URL's path with one slash and the file name, its query kept
 * (`https://h/r?sig=abc` → `https://h/r/production.json?sig=abc`), any fragment dropped.
 */
export function fileUrl(base: string, name: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return `${base.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
  }
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
  u.hash = '';
  return u.toString();
}

/** The URL as shown in messages: without credentials, query or fragment. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Milliseconds a response asks to wait (Retry-After in seconds or as an HTTP date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function networkReason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  const code = e?.cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return e?.cause?.message ?? e?.message ?? String(err);
}

/** The most of an error body read for its excerpt; the rest is never downloaded. */
export const EXCERPT_READ_BYTES = 4096;

/** Reads at most `limit` bytes of a body, then cancels it. */
export async function readAtMost(res: Response, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const reader = res.body?.getReader();
  if (!reader) return { bytes: Buffer.alloc(0), truncated: false };
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      size += value.byteLength;
      if (size > limit) {
        truncated = true;
        break;
      }
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks);
  return { bytes: truncated ? bytes.subarray(0, limit) : bytes, truncated };
}

/** `text` with every occurrence of `secret` as `***`; when `cut`, a start of it left at the end too. */
export function maskSecret(text: string, secret: string | null, cut = false): string {
  if (!secret) return text;
  let masked = text.split(secret).join('***');
  // A body cut mid-token ends with the token's first characters: masked too.
  if (cut)
    for (let n = Math.min(secret.length - 1, masked.length); n >= 4; n--) {
    if (masked.endsWith(secret.slice(0, n))) {
      masked = `${masked.slice(0, -n)}***`;
      break;
    }
  }
  return masked;
}

/**
 * A short, single-line excerpt of a response body: at most EXCERPT_READ_BYTES read, the token masked
 * before the excerpt is cut (a token echoed across the cut never survives in part).
 */
async function excerpt(res: Response, token: string | null): Promise<string> {
  const { bytes, truncated } = await readAtMost(res, EXCERPT_READ_BYTES).catch(() => ({ bytes: Buffer.alloc(0), truncated: false }));
  const text = maskSecret(new TextDecoder('utf-8', { fatal: false }).decode(bytes), token, truncated);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 || truncated ? `${line.slice(0, 200)}…` : line;
}

/**
 * One request with retries. Resolves with the final response when it is 2xx or (for `accept`) one of
 * the statuses the caller takes as done; throws HttpSyncError otherwise.
 */
export async function sendWithRetries(method: 'PUT' | 'DELETE', url: string, init: { body?: Buffer; token: string | null; accept?: number[] }, opts: HttpOptions = {}): Promise<Response> {
  const retries = opts.retries ?? 4;
  const backoff = opts.backoffMs ?? 1000;
  const maxWait = opts.maxWaitMs ?? 30_000;
  const headers: Record<string, string> = {};
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const where = `${method} ${shownUrl(url)}`;
  for (let attempt = 0; ; attempt++) {
    let wait = Math.min(maxWait, backoff * 2 ** attempt);
    let failure: string;
    let status: number | null = null;
    try {
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
      const res = await fetch(url, {
        method,
        headers,
        ...(init.body ? { body: new Uint8Array(init.body) } : {}),
        redirect: 'error',
        signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
      });
      if (res.ok || init.accept?.includes(res.status)) {
        await res.body?.cancel().catch(() => undefined);
        return res;
      }
      status = res.status;
      failure = `${where}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      const body = await excerpt(res, init.token);
      if (body) failure += `: ${body}`;
      if (res.status !== 429 && res.status < 500) throw new HttpSyncError(failure, status);
      const asked = retryAfterMs(res.headers.get('retry-after'));
      if (asked !== null) wait = Math.min(maxWait, Math.max(wait, asked));
    } catch (err) {
      if (err instanceof HttpSyncError) throw err;
      if (opts.signal?.aborted) throw new HttpSyncError(`${where}: stopped`, null);
      failure = `${where}: ${networkReason(err)}`;
    }
    if (attempt >= retries) throw new HttpSyncError(`${failure} (after ${attempt + 1} attempts)`, status);
    await sleep(wait, opts.signal).catch(() => {
      throw new HttpSyncError(`${where}: stopped`, null);
    });
  }
}

export interface HttpWriteResult {
  written: string[];
  removed: string[];
}

/**
 * Brings the endpoint to the plan: files whose version differs from what the manifest says the
 * endpoint got are PUT, files no longer wanted are DELETEd (404, 405, 410 and 501 count as done:
 * the file is not there, or the server does not delete). `manifest` is updated as each succeeds.
 */
export async function writeHttp(base: string, token: string | null, plan: SyncPlan, manifest: SyncManifest, opts: HttpOptions = {}): Promise<HttpWriteResult> {
  const written: string[] = [];
  const removed: string[] = [];
  const wanted = new Set(plan.files.map((f) => f.name));
  for (const file of plan.files) {
    if (!isSyncFileName(file.name)) throw new HttpSyncError(`refusing to send ${JSON.stringify(file.name)}: not a rulebook version or label file name`, null);
    if (manifest[file.name]?.hash === file.hash) continue;
    await sendWithRetries('PUT', fileUrl(base, file.name), { body: Buffer.from(file.content(), 'utf8'), token }, opts);
    manifest[file.name] = { hash: file.hash };
    written.push(file.name);
  }
  for (const name of Object.keys(manifest).sort()) {
    if (wanted.has(name)) continue;
    if (!isSyncFileName(name)) {
      // Not a name a sync writes (a crafted or damaged manifest): forgotten, never DELETEd.
      delete manifest[name];
      continue;
    }
    await sendWithRetries('DELETE', fileUrl(base, name), { token, accept: [404, 405, 410, 501] }, opts);
    delete manifest[name];
    removed.push(name);
  }
  return { written, removed };
}
