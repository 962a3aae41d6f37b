// The browser host: the same renderer and API handlers as the Electron app, served on 127.0.0.1.
// It is how the app is developed and tested end to end in Chromium where Electron cannot run.
// Every API call must carry the per-launch token; a foreign Host (DNS rebinding) or Origin
// (another site in the same browser) is refused before anything else is looked at.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { ApiError, FILE_METHODS, MAX_IMPORT_BASE64_CHARS, MAX_IMPORT_CHARS, parseApiArgs, type ApiEventName, type ApiEvents, type ApiFailure, type ApiHandlers, type ApiMethod } from '../../shared/src/api/index.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Largest API request body accepted, except for the import calls. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * The import calls carry a whole file: as base64 (up to MAX_IMPORT_BASE64_CHARS ASCII bytes), or
 * as text (up to MAX_IMPORT_CHARS characters, up to 3 bytes each in UTF-8; JSON's `\n`, `\"` and
 * `\\` escapes are 2), plus the rest of the call. The contract's validator checks the exact size
 * once the body is read.
 */
export const MAX_IMPORT_BODY_BYTES = Math.max(MAX_IMPORT_CHARS * 3, MAX_IMPORT_BASE64_CHARS) + 1024 * 1024;
const IMPORT_METHODS: ReadonlySet<string> = new Set<ApiMethod>(FILE_METHODS);

/** The largest body a call to `method` may send. */
export function maxBodyBytes(method: string): number {
  return IMPORT_METHODS.has(method) ? MAX_IMPORT_BODY_BYTES : MAX_BODY_BYTES;
}

class BodyTooLarge extends ApiError {}

export interface WebHostOptions {
  handlers: ApiHandlers;
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  port?: number;
  /** A fixed token (tests); by default a fresh random one per launch. */
  token?: string;
  /** Called to subscribe the host to backend events; returns an unsubscribe function. */
  subscribe?: (listener: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void) => () => void;
  log?: (line: string) => void;
}

export interface WebHost {
  /** The URL to open, carrying the token in its fragment (never sent to the server or logged). */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

function fail(res: http.ServerResponse, status: number, failure: ApiFailure): void {
  send(res, status, { ok: false, error: failure });
}

const STATUS_OF: Record<ApiFailure['code'], number> = { bad_request: 400, not_found: 404, conflict: 409, unavailable: 503, internal: 500 };

/**
 * The path of a request target in origin form (`/path?query`), undecoded; null for any other form
 * (absolute, authority, asterisk) or a target with bytes no URL may hold. Parsed by hand: a URL
 * parser given `//[` or `http://[` throws, and this runs before the token is checked.
 */
export function requestPath(target: string | undefined): string | null {
  // `//x` is a path to a URL parser but a host to a browser: no page of the app has one.
  if (!target || target[0] !== '/' || target[1] === '/') return null;
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x20\x7f\\]/.test(path) ? null : path;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const tooLarge = () => new BodyTooLarge({ code: 'bad_request', message: `request body over ${limit} bytes` });
    // A declared length over the limit is refused before a byte of it is read.
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.pause();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const rendererDir = resolve(opts.rendererDir);
  const sockets = new Set<Socket>();
  const streams = new Set<http.ServerResponse>();
  const log = opts.log ?? (() => undefined);
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const authorized = (req: http.IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return fail(res, 405, { code: 'bad_request', message: 'API calls are POST requests' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return fail(res, 415, { code: 'bad_request', message: 'API calls send application/json' });
    }
    try {
      const text = await readBody(req, maxBodyBytes(method));
      let raw: unknown;
      try {
        raw = text ? JSON.parse(text) : {};
      } catch {
        throw new ApiError({ code: 'bad_request', message: 'the request body is not JSON' });
      }
      const args = parseApiArgs(method, raw);
      const handler = opts.handlers[method as ApiMethod] as (a: unknown) => unknown;
      const result = await handler(args);
      send(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        // Answer, then drop the connection rather than read the rest of the upload.
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.destroy());
      }
      if (err instanceof ApiError) return fail(res, STATUS_OF[err.failure.code], err.failure);
      log(`api ${method} failed: ${(err as Error).stack ?? String(err)}`);
      fail(res, 500, { code: 'internal', message: `${method} failed: ${(err as Error).message}` });
    }
  }

  function handleEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
  }

  async function handleStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, { code: 'bad_request', message: 'method not allowed' });
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return fail(res, 400, { code: 'bad_request', message: 'bad path' });
    }
    if (rel.includes('\0')) return fail(res, 400, { code: 'bad_request', message: 'bad path' });
    const file = normalize(join(rendererDir, rel === '/' ? 'index.html' : rel));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return fail(res, 403, { code: 'bad_request', message: 'outside the app' });
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(s.size),
        'Cache-Control': extname(file) === '.html' ? 'no-store' : 'public, max-age=3600',
      });
      if (req.method === 'HEAD') return void res.end();
      // The file can vanish between stat and read (a rebuild): end the response, keep the host.
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      if (rel === '/' || rel === '/index.html') {
        res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('The renderer is not built. Run: npm run build\n');
      }
      fail(res, 404, { code: 'not_found', message: `no such file: ${rel}` });
    }
  }

  function route(req: http.IncomingMessage, res: http.ServerResponse): void {
    // Refuse foreign Hosts (DNS rebinding) and foreign Origins before anything else.
    if (!allowedHosts().has(req.headers.host ?? '')) return fail(res, 421, { code: 'bad_request', message: 'unexpected Host header' });
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return fail(res, 403, { code: 'bad_request', message: 'foreign Origin refused' });
    const pathname = requestPath(req.url);
    if (pathname === null) return fail(res, 400, { code: 'bad_request', message: 'bad request target' });
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      if (!authorized(req)) return fail(res, 401, { code: 'bad_request', message: 'missing or wrong token' });
      if (pathname === '/api/events') return handleEvents(req, res);
      return void handleApi(req, res, pathname.slice('/api/'.length)).catch((err: unknown) => lastResort(req, res, err));
    }
    void handleStatic(req, res, pathname).catch((err: unknown) => lastResort(req, res, err));
  }

  /** Whatever escaped a handler: logged, answered if nothing was sent yet, never fatal to the host. */
  function lastResort(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
    log(`request ${req.method ?? '?'} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (!res.headersSent) fail(res, 500, { code: 'internal', message: 'the request failed' });
    else res.destroy();
  }

  const server = http.createServer((req, res) => {
    // A failed response or request stream must not become an unhandled 'error' event.
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    try {
      route(req, res);
    } catch (err) {
      lastResort(req, res, err);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const unsubscribe = opts.subscribe?.((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const s of streams) s.write(frame);
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  const originUrl = `http://127.0.0.1:${port}`;

  return {
    url: `${originUrl}/#token=${token}`,
    origin: originUrl,
    port,
    token,
    close: () =>
      new Promise<void>((resolvePromise) => {
        unsubscribe?.();
        for (const s of streams) s.end();
        server.close(() => resolvePromise());
        for (const s of sockets) s.destroy();
      }),
  };
}
