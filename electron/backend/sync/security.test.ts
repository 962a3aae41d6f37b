// The security review of sync and deployments (issue 11): a crafted workspace file never makes the
// app delete, write or push anything by itself; only version and label files are ever touched;
// answers from servers are read with a cap and validated; tokens and URL credentials stay secret.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STATUS_PATH } from '../../../shared/src/api/names.js';
import { labelName, publishArgs } from '../../../shared/src/api/publish-schemas.js';
import type { RuntimeStatus } from '../../../shared/src/service/types.js';
import { apiFailure } from '../test-support.js';
import { fetchStatus, MAX_STATUS_BYTES, NOT_A_STATUS_REPORT } from './deployments.js';
import { syncFilePath } from './folder.js';
import { sshEnv } from './git.js';
import { fileUrl } from './http.js';
import { isSyncFileName } from './plan.js';
import { createSyncService, SYNC_APPROVALS_SETTING, WAITING_FOR_APPROVAL } from './service.js';
import { gitRun, syncHarness, until, type SyncHarness } from './test-support.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const o of open.splice(0).reverse()) await o.close();
});
const harness = (...args: Parameters<typeof syncHarness>) => {
  const s = syncHarness(...args);
  open.push(s);
  return s;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
}

/** A server on 127.0.0.1 answering with `handler` (recording every request); its sockets die on close. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  open.push({ close });
  return { seen, port, base: `http://127.0.0.1:${port}` };
}

/** Writes 64 KiB chunks for as long as the client reads; `state.bytes` counts what went out. */
function endless(res: ServerResponse, status: number, state: { bytes: number; closed: boolean }) {
  res.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  res.on('close', () => (state.closed = true));
  const pump = () => {
    while (!state.closed && state.bytes < 512 * 1024 * 1024) {
      state.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}

describe('H1: a crafted manifest never names what a sync deletes or writes', () => {
  it('only version and label file names, inside the folder, are ever touched', () => {
    for (const ok of ['rulebook-v1.json', 'rulebook-v12.json', 'production.json', 'eu.prod-2.json']) expect(isSyncFileName(ok)).toBe(true);
    for (const bad of ['authorized_keys', '../x', '../x.json', 'a/b.json', '.json', '.bashrc.json', 'Production.json', 'production', 'x'.repeat(70) + '.json', '..', '']) {
      expect(isSyncFileName(bad)).toBe(false);
    }
    expect(syncFilePath('/srv/out', 'production.json')).toBe('/srv/out/production.json');
    expect(syncFilePath('/srv/out', '../production.json')).toBeNull();
  });

  it('a folder target: names outside the rules in its manifest are forgotten, never deleted (nor committed)', async () => {
    const s = harness();
    s.publish();
    const dir = join(s.folder.dir, 'out');
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Out', path: dir, enabled: false });
    writeFileSync(join(dir, 'authorized_keys'), 'ssh-ed25519 AAAA me');
    writeFileSync(join(s.folder.dir, 'outside.json'), 'mine');
    writeFileSync(join(s.folder.dir, 'x'), 'mine');
    s.h.ctx.repos.syncTargets.setManifest(t.id, {
      authorized_keys: { hash: 'h' },
      '../x': { hash: 'h' },
      '../outside.json': { hash: 'h' },
      'staging.json': { hash: 'h' }, // a label file of ours, gone from the plan: deleted as before
    });
    writeFileSync(join(dir, 'staging.json'), 'old');
    const [after] = await s.call('syncNow', { id: t.id });
    expect(after).toMatchObject({ status: 'ok', lastError: null });
    expect(readFileSync(join(dir, 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA me');
    expect(readFileSync(join(s.folder.dir, 'x'), 'utf8')).toBe('mine');
    expect(readFileSync(join(s.folder.dir, 'outside.json'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'staging.json'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['authorized_keys', 'rulebook-v1.json']);
    expect(Object.keys(s.h.ctx.repos.syncTargets.manifest(t.id))).toEqual(['rulebook-v1.json']);
  });

  it('an HTTP target: such names are never DELETEd', async () => {
    const s = harness();
    const server = await serve((_req, res) => res.end());
    s.publish();
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: `${server.base}/rb`, enabled: false });
    s.h.ctx.repos.syncTargets.setManifest(t.id, { '../admin/users.json': { hash: 'h' }, 'passwd': { hash: 'h' }, 'old.json': { hash: 'h' } });
    const [after] = await s.call('syncNow', { id: t.id });
    expect(after!.status).toBe('ok');
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /rb/rulebook-v1.json', 'DELETE /rb/old.json']);
  });
});

describe('H1: nothing syncs by itself unless this host approved the target', () => {
  /** A target as a crafted workspace file would hold it: never saved on this host, failed, due for a retry. */
  function crafted(s: SyncHarness, dir: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'authorized_keys'), 'keep me');
    const t = s.h.ctx.repos.syncTargets.save({ kind: 'folder', name: 'Innocent', location: dir, enabled: true });
    s.h.ctx.repos.syncTargets.setStatus(t.id, { status: 'failed', lastError: 'disk full', attempts: 1, retryAt: new Date(Date.now() - 1000).toISOString() });
    s.h.ctx.repos.syncTargets.setManifest(t.id, { authorized_keys: { hash: 'h' } });
    return t;
  }

  it('a failed target of a crafted workspace is not resumed on open, by a trigger, or by Sync all; it waits for Sync now', async () => {
    const s = harness({ retryDelayMs: () => 50 });
    s.publish();
    s.setLabel('production', 1);
    const dir = join(s.folder.dir, 'ssh');
    const t = crafted(s, dir);

    const opened = createSyncService(s.h.ctx, { retryDelayMs: () => 50 });
    open.push(opened);
    opened.trigger('publish tidewell-support v1');
    s.service.trigger('production → v1');
    await sleep(400);
    expect(readdirSync(dir)).toEqual(['authorized_keys']);
    expect(s.h.ctx.repos.syncTargets.get(t.id)).toMatchObject({ status: 'failed', lastError: 'disk full' });

    // Shown as waiting, its status as it was; its folder not even asked whether it is a git copy.
    const [shown] = await s.call('listSyncTargets', {});
    expect(shown).toMatchObject({ id: t.id, status: 'failed', lastError: WAITING_FOR_APPROVAL, retryAt: null, git: false });
    expect(shown!.lastError).toMatch(/^waiting for approval/);

    // "Sync all now" syncs the approved targets only.
    expect(await s.call('syncNow', {})).toEqual([]);
    expect(readdirSync(dir)).toEqual(['authorized_keys']);

    // Sync now on the target is the person's approval: synced, and from now on like any other.
    const [synced] = await s.call('syncNow', { id: t.id });
    expect(synced).toMatchObject({ status: 'ok', lastError: null });
    expect(readdirSync(dir).sort()).toEqual(['authorized_keys', 'production.json', 'rulebook-v1.json']);
    expect(s.h.opts.settings.get(SYNC_APPROVALS_SETTING)).toEqual([{ workspace: realpathSync(s.h.opts.workspacePath), target: t.id, kind: 'folder', location: dir }]);
    s.publish();
    s.service.trigger('publish tidewell-support v2');
    await until(() => existsSync(join(dir, 'rulebook-v2.json')), 5000, 'the triggered sync');
  });

  it('saving a target here approves it; approval is per workspace file and per location', async () => {
    const s = harness();
    s.publish();
    const dir = join(s.folder.dir, 'out');
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Out', path: dir, enabled: true });
    await until(() => existsSync(join(dir, 'rulebook-v1.json')), 5000, 'the sync after saving');
    expect(s.service.isApproved(s.h.ctx.repos.syncTargets.get(t.id)!)).toBe(true);

    // Moved elsewhere behind the app's back (in the file): not approved any more.
    const moved = s.h.ctx.repos.syncTargets.save({ id: t.id, kind: 'folder', name: 'Out', location: join(s.folder.dir, 'elsewhere'), enabled: true });
    expect(s.service.isApproved(moved)).toBe(false);
    expect((await s.call('listSyncTargets', {}))[0]!.lastError).toBe(WAITING_FOR_APPROVAL);

    // The same target id in another workspace file is not approved by this one's approval.
    const other = syncHarness();
    open.push(other);
    const same = other.h.ctx.repos.syncTargets.save({ id: t.id, kind: 'folder', name: 'Out', location: dir, enabled: true });
    const service = createSyncService({ ...other.h.ctx, opts: { ...other.h.ctx.opts, settings: s.h.opts.settings } });
    open.push(service);
    expect(service.isApproved(same)).toBe(false);
  });
});

describe('H3, M1: a deployment poll reads at most 1 MiB and stores only a valid report', () => {
  const report = (): RuntimeStatus => ({
    format: 'casebook-status/1',
    service: 'eu-1',
    runtimeVersion: '0.1.0',
    startedAt: '2026-03-01T08:00:00.000Z',
    active: { id: 'tidewell-support', version: 2, hash: 'sha256:abc', keyId: null, since: '2026-03-01T08:00:01.000Z', source: '/srv/production.json' },
    lastError: null,
    counts: { extractions: 12, invalid: 1, errors: 0, traceLinesDropped: 0 },
  });

  it('an endless answer (no content-length) is cut past 1 MiB, for 200 and for 500, within a second', async () => {
    for (const status of [200, 500]) {
      const state = { bytes: 0, closed: false };
      const server = await serve((_req, res) => endless(res, status, state));
      const started = Date.now();
      const outcome = await fetchStatus(`${server.base}${STATUS_PATH}`, 20_000);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(outcome.status).toBeNull();
      expect(outcome.error).toBe(status === 200 ? `${NOT_A_STATUS_REPORT} (the answer is over ${MAX_STATUS_BYTES} bytes)` : `HTTP 500 Internal Server Error from ${server.base}${STATUS_PATH}`);
      await until(() => state.closed, 3000, 'the server to see the answer cancelled');
      expect(state.bytes).toBeLessThan(64 * 1024 * 1024);
    }
  });

  it('refuses a report with missing counts or non-string fields; stores the normalised copy only', async () => {
    const s = harness();
    const bodies: Record<string, unknown> = {
      '/nocounts': { ...report(), counts: undefined },
      '/numbermessage': { ...report(), lastError: { at: 'x', message: 42, source: {}, rulebook: null } },
      '/infinite': { ...report(), counts: { extractions: 123456789, invalid: 0, errors: 0, traceLinesDropped: 0 } },
      '/longsource': { ...report(), active: { ...report().active, source: 'x'.repeat(5000) } },
      '/good': { ...report(), extra: 'dropped', active: { ...report().active, evil: { nested: true } } },
    };
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // JSON.parse reads 1e400 as Infinity.
      res.end(JSON.stringify(bodies[req.url!]).replace('123456789', '1e400'));
    });
    for (const path of Object.keys(bodies)) await s.call('saveDeployment', { name: path.slice(1), statusUrl: `${server.base}${path}` });
    const polled = Object.fromEntries((await s.call('pollDeployments', {})).map((d) => [d.name, d]));
    for (const bad of ['nocounts', 'numbermessage', 'infinite', 'longsource']) expect(polled[bad], bad).toMatchObject({ status: null, error: NOT_A_STATUS_REPORT });
    expect(polled.good!.status).toEqual(report());
    const stored = s.h.ws.db.prepare<[], { last_status: string }>(`SELECT last_status FROM deployments WHERE name = 'good'`).get()!;
    expect(JSON.parse(stored.last_status)).toEqual(report());
  });

  it('a bad report stored in a crafted workspace file is read back as none', async () => {
    const s = harness();
    const d = await s.call('saveDeployment', { name: 'eu-1', statusUrl: 'http://127.0.0.1:9/casebook/status' });
    s.h.ws.db.prepare('UPDATE deployments SET last_status = ? WHERE id = ?').run(JSON.stringify({ format: 'casebook-status/1', active: { hash: 'x' } }), d.id);
    expect((await s.call('listDeployments', {}))[0]!.status).toBeNull();
  });
});

describe('M2, L3: an error answer is read in part, the token masked before the excerpt is cut', () => {
  const TOKEN = 'tok-SECRET-4f9a1c';

  it('an endless 401 body fails at once; its excerpt is short', async () => {
    const s = harness({ http: { timeoutMs: 10_000, retries: 0 } });
    const state = { bytes: 0, closed: false };
    const server = await serve((_req, res) => endless(res, 401, state));
    s.publish();
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: `${server.base}/rb`, enabled: false });
    const started = Date.now();
    const [failed] = await s.call('syncNow', { id: t.id });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(failed!.lastError).toMatch(/HTTP 401 Unauthorized: …$/);
    await until(() => state.closed, 3000, 'the body cancelled');
  });

  it('a token echoed across the cut (at 200 characters, or at the bytes read) leaves no piece of it', async () => {
    for (const body of ['x'.repeat(190) + TOKEN + ' and more', ' '.repeat(4090) + TOKEN + 'y'.repeat(100)]) {
      const s = harness({ http: { retries: 0 } });
      const server = await serve((_req, res) => {
        res.writeHead(403);
        res.end(body);
      });
      s.publish();
      const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: `${server.base}/rb`, token: TOKEN, enabled: false });
      const [failed] = await s.call('syncNow', { id: t.id });
      expect(failed!.lastError).toMatch(/HTTP 403 Forbidden: .*\*\*\*/);
      expect(failed!.lastError).not.toMatch(/tok-/);
    }
  });
});

