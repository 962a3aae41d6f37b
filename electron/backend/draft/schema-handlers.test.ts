// Schema changes over a real workspace file (the demo): each migration carried through precedents
// and rules in one transaction, refusals that leave every table as it was, the history, and undo
// that gives back exactly the state before (a schema change's or updateDraft's).
import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../../../shared/src/api/index.js';
import type { OverrideRule } from '../../../shared/src/domain.js';
import { applyAliases } from '../../../shared/src/schema/aliases.js';
import { draftArtifact } from '../draft.js';
import { contextHarnesses, failAfter, InjectedFailure, workspaceSnapshot, type ContextHarness } from '../test-support.js';

const { harness, restores } = contextHarnesses('casebook-schema-');

/**
 * The workspace's state as an undo must give it back: every table's rows, except the draft's
 * history (an undo is an entry of its own) and the time the draft setting was last written.
 */
function stateOf(h: ContextHarness): Record<string, string[]> {
  const snapshot = workspaceSnapshot(h.ws);
  delete snapshot.draft_history;
  snapshot.settings = snapshot.settings!.map((row) => JSON.stringify({ ...(JSON.parse(row) as object), updated_at: null }));
  return snapshot;
}

const urgencyOf = (h: ContextHarness) => h.ctx.repos.precedents.active().map((p) => p.output.urgency);
const rule = (h: ContextHarness, id: string) => h.ctx.repos.rules.get(id)!;
const fieldOf = (h: ContextHarness, name: string) => draftArtifact(h.ctx.repos).schema.fields.find((f) => f.name === name);

describe('rename an enum value', () => {
  const change: SchemaChange = { op: 'rename_value', field: 'urgency', value: 'high', to: 'urgent' };

  it('previews, applies to precedents and the override rule, maps old answers, and undo gives back the state before', async () => {
    const h = harness();
    const before = stateOf(h);
    const usingHigh = urgencyOf(h).filter((u) => u === 'high').length;
    expect(usingHigh).toBeGreaterThan(0);

    const impact = await h.call('previewSchemaChange', { change });
    expect(impact).toMatchObject({ allowed: true, needsConfirmation: false, problems: [], aliasesAdded: ['value "high" → "urgent" (urgency)'] });
    expect(impact.precedents).toHaveLength(usingHigh);
    expect(impact.rules).toEqual([{ id: 'rule-demo-chargeback', kind: 'override', action: 'rewritten', detail: 'urgency: "high" → "urgent"' }]);
    expect(impact.staleExtractions).toBe(h.ctx.repos.messages.count({ validity: 'valid' }) + h.ctx.repos.messages.count({ validity: 'invalid' }));
    expect(stateOf(h)).toEqual(before); // a preview writes nothing

    const { draft, entry } = await h.call('applySchemaChange', { change });
    if (!entry) throw new Error('the change wrote no history entry');
    expect(entry).toMatchObject({ kind: 'schema', author: 'Maya (lead)', undoable: true, summary: impact.summary, change });
    expect(draft.schema.fields.find((f) => f.name === 'urgency')!.values!.map((v) => v.value)).toEqual(['low', 'medium', 'urgent', 'critical']);
    expect(urgencyOf(h)).not.toContain('high');
    expect(urgencyOf(h).filter((u) => u === 'urgent')).toHaveLength(usingHigh);
    expect((rule(h, 'rule-demo-chargeback').rule as OverrideRule).set).toEqual({ issue_type: 'billing', urgency: 'urgent' });
    // An answer in the old shape still maps.
    const rb = draftArtifact(h.ctx.repos);
    expect(applyAliases({ urgency: 'high' }, rb.schema, rb.rules).output).toEqual({ urgency: 'urgent' });
    expect(h.opts.events).toEqual(expect.arrayContaining([['draftChanged', { reason: 'schema', entryId: entry.id }]]));

    const history = await h.call('listDraftHistory', {});
    expect(history.map((e) => [e.id, e.undoable])).toEqual([[entry.id, true]]);

    const undone = await h.call('undoDraftChange', { id: entry.id });
    expect(undone.entry!).toMatchObject({ kind: 'undo', undoOf: entry.id, summary: `Undo: ${entry.summary}`, undoable: false });
    expect(stateOf(h)).toEqual(before);
    expect((await h.call('listDraftHistory', {})).map((e) => [e.kind, e.undoable, e.undoneBy])).toEqual([
      ['undo', false, null],
      ['schema', false, undone.entry!.id],
    ]);
    // Undone once; an undo is not undone.
    expect((await h.failure('undoDraftChange', { id: entry.id })).failure).toMatchObject({ code: 'conflict', message: expect.stringMatching(/undone already/) });
    expect((await h.failure('undoDraftChange', { id: undone.entry!.id })).failure.code).toBe('conflict');
  });

  it('a refused change leaves every table as it was', async () => {
    const h = harness();
    const before = workspaceSnapshot(h.ws);
    const failure = await h.failure('applySchemaChange', { change: { op: 'rename_value', field: 'urgency', value: 'high', to: 'critical' } });
    expect(failure.failure).toMatchObject({ code: 'bad_request', issues: [{ path: 'change.to', message: '"critical" is already the value "critical" of "urgency"' }] });
    expect((await h.failure('applySchemaChange', { change: { op: 'add_field', field: { name: 'urgency', type: 'string', nullable: true } } })).failure.issues).toEqual([
      { path: 'change.field.name', message: '"urgency" is already the field "urgency"' },
    ]);
    expect(workspaceSnapshot(h.ws)).toEqual(before);
    expect(h.opts.events).toEqual([]);
  });

  it('a failure midway (the history entry) leaves every table as it was and announces nothing', async () => {
    const h = harness();
    const before = workspaceSnapshot(h.ws);
    restores.push(failAfter(h.ctx.repos.draftHistory, 'add'));
    await expect(h.call('applySchemaChange', { change })).rejects.toThrow(InjectedFailure);
    expect(workspaceSnapshot(h.ws)).toEqual(before);
    expect(h.opts.events).toEqual([]);
  });
});

