// The app's own scheme, `casebook://app/...`, serving the built renderer (`dist/renderer/`). It gives
// the window a real origin to check (IPC senders, navigation) instead of `file://`, which would
// share its origin with every file on the disk. Paths are confined to the renderer folder.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { SECURITY_HEADERS } from './csp.js';
import { APP_HOST, APP_SCHEME } from './origin.js';

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type ResolvedRequest = { status: 200; file: string } | { status: 400 | 403 | 404 | 405; reason: string };

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Maps a request to a file in `rendererDir`, or refuses it. Any `..`, encoded slash, backslash or
 * NUL in the path is refused outright; the resolved real path (after symlinks) must still lie
 * inside the folder. A path without an extension that names no file falls back to index.html.
 */
export async function resolveRendererFile(rendererDir: string, url: string, method = 'GET'): Promise<ResolvedRequest> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'method not allowed' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, reason: 'bad url' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 403, reason: 'foreign host' };

  const segments: string[] = [];
  for (const raw of parsed.pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { status: 400, reason: 'bad escape' };
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment) || /^[a-zA-Z]:/.test(segment)) {
      return { status: 403, reason: 'path traversal' };
    }
    segments.push(segment);
  }

  let root: string;
  try {
    root = await realpath(rendererDir);
  } catch {
    return { status: 404, reason: 'renderer not built' };
  }
  const requested = segments.length === 0 ? path.join(root, 'index.html') : path.join(root, ...segments);
  if (!inside(root, requested)) return { status: 403, reason: 'path traversal' };

  let file = requested;
  if (!(await isFile(file))) {
    if (segments.length > 0 && path.extname(requested) === '') file = path.join(root, 'index.html');
    else return { status: 404, reason: 'not found' };
    if (!(await isFile(file))) return { status: 404, reason: 'not found' };
  }
  const real = await realpath(file);
  if (!inside(root, real)) return { status: 403, reason: 'path traversal' };
  return { status: 200, file: real };
}

/** The protocol handler: files from the renderer folder, each response with the CSP and security headers. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const resolved = await resolveRendererFile(rendererDir, request.url, request.method);
    if (resolved.status !== 200) {
      return new Response(resolved.reason, { status: resolved.status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    const body = request.method === 'HEAD' ? null : await readFile(resolved.file);
    return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': mimeType(resolved.file), 'Cache-Control': 'no-cache' } });
  };
}

export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}
