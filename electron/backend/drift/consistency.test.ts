// Consistency (issue 12) over real SQLite copies of the demo: repeat runs with the scripted server
// answering at random for a chosen set of messages flag exactly those, send them to the review
// queue with an `unstable` reason (never a person's decided message), and leave the rest alone;
// the embedded provider is deterministic (nothing unstable); cancel; progress events.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normaliseText } from '../../../shared/src/pipeline/normalise.js';
import { startScriptedServer, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { PROVIDER_SETTING } from '../service.js';
import { apiFailure, call, contextHarnesses, type ContextHarness } from '../test-support.js';
import { closeInvestigations, createInvestigateHandlers, investigations } from './investigate-handlers.js';
import { UNSTABLE_REASON } from './consistency.js';

const { harness } = contextHarnesses('casebook-consistency-');
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

function open(): ContextHarness {
  const h = harness();
  opened.push(h);
  return h;
}

async function useServer(h: ContextHarness, model = 'casebook-test-1'): Promise<void> {
  await h.call('updateSettings', { baseURL: server.url });
  await h.call('updateDraft', { settings: { provider: 'openai', model } });
  h.opts.settings.set(PROVIDER_SETTING.maxRetries, 0);
  h.opts.settings.set(PROVIDER_SETTING.timeoutMs, 10_000);
}

const messages = (h: ContextHarness, n: number) =>
  h.ws.db.prepare('SELECT id, text, status, latest_extraction_id AS record FROM messages ORDER BY id LIMIT ?').all(n) as { id: string; text: string; status: string; record: number }[];

describe('consistency', () => {
  it('flags exactly the messages the server answers at random, and sends the undecided ones to the review queue with their reasons', async () => {
    const h = open();
    await useServer(h);
    const drift = createInvestigateHandlers(h.ctx);
    const chosen = messages(h, 40);
    const random = chosen.filter((_, i) => i % 8 === 3); // 5 messages
    // A person has decided one of them: it must stay as they left it.
    const decided = random[0]!;
    await h.call('acceptExtraction', { messageId: decided.id });
    const decidedBefore = h.ws.db.prepare('SELECT status, latest_extraction_id AS record FROM messages WHERE id = ?').get(decided.id);
    const stableBefore = h.ws.db
      .prepare(`SELECT id, status, latest_extraction_id FROM messages WHERE id IN (${chosen.map(() => '?').join(',')}) ORDER BY id`)
      .all(...chosen.map((m) => m.id)) as { id: string }[];
    server.script({ random: { texts: random.map((m) => normaliseText(m.text)), seed: 12 } });
    h.opts.events.length = 0;

    const started = await call(drift, 'startConsistency', { selection: { ids: chosen.map((m) => m.id) }, repeats: 3 });
    expect(started).toMatchObject({ repeats: 3, varySeed: true });
    expect(started.runs.map((r) => r.kind)).toEqual(['consistency', 'consistency', 'consistency']);
    const report = await investigations(h.ctx).consistency.settled(started.id);
    expect(report.status).toBe('done');
    expect(report.messages).toBe(40);
    expect(report.unstable).toBe(5);
    // Every repeat asked the model (no cache), with the seed varied: 7, 8, 9.
    expect(server.chatRequests).toHaveLength(120);
    const seeds = new Set(server.chatRequests.map((r) => (r.body as { seed?: number }).seed));
    expect([...seeds].sort()).toEqual([7, 8, 9]);
    const unstableIds = report.items.filter((i) => i.unstableFields.length).map((i) => i.messageId);
    expect(new Set(unstableIds)).toEqual(new Set(random.map((m) => m.id)));
    // Unstable first, lowest agreement first; each with its three answers.
    expect(report.items.slice(0, 5).map((i) => i.messageId).sort()).toEqual(random.map((m) => m.id).sort());
    for (let i = 1; i < 5; i++) expect(report.items[i]!.agreement).toBeGreaterThanOrEqual(report.items[i - 1]!.agreement);
    expect(report.items.every((i) => i.answers.length === 3)).toBe(true);
    expect(report.items.slice(5).every((i) => i.agreement === 1 && i.unstableFields.length === 0)).toBe(true);
    const issueType = report.fields.find((f) => f.field === 'issue_type')!;
    expect(issueType.unstable).toBeGreaterThan(0);
    expect(issueType.agreement).toBeCloseTo((40 - issueType.unstable) / 40, 4);
    expect(report.fields.find((f) => f.field === 'name')).toEqual({ field: 'name', agreement: 1, unstable: 0 });

    // Paged.
    const first = await call(drift, 'getConsistency', { id: started.id, limit: 3 });
    expect(first.items.map((i) => i.messageId)).toEqual(report.items.slice(0, 3).map((i) => i.messageId));
    const second = await call(drift, 'getConsistency', { id: started.id, limit: 3, cursor: first.nextCursor });
    expect(second.items.map((i) => i.messageId)).toEqual(report.items.slice(3, 6).map((i) => i.messageId));

    // The review queue: the undecided unstable messages, their answer of record unchanged, the reason first.
    const queue = await h.call('listMessages', { queue: true, limit: 200 });
    for (const m of random.slice(1)) {
      const row = queue.items.find((x) => x.id === m.id);
      expect(row, m.id).toBeDefined();
      expect(row!.status).toBe('needs_review');
      const record = h.ctx.repos.extractions.latestForMessage(m.id)!;
      const before = h.ctx.repos.extractions.get(m.record)!;
      expect(record.output).toEqual(before.output);
      expect(record.reasons[0]).toMatchObject({ kind: UNSTABLE_REASON, text: expect.stringMatching(/^unstable: \w+ differed across 3 repeats \(/) });
    }
    // The decided one is as the person left it; the stable ones too.
    expect(h.ws.db.prepare('SELECT status, latest_extraction_id AS record FROM messages WHERE id = ?').get(decided.id)).toEqual(decidedBefore);
    const stableNow = h.ws.db
      .prepare(`SELECT id, status, latest_extraction_id FROM messages WHERE id IN (${chosen.map(() => '?').join(',')}) ORDER BY id`)
      .all(...chosen.map((m) => m.id)) as { id: string }[];
    const flagged = new Set(random.slice(1).map((m) => m.id));
    expect(stableNow.filter((m) => !flagged.has(m.id))).toEqual(stableBefore.filter((m) => !flagged.has(m.id)));

    // Progress as driftChanged (the last one done) and runProgress per repeat; a messagesChanged at the end.
    const drifts = h.opts.events.filter(([e]) => e === 'driftChanged').map(([, p]) => p as { id: string; done: number; total: number; status: string });
    expect(drifts.at(-1)).toEqual({ kind: 'consistency', id: started.id, done: 120, total: 120, status: 'done' });
    const runIds = new Set(h.opts.events.filter(([e]) => e === 'runProgress').map(([, p]) => (p as { runId: string }).runId));
    expect(runIds).toEqual(new Set(started.runs.map((r) => r.id)));
    expect(h.opts.events.some(([e, p]) => e === 'messagesChanged' && (p as { reason: string }).reason.includes('4 unstable messages'))).toBe(true);
    // The repeats are no inbox runs.
    expect((await h.call('listRuns', {})).some((r) => r.kind === 'consistency')).toBe(false);
  }, 60_000);

  it('with the embedded provider the answers are deterministic: nothing unstable, nothing sent to review', async () => {
    const h = open();
    const drift = createInvestigateHandlers(h.ctx);
    const before = h.ws.db.prepare('SELECT id, status, latest_extraction_id FROM messages ORDER BY id').all();
    const started = await call(drift, 'startConsistency', { selection: { all: true }, repeats: 3 });
    const report = await investigations(h.ctx).consistency.settled(started.id);
    expect(report).toMatchObject({ status: 'done', messages: 140, unstable: 0 });
    expect(report.fields.every((f) => f.agreement === 1 && f.unstable === 0)).toBe(true);
    expect(report.runs.every((r) => r.provider === 'embedded' && r.done === 140)).toBe(true);
    expect(h.ws.db.prepare('SELECT id, status, latest_extraction_id FROM messages ORDER BY id').all()).toEqual(before);
  }, 60_000);

  it('cancels; refuses unknown messages, versions and ids', async () => {
    const h = open();
    await useServer(h);
    server.script({ latencyMs: 30 });
    const drift = createInvestigateHandlers(h.ctx);
    const started = await call(drift, 'startConsistency', { selection: { all: true }, repeats: 2, varySeed: false });
    const cancelled = await call(drift, 'cancelConsistency', { id: started.id });
    expect(cancelled.status).toBe('cancelled');
    const settled = await investigations(h.ctx).consistency.settled(started.id);
    expect(settled.status).toBe('cancelled');
    expect(settled.runs.every((r) => r.status === 'cancelled')).toBe(true);
    expect(settled.runs[0]!.done).toBeLessThan(140);
    expect((await apiFailure(call(drift, 'startConsistency', { selection: { ids: ['m_nope'] } }))).failure.code).toBe('not_found');
    expect((await apiFailure(call(drift, 'startConsistency', { selection: { all: true }, version: 4 }))).failure.code).toBe('not_found');
    expect((await apiFailure(call(drift, 'getConsistency', { id: 'consistency_nope' }))).failure.code).toBe('not_found');
  }, 60_000);
});
