// Comparing two runs (issue 12) over real SQLite copies of the demo, with the scripted
// OpenAI-compatible server standing in for a model that changes: the counts, per-field transitions
// and keys outside the schema equal what the server was scripted to change; filters and pages;
// comparison runs against a published version and another provider leave the inbox as it was.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiArgs, RunComparison, RunRecord } from '../../../shared/src/api/index.js';
import type { StoredDraft } from '../../services/workspace/index.js';
import { SETTING_KEYS } from '../../services/workspace/index.js';
import { defaultAnswer } from '../../../shared/testkit/answer.js';
import { startScriptedServer, type ChatRequestBody, type ParsedMessage, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { readDraft } from '../draft.js';
import { GateService } from '../publish/gate.js';
import { createPublishHandlers } from '../publish/handlers.js';
import { PROVIDER_SETTING } from '../service.js';
import { apiFailure, call, contextHarnesses, type ContextHarness } from '../test-support.js';
import { createDriftHandlers } from './handlers.js';

const { harness } = contextHarnesses('casebook-drift-');
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterEach(() => server.reset());
afterAll(async () => server.close());

/** The draft's provider switched to the scripted server, with no retries. */
async function useServer(h: ContextHarness, model = 'casebook-test-1'): Promise<void> {
  await h.call('updateSettings', { baseURL: server.url });
  await h.call('updateDraft', { settings: { provider: 'openai', model } });
  h.opts.settings.set(PROVIDER_SETTING.maxRetries, 0);
  h.opts.settings.set(PROVIDER_SETTING.timeoutMs, 10_000);
}

/**
 * The demo draft made plain for exact counts: `priority` is no longer an alias of `urgency` (so an
 * answer that says `priority` keeps that key outside the schema) and override rules are off (one
 * sets urgency, which would hide a scripted shift).
 */
function plainDraft(h: ContextHarness): void {
  const draft = readDraft(h.ctx.repos)!;
  const fields = draft.schema.fields.map((f) => (f.name === 'urgency' ? { ...f, aliases: (f.aliases ?? []).filter((a) => a !== 'priority') } : f));
  h.ctx.transaction(() => {
    h.ctx.repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, schema: { fields } } satisfies StoredDraft);
    for (const { rule } of h.ctx.repos.rules.list()) if (rule.kind === 'override') h.ctx.repos.rules.setEnabled(rule.id, false);
  });
}

async function settled(h: ContextHarness, run: RunRecord, status: RunRecord['status'] = 'done'): Promise<RunRecord> {
  let now = run;
  await vi.waitFor(
    async () => {
      now = await h.call('getRun', { runId: run.id });
      expect(now.status).toBe(status);
    },
    { timeout: 30_000, interval: 10 },
  );
  return now;
}

/** What the inbox holds for every message: what a comparison run must never change. */
function inbox(h: ContextHarness): unknown {
  return {
    messages: h.ws.db.prepare('SELECT id, status, latest_extraction_id, regression_extraction_id, review_priority FROM messages ORDER BY id').all(),
    undo: h.ws.db.prepare('SELECT * FROM review_undo ORDER BY message_id').all(),
  };
}

const URGENCY = ['low', 'medium', 'high', 'critical'];
/** A stable choice per message text: 0-9. */
const bucket = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 10;

/** What the second configuration of the server did to each message (by text). */
interface Scripted {
  shifted: Map<string, { from: string; to: string }>;
  renamed: Map<string, string>;
}

/** The second configuration: urgency shifted one step for buckets 0-1, renamed to `priority` for bucket 2. */
function driftingAnswerer(scripted: Scripted) {
  return (body: ChatRequestBody, message: ParsedMessage) => {
    const base = defaultAnswer(body.response_format?.json_schema?.schema ?? null, message) as Record<string, unknown>;
    const b = bucket(message.text);
    const urgency = base.urgency as string;
    if (b < 2) {
      const to = URGENCY[(URGENCY.indexOf(urgency) + 1) % URGENCY.length]!;
      scripted.shifted.set(message.text, { from: urgency, to });
      return { ...base, urgency: to };
    }
    if (b === 2) {
      scripted.renamed.set(message.text, urgency);
      const { urgency: _dropped, ...rest } = base;
      return { ...rest, priority: urgency };
    }
    return base;
  };
}

