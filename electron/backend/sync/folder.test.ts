// Folder targets, against real folders and real git: files written whole (temp, fsync, rename),
// only what changed rewritten, a removed label's file deleted; a git working copy commits and
// pushes to a bare remote, a rejected push is reported and retried, never forced.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiFailure } from '../test-support.js';
import { TEMP_PREFIX } from './folder.js';
import { createSyncService } from './service.js';
import { gitRun, RULEBOOK_ID, syncHarness, until, type SyncHarness } from './test-support.js';

const open: SyncHarness[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const harness = (...args: Parameters<typeof syncHarness>) => {
  const s = syncHarness(...args);
  open.push(s);
  return s;
};
const temps = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(TEMP_PREFIX));

describe('a folder target', () => {
  it('holds every version and one file per label, byte for byte; rewrites only what changed; deletes a removed label', async () => {
    const s = harness();
    s.publish();
    s.publish();
    s.setLabel('production', 1);
    s.setLabel('staging', 2);
    const dir = join(s.folder.dir, 'drive', 'rulebooks'); // made by saveSyncTarget
    const saved = await s.call('saveSyncTarget', { kind: 'folder', name: 'Shared drive', path: dir, enabled: true });
    expect(saved).toMatchObject({ kind: 'folder', path: dir, url: null, git: false, hasToken: false, enabled: true });

    const [after] = await s.call('syncNow', { id: saved.id });
    expect(after).toMatchObject({ status: 'ok', lastError: null, retryAt: null, lastCommit: null });
    expect(readdirSync(dir).sort()).toEqual(['production.json', 'rulebook-v1.json', 'rulebook-v2.json', 'staging.json']);
    expect(readFileSync(join(dir, 'rulebook-v1.json'), 'utf8')).toBe(s.stored(1));
    expect(readFileSync(join(dir, 'rulebook-v2.json'), 'utf8')).toBe(s.stored(2));
    expect(readFileSync(join(dir, 'production.json'), 'utf8')).toBe(s.stored(1));
    expect(readFileSync(join(dir, 'staging.json'), 'utf8')).toBe(s.stored(2));

    // Nothing changed: nothing is rewritten (same inode, same time).
    const before = Object.fromEntries(readdirSync(dir).map((n) => [n, statSync(join(dir, n))]));
    await s.call('syncNow', { id: saved.id });
    for (const n of readdirSync(dir)) {
      expect(statSync(join(dir, n)).ino).toBe(before[n]!.ino);
      expect(statSync(join(dir, n)).mtimeMs).toBe(before[n]!.mtimeMs);
    }

    // A promotion rewrites the label's file only; a removed label's file goes.
    s.setLabel('production', 2);
    s.h.ctx.repos.rulebookVersions.removeLabel(RULEBOOK_ID, 'staging', 'Maya');
    await s.call('syncNow', { id: saved.id });
    expect(readdirSync(dir).sort()).toEqual(['production.json', 'rulebook-v1.json', 'rulebook-v2.json']);
    expect(readFileSync(join(dir, 'production.json'), 'utf8')).toBe(s.stored(2));
    expect(statSync(join(dir, 'rulebook-v1.json')).ino).toBe(before['rulebook-v1.json']!.ino);
    expect(statSync(join(dir, 'production.json')).ino).not.toBe(before['production.json']!.ino);
    expect(s.h.opts.events.filter(([e]) => e === 'publishChanged').length).toBeGreaterThan(0);
  });

  it('replaces a file someone left there whole (renamed over it, no temp file left), and a file edited by hand is written again', async () => {
    const s = harness();
    s.publish();
    s.setLabel('production', 1);
    const dir = join(s.folder.dir, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'production.json'), '{"half": "writ');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    // What a crash mid-write left an hour ago goes; a temp file of a write under way now stays.
    writeFileSync(join(dir, `${TEMP_PREFIX}crashed`), '{"ha');
    utimesSync(join(dir, `${TEMP_PREFIX}crashed`), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    writeFileSync(join(dir, `${TEMP_PREFIX}busy`), '');
    const old = statSync(join(dir, 'production.json')).ino;
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Out', path: dir, enabled: true });
    await s.call('syncNow', { id: t.id });
    expect(readFileSync(join(dir, 'production.json'), 'utf8')).toBe(s.stored(1));
    expect(statSync(join(dir, 'production.json')).ino).not.toBe(old); // a new file renamed into place, not rewritten in place
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('not ours');
    expect(temps(dir)).toEqual([`${TEMP_PREFIX}busy`]);

    writeFileSync(join(dir, 'rulebook-v1.json'), 'edited by hand');
    await s.call('syncNow', { id: t.id });
    expect(readFileSync(join(dir, 'rulebook-v1.json'), 'utf8')).toBe(s.stored(1));
  });

  it('a write that fails leaves no temp file, is reported, and is retried', async () => {
    const s = harness({ retryDelayMs: () => 100 });
    s.publish();
    s.setLabel('production', 1);
    const dir = join(s.folder.dir, 'out');
    mkdirSync(join(dir, 'production.json'), { recursive: true }); // a folder where the label's file goes: rename fails
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Out', path: dir, enabled: true });
    const [failed] = await s.call('syncNow', { id: t.id });
    expect(failed!.status).toBe('failed');
    expect(failed!.lastError).toMatch(/cannot write production\.json/);
    expect(failed!.retryAt).not.toBeNull();
    expect(temps(dir)).toEqual([]);
    expect(readFileSync(join(dir, 'rulebook-v1.json'), 'utf8')).toBe(s.stored(1)); // what could be written was

    // Fixed by hand: the retry (no one asks) succeeds.
    rmSync(join(dir, 'production.json'), { recursive: true });
    await until(() => s.h.ctx.repos.syncTargets.get(t.id)!.status === 'ok', 5000, 'the retry');
    expect(readFileSync(join(dir, 'production.json'), 'utf8')).toBe(s.stored(1));
    expect(s.h.ctx.repos.syncTargets.get(t.id)).toMatchObject({ attempts: 0, retryAt: null, lastError: null });
  });

  it('a failed sync left by an earlier start is retried when due; close stops the retries', async () => {
    const s = harness();
    s.publish();
    const dir = join(s.folder.dir, 'out');
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Out', path: dir, enabled: false });
    s.h.ctx.repos.syncTargets.save({ id: t.id, kind: 'folder', name: 'Out', location: dir, enabled: true });
    s.h.ctx.repos.syncTargets.setStatus(t.id, { status: 'failed', lastError: 'disk full', attempts: 3, retryAt: new Date(Date.now() - 1000).toISOString() });
    const again = createSyncService(s.h.ctx);
    try {
      await until(() => s.h.ctx.repos.syncTargets.get(t.id)!.status === 'ok', 5000, 'the resumed retry');
    } finally {
      again.close();
    }
    expect(readFileSync(join(dir, 'rulebook-v1.json'), 'utf8')).toBe(s.stored(1));

    s.h.ctx.repos.syncTargets.setStatus(t.id, { status: 'failed', attempts: 1, retryAt: new Date(Date.now() + 200).toISOString() });
    const closed = createSyncService(s.h.ctx);
    closed.close();
    await new Promise((r) => setTimeout(r, 400));
    expect(s.h.ctx.repos.syncTargets.get(t.id)!.status).toBe('failed');
  });

  it('refuses a folder that is not a full path or cannot be written', async () => {
    const s = harness();
    expect((await apiFailure(s.call('saveSyncTarget', { kind: 'folder', name: 'X', path: 'relative/dir', enabled: true }))).failure.code).toBe('bad_request');
    writeFileSync(join(s.folder.dir, 'a-file'), 'x');
    const f = await apiFailure(s.call('saveSyncTarget', { kind: 'folder', name: 'X', path: join(s.folder.dir, 'a-file', 'sub'), enabled: true }));
    expect(f.failure).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/cannot make the folder/) });
    expect(await s.call('listSyncTargets', {})).toEqual([]);
  });

  it('trigger never throws and runs one more sync after a running one', async () => {
    const s = harness();
    s.publish();
    const dir = join(s.folder.dir, 'out');
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Out', path: dir, enabled: true });
    s.setLabel('production', 1);
    s.service.trigger('production → v1');
    s.service.trigger('again'); // during the first: one more after it
    s.service.trigger('and again'); // folded into that one
    await s.call('syncNow', { id: t.id });
    expect(readFileSync(join(dir, 'production.json'), 'utf8')).toBe(s.stored(1));
    s.close();
    open.splice(open.indexOf(s), 1);
    expect(() => s.service.trigger('after close')).not.toThrow();
  });
});

