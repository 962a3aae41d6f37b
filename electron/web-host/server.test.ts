import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEventName, ApiEvents, ApiHandlers } from '../../shared/src/api/index.js';
import { ApiError, MAX_IMPORT_BASE64_CHARS, MAX_IMPORT_CHARS } from '../../shared/src/api/index.js';
import { MAX_BODY_BYTES, MAX_IMPORT_BODY_BYTES, maxBodyBytes, startWebHost, type WebHost } from './server.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(host: WebHost, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${host.port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const calls: unknown[] = [];
const handlers = {
  getMessage: async (args: { id: string }) => {
    calls.push(args);
    if (args.id === 'missing') throw new ApiError({ code: 'not_found', message: 'no message missing' });
    return { message: { id: args.id, text: '<img src=x onerror=alert(1)>' }, extraction: null };
  },
} as unknown as ApiHandlers;

let host: WebHost;
let emit: (<E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void) | undefined;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Casebook</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, '..', 'secret.txt'), 'secret-outside-the-app');
  host = await startWebHost({ handlers, rendererDir: dir, token: 'launch-token', subscribe: (l) => ((emit = l), () => (emit = undefined)) });
});
afterAll(() => host.close());

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  request(host, `/api/${method}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: 'Bearer launch-token', origin: host.origin, ...headers },
  });

describe('the browser host', () => {
  it('prints a URL with the token in the fragment, bound to 127.0.0.1', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=launch-token`);
  });

  it('answers a good call with the handler result', async () => {
    const r = await api('getMessage', { id: 'm1' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, result: { message: { id: 'm1', text: '<img src=x onerror=alert(1)>' }, extraction: null } });
    expect(r.headers['content-type']).toMatch(/^application\/json/);
  });

  it('refuses a call without the token, or with another one', async () => {
    const before = calls.length;
    expect((await api('getMessage', { id: 'm1' }, { authorization: '' })).status).toBe(401);
    expect((await api('getMessage', { id: 'm1' }, { authorization: 'Bearer launch-tokem' })).status).toBe(401);
    expect((await api('getMessage', { id: 'm1' }, { authorization: 'Bearer launch-token-and-more' })).status).toBe(401);
    expect(calls.length).toBe(before);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const r = await api('getMessage', { id: 'm1' }, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toBe('foreign Origin refused');
  });

  it('refuses a foreign Host (DNS rebinding), for pages too', async () => {
    expect((await api('getMessage', { id: 'm1' }, { host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await request(host, '/', { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('refuses bad arguments and unknown methods, naming what is wrong', async () => {
    const bad = await api('getMessage', { id: 7 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.issues[0].path).toBe('id');
    expect((await api('dropTables', {})).status).toBe(400);
    const notJson = await request(host, '/api/getMessage', { method: 'POST', body: '{', headers: { 'content-type': 'application/json', authorization: 'Bearer launch-token' } });
    expect(JSON.parse(notJson.body).error.message).toBe('the request body is not JSON');
    expect((await request(host, '/api/getMessage', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain', authorization: 'Bearer launch-token' } })).status).toBe(415);
  });

  it('maps handler failures to their status', async () => {
    const r = await api('getMessage', { id: 'missing' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error).toEqual({ code: 'not_found', message: 'no message missing' });
  });

  it('serves the renderer with a strict CSP and never a file outside it', async () => {
    const page = await request(host, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(host, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await request(host, '/../secret.txt')).status).not.toBe(200);
    const dotted = await request(host, '/%2e%2e/secret.txt');
    expect(dotted.body).not.toContain('secret-outside-the-app');
    expect(dotted.status).toBe(403);
    expect((await request(host, '/assets/..%2f..%2fsecret.txt')).status).toBe(403);
    expect((await request(host, '/nope.js')).status).toBe(404);
  });

  it('streams backend events to an authorised listener', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: { host: `127.0.0.1:${host.port}`, authorization: 'Bearer launch-token' } }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          if (buf.includes(': connected')) emit?.('messagesChanged', { reason: 'import' });
          if (buf.includes('event: messagesChanged')) {
            req.destroy();
            resolve(buf);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(got).toContain('data: {"reason":"import"}');
    expect((await request(host, '/api/events')).status).toBe(401);
  });
});

describe('request body limits', () => {
  let big: WebHost;
  const received: number[] = [];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-web-limits-'));
    const limitHandlers = {
      previewImport: async (args: { file: { content: string } }) => {
        received.push(args.file.content.length);
        return { chars: args.file.content.length };
      },
      getMessage: async () => ({ message: null, extraction: null }),
    } as unknown as ApiHandlers;
    big = await startWebHost({ handlers: limitHandlers, rendererDir: dir, token: 'limits-token' });
  });
  afterAll(() => big.close());

  const post = (method: string, body: string) =>
    request(big, `/api/${method}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: 'Bearer limits-token', origin: big.origin },
    });

  it('takes an import file over 2 MB, and refuses such a body for any other call', async () => {
    // 3 MB of multi-byte text: over the general limit, well within the import one.
    const content = 'Grüße, ticket — ünïcödé\n'.repeat(100_000);
    const body = JSON.stringify({ file: { name: 'big.csv', content } });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES);

    const ok = await post('previewImport', body);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, result: { chars: content.length } });
    expect(received).toEqual([content.length]);

    const refused = await post('getMessage', JSON.stringify({ id: 'm1', padding: content }));
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toEqual({ code: 'bad_request', message: `request body over ${MAX_BODY_BYTES} bytes` });
  });

  it('allows the import calls the largest file the contract accepts, in UTF-8 and JSON', () => {
    expect(maxBodyBytes('getMessage')).toBe(MAX_BODY_BYTES);
    expect(maxBodyBytes('dropTables')).toBe(MAX_BODY_BYTES);
    for (const method of ['previewImport', 'importMessages', 'createWorkspace', 'proposeFields']) {
      expect(maxBodyBytes(method)).toBe(MAX_IMPORT_BODY_BYTES);
      expect(maxBodyBytes(method)).toBeGreaterThanOrEqual(MAX_IMPORT_CHARS * 3);
      expect(maxBodyBytes(method)).toBeGreaterThan(MAX_IMPORT_BASE64_CHARS);
    }
  });

  it('refuses an import body over its limit from the declared length, before reading it', async () => {
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: big.port,
          path: '/api/importMessages',
          method: 'POST',
          headers: {
            host: `127.0.0.1:${big.port}`,
            'content-type': 'application/json',
            authorization: 'Bearer limits-token',
            'content-length': String(MAX_IMPORT_BODY_BYTES + 1),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      // Only the start of the promised body is sent: the answer comes without the rest.
      req.write('{"file":');
    });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error.message).toBe(`request body over ${MAX_IMPORT_BODY_BYTES} bytes`);
  });
});
