// The workspace's response cache (migration 004) and the repository additions runs rely on:
// searchIds, missing and requeue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProviderResponse } from '../../../shared/src/providers/types.js';
import { openWorkspace, repositories, WorkspaceResponseCache } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'casebook-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answer = (raw: string): ProviderResponse => ({ raw, usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 }, model: 'm-1', attempts: 1, responseFormat: 'json_schema' });

describe('WorkspaceResponseCache', () => {
  it('keeps answers across closing and reopening the workspace', async () => {
    const path = join(dir, 'cache.casebook');
    const ws = openWorkspace(path);
    const cache = new WorkspaceResponseCache(ws);
    expect(await cache.get('a'.repeat(64))).toBeUndefined();
    await cache.set('a'.repeat(64), answer('{"x":1}'));
    await cache.set('a'.repeat(64), answer('{"x":2}'));
    expect(cache.size).toBe(1);
    ws.close();
    // Closed: misses and dropped writes, never a throw (an extraction in flight at shutdown).
    expect(await cache.get('a'.repeat(64))).toBeUndefined();
    await expect(cache.set('b'.repeat(64), answer('{}'))).resolves.toBeUndefined();

    const again = openWorkspace(path);
    const reopened = repositories(again).responseCache;
    expect(await reopened.get('a'.repeat(64))).toEqual(answer('{"x":2}'));
    expect(await reopened.get('b'.repeat(64))).toBeUndefined();
    expect(reopened.clear()).toBe(1);
    expect(reopened.size).toBe(0);
    again.close();
  });
});

describe('repository additions for runs', () => {
  it('searchIds returns every match oldest first, beyond a page; missing names unknown ids', () => {
    const ws = openWorkspace(join(dir, 'search.casebook'));
    const repos = repositories(ws);
    const rows = Array.from({ length: 700 }, (_, i) => ({
      text: i % 2 === 0 ? `locked out of my account, try ${i}` : `refund for order ${i}`,
      receivedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    }));
    const { ids } = repos.messages.insertMany(rows);
    const locked = repos.messages.searchIds({ query: 'locked out' });
    expect(locked).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect(repos.messages.searchIds({ query: 'locked', filter: { status: 'accepted' } })).toEqual([]);
    expect(repos.messages.searchIds({ query: '   ' })).toEqual([]);
    expect(repos.messages.missing([ids[0]!, 'm_nope', ids[1]!, 'm_nope', 'm_other'])).toEqual(['m_nope', 'm_other']);
    expect(repos.messages.missing([])).toEqual([]);
    ws.close();
  });

  it('requeue puts an ended run back in the queue, and only an ended one', () => {
    const ws = openWorkspace(join(dir, 'requeue.casebook'));
    const repos = repositories(ws);
    const { ids } = repos.messages.insertMany([{ text: 'one' }, { text: 'two' }]);
    const run = repos.runs.create({ kind: 'extract', provider: 'embedded', model: 'x', selection: { all: true }, messageIds: ids });
    expect(repos.runs.requeue(run.id)).toBe(false); // queued already
    repos.runs.start(run.id);
    expect(repos.runs.requeue(run.id)).toBe(false); // running
    repos.runs.cancel(run.id);
    expect(repos.runs.requeue(run.id)).toBe(true);
    const requeued = repos.runs.get(run.id)!;
    expect(requeued.status).toBe('queued');
    expect(requeued.finishedAt).toBeNull();
    expect(repos.runs.unfinished().map((r) => r.id)).toEqual([run.id]);
    repos.runs.start(run.id);
    repos.runs.finish(run.id, 'done');
    expect(repos.runs.requeue(run.id)).toBe(true);
    ws.close();
  });
});