describe('rename a field', () => {
  it('rewrites precedents and every rule naming it; the old name maps as a key alias', async () => {
    const h = harness();
    const before = stateOf(h);
    const { entry } = await h.call('applySchemaChange', { change: { op: 'rename_field', field: 'issue_type', to: 'category_name' } });
    if (!entry) throw new Error('the change wrote no history entry');
    for (const p of h.ctx.repos.precedents.active()) {
      expect(p.output).not.toHaveProperty('issue_type');
      expect(p.output).toHaveProperty('category_name');
    }
    expect(rule(h, 'rule-demo-current-problem').rule).toMatchObject({ fields: ['category_name'] });
    expect(rule(h, 'rule-demo-ticket-type').rule).toMatchObject({ field: 'category_name', from: 'ticket_type' });
    expect((rule(h, 'rule-demo-chargeback').rule as OverrideRule).set).toEqual({ category_name: 'billing', urgency: 'high' });
    const rb = draftArtifact(h.ctx.repos);
    expect(applyAliases({ issue_type: 'login' }, rb.schema, rb.rules).output).toEqual({ category_name: 'account' });
    await h.call('undoDraftChange', { id: entry.id });
    expect(stateOf(h)).toEqual(before);
  });
});

describe('remove a field', () => {
  it('needs a confirmation; then drops it from precedents and sets aside the rules naming it, kept and disabled', async () => {
    const h = harness();
    const before = stateOf(h);
    const change: SchemaChange = { op: 'remove_field', field: 'urgency' };
    const impact = await h.call('previewSchemaChange', { change });
    expect(impact.needsConfirmation).toBe(true);
    expect(impact.rules.map((r) => [r.id, r.action])).toEqual([
      ['rule-demo-chargeback', 'disabled'],
      ['rule-demo-blocking-critical', 'disabled'],
    ]);
    expect((await h.failure('applySchemaChange', { change })).failure.issues).toEqual([{ path: 'confirm', message: expect.stringMatching(/send confirm: true/) }]);
    expect(stateOf(h)).toEqual(before);

    const { entry, draft } = await h.call('applySchemaChange', { change, confirm: true });
    if (!entry) throw new Error('the change wrote no history entry');
    expect(draft.schema.fields.map((f) => f.name)).not.toContain('urgency');
    expect(h.ctx.repos.precedents.active().every((p) => !('urgency' in p.output))).toBe(true);
    // Disabled and kept (listed, never deleted), out of the rulebook until edited.
    const chargeback = rule(h, 'rule-demo-chargeback');
    expect(chargeback).toMatchObject({ deletedAt: null, setAside: 'names the field "urgency", removed from the schema', rule: { enabled: false } });
    expect((chargeback.rule as OverrideRule).set).toEqual({ issue_type: 'billing', urgency: 'high' });
    expect(draft.rules.map((r) => r.id)).not.toContain('rule-demo-chargeback');
    const listed = (await h.call('listRules', {})).find((r) => r.rule.id === 'rule-demo-chargeback');
    expect(listed?.setAside).toMatch(/names the field "urgency"/);
    // Switching it back on is refused with the reason (it would name a field the schema lacks).
    const refused = (await h.failure('setRuleEnabled', { id: 'rule-demo-chargeback', enabled: true })).failure;
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringMatching(/set aside by a schema change \(names the field "urgency"/) });

    await h.call('undoDraftChange', { id: entry.id });
    expect(stateOf(h)).toEqual(before);
  });
});

