// The schema change planner, one operation at a time: the schema after, what it rewrites in the
// precedents and rules, the impact a person reads, and the refusals (naming the change's path).
import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../../../shared/src/api/index.js';
import type { ExtractionSchema, Rule } from '../../../shared/src/domain.js';
import { convertValue, planSchemaChange, type PlanInput } from './schema-plan.js';

const provenance = { precedentIds: [], author: 'Maya', createdAt: '2026-03-01T00:00:00.000Z' };

const schema: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true, aliases: ['customer_name'] },
    {
      name: 'urgency',
      type: 'enum',
      nullable: false,
      aliases: ['priority'],
      values: [{ value: 'low' }, { value: 'medium', aliases: ['normal'] }, { value: 'high', aliases: ['ASAP', 'urgent'] }, { value: 'critical' }],
    },
    { name: 'order_id', type: 'string', nullable: true },
    { name: 'seats', type: 'string', nullable: true },
  ],
};

const rules: Rule[] = [
  { id: 'r-chargeback', kind: 'override', when: { kind: 'contains_any', phrases: ['chargeback'] }, set: { urgency: 'high' }, rationale: '', enabled: true, provenance },
  {
    id: 'r-vip',
    kind: 'override',
    when: { kind: 'all', conditions: [{ kind: 'field_equals', field: 'urgency', value: 'critical' }, { kind: 'contains_any', phrases: ['vip'] }] },
    set: { name: 'VIP' },
    rationale: '',
    enabled: true,
    provenance,
  },
  { id: 'r-guide', kind: 'guidance', fields: ['urgency', 'name'], instruction: 'Judge by impact.', rationale: '', enabled: true, provenance },
  { id: 'r-blocking', kind: 'alias', target: 'value', field: 'urgency', from: 'blocking', to: 'critical', rationale: '', enabled: true, provenance },
  { id: 'r-ticket', kind: 'alias', target: 'key', field: 'order_id', from: 'ticket', rationale: '', enabled: true, provenance },
];

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  schema,
  precedents: [
    { id: 'p1', output: { name: 'Maria', urgency: 'high', order_id: null, seats: '3' }, preview: 'locked out' },
    { id: 'p2', output: { name: null, urgency: 'critical', order_id: 'TW-1', seats: 'three' }, preview: 'chargeback' },
    { id: 'p3', output: { name: 'Ann', urgency: 'low', order_id: null, seats: null }, preview: 'thanks' },
  ],
  rules: rules.map((rule) => ({ rule, setAside: null })),
  currentExtractions: 42,
  ...over,
});

const plan = (change: SchemaChange, over: Partial<PlanInput> = {}) => planSchemaChange(change, input(over));
const field = (s: ExtractionSchema, name: string) => s.fields.find((f) => f.name === name);
const ruleAfter = (p: ReturnType<typeof plan>, id: string) => p.rules.find((r) => r.rule.id === id);

