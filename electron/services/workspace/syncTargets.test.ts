// Sync targets and deployments (migration 010): saved, changed, status recorded, removed with what
// they own (a target's manifest), a moved target starting afresh.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentRepository } from './deployments.js';
import { SyncTargetRepository } from './syncTargets.js';
import { tempWorkspaces, type TempWorkspaces } from './test-helpers.js';
import type { Workspace } from './workspace.js';

let t: TempWorkspaces;
let ws: Workspace;
let targets: SyncTargetRepository;
let deployments: DeploymentRepository;
beforeEach(() => {
  t = tempWorkspaces();
  ws = t.open();
  targets = new SyncTargetRepository(ws);
  deployments = new DeploymentRepository(ws);
});
afterEach(() => t.cleanup());

describe('sync targets', () => {
  it('saves a target, records its status and keeps its manifest', () => {
    const a = targets.save({ kind: 'folder', name: 'Shared drive', location: '/srv/rulebooks', enabled: true });
    expect(a).toMatchObject({ kind: 'folder', name: 'Shared drive', location: '/srv/rulebooks', enabled: true, status: 'never', attempts: 0, lastError: null });
    expect(a.id).toMatch(/^st_/);
    const b = targets.save({ kind: 'http', name: 'CDN', location: 'https://cdn.example/rb', enabled: false });
    expect(targets.list().map((x) => x.id)).toEqual([a.id, b.id]);

    expect(targets.setStatus(a.id, { status: 'failed', lastError: 'disk full', attempts: 2, retryAt: '2026-03-01T00:05:00.000Z' })).toMatchObject({ status: 'failed', lastError: 'disk full', attempts: 2 });
    expect(targets.setStatus(a.id, { status: 'ok', lastError: null, retryAt: null, attempts: 0, lastCommit: 'abc' })).toMatchObject({ status: 'ok', lastError: null, retryAt: null, lastCommit: 'abc' });
    expect(targets.setStatus('st_gone', { status: 'ok' })).toBeNull();

    targets.setManifest(a.id, { 'rulebook-v1.json': { hash: 'h1', size: 10, mtimeMs: 5 } });
    expect(targets.manifest(a.id)).toEqual({ 'rulebook-v1.json': { hash: 'h1', size: 10, mtimeMs: 5 } });
    targets.setManifest('st_gone', { x: { hash: 'y' } });
    expect(targets.manifest('st_gone')).toEqual({});
  });

  it('a renamed target keeps its status; a moved one starts afresh', () => {
    const a = targets.save({ kind: 'folder', name: 'A', location: '/one', enabled: true });
    targets.setStatus(a.id, { status: 'ok', lastCommit: 'abc', lastSuccessAt: '2026-03-01T00:00:00.000Z' });
    targets.setManifest(a.id, { 'x.json': { hash: 'h' } });
    expect(targets.save({ id: a.id, kind: 'folder', name: 'B', location: '/one', enabled: false })).toMatchObject({ name: 'B', enabled: false, status: 'ok', lastCommit: 'abc' });
    expect(targets.manifest(a.id)).toEqual({ 'x.json': { hash: 'h' } });
    expect(targets.save({ id: a.id, kind: 'folder', name: 'B', location: '/two', enabled: true })).toMatchObject({ location: '/two', status: 'never', lastCommit: null, lastSuccessAt: null });
    expect(targets.manifest(a.id)).toEqual({});
  });

  it('deleting a target removes its manifest too', () => {
    const a = targets.save({ kind: 'folder', name: 'A', location: '/one', enabled: true });
    targets.setManifest(a.id, { 'x.json': { hash: 'h' } });
    expect(targets.delete(a.id)).toBe(true);
    expect(targets.delete(a.id)).toBe(false);
    expect(targets.get(a.id)).toBeNull();
    expect(ws.db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'sync.files.%'").get()).toEqual({ n: 0 });
  });
});

describe('deployments', () => {
  it('saves a service, records polls, forgets the old poll when its URL changes', () => {
    const d = deployments.save({ name: 'eu-1', statusUrl: 'http://127.0.0.1:1/casebook/status' });
    expect(d).toMatchObject({ name: 'eu-1', lastPolledAt: null, status: null, error: null });
    const report = { format: 'casebook-status/1', service: 'eu-1', runtimeVersion: '1.0.0', startedAt: '2026-03-01T00:00:00.000Z', active: null, lastError: null, counts: { extractions: 0, invalid: 0, errors: 0, traceLinesDropped: 0 } } as const;
    expect(deployments.recordPoll(d.id, { at: '2026-03-01T00:01:00.000Z', status: report, error: null })).toMatchObject({ status: report, error: null, lastPolledAt: '2026-03-01T00:01:00.000Z' });
    expect(deployments.save({ id: d.id, name: 'eu-one', statusUrl: d.statusUrl })).toMatchObject({ name: 'eu-one', status: report });
    expect(deployments.save({ id: d.id, name: 'eu-one', statusUrl: 'http://127.0.0.1:2/casebook/status' })).toMatchObject({ status: null, lastPolledAt: null });
    expect(deployments.recordPoll('dep_gone', { at: 'x', status: null, error: 'gone' })).toBeNull();
    expect(deployments.delete(d.id)).toBe(true);
    expect(deployments.list()).toEqual([]);
  });
});