describe('two runs before and after the model changed', () => {
  it('count exactly the scripted shifts and renames, per field, with transitions, validity and keys outside the schema; filter and page; never touch the inbox', async () => {
    const h = harness();
    const drift = createDriftHandlers(h.ctx);
    plainDraft(h);
    await useServer(h);

    // Before: an inbox run, the server answering plainly.
    const a = await settled(h, await h.call('startRun', { selection: { all: true } }));
    expect(a).toMatchObject({ kind: 'extract', total: 140, done: 140, failed: 0, provider: 'openai', model: 'casebook-test-1', rulebook: { version: null } });
    // A person accepts the answers the server will later change (and a few more): an inbox run's
    // disagreeing answer would mark each a regression; a comparison run's must not.
    const accepted = h.ws.db.prepare('SELECT id, text FROM messages').all() as { id: string; text: string }[];
    for (const m of accepted.filter((x) => bucket(x.text) < 4)) await h.call('acceptExtraction', { messageId: m.id });
    const before = inbox(h);
    const counts = await h.call('getCounts', {});

    // After: the model changed (another model, so the cache does not answer), a comparison run.
    const scripted: Scripted = { shifted: new Map(), renamed: new Map() };
    server.script({ answer: driftingAnswerer(scripted) });
    const started = await h.call('startRun', { selection: { all: true }, against: { version: 'draft', model: 'casebook-test-mini' } });
    expect(started).toMatchObject({ kind: 'compare', provider: 'openai', model: 'casebook-test-mini', rulebook: { version: null, hash: expect.stringMatching(/^sha256:/) } });
    const b = await settled(h, started);
    expect(b).toMatchObject({ done: 140, failed: 0 });
    const shifted = scripted.shifted.size;
    const renamed = scripted.renamed.size;
    expect(shifted).toBeGreaterThan(5);
    expect(renamed).toBeGreaterThan(3);

    // The inbox is as it was: answers of record, statuses, regressions, review queue.
    expect(inbox(h)).toEqual(before);
    expect(await h.call('getCounts', {})).toEqual(counts);
    expect((await h.call('listRuns', {})).map((r) => r.id)).toEqual([b.id, a.id]);

    const cmp = (args: Partial<ApiArgs<'compareRuns'>> = {}) => call(drift, 'compareRuns', { a: a.id, b: b.id, ...args });
    const all = await cmp();
    expect(all).toMatchObject({ overlap: 140, changed: shifted + renamed, validity: { becameInvalid: renamed, becameValid: 0 }, matching: shifted + renamed });
    expect(all.a.id).toBe(a.id);
    expect(all.b).toMatchObject({ id: b.id, kind: 'compare', model: 'casebook-test-mini' });
    const urgency = all.fields.find((f) => f.field === 'urgency')!;
    expect(urgency.changed).toBe(shifted + renamed);
    // Old → new with counts, most frequent first: each shift, and each renamed value → null (the key is gone).
    const expected = new Map<string, number>();
    for (const { from, to } of scripted.shifted.values()) expected.set(JSON.stringify([from, to]), (expected.get(JSON.stringify([from, to])) ?? 0) + 1);
    for (const from of scripted.renamed.values()) expected.set(JSON.stringify([from, null]), (expected.get(JSON.stringify([from, null])) ?? 0) + 1);
    expect(new Map(urgency.transitions.map((t) => [JSON.stringify([t.from, t.to]), t.count]))).toEqual(expected);
    expect(urgency.transitions.map((t) => t.count)).toEqual([...urgency.transitions.map((t) => t.count)].sort((x, y) => y - x));
    for (const f of all.fields) if (f.field !== 'urgency') expect(f, f.field).toEqual({ field: f.field, changed: 0, transitions: [] });
    expect(all.fields.map((f) => f.field)).toEqual(readDraft(h.ctx.repos)!.schema.fields.map((f) => f.name));
    expect(all.unknownKeys).toEqual([{ key: 'priority', a: 0, b: renamed }]);

    // Items: subject, excerpt, changed fields and both sides.
    const renamedItem = all.items.find((i) => i.changedFields.includes('priority'))!;
    expect(renamedItem.changedFields).toEqual(['urgency', 'priority']);
    expect(renamedItem.a.valid).toBe(true);
    expect(renamedItem.b.valid).toBe(false);
    expect(renamedItem.b.output.urgency).toBeUndefined();
    expect(renamedItem.excerpt.length).toBeLessThanOrEqual(160);
    const shiftedItem = all.items.find((i) => i.changedFields.length === 1)!;
    expect(shiftedItem.changedFields).toEqual(['urgency']);
    expect(shiftedItem.a.output.urgency).not.toBe(shiftedItem.b.output.urgency);

    // Filters.
    expect((await cmp({ field: 'urgency' })).matching).toBe(shifted + renamed);
    expect((await cmp({ field: 'issue_type' })).matching).toBe(0);
    expect((await cmp({ field: 'priority' })).matching).toBe(renamed);
    expect((await cmp({ validityChanged: true })).matching).toBe(renamed);
    const top = urgency.transitions[0]!;
    const byTransition = await cmp({ field: 'urgency', from: top.from as string, to: top.to as string, limit: 500 });
    expect(byTransition.matching).toBe(top.count);
    expect(byTransition.items.every((i) => i.a.output.urgency === top.from && (i.b.output.urgency ?? null) === top.to)).toBe(true);
    const toNull = await cmp({ field: 'urgency', to: null });
    expect(toNull.matching).toBe(renamed);

    // Pages of 3 by message id: every changed message once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: RunComparison = await cmp({ limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((i) => i.messageId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(shifted + renamed);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual((await cmp({ limit: 500 })).items.map((i) => i.messageId));

    // A run compared with itself; unknown runs; a bad cursor; from without a field.
    expect(await call(drift, 'compareRuns', { a: b.id, b: b.id })).toMatchObject({ overlap: 140, changed: 0, matching: 0, items: [], validity: { becameInvalid: 0, becameValid: 0 } });
    expect((await apiFailure(cmp({ a: 'run_nope' } as never))).failure.code).toBe('not_found');
    expect((await apiFailure(call(drift, 'compareRuns', { a: a.id, b: 'run_nope' }))).failure.code).toBe('not_found');
    expect((await apiFailure(cmp({ cursor: 'garbage' }))).failure.code).toBe('bad_request');
    expect((await apiFailure(cmp({ from: 'high' }))).failure.code).toBe('bad_request');

    // One message side by side, with both traces.
    const pair = await call(drift, 'getRunPair', { a: a.id, b: b.id, messageId: renamedItem.messageId });
    expect(pair.runs.a.id).toBe(a.id);
    expect(pair.a).toMatchObject({ runId: a.id, valid: true });
    expect(pair.b).toMatchObject({ runId: b.id, valid: false });
    expect(pair.a!.trace.provider.model).toBe('casebook-test-1');
    expect(pair.b!.trace.provider.model).toBe('casebook-test-mini');
    expect(pair.b!.trace.rawOutput).toContain('"priority"');
    expect(pair.b!.errors.map((e) => e.path)).toContain('/priority');
    expect(pair.text.length).toBeGreaterThan(0);
    expect((await apiFailure(call(drift, 'getRunPair', { a: a.id, b: b.id, messageId: 'msg_nope' }))).failure.code).toBe('not_found');
  }, 90_000);

  it('pairs a message a run never reached with null, and compares only the overlap', async () => {
    const h = harness();
    const drift = createDriftHandlers(h.ctx);
    const ids = (await h.call('listMessages', { limit: 10 })).items.map((m) => m.id);
    const a = await settled(h, await h.call('startRun', { selection: { ids: ids.slice(0, 6) }, against: { version: 'draft' } }));
    const b = await settled(h, await h.call('startRun', { selection: { ids: ids.slice(3) }, against: { version: 'draft', provider: 'embedded' } }));
    expect(a).toMatchObject({ kind: 'compare', provider: 'embedded', total: 6, done: 6 });
    // The embedded provider under the same draft: the same answers.
    expect(await call(drift, 'compareRuns', { a: a.id, b: b.id })).toMatchObject({ overlap: 3, changed: 0, items: [] });
    const pair = await call(drift, 'getRunPair', { a: a.id, b: b.id, messageId: ids[0]! });
    expect(pair.a).not.toBeNull();
    expect(pair.b).toBeNull();
  }, 60_000);
});