describe('rename_value', () => {
  it('rewrites precedents and rules and keeps the old name as an alias', () => {
    const p = plan({ op: 'rename_value', field: 'urgency', value: 'high', to: 'urgent' });
    expect(p.impact.allowed).toBe(true);
    expect(p.impact.needsConfirmation).toBe(false);
    // "urgent" was an alias of high: it becomes the value, and "high" an alias.
    expect(field(p.schema, 'urgency')!.values![2]).toEqual({ value: 'urgent', aliases: ['ASAP', 'high'] });
    expect(p.precedents).toEqual([{ id: 'p1', output: { name: 'Maria', urgency: 'urgent', order_id: null, seats: '3' } }]);
    expect(ruleAfter(p, 'r-chargeback')).toEqual({ rule: { ...rules[0], set: { urgency: 'urgent' } }, setAside: null });
    expect(p.impact.precedents).toEqual([{ id: 'p1', preview: 'locked out', action: 'rewritten', field: 'urgency', from: 'high', to: 'urgent' }]);
    expect(p.impact.rules).toEqual([{ id: 'r-chargeback', kind: 'override', action: 'rewritten', detail: 'urgency: "high" → "urgent"' }]);
    expect(p.impact.aliasesAdded).toEqual(['value "high" → "urgent" (urgency)']);
    expect(p.impact.staleExtractions).toBe(42);
    expect(p.impact.summary).toBe('Rename the value "high" of "urgency" to "urgent": 1 precedent, 1 rule, 42 extractions marked stale');
  });

  it('rewrites field_equals conditions and value alias targets', () => {
    const p = plan({ op: 'rename_value', field: 'urgency', value: 'critical', to: 'blocker' });
    expect((ruleAfter(p, 'r-vip')!.rule as Extract<Rule, { kind: 'override' }>).when).toEqual({
      kind: 'all',
      conditions: [{ kind: 'field_equals', field: 'urgency', value: 'blocker' }, { kind: 'contains_any', phrases: ['vip'] }],
    });
    expect(ruleAfter(p, 'r-blocking')!.rule).toMatchObject({ from: 'blocking', to: 'blocker' });
  });

  it('refuses a spelling that already means another value, a missing value, and no change', () => {
    expect(plan({ op: 'rename_value', field: 'urgency', value: 'low', to: 'Normal' }).impact.problems).toEqual([
      { path: 'change.to', message: '"Normal" already means "medium" for "urgency"' },
    ]);
    expect(plan({ op: 'rename_value', field: 'urgency', value: 'low', to: 'blocking' }).impact.problems).toEqual([
      { path: 'change.to', message: '"blocking" already means "critical" for "urgency" (rule r-blocking)' },
    ]);
    expect(plan({ op: 'rename_value', field: 'urgency', value: 'nope', to: 'x' }).impact.problems[0]!.path).toBe('change.value');
    expect(plan({ op: 'rename_value', field: 'name', value: 'x', to: 'y' }).impact.problems[0]).toEqual({ path: 'change.field', message: '"name" is a string field; only enum fields have values' });
    const refused = plan({ op: 'rename_value', field: 'urgency', value: 'low', to: 'low' });
    expect(refused.impact.allowed).toBe(false);
    expect(refused.impact.staleExtractions).toBe(0);
  });
});

describe('rename_field', () => {
  it('renames the key in precedents and every rule that names it, keeping the old name as a key alias', () => {
    const p = plan({ op: 'rename_field', field: 'urgency', to: 'severity' });
    expect(p.impact.allowed).toBe(true);
    expect(field(p.schema, 'severity')!.aliases).toEqual(['priority', 'urgency']);
    expect(p.schema.fields.map((f) => f.name)).toEqual(['name', 'severity', 'order_id', 'seats']);
    expect(Object.keys(p.precedents.find((x) => x.id === 'p1')!.output)).toEqual(['name', 'severity', 'order_id', 'seats']);
    expect(ruleAfter(p, 'r-chargeback')!.rule).toMatchObject({ set: { severity: 'high' } });
    expect(ruleAfter(p, 'r-guide')!.rule).toMatchObject({ fields: ['severity', 'name'] });
    expect(ruleAfter(p, 'r-blocking')!.rule).toMatchObject({ field: 'severity' });
    expect(JSON.stringify(ruleAfter(p, 'r-vip')!.rule)).toContain('"field":"severity"');
    expect(p.impact.precedents).toHaveLength(3);
    expect(p.impact.rules.map((r) => r.id).sort()).toEqual(['r-blocking', 'r-chargeback', 'r-guide', 'r-vip']);
    expect(p.impact.aliasesAdded).toEqual(['key "urgency" → field "severity"']);
  });

  it('promotes one of its own aliases to the name', () => {
    const p = plan({ op: 'rename_field', field: 'urgency', to: 'priority' });
    expect(field(p.schema, 'priority')!.aliases).toEqual(['urgency']);
  });

  it('refuses a name taken by a field, an alias of another field, a key alias rule, or the runtime', () => {
    expect(plan({ op: 'rename_field', field: 'urgency', to: 'Name' }).impact.problems).toEqual([{ path: 'change.to', message: '"Name" is already the field "name"' }]);
    expect(plan({ op: 'rename_field', field: 'urgency', to: 'customer-name' }).impact.problems[0]!.message).toBe('"customer-name" is not a field name the runtime accepts (a letter or _, then letters, digits or _, at most 64)');
    expect(plan({ op: 'rename_field', field: 'urgency', to: 'customer_name' }).impact.problems[0]!.message).toBe('"customer_name" is already an alias of the field "name"');
    expect(plan({ op: 'rename_field', field: 'urgency', to: 'ticket' }).impact.problems[0]!.message).toBe('"ticket" is already an alias of the field "order_id" (rule r-ticket)');
    expect(plan({ op: 'rename_field', field: 'nope', to: 'x' }).impact.problems[0]!.path).toBe('change.field');
  });
});

