// The review-and-teach handlers over real SQLite files holding the demo workspace (made once by
// createBackend, copied for each test), called with arguments parsed by the contract. The story of
// issue 4 runs with the scripted OpenAI-compatible server as the model, which files "It's me again.
// Still locked out. Billing said it wasn't them." under billing.
import { HOST_SETTING } from '../handlers.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiArgs, ApiError, ApiEventName, ApiMethod, ApiResults, MessageDetail } from '../../../shared/src/api/index.js';
import type { ExtractionResult, Rule, Trace } from '../../../shared/src/domain.js';
import { startScriptedServer, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { openWorkspace, repositories, type Repositories } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { draftArtifact, readDraft } from '../draft.js';
import { createBackend, PROVIDER_SETTING } from '../service.js';
import { backendOptions, call as callHandler, demoWorkspaces, memorySettings, openContext, type ContextHarness, type DemoWorkspaces } from '../test-support.js';
import { HUMAN_PROVIDER } from './correction.js';
import { CHANGE_REASONS } from './handlers.js';
import { previewImpact } from './impact.js';
import { textFilter } from './prefilter.js';

const STORY = "It's me again. Still locked out. Billing said it wasn't them.";
const RATIONALE = 'prioritize the current problem over historical mentions';
const AUTHOR = 'Maya Chen (support lead)';

let demo: DemoWorkspaces;
let server: ScriptedServer;
const open: ContextHarness[] = [];

beforeAll(async () => {
  demo = await demoWorkspaces('casebook-teach-');
  server = await startScriptedServer();
}, 60_000);
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});
afterAll(async () => {
  await server.close();
  demo.cleanup();
});

/** The options of a backend over `path`, acting as AUTHOR. */
const options = (path: string) => backendOptions(path, { settings: memorySettings({ author: AUTHOR }) });

interface Harness {
  repos: Repositories;
  ctx: BackendContext;
  events: [ApiEventName, unknown][];
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]>;
  failure<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiError>;
  /** The workspace id of the message with this text. */
  idOf(text: string): string;
  detail(id: string): Promise<MessageDetail>;
  allIds(): string[];
}

/** A copy of the demo workspace with the backend's context wired the way createBackend wires it. */
function harness(): Harness {
  // Short retries, so a failing model fails the test quickly.
  const settings = memorySettings({ author: AUTHOR, [PROVIDER_SETTING.maxRetries]: 1, [PROVIDER_SETTING.timeoutMs]: 10_000 });
  const h = openContext(demo.copy(), { settings });
  open.push(h);
  const { repos } = h.ctx;
  const allIds = () => repos.messages.ids();
  const idOf = (text: string) => allIds().find((id) => repos.messages.get(id)!.text === text)!;
  return { repos, ctx: h.ctx, events: h.opts.events, call: h.call, failure: h.failure, idOf, allIds, detail: (id) => h.call('getMessage', { id }) };
}

/** Switches the harness to the scripted model and extracts every message with it. */
async function withScriptedModel(h: Harness): Promise<void> {
  await h.call('updateSettings', { baseURL: server.url });
  await h.call('updateDraft', { settings: { provider: 'openai', model: 'casebook-test-1' } });
  const result = await h.ctx.extraction.extractMany(h.allIds().map((id) => h.repos.messages.get(id)!), 8);
  expect(result.failed).toBe(0);
}

const override = (id: string, when: Extract<Rule, { kind: 'override' }>['when'], set: Record<string, string>): Rule => ({
  id,
  kind: 'override',
  when,
  set,
  rationale: 'a test rule',
  enabled: true,
  provenance: { precedentIds: [], author: AUTHOR, createdAt: '2026-03-10T09:00:00.000Z' },
});

const reasons = (h: Harness) => h.events.filter(([e]) => e === 'messagesChanged').map(([, p]) => (p as { reason: string }).reason);

