import { describe, expect, it } from 'vitest';
import type { JsonValue, Precedent } from '../domain.js';
import { DEFAULT_SETTINGS, RULEBOOK_FORMAT_VERSION } from '../domain.js';
import { MAX_JSON_DEPTH } from '../json/depth.js';
import { canonicalJson } from './canonical.js';
import { createRulebook, nextVersion, serializeRulebook, slugify } from './create.js';
import { RulebookError } from './errors.js';
import { rulebookHash } from './hash.js';
import { parseRulebook } from './load.js';
import { generateSigningKey, signRulebook } from './sign.js';
import { SAMPLE_TIME, samplePrecedents, sampleRulebook, sampleSchema } from './test-fixtures.js';

describe('createRulebook', () => {
  it('makes version 1 with defaults, hashed and unsigned', () => {
    const rb = createRulebook({ name: 'Support triage', schema: sampleSchema() });
    expect(rb).toMatchObject({
      format: 'casebook.rulebook',
      formatVersion: RULEBOOK_FORMAT_VERSION,
      name: 'Support triage',
      version: 1,
      parent: null,
      instructions: '',
      rules: [],
      precedents: [],
      settings: DEFAULT_SETTINGS,
    });
    expect(rb.id).toMatch(/^support-triage-[0-9a-f]{6}$/);
    expect(Date.now() - Date.parse(rb.createdAt)).toBeLessThan(60_000);
    expect(rb.hash).toBe(rulebookHash(rb));
    expect(rb.signature).toBeUndefined();
    expect(createRulebook({ name: 'Support triage', schema: sampleSchema() }).id).not.toBe(rb.id);
  });

  it('merges settings over the defaults and keeps given ids and times', () => {
    const rb = createRulebook({ id: 'triage', name: 'T', schema: sampleSchema(), settings: { provider: 'openai', k: 3 }, createdAt: SAMPLE_TIME });
    expect(rb.settings).toEqual({ ...DEFAULT_SETTINGS, provider: 'openai', k: 3 });
    expect(rb.id).toBe('triage');
    expect(rb.createdAt).toBe(SAMPLE_TIME);
  });

  it('drops properties that are undefined, so the object equals its file', () => {
    const schema = sampleSchema();
    schema.fields[0]!.description = undefined;
    const rb = createRulebook({ name: 'T', schema, createdAt: SAMPLE_TIME, instructions: undefined });
    expect('description' in rb.schema.fields[0]!).toBe(false);
    expect(parseRulebook(serializeRulebook(rb))).toEqual(rb);
  });

  it('refuses to create an invalid rulebook', () => {
    expect(() => createRulebook({ name: 'T', schema: { fields: [] } })).toThrow(RulebookError);
    expect(() => createRulebook({ name: 'T', schema: { fields: [] } })).toThrow(/schema\/fields: must NOT have fewer than 1 items/);
  });

  it('refuses what a loader would refuse: a __proto__ key, nesting deeper than the JSON depth limit', () => {
    const withProto = samplePrecedents(1);
    withProto[0]!.output = JSON.parse('{"name":null,"issue_type":"account","urgency":"high","order_date":null,"__proto__":{"x":1}}') as Precedent['output'];
    expect(() => createRulebook({ name: 'T', schema: sampleSchema(), precedents: withProto })).toThrow(RulebookError);
    expect(() => createRulebook({ name: 'T', schema: sampleSchema(), precedents: withProto })).toThrow(/\/precedents\/0\/output\/__proto__: key "__proto__" is not allowed/);
    const schema = sampleSchema();
    schema.fields[0]!.name = '__proto__';
    expect(() => createRulebook({ name: 'T', schema })).toThrow(/schema\/fields\/0\/name: "__proto__" cannot be a field name/);
    for (const levels of [MAX_JSON_DEPTH, 5000]) {
      let deep: JsonValue = 'x';
      for (let i = 0; i < levels; i++) deep = [deep];
      const tooDeep = samplePrecedents(1);
      tooDeep[0]!.output.name = deep;
      expect(() => createRulebook({ name: 'T', schema: sampleSchema(), precedents: tooDeep })).toThrow(/\/precedents\/0\/output\/name(\/0)+: nested deeper than 64 levels/);
    }
  });

  it('slugifies names', () => {
    expect(slugify('  Support Triage — Ünïcode & co!  ')).toBe('support-triage-unicode-co');
    expect(slugify('***')).toBe('rulebook');
    expect(slugify('x'.repeat(100))).toHaveLength(40);
  });
});

