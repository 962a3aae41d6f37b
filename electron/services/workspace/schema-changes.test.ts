// Migration 008 and what the repositories do with it: extractions keep the hash of the schema they
// were made under, the message carries its newest extraction's, the stale filter reads it; rules set
// aside by a schema change stay listed but leave the rulebook; rows put back exactly for an undo.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExtractionSchema, Rule } from '../../../shared/src/domain.js';
import { ExtractionRepository } from './extractions.js';
import { MessageRepository } from './messages.js';
import { MIGRATIONS } from './migrations/index.js';
import { PrecedentRepository } from './precedents.js';
import { RuleRepository } from './rules.js';
import { schemaShapeHash } from './schema-shape.js';
import { SETTING_KEYS, SettingsRepository } from './settings.js';
import { result, tempWorkspaces, type TempWorkspaces } from './test-helpers.js';

let t: TempWorkspaces;
beforeEach(() => {
  t = tempWorkspaces();
});
afterEach(() => t.cleanup());

const schema = (values: string[]): ExtractionSchema => ({
  fields: [
    { name: 'urgency', type: 'enum', nullable: false, description: 'how soon', values: values.map((value) => ({ value })) },
    { name: 'name', type: 'string', nullable: true },
  ],
});
const draft = (s: ExtractionSchema) => ({ id: 'rb', name: 'Triage', instructions: '', schema: s, settings: { provider: 'embedded', model: 'm', temperature: 0, seed: 7, k: 8 } });
const provenance = { precedentIds: [], author: 'Maya', createdAt: '2026-03-01T00:00:00.000Z' };

describe('the schema hash', () => {
  it('is the shape: names, types, nullability and values; not order, descriptions or aliases', () => {
    const base = schema(['low', 'high']);
    const h = schemaShapeHash(base);
    expect(h).toMatch(/^s:[0-9a-f]{20}$/);
    expect(schemaShapeHash({ fields: [...base.fields].reverse() })).toBe(h);
    expect(schemaShapeHash({ fields: base.fields.map((f) => ({ ...f, description: 'other', aliases: ['x'] })) })).toBe(h);
    expect(schemaShapeHash(schema(['high', 'low']))).toBe(h);
    expect(schemaShapeHash(schema(['low', 'urgent']))).not.toBe(h);
    expect(schemaShapeHash({ fields: base.fields.map((f) => ({ ...f, nullable: !f.nullable })) })).not.toBe(h);
    expect(schemaShapeHash({ fields: [base.fields[0]!] })).not.toBe(h);
  });
});

