import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH } from '../json/depth.js';
import { propertyOptions } from '../testing/property.js';
import { checkJsonText, type JsonTextProblem } from './json-position.js';

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
const pick = (p: JsonTextProblem | null) => p && { kind: p.kind, pointer: p.pointer, line: p.line, column: p.column };

describe('checkJsonText', () => {
  it('accepts JSON whose objects have distinct keys, the same key in different objects included', () => {
    for (const text of ['{}', '[]', '0', '"x"', ' null ', '{"a":{"a":1},"b":[{"a":1},{"a":2}],"A":true}', '{"constructor":1,"toString":{"prototype":[]}}', '[-0,1e-400,1.7976931348623157e308]']) {
      expect([text, checkJsonText(text)]).toEqual([text, null]);
    }
  });

  it('refuses a duplicate key, naming where it is, where the first one is, and its JSON pointer', () => {
    const text = '{\n  "name": "Decoy",\n  "id": 1,\n  "name": "Support triage"\n}';
    const p = checkJsonText(text)!;
    expect(pick(p)).toEqual({ kind: 'duplicate_key', pointer: '/name', line: 4, column: 3 });
    expect(p.offset).toBe(text.lastIndexOf('"name"'));
    expect(p.message).toBe('duplicate key "name" (first at line 2, column 3)');
    expect(pick(checkJsonText('{"x":[{"k":1},{"k":1,"k":2}]}'))).toEqual({ kind: 'duplicate_key', pointer: '/x/1/k', line: 1, column: 22 });
    // The same key spelled with escapes, a key that needs escaping in a pointer, and a large object.
    expect(pick(checkJsonText('{"a":1,"\\u0061":2}'))).toMatchObject({ kind: 'duplicate_key', pointer: '/a' });
    expect(pick(checkJsonText('{"a/b~":1,"a/b~":2}'))).toMatchObject({ kind: 'duplicate_key', pointer: '/a~1b~0' });
    const many = Array.from({ length: 200 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(pick(checkJsonText(`{${many},"k3":0}`))).toMatchObject({ kind: 'duplicate_key', pointer: '/k3' });
    expect(checkJsonText(`{${many},"k200":0}`)).toBeNull();
  });

  it('refuses a __proto__ key however it is spelled', () => {
    expect(pick(checkJsonText('{"x":[{"__proto__":{}}]}'))).toEqual({ kind: 'prototype_key', pointer: '/x/0/__proto__', line: 1, column: 8 });
    expect(pick(checkJsonText('{"\\u005f_proto__":1}'))).toMatchObject({ kind: 'prototype_key', pointer: '/__proto__' });
    expect(checkJsonText('{"__proto__":1}')!.message).toBe('key "__proto__" is not allowed');
    expect(checkJsonText('["__proto__"]')).toBeNull(); // a value, not a key
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels where jsonTextTooDeepAt finds it, without recursing`, () => {
    expect(checkJsonText(nested(MAX_JSON_DEPTH))).toBeNull();
    const text = nested(MAX_JSON_DEPTH + 1);
    const p = checkJsonText(text)!;
    expect(p).toMatchObject({ kind: 'too_deep', offset: jsonTextTooDeepAt(text), pointer: `/${Array(MAX_JSON_DEPTH).fill(0).join('/')}` });
    expect(p.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(checkJsonText(`{"a":${'{"b":'.repeat(100_000)}1${'}'.repeat(100_000)}}`)).toMatchObject({ kind: 'too_deep' });
    expect(checkJsonText('['.repeat(1_000_000))).toMatchObject({ kind: 'too_deep', offset: MAX_JSON_DEPTH });
    expect(checkJsonText('{"a":[[1]]}', { maxDepth: 2 })).toMatchObject({ kind: 'too_deep', pointer: '/a/0' });
  });

  it('refuses a number too large for a double, which JSON.parse would make Infinity', () => {
    expect(pick(checkJsonText('{"n": [1, 1e400]}'))).toEqual({ kind: 'number_range', pointer: '/n/1', line: 1, column: 11 });
    expect(checkJsonText('-1E+309')).toMatchObject({ kind: 'number_range', pointer: '' });
    expect(checkJsonText(`1${'0'.repeat(400)}`)).toMatchObject({ kind: 'number_range' });
    expect(checkJsonText(`1${'0'.repeat(300)}`)).toBeNull();
  });

  it('finds the first syntax error, with line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['', 1, 1, /expected a JSON value, found end of input/],
      ['{\n  "format": "casebook.rulebook",\n  "id": \n}\n', 4, 1, /expected a JSON value, found "}"/],
      ['{"a":1,}', 1, 8, /expected a double-quoted property name/],
      ['[01]', 1, 3, /expected ',' or ']'/],
      ['{"a" 1}', 1, 6, /expected ':'/],
      ['"abc', 1, 5, /unterminated string/],
      ['"a\\x"', 1, 3, /bad escape/],
      ['"\\u12g4"', 1, 2, /bad \\u escape/],
      ['"a\tb"', 1, 3, /control character in string/],
      ['[1] [2]', 1, 5, /unexpected text after the JSON value/],
      ['[1.]', 1, 4, /expected a digit after the decimal point/],
      ['[-]', 1, 3, /expected a digit after '-'/],
      ['[1e+]', 1, 5, /expected a digit in the exponent/],
      ['[tru]', 1, 2, /expected a JSON value/],
    ];
    for (const [text, line, column, message] of cases) {
      const p = checkJsonText(text);
      expect([text, pick(p)]).toEqual([text, { kind: 'syntax', pointer: expect.any(String), line, column }]);
      expect(p!.message).toMatch(message);
    }
  });
});

// Valid JSON with whitespace anywhere it may stand, and texts derived from it by small edits.
const whitespace = fc.array(fc.constantFrom(' ', '\n', '\r', '\t'), { maxLength: 2 }).map((a) => a.join(''));
function spaced(value: unknown, ws: () => string): string {
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => `${ws()}${spaced(v, ws)}${ws()}`).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${ws()}${Object.entries(value).map(([k, v]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${spaced(v, ws)}${ws()}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
const validText = fc.tuple(fc.jsonValue({ maxDepth: 6 }), fc.infiniteStream(whitespace)).map(([value, ws]) => spaced(value, () => ws.next().value as string));
const edited = fc.tuple(validText, fc.nat(), fc.constantFrom('', '"', '\\', ',', ':', '[', ']', '{', '}', '0', '-', 'e', '.', ' ', '\u0001', 't', 'nul')).chain(([text, at, insert]) =>
  fc.constantFrom(
    text.slice(0, at % (text.length + 1)),
    text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1)),
    text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + 1),
  ),
);

describe('checkJsonText (property)', () => {
  it('finds nothing wrong in valid JSON without duplicate keys', () => {
    fc.assert(
      fc.property(validText, (text) => {
        const problem = checkJsonText(text);
        // fc.jsonValue may make a "__proto__" key; nothing else is refused.
        if (problem) expect(problem.kind).toBe('prototype_key');
      }),
      propertyOptions(500),
    );
  });

  it('reports a syntax error exactly when JSON.parse throws (or an earlier problem)', () => {
    fc.assert(
      fc.property(edited, (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const problem = checkJsonText(text);
        if (!parses) expect(problem).not.toBeNull();
        else if (problem) expect(problem.kind).not.toBe('syntax');
        if (problem) expect(problem.offset).toBeLessThanOrEqual(text.length);
      }),
      propertyOptions(2000),
    );
  });

  it('agrees with jsonTextTooDeepAt on where valid JSON nests too deep', () => {
    fc.assert(
      fc.property(validText, fc.integer({ min: 0, max: 7 }), (text, limit) => {
        const problem = checkJsonText(text, { maxDepth: limit });
        const at = jsonTextTooDeepAt(text, limit);
        if (problem?.kind !== 'prototype_key') expect(problem === null ? -1 : problem.kind === 'too_deep' ? problem.offset : 'other').toBe(at);
      }),
      propertyOptions(500),
    );
  });
});