describe('add_field and move_field', () => {
  it('adds a field where asked; nothing stored changes, but extractions are stale', () => {
    const p = plan({ op: 'add_field', field: { name: 'language', type: 'enum', nullable: false, values: [{ value: 'en' }, { value: 'de' }] }, index: 1 });
    expect(p.impact.allowed).toBe(true);
    expect(p.schema.fields.map((f) => f.name)).toEqual(['name', 'language', 'urgency', 'order_id', 'seats']);
    expect(p.precedents).toEqual([]);
    expect(p.impact.staleExtractions).toBe(42);
    expect(p.impact.summary).toBe('Add the field "language" (enum): 42 extractions marked stale');
  });

  it('refuses duplicates, an enum without values, values on another type and colliding aliases', () => {
    expect(plan({ op: 'add_field', field: { name: 'urgency', type: 'string', nullable: true } }).impact.problems).toEqual([
      { path: 'change.field.name', message: '"urgency" is already the field "urgency"' },
    ]);
    expect(plan({ op: 'add_field', field: { name: 'lang', type: 'enum', nullable: true, values: [] } }).impact.problems).toEqual([
      { path: 'change.field.values', message: 'an enum field needs at least one value' },
    ]);
    expect(plan({ op: 'add_field', field: { name: 'lang', type: 'enum', nullable: true, values: [{ value: 'en' }, { value: 'EN' }] } }).impact.problems).toEqual([
      { path: 'change.field.values.1.value', message: '"EN" is already the value "en" of "lang"' },
    ]);
    expect(plan({ op: 'add_field', field: { name: 'lang', type: 'string', nullable: true, values: [{ value: 'en' }] } }).impact.problems[0]!.path).toBe('change.field.values');
    expect(plan({ op: 'add_field', field: { name: 'lang', type: 'string', nullable: true, aliases: ['Priority'] } }).impact.problems).toEqual([
      { path: 'change.field.aliases.0', message: '"Priority" is already an alias of the field "urgency"' },
    ]);
    expect(plan({ op: 'add_field', field: { name: 'lang', type: 'string', nullable: true }, index: 9 }).impact.problems[0]!.path).toBe('change.index');
  });

  it('moves a field; its shape is the same, so nothing goes stale', () => {
    const p = plan({ op: 'move_field', field: 'seats', index: 0 });
    expect(p.schema.fields.map((f) => f.name)).toEqual(['seats', 'name', 'urgency', 'order_id']);
    expect(p.impact.staleExtractions).toBe(0);
    expect(plan({ op: 'move_field', field: 'seats', index: 3 }).impact.problems[0]!.message).toBe('"seats" is at that position already');
    expect(plan({ op: 'move_field', field: 'seats', index: 4 }).impact.problems[0]!.path).toBe('change.index');
  });
});

describe('remove_field', () => {
  it('drops it from precedents and sets aside every rule that names it, with a confirmation', () => {
    const p = plan({ op: 'remove_field', field: 'urgency' });
    expect(p.impact.allowed).toBe(true);
    expect(p.impact.needsConfirmation).toBe(true);
    expect(p.schema.fields.map((f) => f.name)).toEqual(['name', 'order_id', 'seats']);
    expect(p.precedents.find((x) => x.id === 'p2')!.output).toEqual({ name: null, order_id: 'TW-1', seats: 'three' });
    expect(p.impact.precedents.map((x) => [x.id, x.action, x.from])).toEqual([
      ['p1', 'field_dropped', 'high'],
      ['p2', 'field_dropped', 'critical'],
      ['p3', 'field_dropped', 'low'],
    ]);
    // Disabled and kept, its content as it was: never deleted.
    expect(ruleAfter(p, 'r-chargeback')).toEqual({ rule: { ...rules[0], enabled: false }, setAside: 'names the field "urgency", removed from the schema' });
    expect(p.impact.rules.map((r) => [r.id, r.action])).toEqual([
      ['r-chargeback', 'disabled'],
      ['r-vip', 'disabled'],
      ['r-guide', 'disabled'],
      ['r-blocking', 'disabled'],
    ]);
    expect(ruleAfter(p, 'r-ticket')).toBeUndefined();
  });

  it('refuses removing the last field', () => {
    const p = plan({ op: 'remove_field', field: 'a' }, { schema: { fields: [{ name: 'a', type: 'string', nullable: true }] }, precedents: [], rules: [] });
    expect(p.impact.problems).toEqual([{ path: 'change.field', message: 'a schema needs at least one field: add another before removing this one' }]);
  });
});