describe('a comparison run under the same model name', () => {
  it('asks the model again: the cache does not hide a model that answers otherwise since', async () => {
    const h = harness();
    const drift = createDriftHandlers(h.ctx);
    plainDraft(h);
    await useServer(h);
    const ids = (await h.call('listMessages', { limit: 40 })).items.map((m) => m.id);
    const a = await settled(h, await h.call('startRun', { selection: { ids } }));
    expect(server.chatRequests).toHaveLength(40);

    // The provider changed what stands behind the same model name ("nothing changed in our code").
    const scripted: Scripted = { shifted: new Map(), renamed: new Map() };
    server.script({ answer: driftingAnswerer(scripted) });
    const b = await settled(h, await h.call('startRun', { selection: { ids }, against: { version: 'draft' } }));
    expect(b).toMatchObject({ kind: 'compare', model: 'casebook-test-1', done: 40, failed: 0 });
    expect(server.chatRequests).toHaveLength(80);
    const changes = scripted.shifted.size + scripted.renamed.size;
    expect(changes).toBeGreaterThan(0);
    const cmp = await call(drift, 'compareRuns', { a: a.id, b: b.id });
    expect(cmp).toMatchObject({ overlap: 40, changed: changes, validity: { becameInvalid: scripted.renamed.size, becameValid: 0 } });
    const pair = await call(drift, 'getRunPair', { a: a.id, b: b.id, messageId: cmp.items[0]!.messageId });
    expect(pair.b!.trace.cacheHit).toBe(false);

    // The fresh answers replaced the cached ones: an inbox run now gets the model's present answers from the cache.
    server.script({});
    const c = await settled(h, await h.call('startRun', { selection: { ids } }));
    expect(server.chatRequests).toHaveLength(80);
    expect(await call(drift, 'compareRuns', { a: b.id, b: c.id })).toMatchObject({ overlap: 40, changed: 0 });
  }, 90_000);
});