describe('nextVersion', () => {
  it('chains versions by parent hash, dropping the signature', () => {
    const key = generateSigningKey();
    const v1 = signRulebook(sampleRulebook(), key.privateKeyPem);
    const v2 = nextVersion(v1, { precedents: samplePrecedents(3) }, { createdAt: '2024-05-02T10:00:00.000Z' });
    const v3 = nextVersion(v2, { name: 'Renamed', settings: { ...v2.settings, k: 4 } });
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
    expect(v2.parent).toEqual({ version: 1, hash: v1.hash });
    expect(v3.parent).toEqual({ version: 2, hash: v2.hash });
    expect(v2.signature).toBeUndefined();
    expect(v2.id).toBe(v1.id);
    expect(v2.createdAt).toBe('2024-05-02T10:00:00.000Z');
    expect(v2.precedents).toHaveLength(3);
    expect(v2.rules).toEqual(v1.rules);
    expect(v3).toMatchObject({ name: 'Renamed', settings: { k: 4 } });
    for (const v of [v2, v3]) expect(v.hash).toBe(rulebookHash(v));
    expect(new Set([v1.hash, v2.hash, v3.hash]).size).toBe(3);
    // no change still makes a new version (new parent), with the same content
    const v4 = nextVersion(v3, {});
    expect(v4.version).toBe(4);
    expect(v4.hash).not.toBe(v3.hash);
  });

  it('refuses a tampered previous version and changes that make the rulebook invalid', () => {
    const v1 = sampleRulebook();
    expect(() => nextVersion({ ...v1, name: 'edited' }, {})).toThrow(/content was changed after it was hashed/);
    expect(() => nextVersion(v1, { schema: { fields: v1.schema.fields.filter((f) => f.name !== 'urgency') } })).toThrow(
      /rules\/2\/field: unknown field "urgency"/,
    );
  });
});

describe('serializeRulebook', () => {
  it('writes canonical key order, 2-space indentation and a final newline', () => {
    const rb = sampleRulebook();
    const text = serializeRulebook(rb);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "createdAt": ')).toBe(true);
    expect(text).toContain('\n  "hash": "sha256:');
    expect(text).toContain('"rules": [\n    {\n      "enabled": true,');
    // the same JSON as the canonical form, only with whitespace
    expect(canonicalJson(JSON.parse(text))).toBe(canonicalJson(rb));
    expect(JSON.stringify(JSON.parse(text))).toBe(JSON.stringify(JSON.parse(canonicalJson(rb))));
    expect(serializeRulebook(JSON.parse(text) as typeof rb)).toBe(text); // stable
    expect(parseRulebook(text).hash).toBe(rb.hash);
  });

  it('orders integer-like keys as strings and writes empty containers compactly', () => {
    const rb = sampleRulebook();
    const override = rb.rules[1]!;
    if (override.kind !== 'override') throw new Error('fixture');
    override.when = { kind: 'field_equals', field: 'name', value: { '10': 1, '9': [], b: {} } as never };
    const text = serializeRulebook({ ...rb, hash: rulebookHash(rb) });
    expect(text).toContain('"value": {\n');
    expect(text.indexOf('"10": 1')).toBeLessThan(text.indexOf('"9": []'));
    expect(text).toContain('"b": {}');
  });
});