describe('values: add, update, merge, remove', () => {
  it('adds a value; refuses a spelling in use', () => {
    const p = plan({ op: 'add_value', field: 'urgency', value: { value: 'blocker', description: 'nothing works' }, index: 0 });
    expect(field(p.schema, 'urgency')!.values![0]).toEqual({ value: 'blocker', description: 'nothing works' });
    expect(plan({ op: 'add_value', field: 'urgency', value: { value: 'asap' } }).impact.problems).toEqual([
      { path: 'change.value.value', message: '"asap" already means "high" for "urgency"' },
    ]);
    expect(plan({ op: 'add_value', field: 'urgency', value: { value: 'x', aliases: ['low'] } }).impact.problems).toEqual([
      { path: 'change.value.aliases.0', message: '"low" is already the value "low" of "urgency"' },
    ]);
  });

  it('describes and aliases a value; nothing stored changes and nothing goes stale', () => {
    const p = plan({ op: 'update_value', field: 'urgency', value: 'low', set: { description: 'no rush', aliases: ['minor'] } });
    expect(field(p.schema, 'urgency')!.values![0]).toEqual({ value: 'low', description: 'no rush', aliases: ['minor'] });
    expect(p.impact.staleExtractions).toBe(0);
    expect(plan({ op: 'update_value', field: 'urgency', value: 'low', set: { aliases: ['urgent'] } }).impact.problems[0]!.message).toBe('"urgent" already means "high" for "urgency"');
    expect(plan({ op: 'update_value', field: 'urgency', value: 'low', set: {} }).impact.problems).toEqual([{ path: 'change.set', message: 'changes nothing' }]);
  });

  it('merges values: precedents and rules rewritten to the kept value, merged spellings kept as its aliases', () => {
    const p = plan({ op: 'merge_values', field: 'urgency', values: ['high', 'critical'], into: 'medium' });
    expect(p.impact.allowed).toBe(true);
    expect(field(p.schema, 'urgency')!.values).toEqual([{ value: 'low' }, { value: 'medium', aliases: ['normal', 'high', 'ASAP', 'urgent', 'critical'] }]);
    expect(p.precedents.map((x) => [x.id, x.output.urgency])).toEqual([
      ['p1', 'medium'],
      ['p2', 'medium'],
    ]);
    expect(ruleAfter(p, 'r-chargeback')!.rule).toMatchObject({ set: { urgency: 'medium' } });
    expect(ruleAfter(p, 'r-blocking')!.rule).toMatchObject({ to: 'medium' });
    expect(plan({ op: 'merge_values', field: 'urgency', values: ['medium'], into: 'medium' }).impact.problems[0]!.path).toBe('change.values.0');
  });

  it('removes a value: dropped from precedents, rules that use it set aside, with a confirmation', () => {
    const p = plan({ op: 'remove_value', field: 'urgency', value: 'critical' });
    expect(p.impact.needsConfirmation).toBe(true);
    expect(p.precedents).toEqual([{ id: 'p2', output: { name: null, order_id: 'TW-1', seats: 'three' } }]);
    expect(p.impact.precedents).toEqual([{ id: 'p2', preview: 'chargeback', action: 'value_dropped', field: 'urgency', from: 'critical', to: null }]);
    expect(p.impact.rules.map((r) => [r.id, r.action])).toEqual([
      ['r-vip', 'disabled'],
      ['r-blocking', 'disabled'],
    ]);
    const only = { fields: [{ name: 'u', type: 'enum' as const, nullable: false, values: [{ value: 'x' }] }] };
    expect(plan({ op: 'remove_value', field: 'u', value: 'x' }, { schema: only, precedents: [], rules: [] }).impact.problems[0]!.message).toMatch(/at least one value/);
  });
});

