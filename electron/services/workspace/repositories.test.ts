import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rule, RulebookArtifact } from '../../../shared/src/domain.js';
import { DEFAULT_SETTINGS } from '../../../shared/src/domain.js';
import { MACHINE_STATUSES, REVIEW_STATUSES } from '../../../shared/src/api/names.js';
import { ExtractionRepository } from './extractions.js';
import { machineMayReplace, MessageRepository } from './messages.js';
import { PrecedentRepository } from './precedents.js';
import { RulebookVersionRepository } from './rulebookVersions.js';
import { RuleRepository } from './rules.js';
import { ReplayRepository } from './replays.js';
import { RunRepository } from './runs.js';
import { SettingsRepository } from './settings.js';
import { failStatement, result, tempWorkspaces, workspaceSnapshot, type TempWorkspaces } from './test-helpers.js';
import type { Workspace } from './workspace.js';

let t: TempWorkspaces;
let ws: Workspace;
beforeEach(() => {
  t = tempWorkspaces();
  ws = t.open();
});
afterEach(() => t.cleanup());

const provenance = { precedentIds: [], author: 'Maya', createdAt: '2026-03-01T00:00:00.000Z' };

describe('extractions', () => {
  it('stores results, keeps history newest first, and exposes the newest as the inbox one', () => {
    const { id } = new MessageRepository(ws).insert({ text: 'hello' });
    const repo = new ExtractionRepository(ws);
    const first = repo.insert({ messageId: id, result: result({ issue_type: 'billing' }) });
    const second = repo.insert({ messageId: id, rulebookVersion: 2, result: result({ issue_type: 'account' }, false) });
    expect(repo.latestForMessage(id)).toMatchObject({ id: second, valid: false, rulebookVersion: 2, output: { issue_type: 'account' } });
    expect(repo.latestForMessage(id)!.errors[0]!.path).toBe('/urgency');
    expect(repo.latestForMessage(id)!.trace!.rulebook.hash).toBe('sha256:abc');
    expect(repo.forMessage(id).map((e) => e.id)).toEqual([second, first]);
    expect(repo.get(first)!.rulebookHash).toBe('sha256:abc');
    // Deleting the newest falls back to the one before it.
    ws.db.prepare('DELETE FROM extractions WHERE id = ?').run(second);
    expect(repo.latestForMessage(id)!.id).toBe(first);
  });

  it('refuses an extraction of a message that does not exist (foreign keys are on)', () => {
    expect(() => new ExtractionRepository(ws).insert({ messageId: 'm_missing', result: result({}) })).toThrow(/FOREIGN KEY/);
  });
});

describe('precedents', () => {
  it('creates, lists, updates, deletes (undoably) and restores', () => {
    const { id: messageId } = new MessageRepository(ws).insert({ text: "It's me again. Still locked out." });
    const repo = new PrecedentRepository(ws);
    const p = repo.create({
      message: { text: "It's me again. Still locked out." },
      output: { issue_type: 'account', urgency: 'high' },
      rationale: 'prioritize the current problem over historical mentions',
      tags: ['repeat'],
      author: 'Maya',
      messageId,
    });
    expect(p.id).toMatch(/^p_/);
    expect(p).toMatchObject({ messageId, deletedAt: null, tags: ['repeat'], author: 'Maya' });
    expect(repo.forMessage(messageId)).toHaveLength(1);

    expect(repo.update(p.id, { output: { issue_type: 'account', urgency: 'critical' }, rationale: null })).toMatchObject({
      output: { urgency: 'critical' },
    });
    expect(repo.get(p.id)!.rationale).toBeUndefined();

    expect(repo.delete(p.id)).toBe(true);
    expect(repo.delete(p.id)).toBe(false);
    expect(repo.list()).toEqual([]);
    expect(repo.active()).toEqual([]);
    expect(repo.list({ includeDeleted: true })[0]!.deletedAt).not.toBeNull();
    expect(repo.update(p.id, { tags: [] })).toBeNull();

    expect(repo.restore(p.id)).toBe(true);
    expect(repo.count()).toBe(1);
    expect(repo.active()[0]).toEqual({
      id: p.id,
      message: { text: "It's me again. Still locked out." },
      output: { issue_type: 'account', urgency: 'critical' },
      tags: ['repeat'],
      author: 'Maya',
      createdAt: p.createdAt,
    });
  });

  it('keeps a precedent when its message is deleted', () => {
    const messages = new MessageRepository(ws);
    const { id } = messages.insert({ text: 'from the inbox' });
    const repo = new PrecedentRepository(ws);
    const p = repo.create({ message: { text: 'from the inbox' }, output: {}, messageId: id });
    messages.delete(id);
    expect(repo.get(p.id)).toMatchObject({ messageId: null, message: { text: 'from the inbox' } });
  });

  it('purges deleted precedents past the undo window, and createMany is all or none', () => {
    const repo = new PrecedentRepository(ws);
    const a = repo.create({ id: 'a', message: { text: 'a' }, output: {} });
    repo.delete(a.id);
    expect(repo.purgeDeleted('2099-01-01T00:00:00Z')).toBe(1);
    expect(repo.get('a')).toBeNull();
    expect(() => repo.createMany([{ id: 'b', message: { text: 'b' }, output: {} }, { id: 'b', message: { text: 'b2' }, output: {} }])).toThrow(/UNIQUE/);
    expect(repo.get('b')).toBeNull();
  });
});

