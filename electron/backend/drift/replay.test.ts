// Replay with attribution (issue 12) over real SQLite copies of the demo and the scripted server:
// production traces written with model A's answers under v1; replayed under v1 with model B (which
// shifts some issue types) → the differences are the model's; after v2 adds an override rule, a
// replay under v2 puts the answers it changed down to the rulebook; a message unlike any precedent
// is traffic. Counts, filters, pages, list, cancel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../../shared/src/domain.js';
import { startScriptedServer, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { toMessageInput, type NewTrace } from '../../services/workspace/index.js';
import { GateService } from '../publish/gate.js';
import { createPublishHandlers } from '../publish/handlers.js';
import { PROVIDER_SETTING } from '../service.js';
import { apiFailure, call, contextHarnesses, type ContextHarness } from '../test-support.js';
import { artifactFor } from './consistency.js';
import { closeInvestigations, createInvestigateHandlers, investigations } from './investigate-handlers.js';
import { ReplayService } from './replay.js';

const { harness } = contextHarnesses('casebook-replay-');
let server: ScriptedServer;
const opened: ContextHarness[] = [];
beforeAll(async () => {
  server = await startScriptedServer();
});
afterEach(() => {
  for (const h of opened.splice(0)) closeInvestigations(h.ctx);
  server.reset();
});
afterAll(async () => server.close());

const SHIFT = { issue_type: { bug: 'billing', account: 'bug' } };

async function publish(h: ContextHarness, note: string): Promise<number> {
  const gates = new GateService(h.ctx);
  const handlers = createPublishHandlers(h.ctx, { afterChange: () => undefined }, gates);
  const gate = await gates.settled((await call(handlers, 'startGate', {})).id);
  const published = await call(handlers, 'publishDraft', { gateId: gate.id, note, ...(gate.regressions > 0 ? { overrideReason: 'the test changes answers on purpose' } : {}) });
  return published.version;
}

/** v1 published (the demo draft, embedded), then the host pointed at the scripted server. */
async function setup(): Promise<ContextHarness> {
  const h = harness();
  opened.push(h);
  expect(await publish(h, 'v1')).toBe(1);
  await h.call('updateSettings', { baseURL: server.url });
  h.opts.settings.set(PROVIDER_SETTING.maxRetries, 0);
  h.opts.settings.set(PROVIDER_SETTING.timeoutMs, 10_000);
  return h;
}

/** Production: model A (the server's plain answers) under v1 over the first n demo messages, stored as traces. */
async function writeTraces(h: ContextHarness, n: number): Promise<{ text: string; seq: number; output: Record<string, unknown> }[]> {
  const { artifact } = artifactFor(h.ctx, 1);
  const extractor = h.ctx.extraction.forArtifact(artifact, { provider: 'openai', model: 'casebook-test-1' });
  const ids = (h.ws.db.prepare('SELECT id FROM messages ORDER BY id LIMIT ?').all(n) as { id: string }[]).map((r) => r.id);
  const traces: NewTrace[] = [];
  for (const [i, id] of ids.entries()) {
    const m = h.ctx.repos.messages.get(id)!;
    const { id: _id, ...message } = toMessageInput(m);
    const result = await extractor.extract(message);
    traces.push({
      id: `req-${i}`,
      source: 'triage-service',
      // The message's own time: the trace links to it (same content hash).
      receivedAt: m.receivedAt,
      message,
      output: result.output,
      valid: result.valid,
      rulebookVersion: 1,
      trace: result.trace,
    });
  }
  h.ctx.repos.traces.insertMany(traces);
  return (h.ws.db.prepare('SELECT seq, message, output FROM traces ORDER BY received_at, seq').all() as { seq: number; message: string; output: string }[]).map((r) => ({
    seq: r.seq,
    text: (JSON.parse(r.message) as { text: string }).text,
    output: JSON.parse(r.output) as Record<string, unknown>,
  }));
}

const shifts = (output: Record<string, unknown>) => Object.prototype.hasOwnProperty.call(SHIFT.issue_type, String(output.issue_type));

describe('replay with attribution', () => {
  it('puts model B’s shifts down to the model, a v2 override rule’s changes down to the rulebook, and a message unlike any precedent down to traffic', async () => {
    const h = await setup();
    const drift = createInvestigateHandlers(h.ctx);
    const production = await writeTraces(h, 40);
    const shifted = production.filter((t) => shifts(t.output));
    expect(shifted.length).toBeGreaterThan(5);
    expect(shifted.length).toBeLessThan(40);

    // Model B under v1: only the shifts differ, all the model's doing.
    server.script({ shift: SHIFT });
    h.opts.events.length = 0;
    const started = await call(drift, 'startReplay', { version: 1, provider: 'openai', model: 'casebook-test-mini' });
    expect(started).toMatchObject({ status: 'running', rulebook: { version: 1 }, provider: 'openai', model: 'casebook-test-mini', total: 40 });
    const first = await investigations(h.ctx).replays.settled(started.id);
    expect(first.error).toBeNull();
    expect(first).toMatchObject({ status: 'done', done: 40, skipped: 0, differ: shifted.length, same: 40 - shifted.length });
    expect(first.attribution).toEqual({ rulebook: 0, model: shifted.length, traffic: 0 });
    expect(first.items.map((i) => i.seq)).toEqual(shifted.map((t) => t.seq));
    for (const item of first.items) {
      expect(item.changedFields).toEqual(['issue_type']);
      expect(item.replay.output.issue_type).toBe(SHIFT.issue_type[item.production.output.issue_type as keyof typeof SHIFT.issue_type]);
      expect(item.why).toMatch(/another answer \(production: casebook-test-1, here: casebook-test-mini\)/);
      expect(item.production).toMatchObject({ version: 1, model: 'casebook-test-1' });
      expect(item.messageId).toMatch(/^m_/); // the demo message it came from
    }
    const drifts = h.opts.events.filter(([e]) => e === 'driftChanged').map(([, p]) => p);
    expect(drifts.at(-1)).toEqual({ kind: 'replay', id: started.id, done: 40, total: 40, status: 'done' });

    // v2: an override rule sets urgency for messages that say "refund" (or a few other words).
    const phrases = ['refund', 'charged', 'invoice', 'password'];
    const rule: Rule = {
      id: 'r-test-urgent', kind: 'override', when: { kind: 'contains_any', phrases }, set: { urgency: 'critical' }, rationale: 'test', enabled: true,
      provenance: { precedentIds: [], author: 'test', createdAt: '2026-11-01T00:00:00Z' },
    };
    await h.call('saveRule', { rule });
    await h.call('updateDraft', { settings: { provider: 'embedded' } });
    expect(await publish(h, 'v2')).toBe(2);
    const second = await investigations(h.ctx).replays.settled((await call(drift, 'startReplay', { version: 2, provider: 'openai', model: 'casebook-test-mini' })).id);
    expect(second.status).toBe('done');
    const byRule = second.items.filter((i) => i.attribution === 'rulebook');
    expect(byRule.length).toBeGreaterThan(2);
    for (const item of byRule) {
      expect(item.why).toContain('rule r-test-urgent fired here, not in production');
      expect(item.replay.output.urgency).toBe('critical');
    }
    // Exactly the traces the rule changed (urgency not already critical) are the rulebook's; the other differences are the shifts, the model's.
    const fired = new Set(production.filter((t) => phrases.some((p) => t.text.toLowerCase().includes(p))).map((t) => t.seq));
    const changedByRule = production.filter((t) => fired.has(t.seq) && (t.output.urgency !== 'critical' || shifts(t.output))).map((t) => t.seq);
    expect(byRule.map((i) => i.seq)).toEqual(changedByRule);
    const byModel = second.items.filter((i) => i.attribution === 'model').map((i) => i.seq);
    expect(byModel).toEqual(shifted.filter((t) => !fired.has(t.seq)).map((t) => t.seq));
    expect(second.attribution).toEqual({ rulebook: changedByRule.length, model: byModel.length, traffic: 0 });

    // Filter by attribution and page.
    const page1 = await call(drift, 'getReplay', { id: second.id, attribution: 'rulebook', limit: 2 });
    expect(page1.items.map((i) => i.seq)).toEqual(changedByRule.slice(0, 2));
    const page2 = await call(drift, 'getReplay', { id: second.id, attribution: 'rulebook', limit: 2, cursor: page1.nextCursor });
    expect(page2.items.map((i) => i.seq)).toEqual(changedByRule.slice(2, 4));

    // Traffic: a message with no close precedent (no word the rulebook's precedents share).
    h.ctx.repos.traces.insertMany([
      { id: 'odd-1', source: 'other-service', receivedAt: '2026-11-03T10:00:00Z', message: { text: 'Zorblax quindle frampotic vexnor?' }, output: { name: null, issue_type: 'shipping', urgency: 'critical' }, valid: true, rulebookVersion: 1, rulebookHash: first.rulebook.hash },
    ]);
    const odd = await investigations(h.ctx).replays.settled(
      (await call(drift, 'startReplay', { version: 1, provider: 'openai', model: 'casebook-test-mini', source: 'other-service' })).id,
    );
    expect(odd).toMatchObject({ total: 1, differ: 1, attribution: { rulebook: 0, model: 0, traffic: 1 } });
    expect(odd.items[0]!.why).toMatch(/no precedent/);

    // Newest first; unknown ids refused.
    expect((await call(drift, 'listReplays', {})).map((r) => r.id)).toEqual([odd.id, second.id, first.id]);
    expect((await apiFailure(call(drift, 'getReplay', { id: 'replay_nope' }))).failure.code).toBe('not_found');
    expect((await apiFailure(call(drift, 'startReplay', { version: 9 }))).failure.code).toBe('not_found');
  }, 120_000);

  it('keeps a replay that ended in the workspace: after a restart it is listed and paged by cause as before', async () => {
    const h = await setup();
    const drift = createInvestigateHandlers(h.ctx);
    const production = await writeTraces(h, 30);
    server.script({ shift: SHIFT });
    const done = await investigations(h.ctx).replays.settled((await call(drift, 'startReplay', { version: 1, provider: 'openai', model: 'casebook-test-mini' })).id);
    expect(done.differ).toBe(production.filter((t) => shifts(t.output)).length);
    const before = {
      list: await call(drift, 'listReplays', {}),
      page1: await call(drift, 'getReplay', { id: done.id, attribution: 'model', limit: 2 }),
      rulebook: await call(drift, 'getReplay', { id: done.id, attribution: 'rulebook' }),
    };
    const page2 = await call(drift, 'getReplay', { id: done.id, attribution: 'model', limit: 2, cursor: before.page1.nextCursor! });

    // A restart: a new service over the same workspace, nothing in memory.
    const after = new ReplayService(h.ctx);
    expect(after.list()).toEqual(before.list);
    expect(after.get({ id: done.id, attribution: 'model', limit: 2 })).toEqual(before.page1);
    expect(after.get({ id: done.id, attribution: 'model', limit: 2, cursor: before.page1.nextCursor! })).toEqual(page2);
    expect(after.get({ id: done.id, attribution: 'rulebook', limit: 100 })).toEqual(before.rulebook);
    expect(after.get({ id: done.id, limit: 500 })).toEqual({ ...done, nextCursor: null });
    expect(after.cancel(done.id)).toMatchObject({ id: done.id, status: 'done' });
    expect(() => after.get({ id: 'replay_nope', limit: 10 })).toThrow(/no replay replay_nope/);
  }, 60_000);

  it('replays chosen traces only, and cancels', async () => {
    const h = await setup();
    const drift = createInvestigateHandlers(h.ctx);
    const production = await writeTraces(h, 30);
    const chosen = await investigations(h.ctx).replays.settled((await call(drift, 'startReplay', { seqs: [production[2]!.seq, production[5]!.seq], version: 1, provider: 'openai', model: 'casebook-test-1' })).id);
    // The same model and rulebook as production, answers from the cache: nothing differs.
    expect(chosen).toMatchObject({ total: 2, done: 2, same: 2, differ: 0 });

    server.script({ latencyMs: 40 });
    const slow = await call(drift, 'startReplay', { version: 1, provider: 'openai', model: 'casebook-test-mini' });
    await call(drift, 'cancelReplay', { id: slow.id });
    const cancelled = await investigations(h.ctx).replays.settled(slow.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.done).toBeLessThan(30);
  }, 60_000);
});