describe('update_field: type, null, description, aliases', () => {
  it('lists the precedents whose value does not convert and refuses', () => {
    const p = plan({ op: 'update_field', field: 'seats', set: { type: 'number' } });
    expect(p.impact.allowed).toBe(false);
    expect(p.impact.problems).toEqual([{ path: 'change.set.type', message: 'precedent p2: "three" is not a number; fix or drop its value first' }]);
    expect(p.impact.precedents).toEqual([
      { id: 'p1', preview: 'locked out', action: 'rewritten', field: 'seats', from: '3', to: 3 },
      { id: 'p2', preview: 'chargeback', action: 'does_not_convert', field: 'seats', from: 'three', to: null },
    ]);
  });

  it('converts when everything converts', () => {
    const fixed = input().precedents.map((x) => (x.id === 'p2' ? { ...x, output: { ...x.output, seats: '12' } } : x));
    const p = plan({ op: 'update_field', field: 'seats', set: { type: 'number' } }, { precedents: fixed });
    expect(p.impact.allowed).toBe(true);
    expect(p.precedents.map((x) => x.output.seats)).toEqual([3, 12]);
  });

  it('makes an enum of a string with the values in use, or the values given', () => {
    const p = plan({ op: 'update_field', field: 'order_id', set: { type: 'enum' } });
    expect(field(p.schema, 'order_id')!.values).toEqual([{ value: 'TW-1' }]);
    const given = plan({ op: 'update_field', field: 'order_id', set: { type: 'enum', values: [{ value: 'tw-1' }, { value: 'TW-2' }] } });
    expect(given.impact.problems).toEqual([]);
    expect(given.precedents).toEqual([{ id: 'p2', output: { name: null, urgency: 'critical', order_id: 'tw-1', seats: 'three' } }]);
    expect(plan({ op: 'update_field', field: 'order_id', set: { type: 'enum', values: [{ value: 'X' }] } }).impact.problems[0]!.message).toBe(
      'precedent p2: "TW-1" is not one of "X"; fix or drop its value first',
    );
    expect(plan({ op: 'update_field', field: 'name', set: { values: [{ value: 'x' }] } }).impact.problems[0]!.path).toBe('change.set.values');
  });

  it('turning an enum into a string keeps the values and sets aside value aliases', () => {
    const p = plan({ op: 'update_field', field: 'urgency', set: { type: 'string' } });
    expect(p.impact.allowed).toBe(true);
    expect(field(p.schema, 'urgency')!.values).toBeUndefined();
    expect(p.precedents).toEqual([]);
    expect(p.impact.rules).toEqual([expect.objectContaining({ id: 'r-blocking', action: 'disabled' })]);
    expect(p.impact.needsConfirmation).toBe(true);
  });

  it('refusing null refuses while a precedent or a rule holds null', () => {
    const p = plan({ op: 'update_field', field: 'name', set: { nullable: false } });
    expect(p.impact.problems).toEqual([{ path: 'change.set.nullable', message: 'precedent p2: is null, and "name" does not allow null; fix or drop its value first' }]);
  });

  it('refuses a rule value that does not convert, naming the rule', () => {
    const p = plan({ op: 'update_field', field: 'name', set: { type: 'number' } }, { precedents: [] });
    expect(p.impact.problems).toEqual([{ path: 'change.set.type', message: 'rule r-vip: "VIP" is not a number; edit or disable the rule first' }]);
  });

  it('edits the description and aliases; aliases that collide are refused', () => {
    const p = plan({ op: 'update_field', field: 'order_id', set: { description: 'TW- then digits', aliases: ['order_number'] } });
    expect(field(p.schema, 'order_id')).toEqual({ name: 'order_id', type: 'string', nullable: true, description: 'TW- then digits', aliases: ['order_number'] });
    expect(p.impact.staleExtractions).toBe(0);
    expect(plan({ op: 'update_field', field: 'order_id', set: { aliases: ['x', 'Name'] } }).impact.problems).toEqual([
      { path: 'change.set.aliases.1', message: '"Name" is already the field "name"' },
    ]);
    expect(plan({ op: 'update_field', field: 'order_id', set: { description: null } }).impact.problems).toEqual([{ path: 'change.set', message: 'changes nothing' }]);
  });
});

describe('conversions', () => {
  const f = (type: 'string' | 'number' | 'boolean' | 'date' | 'string_list', nullable = false) => ({ name: 'x', type, nullable });
  it.each([
    [3, f('string'), '3'],
    [true, f('string'), 'true'],
    [['one'], f('string'), 'one'],
    [' 12.5 ', f('number'), 12.5],
    ['TRUE', f('boolean'), true],
    ['2026-03-01', f('date'), '2026-03-01'],
    ['a', f('string_list'), ['a']],
    [null, f('string', true), null],
  ] as const)('%j converts to %j', (value, field, expected) => {
    expect(convertValue(value as never, field)).toEqual({ ok: true, value: expected });
  });
  it.each([
    ['twelve', f('number')],
    [['a', 'b'], f('string')],
    ['yes', f('boolean')],
    ['01/03/2026', f('date')],
    [null, f('string')],
    [{ a: 1 }, f('string_list')],
  ] as const)('%j does not convert to %j', (value, field) => {
    expect(convertValue(value as never, field).ok).toBe(false);
  });
});
