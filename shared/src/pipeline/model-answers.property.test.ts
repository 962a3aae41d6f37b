// Whatever a model answers (it reads untrusted messages, so it can be steered), the pipeline gives
// an output of schema fields only, as own properties of a plain object, valid only when the schema
// says so, and never throws. Properties over random answers, with a fixed seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue, Rule } from '../domain.js';
import type { Provider } from '../providers/types.js';
import { createRulebook } from '../rulebook/index.js';
import { validateExtraction } from '../schema/validate.js';
import { override, supportSchema } from '../testing/fixtures.js';
import { propertyOptions } from '../testing/property.js';
import { createExtractor } from './extractor.js';

const fields = supportSchema.fields.map((f) => f.name);
const keys = fc.oneof(fc.constantFrom(...fields, 'priority', 'category', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'), fc.string({ maxLength: 12 }));
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom('account', 'billing', 'other', 'high', 'ASAP', 'low', null, true, 0, '', 'invoice'),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
);
const answerObject = fc.dictionary(keys, fc.oneof(value, fc.dictionary(keys, value, { maxKeys: 3 })), { maxKeys: 8 });
const answers = fc.oneof(
  answerObject.map((o) => JSON.stringify(o)),
  // JSON.stringify cannot write an own __proto__ key; a model can.
  fc.tuple(answerObject, answerObject).map(([a, hidden]) => `{"__proto__":${JSON.stringify(hidden)},${JSON.stringify(a).slice(1)}`.replace(',}', '}')),
  answerObject.map((o) => `Sure! Here you go:\n\`\`\`json\n${JSON.stringify(o)}\n\`\`\``),
  fc.string({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
);

function scripted(): Provider & { next: string } {
  const p = {
    name: 'scripted',
    model: 'm',
    identity: 'scripted',
    next: '{}',
    complete: async () => ({ raw: p.next, usage: null, model: 'm', attempts: 1, responseFormat: 'json_schema' }),
  };
  return p;
}

const rules: Rule[] = [
  override('r-urgent', { kind: 'field_equals', field: 'urgency', value: 'high' }, { name: 'FIRED' }),
  { id: 'a-prio', kind: 'alias', target: 'key', field: 'urgency', from: 'prio', rationale: '', enabled: true, provenance: { precedentIds: [], author: 't', createdAt: '2026-01-01T00:00:00.000Z' } },
];

describe('the pipeline on any model answer (property)', () => {
  it('keeps only schema fields, as own properties of a plain object, and never throws', async () => {
    const rb = createRulebook({ id: 'support', name: 'Support', schema: supportSchema, rules, createdAt: '2026-11-01T00:00:00.000Z' });
    const provider = scripted();
    const ex = createExtractor(rb, { provider, cache: false });
    await fc.assert(
      fc.asyncProperty(answers, async (raw) => {
        provider.next = raw;
        const r = await ex.extract({ text: 'Still locked out.' });
        expect(Object.getPrototypeOf(r.output)).toBe(Object.prototype);
        for (const k of Object.keys(r.output)) expect(fields).toContain(k);
        for (const f of fields) if (!Object.prototype.hasOwnProperty.call(r.output, f)) expect(r.output[f]).toBeUndefined();
        expect(r.valid).toBe(r.errors.length === 0);
        if (r.valid) expect(validateExtraction(r.output, supportSchema)).toEqual([]);
        // The override reads only the output's own urgency.
        const fired = r.trace.rulesFired.some((f) => f.ruleId === 'r-urgent');
        expect(fired).toBe(r.trace.rulesFired.length > 0 && Object.prototype.hasOwnProperty.call(r.output, 'urgency') && r.output.urgency === 'high');
        expect(r.trace.rawOutput).toBe(raw);
      }),
      propertyOptions(1000),
    );
  });

  it('gives the same output whether or not the answer hides values behind a __proto__ key', async () => {
    const rb = createRulebook({ id: 'support', name: 'Support', schema: supportSchema, rules, createdAt: '2026-11-01T00:00:00.000Z' });
    const provider = scripted();
    const ex = createExtractor(rb, { provider, cache: false });
    const hiddenValues = fc.dictionary(fc.constantFrom(...fields, 'prio', 'category'), value, { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(answerObject, hiddenValues, async (visible, hidden) => {
        provider.next = JSON.stringify(visible);
        const plain = await ex.extract({ text: 'Still locked out.' });
        const rest = JSON.stringify(visible).slice(1);
        provider.next = `{"__proto__":${JSON.stringify(hidden)}${rest === '}' ? '}' : `,${rest}`}`;
        const sneaky = await ex.extract({ text: 'Still locked out.' });
        expect(sneaky.output).toEqual(plain.output);
        expect(sneaky.trace.rulesFired).toEqual(plain.trace.rulesFired);
      }),
      propertyOptions(500),
    );
  });
});