describe('rules', () => {
  const guidance: Rule = {
    id: 'r1', kind: 'guidance', fields: ['issue_type'], instruction: 'Prioritize the current problem over historical mentions.',
    rationale: 'repeat contacts', enabled: true, provenance,
  };
  const override: Rule = {
    id: 'r2', kind: 'override', when: { kind: 'contains_any', phrases: ['chargeback'] }, set: { issue_type: 'billing', urgency: 'high' },
    rationale: 'deadline', enabled: true, provenance,
  };
  const alias: Rule = { id: 'r3', kind: 'alias', target: 'value', field: 'urgency', from: 'ASAP', to: 'high', rationale: 'x', enabled: true, provenance };

  it('keeps rules in order, round-trips them, enables, reorders, deletes and restores', () => {
    const repo = new RuleRepository(ws);
    repo.createMany([guidance, override, alias]);
    expect(repo.active()).toEqual([guidance, override, alias]);

    repo.setEnabled('r2', false);
    expect(repo.get('r2')!.rule.enabled).toBe(false);
    repo.reorder(['r3']);
    expect(repo.list().map((r) => r.rule.id)).toEqual(['r3', 'r1', 'r2']);

    const edited = { ...override, set: { issue_type: 'billing', urgency: 'critical' }, enabled: true } as Rule;
    expect(repo.update(edited)!.rule).toEqual(edited);

    expect(repo.delete('r1')).toBe(true);
    expect(repo.active().map((r) => r.id)).toEqual(['r3', 'r2']);
    expect(repo.list({ includeDeleted: true })).toHaveLength(3);
    expect(repo.restore('r1')).toBe(true);
    expect(repo.active().map((r) => r.id)).toEqual(['r3', 'r1', 'r2']);
  });

  it('refuses duplicate ids and unknown kinds', () => {
    const repo = new RuleRepository(ws);
    repo.create(guidance);
    expect(() => repo.create(guidance)).toThrow(/UNIQUE/);
    expect(() => repo.create({ ...guidance, id: 'x', kind: 'magic' } as unknown as Rule)).toThrow(/unknown rule kind/);
    expect(() => repo.reorder(['nope'])).toThrow(/no rule nope/);
  });
});

