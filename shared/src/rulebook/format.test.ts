import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { rulebookJsonSchema, rulebookJsonSchemaText, validateRulebookFormat } from './format.js';
import { sampleRulebook } from './test-fixtures.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../rulebook.schema.json', import.meta.url));

function errorsOf(edit: (rb: RulebookArtifact) => void): string[] {
  const rb = structuredClone(sampleRulebook());
  edit(rb);
  const r = validateRulebookFormat(rb);
  return r.ok ? [] : r.errors;
}

const loose = (rb: RulebookArtifact) => rb as unknown as Record<string, unknown> & { rules: Record<string, unknown>[] };

describe('rulebook.schema.json', () => {
  it('is the schema the runtime validates with', () => {
    if (process.env.UPDATE_RULEBOOK_SCHEMA) writeFileSync(SCHEMA_FILE, rulebookJsonSchemaText());
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'run UPDATE_RULEBOOK_SCHEMA=1 npx vitest run shared/src/rulebook/format').toBe(rulebookJsonSchemaText());
  });

  it('validates a rulebook with a standard draft 2020-12 validator (no Ajv extras needed)', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sampleRulebook())).toBe(true);
    const bad = structuredClone(sampleRulebook()) as unknown as Record<string, unknown>;
    (bad.rules as Record<string, unknown>[])[1]!.when = { kind: 'regex', pattern: 3 };
    expect(validate(bad)).toBe(false);
    expect(rulebookJsonSchema()).toEqual(schema);
  });
});

describe('validateRulebookFormat: the schema', () => {
  it('accepts the sample rulebook', () => {
    const r = validateRulebookFormat(sampleRulebook());
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });

  it('names the JSON pointer of each problem', () => {
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: 3 }))).toEqual(['rules/1/when/pattern: must be string']);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'all', conditions: [{ kind: 'any', conditions: [{ kind: 'contains_any', phrases: 'x' }] }] }))).toEqual([
      'rules/1/when/conditions/0/conditions/0/phrases: must be array',
    ]);
    expect(errorsOf((rb) => delete (rb.precedents[0] as Partial<RulebookArtifact['precedents'][0]>).createdAt)).toEqual(['precedents/0/createdAt: is required']);
    expect(errorsOf((rb) => (loose(rb).settings = { ...rb.settings, temprature: 1 }))).toEqual(['settings/temprature: is not allowed (unknown property)']);
    expect(errorsOf((rb) => (loose(rb).rules[0]!.kind = 'hint'))).toEqual(['rules/0/kind: must be one of "guidance", "override", "alias"']);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'near', text: 'x' }))).toEqual([
      'rules/1/when/kind: must be one of "contains_any", "contains_all", "regex", "field_equals", "all", "any"',
    ]);
    expect(errorsOf((rb) => ((rb.schema as unknown as Record<string, unknown>).fields = [{ name: 'a', type: 'text', nullable: true }]))).toEqual([
      'schema/fields/0/type: must be one of "string", "enum", "number", "boolean", "date", "string_list"',
    ]);
    expect(errorsOf((rb) => (rb.hash = 'md5:abc'))).toEqual(['hash: must match ^sha256:[0-9a-f]{64}$']);
    expect(errorsOf((rb) => (rb.createdAt = 'yesterday'))).toEqual(['createdAt: must match format "date-time"']);
    for (const bad of ['2024-13-01T10:00:00Z', '2024-05-01 10:00:00Z', '2024-05-01T10:00:00', '2024-05-01T24:00:00Z', '2024-05-01'])
      expect(errorsOf((rb) => (rb.precedents[0]!.createdAt = bad))).toEqual(['precedents/0/createdAt: must match format "date-time"']);
    for (const good of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123456+02:00', '2016-12-31t23:59:60z'])
      expect(errorsOf((rb) => (rb.precedents[0]!.createdAt = good))).toEqual([]);
    expect(errorsOf((rb) => (loose(rb).parent = { version: 0 }))).toEqual(['parent/hash: is required', 'parent/version: must be >= 1']);
    expect(errorsOf((rb) => (loose(rb).format = 'other'))).toEqual(['format: must be "casebook.rulebook"']);
    expect(errorsOf((rb) => (loose(rb).signature = { alg: 'rsa', keyId: 'k', value: '!' }))).toEqual([
      'signature/alg: must be "ed25519"',
      'signature/keyId: must match ^[0-9a-f]{16}$',
      'signature/value: must match ^[A-Za-z0-9+/]+={0,2}$',
    ]);
  });

  it('checks the two shapes of alias rules', () => {
    expect(errorsOf((rb) => delete loose(rb).rules[3]!.to)).toEqual(['rules/3/to: is required']);
    expect(errorsOf((rb) => (loose(rb).rules[2]!.to = 'high'))).toEqual(['rules/2/to: is not allowed here']);
    expect(errorsOf((rb) => (loose(rb).rules[2]!.target = 'both'))).toEqual(['rules/2/target: must be one of "key", "value"']);
  });

  it('lists every problem at once', () => {
    const errors = errorsOf((rb) => {
      loose(rb).version = 0;
      loose(rb).name = '';
      loose(rb).precedents = [{ id: 'x' }];
    });
    expect(errors).toEqual(
      expect.arrayContaining(['version: must be >= 1', 'name: must NOT have fewer than 1 characters', 'precedents/0/message: is required', 'precedents/0/output: is required']),
    );
  });

  it('tolerates unknown properties only in a newer 1.x minor', () => {
    const strict = errorsOf((rb) => (loose(rb).labels = ['production']));
    expect(strict).toEqual(['labels: is not allowed (unknown property)']);
    const newer = errorsOf((rb) => {
      rb.formatVersion = '1.4';
      loose(rb).labels = ['production'];
      (rb.precedents[0] as unknown as Record<string, unknown>).weight = 2;
    });
    expect(newer).toEqual([]);
    // ... but not unknown rule kinds, which this runtime could not apply
    expect(errorsOf((rb) => ((rb.formatVersion = '1.4'), (loose(rb).rules[0]!.kind = 'hint')))).toEqual(['rules/0/kind: must be one of "guidance", "override", "alias"']);
  });

  it('refuses what is not an object', () => {
    for (const v of [null, [], 'x', 3]) expect(validateRulebookFormat(v).ok).toBe(false);
  });
});

