import { describe, expect, it } from 'vitest';
import { compileJsonSchema, schemaName } from './json-schema.js';
import { parseSchemaSpec, SchemaSpecError } from './spec.js';
import { validateExtraction } from './validate.js';
import { applyAliases } from './aliases.js';
import { supportSchema, provenance } from '../testing/fixtures.js';
import type { ExtractionSchema, Rule } from '../domain.js';

describe('parseSchemaSpec', () => {
  it('accepts the schema-file shape with plain and described enum values', () => {
    const schema = parseSchemaSpec({
      fields: [
        { name: 'issue_type', type: 'enum', values: ['account', { value: 'billing', description: 'money', aliases: ['invoice'] }], nullable: false, aliases: ['category'] },
        { name: 'name', type: 'string' },
        { name: 'tags', type: 'list' },
        { name: 'urgency', values: ['low', 'high'], valueAliases: { ASAP: 'high' } },
      ],
    });
    expect(schema.fields[0]).toEqual({
      name: 'issue_type',
      type: 'enum',
      nullable: false,
      aliases: ['category'],
      values: [{ value: 'account' }, { value: 'billing', description: 'money', aliases: ['invoice'] }],
    });
    expect(schema.fields[1]).toEqual({ name: 'name', type: 'string', nullable: true });
    expect(schema.fields[2]!.type).toBe('string_list');
    expect(schema.fields[3]!.values![1]).toEqual({ value: 'high', aliases: ['ASAP'] });
  });

  it('lists every problem with its place', () => {
    let err: unknown;
    try {
      parseSchemaSpec({ fields: [{ name: 'a b', type: 'string' }, { name: 'x', type: 'wat' }, { name: 'e', type: 'enum', values: [] }, { name: 'x', type: 'number' }] }, 'schema.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaSpecError);
    const problems = (err as SchemaSpecError).problems;
    expect(problems).toContain('fields[0].name: expected an identifier (letters, digits, _), got "a b"');
    expect(problems.some((p) => p.startsWith('fields[1].type: "wat"'))).toBe(true);
    expect(problems).toContain('fields[2].values: an enum needs at least one value');
    expect(problems).toContain('fields[3].name: "x" is declared twice');
    expect((err as Error).message).toMatch(/^schema\.json: invalid schema/);
  });

  it('refuses an alias that names another field', () => {
    expect(() => parseSchemaSpec({ fields: [{ name: 'urgency', type: 'string', aliases: ['name'] }, { name: 'name', type: 'string' }] })).toThrow(/already names field "name"/);
  });
});

describe('compileJsonSchema', () => {
  it('makes a strict-mode schema: all required, null by union, no extra properties', () => {
    const schema: ExtractionSchema = {
      fields: [
        { name: 's', type: 'string', nullable: true },
        { name: 'e', type: 'enum', nullable: true, values: [{ value: 'a', description: 'first' }, { value: 'b' }] },
        { name: 'n', type: 'number', nullable: false },
        { name: 'b', type: 'boolean', nullable: false },
        { name: 'd', type: 'date', nullable: true },
        { name: 'l', type: 'string_list', nullable: false, description: 'tags' },
      ],
    };
    expect(compileJsonSchema(schema)).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['s', 'e', 'n', 'b', 'd', 'l'],
      properties: {
        s: { type: ['string', 'null'] },
        e: { type: ['string', 'null'], enum: ['a', 'b', null], description: '"a": first' },
        n: { type: 'number' },
        b: { type: 'boolean' },
        d: { type: ['string', 'null'], format: 'date', description: 'A date as YYYY-MM-DD.' },
        l: { type: 'array', items: { type: 'string' }, description: 'tags' },
      },
    });
  });

  it('names the schema within the limits of response_format', () => {
    expect(schemaName('support triage/v2')).toBe('casebook_support_triage_v2');
    expect(schemaName('x'.repeat(100)).length).toBeLessThanOrEqual(64);
  });
});

describe('validateExtraction', () => {
  it('passes a correct output and names each wrong field', () => {
    expect(validateExtraction({ name: null, issue_type: 'account', urgency: 'high' }, supportSchema)).toEqual([]);
    const errors = validateExtraction({ name: 3, issue_type: 'refund', extra: 1 }, supportSchema);
    expect(errors).toContainEqual({ path: '/urgency', message: 'is missing' });
    expect(errors).toContainEqual({ path: '/extra', message: 'is not a field of the schema' });
    expect(errors).toContainEqual({ path: '/issue_type', message: 'must be one of "account", "billing", "other"' });
    expect(errors.some((e) => e.path === '/name')).toBe(true);
  });

  it('checks dates', () => {
    const schema: ExtractionSchema = { fields: [{ name: 'd', type: 'date', nullable: false }] };
    expect(validateExtraction({ d: '2026-11-26' }, schema)).toEqual([]);
    expect(validateExtraction({ d: 'next tuesday' }, schema)).toHaveLength(1);
  });
});

describe('applyAliases', () => {
  const aliasRule: Rule = { id: 'r-asap', kind: 'alias', target: 'value', field: 'urgency', from: 'P1', to: 'high', rationale: 'ops say P1', enabled: true, provenance };
  const keyRule: Rule = { id: 'r-sev', kind: 'alias', target: 'key', field: 'urgency', from: 'severity', rationale: '', enabled: true, provenance };

  it('renames a key alias and records it', () => {
    const r = applyAliases({ name: null, issue_type: 'account', priority: 'high' }, supportSchema, []);
    expect(r.output).toEqual({ name: null, issue_type: 'account', urgency: 'high' });
    expect(r.rewrites).toEqual([{ target: 'key', field: 'urgency', from: 'priority', to: 'urgency' }]);
  });

  it('rewrites value aliases from the schema and from rules, case-insensitively', () => {
    const r = applyAliases({ issue_type: 'Invoice', severity: 'p1' }, supportSchema, [aliasRule, keyRule]);
    expect(r.output).toEqual({ issue_type: 'billing', urgency: 'high' });
    expect(r.rewrites).toEqual([
      { target: 'key', field: 'urgency', from: 'severity', to: 'urgency', ruleId: 'r-sev' },
      { target: 'value', field: 'issue_type', from: 'Invoice', to: 'billing' },
      { target: 'value', field: 'urgency', from: 'p1', to: 'high', ruleId: 'r-asap' },
    ]);
  });

  it('never lets an alias overwrite the canonical key, and ignores disabled rules', () => {
    const r = applyAliases({ priority: 'low', urgency: 'high', severity: 'P1' }, supportSchema, [{ ...keyRule, enabled: false }]);
    expect(r.output).toEqual({ urgency: 'high', priority: 'low', severity: 'P1' });
  });

  it('leaves unknown values for validation to report', () => {
    const r = applyAliases({ urgency: 'whenever' }, supportSchema, []);
    expect(r.output.urgency).toBe('whenever');
    expect(r.rewrites).toEqual([]);
  });
});