describe('merge, remove and add values; retype', () => {
  it('merges values: precedents rewritten to the kept value, merged spellings kept as aliases', async () => {
    const h = harness();
    const before = stateOf(h);
    const { entry } = await h.call('applySchemaChange', { change: { op: 'merge_values', field: 'urgency', values: ['critical'], into: 'high' } });
    if (!entry) throw new Error('the change wrote no history entry');
    expect(urgencyOf(h)).not.toContain('critical');
    expect(fieldOf(h, 'urgency')!.values!.find((v) => v.value === 'high')!.aliases).toEqual(expect.arrayContaining(['critical', 'blocker', 'p0']));
    expect(rule(h, 'rule-demo-blocking-critical').rule).toMatchObject({ to: 'high' });
    await h.call('undoDraftChange', { id: entry.id });
    expect(stateOf(h)).toEqual(before);
  });

  it('removes a value: dropped from the precedents that had it, rules using it set aside', async () => {
    const h = harness();
    const critical = h.ctx.repos.precedents.active().filter((p) => p.output.urgency === 'critical').map((p) => p.id);
    expect(critical.length).toBeGreaterThan(0);
    const { draft } = await h.call('applySchemaChange', { change: { op: 'remove_value', field: 'urgency', value: 'critical' }, confirm: true });
    for (const id of critical) expect(h.ctx.repos.precedents.get(id)!.output).not.toHaveProperty('urgency');
    expect(rule(h, 'rule-demo-blocking-critical').setAside).toMatch(/uses the value "critical"/);
    expect(draft.rules.map((r) => r.id)).not.toContain('rule-demo-blocking-critical');
  });

  it('refuses a retype while a precedent does not convert, lists it, and changes nothing; converts once it does', async () => {
    const h = harness();
    const before = workspaceSnapshot(h.ws);
    const change: SchemaChange = { op: 'update_field', field: 'requested_action', set: { type: 'number' } };
    const impact = await h.call('previewSchemaChange', { change });
    expect(impact.allowed).toBe(false);
    expect(impact.precedents.filter((p) => p.action === 'does_not_convert').length).toBeGreaterThan(0);
    expect(impact.problems[0]).toMatchObject({ path: 'change.set.type', message: expect.stringMatching(/^precedent .* is not a number; fix or drop its value first$/) });
    expect((await h.failure('applySchemaChange', { change })).failure.code).toBe('bad_request');
    expect(workspaceSnapshot(h.ws)).toEqual(before);

    // string -> string_list wraps every value.
    const { entry } = await h.call('applySchemaChange', { change: { op: 'update_field', field: 'requested_action', set: { type: 'string_list' } } });
    if (!entry) throw new Error('the change wrote no history entry');
    const values = h.ctx.repos.precedents.active().map((p) => p.output.requested_action);
    expect(values.every((v) => v === null || (Array.isArray(v) && v.length === 1))).toBe(true);
    expect(entry.summary).toMatch(/^Change the field "requested_action": type string → string_list: \d+ precedents/);
  });

  it('adds a field and a value, moves and describes: the draft still loads and each is one history entry', async () => {
    const h = harness();
    const before = stateOf(h);
    const changes: SchemaChange[] = [
      { op: 'add_field', field: { name: 'channel', type: 'enum', nullable: true, values: [{ value: 'email' }, { value: 'chat' }] }, index: 0 },
      { op: 'add_value', field: 'channel', value: { value: 'phone', aliases: ['call'] } },
      { op: 'move_field', field: 'channel', index: 2 },
      { op: 'update_field', field: 'channel', set: { description: 'Where the message came in', aliases: ['source_channel'] } },
      { op: 'update_value', field: 'channel', value: 'chat', set: { description: 'Live chat' } },
      { op: 'rename_value', field: 'channel', value: 'email', to: 'mail' },
    ];
    const ids: string[] = [];
    for (const change of changes) ids.push((await h.call('applySchemaChange', { change })).entry!.id);
    expect(fieldOf(h, 'channel')).toEqual({
      name: 'channel',
      type: 'enum',
      nullable: true,
      description: 'Where the message came in',
      aliases: ['source_channel'],
      values: [{ value: 'mail', aliases: ['email'] }, { value: 'chat', description: 'Live chat' }, { value: 'phone', aliases: ['call'] }],
    });
    expect(draftArtifact(h.ctx.repos).schema.fields[2]!.name).toBe('channel');
    // Only the newest can be undone; undoing walks back.
    expect((await h.failure('undoDraftChange', { id: ids[0]! })).failure.message).toMatch(/only the newest change can be undone/);
    for (const id of [...ids].reverse()) await h.call('undoDraftChange', { id });
    expect(stateOf(h)).toEqual(before);
  });
});