describe('rulebook versions', () => {
  const artifact = (version: number, parent: RulebookArtifact | null): RulebookArtifact => ({
    format: 'casebook.rulebook',
    formatVersion: '1.0',
    id: 'tidewell',
    name: 'Tidewell',
    version,
    parent: parent ? { version: parent.version, hash: parent.hash } : null,
    createdAt: `2026-03-0${version}T00:00:00.000Z`,
    instructions: 'Extract.',
    schema: { fields: [] },
    rules: [],
    precedents: [],
    settings: DEFAULT_SETTINGS,
    hash: `sha256:${String(version).repeat(64)}`,
  });

  it('stores versions byte for byte, lists them, and moves labels with history (rollback)', () => {
    const repo = new RulebookVersionRepository(ws);
    const v1 = artifact(1, null);
    const v2 = artifact(2, v1);
    repo.insert(v1);
    const stored = repo.insert(v2);
    expect(stored.artifact).toEqual(v2);
    expect(stored.artifactJson).toBe(JSON.stringify(v2));
    expect(repo.latest('tidewell')!.version).toBe(2);
    expect(repo.byVersion('tidewell', 1)!.hash).toBe(v1.hash);
    expect(repo.list('tidewell').map((v) => [v.version, v.parentHash])).toEqual([[2, v1.hash], [1, null]]);

    repo.setLabel('tidewell', 'production', 2, 'maya');
    repo.setLabel('tidewell', 'production', 1, 'maya'); // rollback
    expect(repo.labelled('tidewell', 'production')!.version).toBe(1);
    expect(repo.list('tidewell').find((v) => v.version === 1)!.labels).toEqual(['production']);
    expect(repo.labelHistory('tidewell', 'production').map((m) => m.version)).toEqual([1, 2]);
    expect(repo.removeLabel('tidewell', 'production')).toBe(true);
    expect(repo.labelled('tidewell', 'production')).toBeNull();
    expect(repo.labelHistory('tidewell', 'production')[0]!.version).toBeNull();
    expect(() => repo.setLabel('tidewell', 'bad label!', 1)).toThrow(/invalid label/);
    expect(() => repo.setLabel('tidewell', 'staging', 9)).toThrow(/no version 9/);
  });

  it('is immutable: the database refuses to update or delete a version', () => {
    const repo = new RulebookVersionRepository(ws);
    const v1 = artifact(1, null);
    repo.insert(v1);
    expect(() => ws.db.prepare("UPDATE rulebook_versions SET artifact = '{}'").run()).toThrow(/immutable/);
    expect(() => ws.db.prepare('UPDATE rulebook_versions SET created_at = created_at').run()).toThrow(/immutable/);
    expect(() => ws.db.prepare('DELETE FROM rulebook_versions').run()).toThrow(/immutable/);
    expect(repo.byHash(v1.hash)!.artifactJson).toBe(JSON.stringify(v1));
  });

  it('refuses the same hash twice, a duplicate version number and an unknown parent', () => {
    const repo = new RulebookVersionRepository(ws);
    const v1 = artifact(1, null);
    repo.insert(v1);
    expect(() => repo.insert(v1)).toThrow(/UNIQUE/);
    expect(() => repo.insert({ ...v1, hash: 'sha256:other' })).toThrow(/UNIQUE/);
    expect(() => repo.insert({ ...artifact(3, null), parent: { version: 2, hash: 'sha256:nope' } })).toThrow(/not in this workspace/);
  });
});