describe('the story of issue 4: correct, promote to an override, preview, save, re-run', () => {
  it('goes from a billing answer to an account rule that fires on the other locked-out messages', async () => {
    const h = harness();
    await withScriptedModel(h);
    const storyId = h.idOf(STORY);
    const before = await h.detail(storyId);
    expect(before.extraction!.output.issue_type).toBe('billing');
    expect(before.extraction!.trace.provider.name).toBe('openai');

    // Correct it, with a rationale.
    const { detail, precedent } = await h.call('correctExtraction', {
      messageId: storyId,
      output: { ...before.extraction!.output, issue_type: 'account' },
      rationale: RATIONALE,
    });
    expect(detail.message.status).toBe('corrected');
    expect(detail.extraction!.output).toEqual({ ...before.extraction!.output, issue_type: 'account' });
    expect(detail.extraction!.trace.provider.name).toBe(HUMAN_PROVIDER);
    expect(detail.extraction!.trace.provider.model).toBe(AUTHOR);
    expect(detail.extraction!.trace.rawOutput).toBeNull();
    expect(detail.extraction!.trace.cacheHit).toBe(false);
    expect(detail.extraction!.trace.rulesFired).toEqual([]);
    expect(detail.extraction!.trace.rulebook.hash).toBe(draftArtifact(h.repos).hash);
    expect(detail.extraction!.id).not.toBe(before.extraction!.id);
    expect(precedent).toMatchObject({ messageId: storyId, rationale: RATIONALE, author: AUTHOR, deletedAt: null, message: { text: STORY, subject: 'still locked out' } });
    expect(precedent.output.issue_type).toBe('account');
    expect(Date.now() - Date.parse(precedent.createdAt)).toBeLessThan(60_000);
    expect(reasons(h)).toEqual([CHANGE_REASONS.corrected]);
    // The message's history keeps what the model said.
    expect(h.repos.extractions.forMessage(storyId).map((e) => e.trace!.provider.name)).toEqual([HUMAN_PROVIDER, 'openai', 'embedded']);

    // The precedents screen lists it, found by its rationale in any case.
    const listed = await h.call('listPrecedents', { search: 'Historical MENTIONS' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual(precedent);
    expect((await h.call('listPrecedents', {}))[0]!.id).toBe(precedent.id); // newest first
    expect((await h.call('getRulebook', {})).precedents.map((p) => p.id)).toContain(precedent.id);

    // Promote it to an override; the preview lists the other messages it would change.
    const rule: Rule = { ...override('rule-locked-out', { kind: 'contains_all', phrases: ['locked out'] }, { issue_type: 'account' }), rationale: RATIONALE, provenance: { precedentIds: [precedent.id], author: AUTHOR, createdAt: precedent.createdAt } };
    const expected: string[] = [];
    const alreadyAccount: string[] = [];
    for (const id of h.allIds()) {
      const d = await h.detail(id);
      if (!/locked out/i.test(`${d.message.subject ?? ''}\n${d.message.text}`)) continue;
      (d.extraction!.output.issue_type === 'account' ? alreadyAccount : expected).push(id);
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(alreadyAccount).toContain(storyId);
    expect(alreadyAccount.length).toBeGreaterThan(1); // another locked-out message the model already got right

    const impact = await h.call('previewRule', { rule });
    expect(impact.truncated).toBe(false);
    expect(impact.checked).toBe(140);
    expect(impact.changed.map((c) => c.messageId).sort()).toEqual([...expected].sort());
    for (const c of impact.changed) {
      const d = await h.detail(c.messageId);
      expect(c.fields).toEqual([{ field: 'issue_type', from: d.extraction!.output.issue_type, to: 'account' }]);
      expect(c.subject).toBe(d.message.subject ?? null);
      expect(d.message.text.replace(/\s+/g, ' ')).toContain(c.preview.slice(0, 40));
    }
    expect(impact.changed.find((c) => c.fields[0]!.from === 'billing')).toBeDefined();
    for (const id of alreadyAccount) expect(impact.changed.map((c) => c.messageId)).not.toContain(id);

    // Save it: the draft changes, so a re-run extracts under the new draft and the rule fires.
    const hashBefore = draftArtifact(h.repos).hash;
    const saved = await h.call('saveRule', { rule });
    expect(saved.rule).toEqual(rule);
    expect(saved.deletedAt).toBeNull();
    expect(saved.position).toBe(Math.max(...(await h.call('listRules', {})).map((r) => r.position)));
    expect(draftArtifact(h.repos).hash).not.toBe(hashBefore);
    expect(reasons(h)).toEqual([CHANGE_REASONS.corrected, CHANGE_REASONS.ruleSaved]);

    for (const id of expected) {
      const result = await h.ctx.extraction.extractOne(h.repos.messages.get(id)!);
      expect(result.output.issue_type).toBe('account');
      const d = await h.detail(id);
      expect(d.extraction!.output.issue_type).toBe('account');
      const firing = d.extraction!.trace.rulesFired.find((f) => f.ruleId === rule.id);
      expect(firing).toBeDefined();
      expect(firing!.changed).toEqual([{ field: 'issue_type', from: 'billing', to: 'account' }]);
      expect(firing!.spans!.length).toBeGreaterThan(0);
      expect(d.extraction!.trace.rulebook.hash).toBe(draftArtifact(h.repos).hash);
    }
    // Nothing left for the rule to change.
    expect((await h.call('previewRule', { rule })).changed).toEqual([]);
  });
});

describe('correctExtraction', () => {
  it('keeps one precedent per message: a second correction updates it and stores another extraction', async () => {
    const h = harness();
    const id = h.idOf(STORY);
    const latest = (await h.detail(id)).extraction!.output;
    const first = await h.call('correctExtraction', { messageId: id, output: { ...latest, urgency: 'low' }, rationale: 'first' });
    const second = await h.call('correctExtraction', { messageId: id, output: { ...latest, urgency: 'high' }, rationale: '' });
    expect(second.precedent.id).toBe(first.precedent.id);
    expect(second.precedent.output.urgency).toBe('high');
    expect(second.precedent.rationale).toBe('first'); // an empty rationale keeps the earlier one
    expect(h.repos.precedents.forMessage(id)).toHaveLength(1);
    expect(h.repos.extractions.forMessage(id).filter((e) => e.trace!.provider.name === HUMAN_PROVIDER)).toHaveLength(2);
    expect(second.detail.extraction!.output.urgency).toBe('high');
  });

  it('applies aliases first (keys and values), in schema order, and records them in the trace', async () => {
    const h = harness();
    const id = h.idOf(STORY);
    const { issue_type: _drop, ...rest } = (await h.detail(id)).extraction!.output;
    const { detail, precedent } = await h.call('correctExtraction', { messageId: id, output: { category: 'login', ...rest }, rationale: 'x' });
    expect(precedent.output.issue_type).toBe('account');
    expect(Object.keys(precedent.output)).toEqual((await h.call('getRulebook', {})).schema.fields.map((f) => f.name));
    expect(detail.extraction!.trace.aliases).toEqual([
      { target: 'key', field: 'issue_type', from: 'category', to: 'issue_type' },
      { target: 'value', field: 'issue_type', from: 'login', to: 'account' },
    ]);
  });

  it('refuses an output that does not fit the schema, naming each wrong field, and stores nothing', async () => {
    const h = harness();
    const id = h.idOf(STORY);
    const { language: _drop, ...rest } = (await h.detail(id)).extraction!.output;
    const err = await h.failure('correctExtraction', { messageId: id, output: { ...rest, issue_type: 'acount', urgency: 5, is_repeat_contact: 'yes', bogus: 1 }, rationale: 'x' });
    expect(err.failure.code).toBe('bad_request');
    const paths = err.failure.issues!.map((i) => i.path).sort();
    expect(paths).toEqual(['output.bogus', 'output.is_repeat_contact', 'output.issue_type', 'output.language', 'output.urgency']);
    expect(err.failure.issues!.find((i) => i.path === 'output.issue_type')!.message).toMatch(/must be one of .*"account"/);
    expect(err.message).toContain('output.urgency');
    expect(h.repos.precedents.forMessage(id)).toHaveLength(0);
    expect((await h.detail(id)).message.status).toBe('extracted');
    expect(h.events).toEqual([]);
  });

  it('refuses an unknown message', async () => {
    const h = harness();
    expect((await h.failure('correctExtraction', { messageId: 'm_nope', output: {}, rationale: '' })).failure.code).toBe('not_found');
  });
});

describe('acceptExtraction', () => {
  it('marks the message accepted and returns its detail; refuses unknown, unextracted and invalid ones', async () => {
    const h = harness();
    const id = h.idOf(STORY);
    const before = await h.detail(id);
    const after = await h.call('acceptExtraction', { messageId: id });
    expect(after.message.status).toBe('accepted');
    expect(after.extraction).toEqual(before.extraction);
    expect(reasons(h)).toEqual([CHANGE_REASONS.accepted]);
    expect(h.repos.precedents.forMessage(id)).toHaveLength(0);
    expect((await h.call('getCounts', {})).byStatus.accepted).toBe(1);

    expect((await h.failure('acceptExtraction', { messageId: 'm_nope' })).failure.code).toBe('not_found');
    const fresh = h.repos.messages.insert({ text: 'A message nobody extracted yet.' }).id;
    const none = await h.failure('acceptExtraction', { messageId: fresh });
    expect(none.failure.code).toBe('conflict');
    expect(none.message).toMatch(/no extraction/);

    const bad = h.repos.extractions.latestForMessage(h.idOf(STORY))!;
    h.repos.extractions.insert({ messageId: fresh, result: { output: { issue_type: 'nope' }, valid: false, errors: [{ path: '/issue_type', message: 'bad' }], trace: bad.trace! } });
    expect((await h.failure('acceptExtraction', { messageId: fresh })).failure.code).toBe('conflict');
  });

  it('is wired into createBackend', async () => {
    const path = demo.copy();
    const opts = options(path);
    const events = opts.events;
    const backend = await createBackend(opts);
    try {
      const ws = openWorkspace(path);
      const id = repositories(ws).messages.ids().find((m) => repositories(ws).messages.get(m)!.text === STORY)!;
      ws.close();
      const result = await callHandler(backend, 'acceptExtraction', { messageId: id });
      expect(result.message.status).toBe('accepted');
      expect(events).toContainEqual(['messagesChanged', { reason: CHANGE_REASONS.accepted }]);
    } finally {
      backend.close();
    }
  });
});

describe('listRuleMessages', () => {
  it("lists the messages whose newest extraction fired the rule, with the rule's change, newest first; not the others", async () => {
    const h = harness();
    const hit = h.repos.messages.insert({ subject: 'Broken zebra-mug', text: 'The   zebra-mug I ordered\ncame in pieces.', receivedAt: '2026-03-09T10:00:00.000Z' }).id;
    const older = h.repos.messages.insert({ text: 'A second zebra-mug, also broken.', receivedAt: '2026-03-08T10:00:00.000Z' }).id;
    const unrelated = h.repos.messages.insert({ text: 'How do I change my delivery address?', receivedAt: '2026-03-09T11:00:00.000Z' }).id;
    const extract = async (ids: string[]) => {
      for (const id of ids) await h.ctx.extraction.extractOne(h.repos.messages.get(id)!);
    };
    await extract([hit, older, unrelated]);
    const before = (await h.detail(hit)).extraction!.output;
    const urgencies = (await h.call('getRulebook', {})).schema.fields.find((f) => f.name === 'urgency')!.values!.map((v) => v.value);
    const to = urgencies.find((u) => u !== before.urgency)!;
    const rule = override('rule-zebra', { kind: 'contains_any', phrases: ['zebra-mug'] }, { urgency: to });
    await h.call('saveRule', { rule });

    // Saved but not re-run: no extraction fired it yet.
    expect(await h.call('listRuleMessages', { id: rule.id })).toEqual({ messages: [], total: 0 });

    await extract([hit, older, unrelated]);
    const listed = await h.call('listRuleMessages', { id: rule.id });
    expect(listed.total).toBe(2);
    expect(listed.messages.map((m) => m.messageId)).toEqual([hit, older]);
    expect(listed.messages[0]).toEqual({
      messageId: hit,
      subject: 'Broken zebra-mug',
      preview: 'The zebra-mug I ordered came in pieces.',
      changed: [{ field: 'urgency', from: before.urgency, to }],
    });
    expect(listed.messages.some((m) => m.messageId === unrelated)).toBe(false);
    expect((await h.detail(hit)).extraction!.trace.rulesFired.find((f) => f.ruleId === rule.id)!.changed).toEqual(listed.messages[0]!.changed);

    // The limit cuts the list, not the count.
    const one = await h.call('listRuleMessages', { id: rule.id, limit: 1 });
    expect(one).toEqual({ messages: [listed.messages[0]], total: 2 });

    // Only the newest extraction counts: a correction (which fires no rule) takes the message off the list.
    await h.call('correctExtraction', { messageId: hit, output: (await h.detail(hit)).extraction!.output, rationale: '' });
    expect((await h.call('listRuleMessages', { id: rule.id })).messages.map((m) => m.messageId)).toEqual([older]);
  });

  it('refuses an unknown rule and a limit out of range', async () => {
    const h = harness();
    expect((await h.failure('listRuleMessages', { id: 'rule-nope' })).failure.code).toBe('not_found');
    expect((await h.failure('listRuleMessages', { id: 'rule-nope', limit: 501 })).failure.code).toBe('bad_request');
  });
});

describe('rules', () => {
  it('saveRule refuses a rule that does not fit the schema, naming the field', async () => {
    const h = harness();
    const cases: [Rule, string, RegExp][] = [
      [override('r1', { kind: 'contains_any', phrases: ['x'] }, { issue_typ: 'account' }), 'rule.set.issue_typ', /unknown field/],
      [override('r2', { kind: 'contains_any', phrases: ['x'] }, { urgency: 'whenever' }), 'rule.set.urgency', /must be one of/],
      [override('r3', { kind: 'field_equals', field: 'colour', value: 'red' }, { urgency: 'low' }), 'rule.when.field', /unknown field "colour"/],
      [{ ...override('r4', { kind: 'contains_any', phrases: ['x'] }, {}) }, 'rule.set', /fewer than 1|must NOT have fewer/],
      [{ ...override('r5', { kind: 'contains_any', phrases: ['x'] }, { urgency: 'low' }), provenance: { precedentIds: [], author: 'a', createdAt: 'yesterday' } }, 'rule.provenance.createdAt', /date-time/],
      [{ id: 'r6', kind: 'guidance', fields: ['issue_type', 'mood'], instruction: 'Be careful.', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } }, 'rule.fields.1', /unknown field "mood"/],
      [{ id: 'r7', kind: 'alias', target: 'value', field: 'urgency', from: 'asap!!', to: 'urgentissimo', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } }, 'rule.to', /is not a value of "urgency"/],
      [{ id: 'r8', kind: 'alias', target: 'value', field: 'issue_type', from: 'Login', to: 'billing', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } }, 'rule.from', /already means "account"/],
      [{ id: 'r9', kind: 'alias', target: 'key', field: 'urgency', from: 'category', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } }, 'rule.from', /alias of the field "issue_type"/],
    ];
    const rulesBefore = await h.call('listRules', {});
    for (const [rule, path, message] of cases) {
      for (const method of ['saveRule', 'previewRule'] as const) {
        const err = await h.failure(method, { rule });
        expect(err.failure.code, `${rule.id} ${method}`).toBe('bad_request');
        const issue = err.failure.issues!.find((i) => i.path === path);
        expect(issue, `${rule.id}: ${JSON.stringify(err.failure.issues)}`).toBeDefined();
        expect(issue!.message).toMatch(message);
      }
    }
    expect(await h.call('listRules', {})).toEqual(rulesBefore);
    expect(h.events).toEqual([]);
  });

  it('replaces a rule in place, disables, deletes and restores it; the draft follows', async () => {
    const h = harness();
    const rules = await h.call('listRules', {});
    expect(rules.map((r) => r.position)).toEqual([...rules.map((r) => r.position)].sort((a, b) => a - b));
    const target = rules[1]!;
    expect(target.rule.kind).toBe('override');
    const hash0 = draftArtifact(h.repos).hash;

    const edited = { ...target.rule, rationale: 'reworded' } as Rule;
    const saved = await h.call('saveRule', { rule: edited });
    expect(saved.position).toBe(target.position);
    expect(saved.rule.rationale).toBe('reworded');
    expect(saved.createdAt).toBe(target.createdAt);
    expect((await h.call('listRules', {})).map((r) => r.rule.id)).toEqual(rules.map((r) => r.rule.id));
    const hash1 = draftArtifact(h.repos).hash;
    expect(hash1).not.toBe(hash0);

    const off = await h.call('setRuleEnabled', { id: target.rule.id, enabled: false });
    expect(off.rule.enabled).toBe(false);
    expect(draftArtifact(h.repos).rules.find((r) => r.id === target.rule.id)!.enabled).toBe(false);
    await h.call('setRuleEnabled', { id: target.rule.id, enabled: true });
    expect(draftArtifact(h.repos).hash).toBe(hash1);

    expect(await h.call('deleteRule', { id: target.rule.id })).toEqual({ id: target.rule.id });
    expect((await h.call('listRules', {})).map((r) => r.rule.id)).not.toContain(target.rule.id);
    const withDeleted = await h.call('listRules', { includeDeleted: true });
    expect(withDeleted.find((r) => r.rule.id === target.rule.id)!.deletedAt).not.toBeNull();
    expect(draftArtifact(h.repos).rules.map((r) => r.id)).not.toContain(target.rule.id);
    expect(draftArtifact(h.repos).hash).not.toBe(hash1);
    expect((await h.failure('saveRule', { rule: edited })).failure.code).toBe('conflict');
    expect((await h.failure('setRuleEnabled', { id: target.rule.id, enabled: false })).failure.code).toBe('conflict');
    await h.call('deleteRule', { id: target.rule.id }); // twice: nothing more happens

    const restored = await h.call('restoreRule', { id: target.rule.id });
    expect(restored.deletedAt).toBeNull();
    expect(restored.position).toBe(target.position);
    expect(draftArtifact(h.repos).hash).toBe(hash1);
    expect(reasons(h)).toEqual([CHANGE_REASONS.ruleSaved, CHANGE_REASONS.ruleEnabled, CHANGE_REASONS.ruleEnabled, CHANGE_REASONS.ruleDeleted, CHANGE_REASONS.ruleRestored]);

    for (const method of ['deleteRule', 'restoreRule'] as const) expect((await h.failure(method, { id: 'no-such-rule' })).failure.code).toBe('not_found');
    expect((await h.failure('setRuleEnabled', { id: 'no-such-rule', enabled: true })).failure.code).toBe('not_found');
  });

  it('previews a guidance rule as changing nothing (its effect depends on the model)', async () => {
    const h = harness();
    const rule: Rule = { id: 'g', kind: 'guidance', fields: ['urgency'], instruction: 'Payments down is critical.', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } };
    expect(await h.call('previewRule', { rule })).toEqual({ checked: 140, changed: [], truncated: false });
  });

  it('cuts the preview at the limit and says so; a disabled rule is previewed as if enabled', async () => {
    const h = harness();
    const rule = { ...override('wide', { kind: 'contains_any', phrases: [' the '] }, { urgency: 'low', sentiment: 'neutral' }), enabled: false };
    const all = await h.call('previewRule', { rule, limit: 1000 });
    expect(all.truncated).toBe(false);
    expect(all.changed.length).toBeGreaterThan(5);
    const cut = await h.call('previewRule', { rule, limit: 3 });
    expect(cut.truncated).toBe(true);
    expect(cut.changed).toEqual(all.changed.slice(0, 3));
    expect(cut.checked).toBeGreaterThan(3);
    expect(cut.checked).toBeLessThan(140);
  });

  it('finds the same messages with the full-text prefilter as with a full scan', async () => {
    const h = harness();
    // A message the index splits where the rules read one word (a zero-width space inside it).
    const odd = h.repos.messages.insert({ text: 'Still lo\u200Bcked o\u200But, please help', subject: 'help' }).id;
    const trace = h.repos.extractions.latestForMessage(h.idOf(STORY))!.trace!;
    h.repos.extractions.insert({ messageId: odd, result: { output: { issue_type: 'billing', urgency: 'low' }, valid: true, errors: [], trace } });
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const phrases = ['locked out', 'card', 'refund', 'charge-back', 'out', 'e', 'Rückbuchung', 'payroll export', ' it ', 'o'];
    const schema = readDraft(h.repos)!.schema;
    const rules = h.repos.rules.active();
    for (const phrase of phrases) {
      const set = { urgency: 'critical' };
      const viaIndex = await previewImpact(h.repos, { rule: override('p', { kind: 'contains_any', phrases: [phrase] }, set), schema, rules, limit: 1000 });
      const viaScan = await previewImpact(h.repos, { rule: override('p', { kind: 'regex', pattern: escape(phrase), flags: 'i' }, set), schema, rules, limit: 1000 });
      expect(viaIndex.changed.map((c) => c.messageId), phrase).toEqual(viaScan.changed.map((c) => c.messageId));
      expect(viaIndex.checked).toBe(viaScan.checked);
      if (phrase === 'locked out') expect(viaIndex.changed.map((c) => c.messageId)).toContain(odd);
    }
    // The index does narrow the scan: few messages are read for a rare phrase.
    const narrowed = h.repos.extractions.latestPage({ filter: textFilter({ kind: 'contains_all', phrases: ['locked out'] }), limit: 5000 });
    expect(narrowed.map((r) => r.messageId)).toContain(odd);
    expect(narrowed.length).toBeLessThan(30);
    const both = await previewImpact(h.repos, {
      rule: override('p', { kind: 'all', conditions: [{ kind: 'contains_all', phrases: ['locked', 'out'] }, { kind: 'field_equals', field: 'issue_type', value: 'account' }] }, { urgency: 'critical' }),
      schema,
      rules,
      limit: 1000,
    });
    for (const c of both.changed) expect((await h.detail(c.messageId)).extraction!.output.issue_type).toBe('account');
  });

  it('previews an alias against the newest raw answers', async () => {
    const h = harness();
    const id = h.idOf(STORY);
    const base = h.repos.extractions.latestForMessage(id)!;
    const raw = { ...base.output, issue_type: 'lockout' } as Record<string, unknown>;
    const trace: Trace = { ...base.trace!, rawOutput: JSON.stringify(raw) };
    const result: ExtractionResult = { output: { ...base.output, issue_type: 'lockout' }, valid: false, errors: [{ path: '/issue_type', message: 'must be one of' }], trace };
    h.repos.extractions.insert({ messageId: id, result });
    const alias: Rule = { id: 'a-lockout', kind: 'alias', target: 'value', field: 'issue_type', from: 'LOCKOUT', to: 'account', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } };
    const impact = await h.call('previewRule', { rule: alias });
    expect(impact.changed).toEqual([{ messageId: id, subject: 'still locked out', preview: STORY, fields: [{ field: 'issue_type', from: 'lockout', to: 'account' }] }]);

    // A key alias: the model said `team` for issue_type.
    const { issue_type: _drop, ...rest } = base.output;
    const trace2: Trace = { ...base.trace!, rawOutput: JSON.stringify({ ...rest, team: 'shipping' }) };
    h.repos.extractions.insert({ messageId: id, result: { output: rest, valid: false, errors: [{ path: '/issue_type', message: 'is missing' }], trace: trace2 } });
    const keyAlias: Rule = { id: 'a-team', kind: 'alias', target: 'key', field: 'issue_type', from: 'team', rationale: '', enabled: true, provenance: { precedentIds: [], author: 'a', createdAt: '2026-03-10T09:00:00.000Z' } };
    expect((await h.call('previewRule', { rule: keyAlias })).changed).toEqual([{ messageId: id, subject: 'still locked out', preview: STORY, fields: [{ field: 'issue_type', from: null, to: 'shipping' }] }]);
  });
});