describe('undo', () => {
  it('is refused when what the change touched was changed since', async () => {
    const h = harness();
    const { entry } = await h.call('applySchemaChange', { change: { op: 'rename_value', field: 'urgency', value: 'high', to: 'urgent' } });
    if (!entry) throw new Error('the change wrote no history entry');
    const p = h.ctx.repos.precedents.active().find((x) => x.output.urgency === 'urgent')!;
    await h.call('updatePrecedent', { id: p.id, rationale: 'edited after the rename' });
    expect((await h.call('listDraftHistory', {}))[0]!.undoable).toBe(false);
    const failure = await h.failure('undoDraftChange', { id: entry.id });
    expect(failure.failure).toMatchObject({ code: 'conflict', message: expect.stringContaining(`precedent ${p.id} was changed since`) });
  });

  it('is refused when something added since would not fit the schema as it was', async () => {
    const h = harness();
    const { entry } = await h.call('applySchemaChange', { change: { op: 'rename_value', field: 'urgency', value: 'high', to: 'urgent' } });
    if (!entry) throw new Error('the change wrote no history entry');
    const before = workspaceSnapshot(h.ws);
    await h.call('saveRule', {
      rule: { id: 'r-new', kind: 'override', when: { kind: 'contains_any', phrases: ['outage'] }, set: { urgency: 'urgent' }, rationale: '', enabled: true, provenance: { precedentIds: [], author: 'Maya', createdAt: '2026-03-01T00:00:00.000Z' } },
    });
    const after = workspaceSnapshot(h.ws);
    expect(after).not.toEqual(before);
    const failure = await h.failure('undoDraftChange', { id: entry.id });
    expect(failure.failure).toMatchObject({ code: 'conflict', message: expect.stringMatching(/would not load: rule r-new\/set\/urgency: must be one of "low", "medium", "high"/) });
    expect(workspaceSnapshot(h.ws)).toEqual(after);
  });

  it("undoes updateDraft's edits: instructions, model settings and the name come back exactly", async () => {
    const h = harness();
    const before = stateOf(h);
    const edits = [{ instructions: 'Be brief.' }, { settings: { temperature: 0.4, maxTokens: 300 } }, { name: 'Acme triage' }] as const;
    const ids: string[] = [];
    for (const edit of edits) {
      const { entry } = await h.call('updateDraft', edit);
      if (!entry) throw new Error('the change wrote no history entry');
      ids.push(entry.id);
    }
    const history = await h.call('listDraftHistory', {});
    expect(history.map((e) => e.undoable)).toEqual([true, false, false]);
    for (const id of [...ids].reverse()) await h.call('undoDraftChange', { id });
    expect(stateOf(h)).toEqual(before);
  });

  it('is refused for an updateDraft edit whose part was edited again outside the history', async () => {
    const h = harness();
    const { entry } = await h.call('updateDraft', { instructions: 'Be brief.' });
    if (!entry) throw new Error('the change wrote no history entry');
    const draft = h.ctx.repos.settings.get<{ instructions: string }>('rulebook.draft')!;
    h.ctx.repos.settings.set('rulebook.draft', { ...draft, instructions: 'Changed behind its back.' });
    expect((await h.failure('undoDraftChange', { id: entry.id })).failure.message).toMatch(/instructions was changed since/);
  });

  it('an unknown entry is not found', async () => {
    const h = harness();
    expect((await h.failure('undoDraftChange', { id: 'h_nope' })).failure.code).toBe('not_found');
  });
});