describe('validateRulebookFormat: semantic checks', () => {
  it('requires unique field names, rule ids and precedent ids', () => {
    expect(errorsOf((rb) => rb.schema.fields.push({ name: 'urgency', type: 'string', nullable: true }))).toEqual([
      'schema/fields/4/name: duplicate field name "urgency" (also schema/fields/2/name)',
    ]);
    expect(errorsOf((rb) => rb.rules.push({ ...rb.rules[0]! }))).toEqual(['rules/4/id: duplicate rule id "r-guide" (also rules/0/id)']);
    expect(errorsOf((rb) => rb.precedents.push({ ...rb.precedents[0]! }))).toEqual(['precedents/2/id: duplicate precedent id "p1" (also precedents/0/id)']);
  });

  it('checks enum values and aliases', () => {
    expect(errorsOf((rb) => (rb.schema.fields[1]!.values = []))).toEqual(
      expect.arrayContaining(['schema/fields/1/values: an enum field needs at least one value']),
    );
    expect(errorsOf((rb) => delete rb.schema.fields[1]!.values)).toEqual(expect.arrayContaining(['schema/fields/1/values: an enum field needs at least one value']));
    expect(errorsOf((rb) => rb.schema.fields[1]!.values!.push({ value: 'billing' }))).toEqual([
      'schema/fields/1/values/3/value: duplicate value "billing" (also schema/fields/1/values/1/value)',
    ]);
    expect(errorsOf((rb) => (rb.schema.fields[2]!.values![2]!.aliases = ['ASAP']))).toEqual([
      'schema/fields/2/values/2/aliases/0: value alias "ASAP" is already used (schema/fields/2/values/0/aliases/0)',
    ]);
    expect(errorsOf((rb) => (rb.schema.fields[0]!.values = [{ value: 'x' }]))).toEqual(['schema/fields/0/values: only enum fields have values (field "name" is string)']);
    expect(errorsOf((rb) => (rb.schema.fields[0]!.aliases = ['issue_type']))).toEqual(['schema/fields/0/aliases/0: key alias "issue_type" is already used (schema/fields/1/name)']);
  });

  it('checks that rules reference existing fields and valid values', () => {
    expect(errorsOf((rb) => (loose(rb).rules[0]!.fields = ['issue_type', 'mood']))).toEqual(['rules/0/fields/1: unknown field "mood"']);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.set = { mood: 'sad' }))).toEqual(['rules/1/set/mood: unknown field "mood"']);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.set = { issue_type: 'refund' }))).toEqual([
      'rules/1/set/issue_type: must be one of "account", "billing", "shipping" (field "issue_type")',
    ]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.set = { issue_type: null }))).toEqual(['rules/1/set/issue_type: must not be null (field "issue_type" is not nullable)']);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.set = { order_date: '2024-02-30' }))).toEqual(['rules/1/set/order_date: must be a date as YYYY-MM-DD (field "order_date")']);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.set = { order_date: '2024-02-29', name: null }))).toEqual([]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'field_equals', field: 'urgency', value: 'urgent' }))).toEqual([
      'rules/1/when/value: must be one of "high", "normal", "low" (field "urgency")',
    ]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'any', conditions: [{ kind: 'field_equals', field: 'mood', value: 1 }] }))).toEqual([
      'rules/1/when/conditions/0/field: unknown field "mood"',
    ]);
  });

  it('checks that regexes compile as the rules engine compiles them (RE2 syntax, linear time)', () => {
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: '(unclosed' }))).toEqual([
      expect.stringMatching(/^rules\/1\/when\/pattern: invalid regular expression \/\(unclosed\/: /),
    ]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: '\\-' }))).toEqual([]); // RE2 takes an escaped punctuation mark
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: 'locked(?= out)' }))).toEqual([
      expect.stringMatching(/^rules\/1\/when\/pattern: .*lookahead and lookbehind .* are not supported/),
    ]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: '(?:locked)?' }))).toEqual([expect.stringMatching(/can match empty text/)]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: '.{0,400}out' }))).toEqual([expect.stringMatching(/too complex: it compiles to \d+ steps, at most 500/)]);
    const many = (rb: RulebookArtifact) =>
      (loose(rb).rules[1]!.when = { kind: 'any', conditions: Array.from({ length: 6 }, (_, i) => ({ kind: 'regex', pattern: `[a-z]{${i + 1},200}x` })) });
    expect(errorsOf(many)).toEqual([expect.stringMatching(/^rules: the regular expressions compile to \d+ steps in all; at most 2000/)]);
    expect(errorsOf((rb) => (loose(rb).rules[1]!.when = { kind: 'regex', pattern: 'locked', flags: 'x' }))).toEqual(['rules/1/when/flags: must match ^[gimsuy]*$']);
  });

  it('checks alias rules', () => {
    expect(errorsOf((rb) => (loose(rb).rules[3]!.to = 'urgent'))).toEqual(['rules/3/to: "urgent" is not a value of "urgency" ("high", "normal", "low")']);
    expect(errorsOf((rb) => (loose(rb).rules[3]!.field = 'name'))).toEqual(['rules/3/field: value aliases need an enum field ("name" is string)']);
    expect(errorsOf((rb) => (loose(rb).rules[2]!.field = 'mood'))).toEqual(['rules/2/field: unknown field "mood"']);
    expect(errorsOf((rb) => (loose(rb).rules[2]!.from = 'issue_type'))).toEqual(['rules/2/from: "issue_type" is itself a field; it cannot be an alias of "urgency"']);
  });

  it('warns, without failing, about precedents that do not fit the schema and missing provenance', () => {
    const rb = structuredClone(sampleRulebook());
    rb.precedents[0]!.output = { issue_type: 'refund', mood: 'sad' };
    loose(rb).rules[0]!.provenance = { precedentIds: ['gone'], author: 'a', createdAt: rb.createdAt };
    const r = validateRulebookFormat(rb);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      'rules/0/provenance/precedentIds/0: no precedent "gone" in this rulebook',
      'precedents/0/output/issue_type: must be one of "account", "billing", "shipping" (field "issue_type")',
      'precedents/0/output/mood: unknown field "mood"',
    ]);
  });
});