describe('precedents', () => {
  it('lists, searches, updates (validated), deletes and restores; the draft follows', async () => {
    const h = harness();
    const all = await h.call('listPrecedents', {});
    expect(all.length).toBeGreaterThan(5);
    expect(all.map((p) => p.createdAt)).toEqual([...all.map((p) => p.createdAt)].sort().reverse());
    const found = await h.call('listPrecedents', { search: 'LOCKED out' });
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(`${p.message.text} ${p.rationale ?? ''}`.toLowerCase()).toMatch(/locked|out/);
    expect(await h.call('listPrecedents', { search: 'zzzz-nothing' })).toEqual([]);

    const target = all[all.length - 1]!;
    const hash0 = draftArtifact(h.repos).hash;
    const bad = await h.failure('updatePrecedent', { id: target.id, output: { ...target.output, urgency: 'someday' } });
    expect(bad.failure.issues!.map((i) => i.path)).toEqual(['output.urgency']);
    const updated = await h.call('updatePrecedent', { id: target.id, output: { ...target.output, urgency: 'low' }, rationale: 'new reason', tags: ['vip', 'vip', ' '] });
    expect(updated).toMatchObject({ id: target.id, rationale: 'new reason', tags: ['vip'], createdAt: target.createdAt, author: target.author });
    expect(updated.output.urgency).toBe('low');
    const hash1 = draftArtifact(h.repos).hash;
    expect(hash1).not.toBe(hash0);

    expect(await h.call('deletePrecedent', { id: target.id })).toEqual({ id: target.id });
    expect((await h.call('listPrecedents', {})).map((p) => p.id)).not.toContain(target.id);
    expect((await h.call('listPrecedents', { includeDeleted: true })).find((p) => p.id === target.id)!.deletedAt).not.toBeNull();
    expect(draftArtifact(h.repos).precedents.map((p) => p.id)).not.toContain(target.id);
    expect((await h.failure('updatePrecedent', { id: target.id, rationale: 'x' })).failure.code).toBe('conflict');
    const restored = await h.call('restorePrecedent', { id: target.id });
    expect(restored.deletedAt).toBeNull();
    expect(draftArtifact(h.repos).hash).toBe(hash1);
    expect(reasons(h)).toEqual([CHANGE_REASONS.precedentUpdated, CHANGE_REASONS.precedentDeleted, CHANGE_REASONS.precedentRestored]);
    for (const method of ['deletePrecedent', 'restorePrecedent'] as const) expect((await h.failure(method, { id: 'p-none' })).failure.code).toBe('not_found');
  });

  it('editing the output of a correction keeps the corrected message in step', async () => {
    const h = harness();
    const id = h.idOf(STORY);
    const output = (await h.detail(id)).extraction!.output;
    const { precedent } = await h.call('correctExtraction', { messageId: id, output: { ...output, issue_type: 'account' }, rationale: RATIONALE });
    await h.call('updatePrecedent', { id: precedent.id, output: { ...precedent.output, urgency: 'critical' } });
    const d = await h.detail(id);
    expect(d.message.status).toBe('corrected');
    expect(d.extraction!.output).toEqual({ ...precedent.output, urgency: 'critical' });
    expect(d.extraction!.trace.provider.name).toBe(HUMAN_PROVIDER);
    // Deleting the precedent leaves the message's correction in place.
    await h.call('deletePrecedent', { id: precedent.id });
    expect((await h.detail(id)).extraction!.output.urgency).toBe('critical');
  });
});