describe('stale extractions', () => {
  it('stamps an extraction with the draft schema it was made under unless told, and the message carries its newest', () => {
    const ws = t.open();
    const settings = new SettingsRepository(ws);
    const messages = new MessageRepository(ws);
    const extractions = new ExtractionRepository(ws);
    const { id } = messages.insert({ text: 'hello', receivedAt: '2026-03-01T10:00:00Z' });
    // No draft: no hash, never stale.
    extractions.insert({ messageId: id, result: result({}) });
    expect(extractions.latestForMessage(id)!.schemaHash).toBeNull();

    const before = schema(['low', 'high']);
    settings.set(SETTING_KEYS.draftRulebook, draft(before));
    const e1 = extractions.insert({ messageId: id, result: result({ urgency: 'high' }) });
    expect(extractions.get(e1)!.schemaHash).toBe(schemaShapeHash(before));
    const after = schema(['low', 'urgent']);
    settings.set(SETTING_KEYS.draftRulebook, draft(after));
    // A run started under the old schema says so.
    const e2 = extractions.insert({ messageId: id, result: result({ urgency: 'high' }), schemaHash: schemaShapeHash(before) });
    expect(extractions.get(e2)!.schemaHash).toBe(schemaShapeHash(before));
    expect(messages.page().items[0]!.latest!.schemaHash).toBe(schemaShapeHash(before));

    const stale = { stale: true, schemaHash: schemaShapeHash(after) };
    const current = { stale: false, schemaHash: schemaShapeHash(after) };
    expect(messages.count({ stale })).toBe(1);
    expect(messages.page({ filter: { stale } }).items.map((r) => r.id)).toEqual([id]);
    expect(messages.count({ stale: current })).toBe(0);
    expect(messages.countWithSchemaHash(schemaShapeHash(before))).toBe(1);

    // A re-run under the schema as it is clears it.
    extractions.insert({ messageId: id, result: result({ urgency: 'urgent' }) });
    expect(messages.count({ stale })).toBe(0);
    expect(messages.ids({ stale: current })).toEqual([id]);
    // Undoing the schema change makes the old ones current again and this one stale.
    expect(messages.count({ stale: { stale: true, schemaHash: schemaShapeHash(before) } })).toBe(1);
  });

  it('upgrades a 007 workspace: extractions it held are stamped as made under its draft schema, so none is stale', () => {
    const old = t.open('w.casebook', { migrations: MIGRATIONS.slice(0, 7) });
    new SettingsRepository(old).set(SETTING_KEYS.draftRulebook, draft(schema(['low', 'high'])));
    const { id } = new MessageRepository(old).insert({ text: 'extracted before 008' });
    const { id: never } = new MessageRepository(old).insert({ text: 'never extracted' });
    old.db.prepare("INSERT INTO extractions (message_id, output, valid, created_at) VALUES (?, '{}', 1, '2026-03-01T10:01:00Z')").run(id);
    old.close();

    const ws = t.open('w.casebook');
    expect(ws.applied.map((m) => m.id)).toEqual(MIGRATIONS.slice(7).map((m) => m.id));
    const h = schemaShapeHash(schema(['low', 'high']));
    expect(new ExtractionRepository(ws).latestForMessage(id)!.schemaHash).toBe(h);
    const messages = new MessageRepository(ws);
    expect(messages.count({ stale: { stale: true, schemaHash: h } })).toBe(0);
    expect(messages.ids({ stale: { stale: false, schemaHash: h } }).sort()).toEqual([id, never].sort());
    expect(messages.countWithSchemaHash(h)).toBe(1);
  });

  it('uses the index for the stale filter, not the extractions', () => {
    const ws = t.open();
    const plan = ws.db
      .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM messages m WHERE (m.latest_schema_hash < 's:1' OR m.latest_schema_hash > 's:1')`)
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/messages_schema_hash/);
  });
});

describe('rules set aside', () => {
  const override: Rule = { id: 'r1', kind: 'override', when: { kind: 'field_equals', field: 'urgency', value: 'high' }, set: { name: 'x' }, rationale: '', enabled: true, provenance };

  it('are listed, disabled and left out of the rulebook until edited; setEnabled does not bring them back', () => {
    const ws = t.open();
    const rules = new RuleRepository(ws);
    rules.create(override);
    expect(rules.rewriteForSchema(override, 'names the value "high" of urgency, removed')).toBe(true);
    expect(rules.active()).toEqual([]);
    expect(rules.list()).toEqual([expect.objectContaining({ setAside: 'names the value "high" of urgency, removed', rule: expect.objectContaining({ id: 'r1', enabled: false }) })]);
    expect(rules.setEnabled('r1', true)).toBe(false);
    expect(rules.get('r1')!.rule.enabled).toBe(false);
    // Edited (its caller checked it fits the draft), it is back.
    rules.update({ ...override, when: { kind: 'contains_any', phrases: ['asap'] } });
    expect(rules.active().map((r) => [r.id, r.enabled])).toEqual([['r1', true]]);
    expect(rules.get('r1')!.setAside).toBeNull();
  });

  it('rows come back exactly as they were', () => {
    const ws = t.open();
    const rules = new RuleRepository(ws);
    const precedents = new PrecedentRepository(ws);
    rules.create(override);
    const p = precedents.create({ message: { text: 'hi' }, output: { urgency: 'high' }, rationale: 'why' });
    const ruleRows = rules.rows(['r1', 'missing']);
    const precedentRows = precedents.outputRows([p.id]);
    expect(ruleRows).toHaveLength(1);
    rules.rewriteForSchema(override, 'gone');
    precedents.update(p.id, { output: { urgency: 'urgent' } });
    precedents.delete(p.id);
    rules.putRows(ruleRows);
    expect(precedents.putOutputRows(precedentRows)).toBe(true);
    expect(rules.rows(['r1'])).toEqual(ruleRows);
    expect(precedents.outputRows([p.id])).toEqual(precedentRows);
    expect(precedents.get(p.id)!.deletedAt).toBeNull();
  });
});
