import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nextVersion } from '../rulebook/create.js';
import { generateSigningKey, signRulebook } from '../rulebook/sign.js';
import { sampleRulebook } from '../rulebook/test-fixtures.js';
import { RUNTIME_VERSION } from '../version.js';
import { createStatusReporter, statusHandler } from './status.js';

const v1 = sampleRulebook();
const v2 = nextVersion(v1, { instructions: 'two' });

describe('createStatusReporter', () => {
  it('reports what serves, the newest refusal and counts', () => {
    let t = new Date('2026-12-01T10:00:00Z');
    let dropped = 0;
    const r = createStatusReporter({ service: 'billing-bot', now: () => t, traceLog: { dropped: () => dropped } });
    expect(r.status()).toEqual({
      format: 'casebook-status/1',
      service: 'billing-bot',
      runtimeVersion: RUNTIME_VERSION,
      startedAt: '2026-12-01T10:00:00.000Z',
      active: null,
      lastError: null,
      counts: { extractions: 0, invalid: 0, errors: 0, traceLinesDropped: 0 },
    });
    const key = generateSigningKey();
    t = new Date('2026-12-01T10:01:00Z');
    r.loaded(signRulebook(v1, key.privateKeyPem), 'production.json');
    expect(r.status().active).toEqual({ id: v1.id, version: 1, hash: v1.hash, keyId: key.keyId, since: '2026-12-01T10:01:00.000Z', source: 'production.json' });

    r.refused(new Error('production.json: bad signature'), 'production.json', { version: 2 });
    expect(r.status().lastError).toEqual({ at: '2026-12-01T10:01:00.000Z', message: 'production.json: bad signature', source: 'production.json', rulebook: { version: 2 } });
    r.loaded(v1, 'production.json', { keyId: null }); // a rollback to an older good version ends the refusal
    expect(r.status().lastError).toBeNull();
    expect(r.status().active?.keyId).toBeNull();
    r.refused(new Error('production.json: bad signature'), 'production.json', { version: 2 });
    r.loaded(nextVersion(v2, {}), 'production.json'); // v3, newer than the refused v2
    expect(r.status().lastError).toBeNull();

    r.extracted({ valid: true });
    r.extracted({ valid: false });
    r.errored();
    dropped = 4;
    expect(r.status().counts).toEqual({ extractions: 2, invalid: 1, errors: 1, traceLinesDropped: 4 });
  });
});

describe('a refusal in the status report', () => {
  it('ends with any good load from its source whose hash differs from the refused one', () => {
    const r = createStatusReporter({ service: 's' });
    const v3 = nextVersion(v2, { instructions: 'three' });
    r.loaded(v2, 'production.json');
    r.refused('production.json: bad signature', 'production.json', { version: 3, hash: v3.hash });
    r.loaded(v2, 'staging.json'); // another source says nothing about this one
    expect(r.status().lastError?.rulebook).toEqual({ version: 3, hash: v3.hash });
    r.loaded(v3, 'production.json', { clearsRefusal: false }); // told: it arrived before the refusal
    expect(r.status().lastError).not.toBeNull();
    r.loaded(v1, 'production.json'); // serve v2, refuse v3, roll back to v1
    expect(r.status().lastError).toBeNull();
    expect(r.status().active?.version).toBe(1);

    // The very version that was refused is not, by itself, an end to its refusal...
    r.refused('production.json: content was changed after it was hashed', 'production.json', { version: 1, hash: v1.hash });
    r.loaded(v1, 'production.json');
    expect(r.status().lastError?.message).toMatch(/content was changed/);
    // ...unless the caller knows it is what the source holds now (the good v1 back over a tampered one).
    r.loaded(v1, 'production.json', { clearsRefusal: true });
    expect(r.status().lastError).toBeNull();
  });

  it('keeps the time a version started serving when the source goes back to it', () => {
    let t = new Date('2026-12-01T10:00:00Z');
    const r = createStatusReporter({ service: 's', now: () => t });
    r.loaded(v2, 'production.json');
    t = new Date('2026-12-01T11:00:00Z');
    r.refused('tampered', 'production.json', { version: 2, hash: v2.hash });
    r.loaded(v2, 'production.json', { clearsRefusal: true });
    expect(r.status().active?.since).toBe('2026-12-01T10:00:00.000Z');
    r.loaded(v1, 'production.json');
    expect(r.status().active?.since).toBe('2026-12-01T11:00:00.000Z');
  });
});

describe('statusHandler over node:http', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  async function start(path?: string): Promise<string> {
    const reporter = createStatusReporter({ service: 'svc' });
    reporter.loaded(v1, 'rb.json');
    const handle = statusHandler(reporter, path ? { path } : {});
    server = createServer((req, res) => {
      if (handle(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('the service\'s own routes');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers GET and HEAD on /casebook/status with JSON, not cached', async () => {
    const base = await start();
    const res = await fetch(`${base}/casebook/status?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { format: string; active: { version: number } };
    expect(body.format).toBe('casebook-status/1');
    expect(body.active.version).toBe(1);
    const head = await fetch(`${base}/casebook/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('leaves other paths and methods to the service', async () => {
    const base = await start();
    for (const [path, method] of [['/', 'GET'], ['/casebook/status/x', 'GET'], ['/casebook/statusx', 'GET'], ['/casebook/status', 'POST']] as const) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.text()).toBe('the service\'s own routes');
    }
  });

  it('answers on another path when told', async () => {
    const base = await start('/internal/casebook');
    expect((await fetch(`${base}/internal/casebook`)).status).toBe(200);
    expect((await fetch(`${base}/casebook/status`)).status).toBe(404);
  });

  it('works with a raw node:http request too', async () => {
    const base = await start();
    const body = await new Promise<string>((resolve, reject) => {
      request(`${base}/casebook/status`, (res) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () => resolve(s));
      }).on('error', reject).end();
    });
    expect(JSON.parse(body)).toMatchObject({ service: 'svc' });
  });
});