describe('the review threshold in ExtractionService', () => {
  it('sends a valid output to review when its confidence is below the threshold; invalid always; a person never', async () => {
    const h = harness();
    const rulebook = h.ctx.extraction.current().rulebook;
    const example = rulebook.precedents.find((p) => p.output.issue_type === 'account')!;
    const base = h.repos.extractions.latestForMessage(h.idOf(STORY))!;
    // Shown the same close example three times: its values are the vote.
    // As a model's answer (no per-field margins, as the embedded provider gives, and no rules fired).
    const { confidence: _margins, ...embedded } = base.trace!;
    const trace: Trace = { ...embedded, provider: { ...embedded.provider, name: 'openai' }, rulesFired: [], precedents: [10, 9, 8].map((score) => ({ id: example.id, score })) };
    const agree: ExtractionResult = { output: { ...example.output }, valid: true, errors: [], trace };
    const disagree: ExtractionResult = { ...agree, output: { ...agree.output, issue_type: 'billing' } };
    const a = h.ctx.extraction.assess(agree, rulebook);
    const d = h.ctx.extraction.assess(disagree, rulebook);
    // Disagreeing with every precedent shown says why.
    expect(d.reasons.some((r) => r.kind === 'disagreement' && r.field === 'issue_type')).toBe(true);
    // The threshold decides: everything below it goes to review.
    h.ctx.opts.settings.set(HOST_SETTING.reviewThreshold, 1);
    expect(h.ctx.extraction.statusFor(disagree, rulebook)).toBe('needs_review');
    // Just above the disagreeing answer's confidence: it goes to review, and so does anything less sure.
    h.ctx.opts.settings.set(HOST_SETTING.reviewThreshold, 1 - d.reviewPriority! + 1e-6);
    expect(h.ctx.extraction.statusFor(disagree, rulebook)).toBe('needs_review');
    expect(h.ctx.extraction.statusFor(agree, rulebook)).toBe(1 - a.reviewPriority! < 1 - d.reviewPriority! + 1e-6 ? 'needs_review' : 'extracted');
    h.ctx.opts.settings.set(HOST_SETTING.reviewThreshold, 0);
    expect(h.ctx.extraction.statusFor(disagree, rulebook)).toBe('extracted');
    expect(h.ctx.extraction.statusFor({ ...disagree, trace: { ...trace, provider: { ...trace.provider, name: HUMAN_PROVIDER } } }, rulebook)).toBe('extracted');
    expect(h.ctx.extraction.statusFor({ ...disagree, valid: false }, rulebook)).toBe('needs_review');
  });
});
