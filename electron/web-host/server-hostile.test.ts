// The browser host meets hostile requests: no request, however malformed, may end the process.
// A web page can make the user's browser send some of these (an <img> carries no Origin header),
// so each must be answered (or the connection closed) before any token check matters.
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../shared/src/api/index.js';
import { propertyOptions } from '../../shared/src/testing/property.js';
import { hostileRequest, NASTY_TARGETS, rawExchange } from '../../shared/testkit/hostile-http.js';
import { startWebHost, type WebHost } from './server.js';

let host: WebHost;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-web-hostile-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Casebook</title>');
  const handlers = { getCounts: async () => ({ all: 1 }) } as unknown as ApiHandlers;
  host = await startWebHost({ handlers, rendererDir: dir, token: 'hostile-token' });
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
});
afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await host.close();
});

const get = (target: string) => rawExchange(host.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);

async function stillServing(): Promise<void> {
  expect((await get('/')).status).toBe(200);
  const api = await rawExchange(
    host.port,
    `POST /api/getCounts HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer hostile-token\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
  );
  expect(api.status).toBe(200);
  expect(crashes).toEqual([]);
}

describe('the browser host under hostile requests', () => {
  it('answers 400 to request targets its URL parser cannot read, and goes on', async () => {
    for (const target of ['//%5B', '//[', 'http://[']) {
      const reply = await get(target);
      expect(reply.status, target).toBe(400);
    }
    await stillServing();
  });

  it('answers every request target that has broken URL parsers, without crashing', async () => {
    for (const target of NASTY_TARGETS) {
      const reply = await get(target);
      expect(reply.status === null || reply.status < 500, `${JSON.stringify(target)} -> ${reply.status}`).toBe(true);
    }
    await stillServing();
  });

  it('survives random request lines, headers and bodies (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest(host.port), async (bytes) => {
        const reply = await rawExchange(host.port, bytes, 100);
        // Either an answer that is not a server failure, or a closed connection.
        expect(reply.status === null || reply.status < 500 || reply.status === 503, `${JSON.stringify(bytes)} -> ${reply.status}`).toBe(true);
        expect(crashes).toEqual([]);
      }),
      propertyOptions(300),
    );
    await stillServing();
  }, 120_000);
});

describe('requestPath', () => {
  it('takes the path of an origin-form target and refuses every other form', async () => {
    const { requestPath } = await import('./server.js');
    expect(requestPath('/api/getCounts?x=1#y')).toBe('/api/getCounts');
    expect(requestPath('/')).toBe('/');
    for (const bad of [undefined, '', '*', 'http://127.0.0.1/', '//%5B', '//[', 'http://[', '/a b', '/a\\b', '/\u0000', 'x']) expect(requestPath(bad), String(bad)).toBeNull();
  });
});