describe('M5: git keeps the ssh command the repository or the person chose', () => {
  it('sets batch-mode ssh only when neither the environment nor core.sshCommand names one', async () => {
    vi.stubEnv('GIT_SSH_COMMAND', undefined);
    vi.stubEnv('GIT_SSH', undefined);
    const s = harness();
    const work = join(s.folder.dir, 'work');
    mkdirSync(work);
    gitRun(work, 'init', '-q');
    expect(await sshEnv(work)).toEqual({ GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' });
    gitRun(work, 'config', 'core.sshCommand', 'ssh -i ~/.ssh/deploy_key');
    expect(await sshEnv(work)).toEqual({});
    vi.stubEnv('GIT_SSH_COMMAND', 'ssh -F /dev/null');
    expect(await sshEnv(join(s.folder.dir))).toEqual({});
  });

  it('a push over ssh runs the repository core.sshCommand', async () => {
    vi.stubEnv('GIT_SSH_COMMAND', undefined);
    vi.stubEnv('GIT_SSH', undefined);
    const s = harness();
    const work = join(s.folder.dir, 'work');
    mkdirSync(work);
    gitRun(work, 'init', '-q');
    gitRun(work, 'commit', '-q', '--allow-empty', '-m', 'start');
    gitRun(work, 'remote', 'add', 'origin', 'ssh://git@example.invalid/rulebooks.git');
    const marker = join(s.folder.dir, 'ssh-ran');
    const fake = join(s.folder.dir, 'fake-ssh.sh');
    writeFileSync(fake, `#!/bin/sh\necho "$@" > '${marker}'\nexit 1\n`, { mode: 0o755 });
    gitRun(work, 'config', 'core.sshCommand', fake);
    s.publish();
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Repo', path: join(work, 'rulebooks'), enabled: false });
    const [failed] = await s.call('syncNow', { id: t.id });
    expect(failed!.lastError, failed!.lastError!).toMatch(/git push failed/);
    expect(readFileSync(marker, 'utf8')).toContain('example.invalid');
    expect(execFileSync('git', ['-C', work, 'log', '-1', '--format=%s'], { encoding: 'utf8' })).toMatch(/^casebook: /);
  });
});

describe('M6: a token never follows a URL to another host', () => {
  it('drops the stored token when the origin changes without a new one; keeps it on the same origin', async () => {
    const s = harness();
    const server = await serve((_req, res) => res.end());
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: `${server.base}/a`, token: 'tok-1', enabled: false });
    expect((await s.call('saveSyncTarget', { id: t.id, kind: 'http', name: 'CDN', url: `${server.base}/b?x=1`, enabled: false })).hasToken).toBe(true);
    const moved = await s.call('saveSyncTarget', { id: t.id, kind: 'http', name: 'CDN', url: `http://localhost:${server.port}/b`, enabled: false });
    expect(moved.hasToken).toBe(false);
    expect(s.h.opts.secrets.getSecret(`sync-token:${t.id}`)).toBeNull();
    s.publish();
    await s.call('syncNow', { id: t.id });
    expect(server.seen.map((r) => r.auth)).toEqual([undefined]);
    // A token given with the change is kept.
    expect((await s.call('saveSyncTarget', { id: t.id, kind: 'http', name: 'CDN', url: `${server.base}/c`, token: 'tok-2', enabled: false })).hasToken).toBe(true);
    expect(s.h.opts.secrets.getSecret(`sync-token:${t.id}`)).toBe('tok-2');
  });
});