describe('a folder in a git working copy', () => {
  function repos(s: SyncHarness) {
    const bare = join(s.folder.dir, 'remote.git');
    gitRun(s.folder.dir, 'init', '--bare', '-q', bare);
    gitRun(s.folder.dir, 'clone', '-q', bare, 'work');
    const work = join(s.folder.dir, 'work');
    gitRun(work, 'commit', '-q', '--allow-empty', '-m', 'start');
    gitRun(work, 'push', '-q', '-u', 'origin', 'HEAD:refs/heads/main');
    return { bare, work, dir: join(work, 'rulebooks') };
  }
  const log = (bare: string) => gitRun(bare, 'log', '--format=%s', 'main').split('\n');

  it('syncs into a fresh clone of an empty repository before anything is published: ok, nothing to push', async () => {
    const s = harness();
    const bare = join(s.folder.dir, 'empty.git');
    gitRun(s.folder.dir, 'init', '--bare', '-q', bare);
    gitRun(s.folder.dir, 'clone', '-q', bare, 'fresh');
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Fresh', path: join(s.folder.dir, 'fresh'), enabled: true });
    const [first] = await s.call('syncNow', { id: t.id });
    expect(first).toMatchObject({ status: 'ok', lastError: null });
    s.publish();
    const [second] = await s.call('syncNow', { id: t.id });
    expect(second).toMatchObject({ status: 'ok', lastError: null });
    expect(gitRun(bare, 'log', '--format=%s').split('\n')[0]).toMatch(/^casebook: /);
  });

  it('commits what changed with a message naming it, pushes it, and makes no empty commit', async () => {
    const s = harness();
    const { bare, work, dir } = repos(s);
    s.publish();
    s.setLabel('production', 1);
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Repo', path: dir, enabled: true });
    expect(t.git).toBe(true);
    const [first] = await s.call('syncNow', { id: t.id });
    expect(first).toMatchObject({ status: 'ok', lastError: null });
    expect(first!.lastCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(gitRun(bare, 'rev-parse', 'main')).toBe(first!.lastCommit);
    expect(log(bare)[0]).toMatch(/^casebook: /);
    expect(gitRun(bare, 'show', 'main:rulebooks/production.json')).toBe(s.stored(1).trim());
    expect(gitRun(work, 'status', '--porcelain')).toBe('');

    s.publish();
    s.service.trigger('publish tidewell-support v2');
    await s.call('syncNow', { id: t.id });
    expect(log(bare)[0]).toBe('casebook: publish tidewell-support v2');
    expect(gitRun(bare, 'show', 'main:rulebooks/rulebook-v2.json')).toBe(s.stored(2).trim());

    s.setLabel('production', 2);
    s.setLabel('production', 1);
    await s.call('syncNow', { id: t.id }); // back where it was: nothing to commit
    expect(log(bare)[0]).toBe('casebook: publish tidewell-support v2');

    s.setLabel('production', 2);
    s.service.trigger('production → v2 (rollforward: fixed refunds)');
    await s.call('syncNow', { id: t.id });
    expect(log(bare)[0]).toBe('casebook: production → v2 (rollforward: fixed refunds)');
    s.h.ctx.repos.rulebookVersions.removeLabel(RULEBOOK_ID, 'production');
    await s.call('syncNow', { id: t.id });
    expect(log(bare)[0]).toBe('casebook: production removed');
    expect(() => gitRun(bare, 'show', 'main:rulebooks/production.json')).toThrow();
    expect(log(bare)).toHaveLength(5);
  });

  it('leaves what a person staged alone and uses their identity when they have one', async () => {
    const s = harness();
    const { bare, work, dir } = repos(s);
    gitRun(work, 'config', 'user.name', 'Ana');
    gitRun(work, 'config', 'user.email', 'ana@example.com');
    writeFileSync(join(work, 'README.md'), 'hello');
    gitRun(work, 'add', 'README.md');
    s.publish();
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Repo', path: dir, enabled: true });
    await s.call('syncNow', { id: t.id });
    expect(gitRun(bare, 'log', '-1', '--format=%an <%ae>', 'main')).toBe('Ana <ana@example.com>');
    expect(gitRun(bare, 'ls-tree', '-r', '--name-only', 'main')).toBe('rulebooks/rulebook-v1.json');
    expect(gitRun(work, 'status', '--porcelain')).toBe('A  README.md');
  });

  it('reports a rejected push, never forces it, retries, and pushes once the copy is reconciled', async () => {
    const s = harness({ retryDelayMs: (n) => 150 * n });
    const { bare, work, dir } = repos(s);
    s.publish();
    const t = await s.call('saveSyncTarget', { kind: 'folder', name: 'Repo', path: dir, enabled: true });
    await s.call('syncNow', { id: t.id });

    // Someone else pushes first.
    gitRun(s.folder.dir, 'clone', '-q', bare, 'other');
    const other = join(s.folder.dir, 'other');
    writeFileSync(join(other, 'NOTES.md'), 'theirs');
    gitRun(other, 'add', 'NOTES.md');
    gitRun(other, 'commit', '-q', '-m', 'their change');
    gitRun(other, 'push', '-q');
    const theirs = gitRun(bare, 'rev-parse', 'main');

    s.publish();
    s.service.trigger('publish tidewell-support v2');
    const [failed] = await s.call('syncNow', { id: t.id });
    expect(failed!.status).toBe('failed');
    expect(failed!.lastError).toMatch(/git push was rejected/);
    expect(failed!.lastError).toMatch(/rejected|failed to push/);
    expect(failed!.retryAt).not.toBeNull();
    expect(failed!.lastCommit).toBe(gitRun(work, 'rev-parse', 'HEAD')); // committed locally
    expect(gitRun(work, 'log', '-1', '--format=%s')).toBe('casebook: publish tidewell-support v2');
    expect(gitRun(bare, 'rev-parse', 'main')).toBe(theirs); // not forced
    const attempts = s.h.ctx.repos.syncTargets.get(t.id)!.attempts;
    expect(attempts).toBeGreaterThanOrEqual(1);

    // Retried by itself: still rejected until someone reconciles.
    await until(() => s.h.ctx.repos.syncTargets.get(t.id)!.attempts > attempts, 5000, 'a retry');
    expect(gitRun(bare, 'rev-parse', 'main')).toBe(theirs);

    // (The retries run git in this copy too: a pull that meets their lock tries again.)
    for (let i = 0; ; i++) {
      try {
        gitRun(work, 'pull', '-q', '--rebase');
        break;
      } catch (err) {
        if (i === 4) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await until(() => s.h.ctx.repos.syncTargets.get(t.id)!.status === 'ok', 5000, 'the retry after the pull');
    expect(log(bare).slice(0, 2)).toEqual(['casebook: publish tidewell-support v2', 'their change']);
    expect(s.h.ctx.repos.syncTargets.get(t.id)).toMatchObject({ attempts: 0, retryAt: null, lastError: null });
  });
});
