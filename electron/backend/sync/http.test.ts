// HTTP targets against a real server on 127.0.0.1: files PUT with the bearer token, 503 retried,
// 401 failing at once, removed labels DELETEd, and the token in no record, error or event.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPortURL } from '../../../shared/testkit/closed-port.js';
import { RULEBOOK_ID, syncHarness, type SyncHarness } from './test-support.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  type: string | undefined;
  body: string;
}

/** A server that records every request and answers from a per-path script (200 when none is left). */
async function recordingServer() {
  const seen: Seen[] = [];
  const script = new Map<string, { status: number; body?: string; headers?: Record<string, string> }[]>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      const next = script.get(req.url!)?.shift() ?? { status: 200 };
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { seen, script, base: `http://127.0.0.1:${port}/rulebooks`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const TOKEN = 'tok-SECRET-4f9a1c';
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});
async function setup(options: Parameters<typeof syncHarness>[0] = {}) {
  const s = syncHarness(options);
  const server = await recordingServer();
  open.push(s, server);
  return { s, server };
}
const noToken = (s: SyncHarness, ...more: unknown[]) => {
  const everything = JSON.stringify([s.h.ctx.repos.syncTargets.list(), s.h.opts.events, ...more]);
  expect(everything).not.toContain(TOKEN);
  for (const t of s.h.ctx.repos.syncTargets.list()) expect(JSON.stringify(s.h.ctx.repos.syncTargets.manifest(t.id))).not.toContain(TOKEN);
};

describe('an HTTP target', () => {
  it('PUTs every file with the bearer token, then only what changed; DELETEs a removed label', async () => {
    const { s, server } = await setup();
    s.publish();
    s.setLabel('production', 1);
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: `${server.base}/`, token: TOKEN, enabled: false });
    expect(t).toMatchObject({ kind: 'http', url: `${server.base}/`, path: null, hasToken: true, git: false, status: 'never' });
    expect(s.h.opts.secrets.getSecret(`sync-token:${t.id}`)).toBe(TOKEN);

    const [done] = await s.call('syncNow', { id: t.id });
    expect(done).toMatchObject({ status: 'ok', lastError: null });
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /rulebooks/rulebook-v1.json', 'PUT /rulebooks/production.json']);
    for (const r of server.seen) {
      expect(r.auth).toBe(`Bearer ${TOKEN}`);
      expect(r.type).toBe('application/json');
      expect(r.body).toBe(s.stored(1));
    }

    server.seen.length = 0;
    await s.call('syncNow', { id: t.id });
    expect(server.seen).toEqual([]);

    s.publish();
    s.setLabel('production', 2);
    s.setLabel('staging', 1);
    await s.call('syncNow', { id: t.id });
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /rulebooks/rulebook-v2.json', 'PUT /rulebooks/production.json', 'PUT /rulebooks/staging.json']);
    expect(server.seen[1]!.body).toBe(s.stored(2));

    server.seen.length = 0;
    s.h.ctx.repos.rulebookVersions.removeLabel(RULEBOOK_ID, 'staging');
    server.script.set('/rulebooks/staging.json', [{ status: 404 }]);
    const [after] = await s.call('syncNow', { id: t.id });
    expect(after!.status).toBe('ok');
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /rulebooks/staging.json']);
    noToken(s, await s.call('listSyncTargets', {}));
  });

  it('retries a 503 (and a 429 with Retry-After) and succeeds', async () => {
    const { s, server } = await setup();
    s.publish();
    server.script.set('/rulebooks/rulebook-v1.json', [{ status: 503, body: 'busy' }, { status: 429, headers: { 'retry-after': '0' } }, { status: 200 }]);
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: server.base, enabled: false });
    expect(t.hasToken).toBe(false);
    const [done] = await s.call('syncNow', { id: t.id });
    expect(done!.status).toBe('ok');
    expect(server.seen.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(server.seen[0]!.auth).toBeUndefined();
  });

  it('fails at once on a 401, with the status and an excerpt but never the token, and retries later', async () => {
    const { s, server } = await setup();
    s.publish();
    server.script.set('/rulebooks/rulebook-v1.json', [{ status: 401, body: `token ${TOKEN} is not valid here` }]);
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: server.base, token: TOKEN, enabled: false });
    const [failed] = await s.call('syncNow', { id: t.id });
    expect(failed!.status).toBe('failed');
    expect(failed!.lastError).toMatch(/^PUT http:\/\/127\.0\.0\.1:\d+\/rulebooks\/rulebook-v1\.json: HTTP 401 Unauthorized: token \*\*\* is not valid here$/);
    expect(server.seen).toHaveLength(1);
    noToken(s, failed);

    // Asked again, the server is willing now.
    const [ok] = await s.call('syncNow', { id: t.id });
    expect(ok!.status).toBe('ok');
  });

  it('gives up after the retries when nothing listens, and says why (within seconds)', async () => {
    const { s } = await setup({ http: { retries: 2, backoffMs: 10 } });
    s.publish();
    const url = await closedPortURL('/rb');
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'Down', url, enabled: false });
    const [failed] = await s.call('syncNow', { id: t.id });
    expect(failed!.lastError).toMatch(/connection refused \(ECONNREFUSED\) \(after 3 attempts\)/);
  });

  it('a token is kept, replaced, removed with "", and removed with the target', async () => {
    const { s, server } = await setup();
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: server.base, token: TOKEN, enabled: false });
    expect((await s.call('saveSyncTarget', { id: t.id, kind: 'http', name: 'CDN 2', url: server.base, enabled: false })).hasToken).toBe(true);
    expect(s.h.opts.secrets.getSecret(`sync-token:${t.id}`)).toBe(TOKEN);
    expect((await s.call('saveSyncTarget', { id: t.id, kind: 'http', name: 'CDN 2', url: server.base, token: '', enabled: false })).hasToken).toBe(false);
    await s.call('saveSyncTarget', { id: t.id, kind: 'http', name: 'CDN 2', url: server.base, token: 'other', enabled: false });
    expect(await s.call('deleteSyncTarget', { id: t.id })).toEqual({ id: t.id });
    expect(s.h.opts.secrets.getSecret(`sync-token:${t.id}`)).toBeNull();
    expect(await s.call('listSyncTargets', {})).toEqual([]);
  });
});