describe('runs', () => {
  function setup(n: number) {
    const messages = new MessageRepository(ws);
    const ids = messages.insertMany(Array.from({ length: n }, (_, i) => ({ text: `m${i}` }))).ids;
    const runs = new RunRepository(ws);
    const run = runs.create({
      kind: 'extract', provider: 'embedded', model: 'embedded', settings: DEFAULT_SETTINGS,
      selection: { all: true }, messageIds: [...ids, ids[0]!],
    });
    return { messages, runs, run, ids };
  }

  it('compares two runs by the newest extraction of each per message, its validity included', () => {
    const { ids } = setup(4);
    const runs = new RunRepository(ws);
    const extractions = new ExtractionRepository(ws);
    const make = (name: string) => runs.create({ id: `run_${name}`, kind: 'compare', provider: 'embedded', model: 'm', selection: { all: true }, messageIds: ids });
    const a = make('a');
    const b = make('b');
    const out = { issue_type: 'bug' };
    // Message 0: invalid in a first, then valid (the newest counts): no validity change.
    extractions.insert({ messageId: ids[0]!, runId: a.id, result: result(out, false) });
    extractions.insert({ messageId: ids[0]!, runId: a.id, result: result(out) });
    extractions.insert({ messageId: ids[0]!, runId: b.id, result: result(out) });
    // Message 1: valid in a, then invalid in b: became invalid, and b's newest is the invalid one.
    extractions.insert({ messageId: ids[1]!, runId: a.id, result: result(out) });
    extractions.insert({ messageId: ids[1]!, runId: b.id, result: result(out) });
    extractions.insert({ messageId: ids[1]!, runId: b.id, result: result(out, false) });
    // Message 2: invalid in a, valid in b. Message 3: only in a (not in the overlap).
    extractions.insert({ messageId: ids[2]!, runId: a.id, result: result(out, false) });
    extractions.insert({ messageId: ids[2]!, runId: b.id, result: result(out) });
    extractions.insert({ messageId: ids[3]!, runId: a.id, result: result(out, false) });
    const cmp = runs.comparison;
    cmp.prepare(a.id, b.id, [{ name: 'issue_type', transitions: true }], null);
    expect(cmp.counts()).toMatchObject({ overlap: 3, becameInvalid: 1, becameValid: 1, changed: 2 });
    expect(cmp.page({ validityChanged: true }, '', 10).rows.map((r) => [r.messageId, r.a.valid, r.b.valid])).toEqual(
      [[ids[1]!, true, false], [ids[2]!, false, true]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
  });

  it('creates a queued run with one pending item per message', () => {
    const { runs, run, ids } = setup(5);
    expect(run).toMatchObject({ status: 'queued', total: 5, done: 0, errors: 0, pending: 5, selection: { all: true } });
    expect(runs.pendingMessageIds(run.id, { limit: 100 }).sort()).toEqual([...ids].sort());
    expect(runs.list()[0]!.id).toBe(run.id);
  });

  it('resumes exactly after a restart: no message extracted twice, none skipped', () => {
    const { run, ids } = setup(10);
    let runs = new RunRepository(ws);
    runs.start(run.id);
    for (const messageId of runs.pendingMessageIds(run.id, { limit: 4 })) {
      expect(runs.completeItem(run.id, messageId, result({ issue_type: 'bug' }))).toEqual(expect.any(Number));
    }
    const failed = runs.pendingMessageIds(run.id, { limit: 1 })[0]!;
    runs.failItem(run.id, failed, 'HTTP 500');

    // The app stops (a crash) and opens the workspace again.
    ws.close();
    ws = t.open();
    runs = new RunRepository(ws);
    expect(runs.unfinished().map((r) => r.id)).toEqual([run.id]);
    expect(runs.get(run.id)).toMatchObject({ status: 'running', done: 4, errors: 1, pending: 5 });

    // A late answer for an already finished item is refused and stores nothing.
    const done = runs.items(run.id, { status: 'done' })[0]!;
    expect(runs.completeItem(run.id, done.messageId, result({ issue_type: 'other' }))).toBeNull();
    expect(runs.completeItem(run.id, 'm_not_in_run', result({}))).toBeNull();

    expect(runs.retryErrors(run.id)).toBe(1);
    let pending = runs.pendingMessageIds(run.id);
    expect(pending).toHaveLength(6);
    for (const messageId of pending) runs.completeItem(run.id, messageId, result({ issue_type: 'bug' }, messageId !== failed));
    pending = runs.pendingMessageIds(run.id);
    expect(pending).toEqual([]);
    runs.finish(run.id, 'done');

    expect(runs.get(run.id)).toMatchObject({ status: 'done', done: 10, errors: 0, pending: 0 });
    const perMessage = ws.db
      .prepare<[string], { message_id: string; n: number }>('SELECT message_id, count(*) AS n FROM extractions WHERE run_id = ? GROUP BY message_id')
      .all(run.id);
    expect(perMessage).toHaveLength(10);
    expect(perMessage.every((r) => r.n === 1)).toBe(true);
    expect(new ExtractionRepository(ws).forRun(run.id).map((e) => e.messageId)).toEqual([...ids].sort());

    const messages = new MessageRepository(ws);
    expect(messages.get(failed)!.status).toBe('needs_review');
    expect(messages.countByStatus()).toMatchObject({ extracted: 9, needs_review: 1 });
  });

  it('takes the review status the caller judged, over validity alone', () => {
    const { messages, runs, run, ids } = setup(1);
    runs.completeItem(run.id, ids[0]!, result({ issue_type: 'bug' }), { status: 'needs_review' });
    expect(messages.get(ids[0]!)!.status).toBe('needs_review');
  });

  it("does not change a person's decision or the inbox when another kind of run extracts", () => {
    const { messages, runs, run, ids } = setup(2);
    messages.setStatus(ids[0]!, 'accepted');
    runs.completeItem(run.id, ids[0]!, result({ issue_type: 'bug' }));
    expect(messages.get(ids[0]!)!.status).toBe('accepted');
    const inboxExtraction = messages.get(ids[0]!)!.latestExtractionId;

    const drift = runs.create({ kind: 'drift', provider: 'openai', model: 'gpt-x', selection: { ids }, messageIds: ids });
    runs.completeItem(drift.id, ids[0]!, result({ issue_type: 'other' }, false));
    expect(messages.get(ids[0]!)!.latestExtractionId).toBe(inboxExtraction);
    expect(messages.get(ids[1]!)!.status).toBe('new');
  });

  it('a machine replaces the status of new, extracted and needs_review messages only: the same rule in SQL and in code', () => {
    const { messages, runs, run, ids } = setup(REVIEW_STATUSES.length);
    REVIEW_STATUSES.forEach((status, i) => messages.setStatus(ids[i]!, status));
    // completeItem decides in SQL, setMachineStatus too; machineMayReplace decides in code.
    REVIEW_STATUSES.forEach((status, i) => runs.completeItem(run.id, ids[i]!, result({ issue_type: 'bug' }), { status: 'needs_review' }));
    expect(REVIEW_STATUSES.map((_, i) => messages.get(ids[i]!)!.status)).toEqual(REVIEW_STATUSES.map((s) => (machineMayReplace(s) ? 'needs_review' : s)));
    REVIEW_STATUSES.forEach((status, i) => messages.setStatus(ids[i]!, status));
    expect(REVIEW_STATUSES.map((_, i) => messages.setMachineStatus(ids[i]!, 'extracted'))).toEqual(REVIEW_STATUSES.map(machineMayReplace));
    expect(REVIEW_STATUSES.map((_, i) => messages.get(ids[i]!)!.status)).toEqual(REVIEW_STATUSES.map((s) => (machineMayReplace(s) ? 'extracted' : s)));
    expect(REVIEW_STATUSES.filter(machineMayReplace)).toEqual([...MACHINE_STATUSES]);
  });

  it('completes an item in one unit of work: a failure at its last statement leaves the workspace as it was', () => {
    const { runs, run, ids } = setup(2);
    runs.start(run.id);
    const before = workspaceSnapshot(ws);
    // The message's status is the last of its four writes (extraction, item, count, status).
    const drop = failStatement(ws, 'UPDATE OF status ON messages');
    expect(() => runs.completeItem(run.id, ids[0]!, result({ issue_type: 'bug' }))).toThrow(/injected failure/);
    drop();
    expect(workspaceSnapshot(ws)).toEqual(before);
    expect(runs.completeItem(run.id, ids[0]!, result({ issue_type: 'bug' }))).toEqual(expect.any(Number));
  });

  it('cancels, resumes a cancelled run, and deletes a run with its extractions', () => {
    const { runs, run, ids } = setup(3);
    runs.start(run.id);
    runs.completeItem(run.id, ids[0]!, result({}));
    expect(runs.cancel(run.id)).toBe(true);
    expect(runs.cancel(run.id)).toBe(false);
    expect(runs.get(run.id)).toMatchObject({ status: 'cancelled', pending: 2 });
    expect(runs.unfinished()).toEqual([]);
    expect(runs.start(run.id)).toBe(true);
    expect(runs.get(run.id)!.status).toBe('running');
    expect(runs.delete(run.id)).toBe(true);
    expect(ws.db.prepare('SELECT count(*) FROM extractions').pluck().get()).toBe(0);
    expect(ws.db.prepare('SELECT count(*) FROM run_items').pluck().get()).toBe(0);
  });
});

describe('replays', () => {
  it('keeps the newest replays that ended, their items with them, paged by attribution in trace order', () => {
    const replays = new ReplayRepository(ws);
    const report = (id: string) => ({
      id, status: 'done' as const, rulebook: { version: 1, hash: 'h' }, provider: 'openai', model: 'm', total: 3, done: 3, skipped: 0, same: 0, differ: 3,
      attribution: { rulebook: 1, model: 2, traffic: 0 }, error: null,
    });
    const item = (seq: number, attribution: 'rulebook' | 'model') => ({
      seq, time: '2026-03-01T00:00:00.000Z', subject: null, excerpt: `t${seq}`, changedFields: ['issue_type'], attribution, why: 'w', messageId: null,
      production: { output: { issue_type: 'bug' }, valid: true, version: 1, hash: 'h', model: 'm' }, replay: { output: { issue_type: 'billing' }, valid: true },
    });
    const items = [item(1, 'model'), item(2, 'rulebook'), item(3, 'model')];
    replays.save(report('r1'), '2026-03-01T00:00:01.000Z', items, 2);
    replays.save(report('r2'), '2026-03-01T00:00:02.000Z', items, 2);
    expect(replays.items('r1', 'model', 0, 10)).toEqual({ items: [items[0], items[2]], matching: 2 });
    expect(replays.items('r1', undefined, 1, 1)).toEqual({ items: [items[1]], matching: 3 });
    replays.save(report('r3'), '2026-03-01T00:00:03.000Z', items, 2);
    expect(replays.list(10).map((r) => r.report.id)).toEqual(['r3', 'r2']);
    expect(replays.get('r1')).toBeNull();
    expect(ws.db.prepare("SELECT count(*) FROM replay_items WHERE replay_id = 'r1'").pluck().get()).toBe(0);
    expect(replays.get('r3')).toEqual({ report: report('r3'), startedAt: '2026-03-01T00:00:03.000Z' });
  });
});

describe('settings', () => {
  it('stores JSON values by key', () => {
    const repo = new SettingsRepository(ws);
    expect(repo.get('x')).toBeNull();
    repo.set('x', { a: [1, 'two', null] });
    repo.set('x', { a: [3] });
    expect(repo.get('x')).toEqual({ a: [3] });
    expect(repo.delete('x')).toBe(true);
    expect(() => repo.set('y', undefined)).toThrow();
  });
});