describe('a comparison run against a published version and another provider', () => {
  it('runs v1 with its embedded provider while the draft uses the scripted model, records what it ran under, and leaves the inbox alone', async () => {
    const h = harness();
    const drift = createDriftHandlers(h.ctx);
    const gates = new GateService(h.ctx);
    const publish = createPublishHandlers(h.ctx, { afterChange: () => undefined }, gates);
    const gate = await gates.settled((await call(publish, 'startGate', {})).id);
    const v1 = await call(publish, 'publishDraft', { gateId: gate.id, note: 'v1' });
    expect(v1.version).toBe(1);
    await useServer(h);
    const before = inbox(h);
    const ids = (await h.call('listMessages', { limit: 30 })).items.map((m) => m.id);

    const versioned = await settled(h, await h.call('startRun', { selection: { ids }, against: { version: 1 } }));
    expect(versioned).toMatchObject({ kind: 'compare', done: 30, failed: 0, provider: 'embedded', rulebook: { version: 1, hash: v1.hash } });
    const embeddedDraft = await settled(h, await h.call('startRun', { selection: { ids }, against: { version: 'draft', provider: 'embedded' } }));
    expect(embeddedDraft).toMatchObject({ provider: 'embedded', rulebook: { version: null } });
    expect(embeddedDraft.rulebook.hash).not.toBe(v1.hash);
    // Neither asked the draft's model anything.
    expect(server.chatRequests).toHaveLength(0);
    const stored = h.ctx.repos.extractions.forRun(versioned.id, { limit: 100 });
    expect(stored).toHaveLength(30);
    expect(stored.every((e) => e.rulebookVersion === 1 && e.rulebookHash === v1.hash && e.trace?.rulebook.version === 1)).toBe(true);

    // v1 and the draft hold the same rules and precedents: the embedded provider says the same.
    expect(await call(drift, 'compareRuns', { a: versioned.id, b: embeddedDraft.id })).toMatchObject({ overlap: 30, changed: 0 });
    // Against the draft's model now (the server answers its defaults): something differs, and the pair shows both providers.
    const draftRun = await settled(h, await h.call('startRun', { selection: { ids }, against: { version: 'draft' } }));
    expect(draftRun).toMatchObject({ provider: 'openai', model: 'casebook-test-1' });
    expect(server.chatRequests.length).toBe(30);
    const cmp = await call(drift, 'compareRuns', { a: versioned.id, b: draftRun.id });
    expect(cmp.overlap).toBe(30);
    const pair = await call(drift, 'getRunPair', { a: versioned.id, b: draftRun.id, messageId: ids[0]! });
    expect(pair.a!.trace.provider.name).toBe('embedded');
    expect(pair.b!.trace.provider.name).toBe('openai');
    expect(pair.a!.rulebookVersion).toBe(1);

    expect(inbox(h)).toEqual(before);
    expect((await apiFailure(h.call('startRun', { selection: { ids }, against: { version: 9 } }))).failure.code).toBe('not_found');
  }, 120_000);

  it('can be cancelled and resumed like an inbox run, extracting each message once', async () => {
    const h = harness();
    await useServer(h);
    server.script({ latencyMs: 20 });
    const run = await h.call('startRun', { selection: { all: true }, against: { version: 'draft', model: 'casebook-test-mini' } });
    await vi.waitFor(async () => expect((await h.call('getRun', { runId: run.id })).done).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
    expect((await h.call('cancelRun', { runId: run.id })).status).toBe('cancelled');
    const resumed = await h.call('resumeRun', { runId: run.id });
    expect(['queued', 'running']).toContain(resumed.status);
    const done = await settled(h, resumed);
    expect(done).toMatchObject({ kind: 'compare', total: 140, done: 140, failed: 0 });
    const perMessage = h.ws.db.prepare('SELECT count(*) AS n FROM extractions WHERE run_id = ? GROUP BY message_id HAVING n > 1').all(run.id);
    expect(perMessage).toEqual([]);
  }, 60_000);
});