describe('L1, L2, L6: URLs and label names', () => {
  it('refuses a URL with a user name or password, for sync targets and deployments', async () => {
    const s = harness();
    const target = await apiFailure(s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: 'https://user:pass@cdn.example.com/rb', enabled: false }));
    expect(target.failure).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/user name or password/) });
    const dep = await apiFailure(s.call('saveDeployment', { name: 'eu', statusUrl: 'http://admin@eu.example.com/casebook/status' }));
    expect(dep.failure.message).toMatch(/user name or password/);
    expect(publishArgs.saveDeployment.safeParse({ name: 'eu', statusUrl: 'https://eu.example.com/casebook/status' }).success).toBe(true);
  });

  it('a stored error never holds the credentials of a URL (a service saved before they were refused)', async () => {
    const s = harness();
    s.h.ctx.repos.deployments.save({ name: 'old', statusUrl: 'http://admin:hunter2@127.0.0.1:9/casebook/status' });
    const [d] = await s.call('pollDeployments', {});
    expect(d!.error).toBeTruthy();
    expect(s.h.ctx.repos.deployments.list()[0]!.error).toMatch(/^Request cannot be constructed from a URL that includes credentials: http:\/\/\*\*\*@127/);
    expect(d!.error).not.toContain('hunter2');
  });

  it('puts the file name in the path and keeps the query', async () => {
    expect(fileUrl('https://cdn.example.com/rb?sig=abc', 'production.json')).toBe('https://cdn.example.com/rb/production.json?sig=abc');
    expect(fileUrl('https://cdn.example.com/rb/?sig=abc#x', 'rulebook-v1.json')).toBe('https://cdn.example.com/rb/rulebook-v1.json?sig=abc');
    expect(fileUrl('https://cdn.example.com', 'production.json')).toBe('https://cdn.example.com/production.json');
    const s = harness();
    const server = await serve((_req, res) => res.end());
    s.publish();
    const t = await s.call('saveSyncTarget', { kind: 'http', name: 'CDN', url: `${server.base}/rb?sig=abc`, enabled: false });
    await s.call('syncNow', { id: t.id });
    expect(server.seen.map((r) => r.url)).toEqual(['/rb/rulebook-v1.json?sig=abc']);
  });

  it('refuses a label named like a version file', () => {
    expect(labelName.safeParse('rulebook-v7').success).toBe(false);
    expect(labelName.safeParse('rulebook-v7').error?.issues[0]?.message).toMatch(/named like a version file/);
    expect(labelName.safeParse('rulebook-vnext').success).toBe(true);
    expect(labelName.safeParse('production').success).toBe(true);
  });
});
