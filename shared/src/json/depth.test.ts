import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH, unsafeValueAt, valueTooDeepAt } from './depth.js';

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('JSON depth limits', () => {
  it('finds the bracket that opens one level too many, ignoring brackets in strings', () => {
    expect(jsonTextTooDeepAt(nested(MAX_JSON_DEPTH))).toBe(-1);
    expect(jsonTextTooDeepAt(nested(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH);
    expect(jsonTextTooDeepAt(`{"a":"${'['.repeat(500)}\\"["}`)).toBe(-1);
    expect(jsonTextTooDeepAt(nested(100_000))).toBe(MAX_JSON_DEPTH);
  });

  it('walks parsed values without recursion, naming where they go too deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(valueTooDeepAt(deep)).toBe(`/${Array(MAX_JSON_DEPTH).fill('a').join('/')}`);
    expect(valueTooDeepAt({ x: [[1]] }, 3)).toBeNull();
    expect(valueTooDeepAt({ x: [[1]] }, 2)).toBe('/x/0');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(valueTooDeepAt(cyclic, 10)).toBe('/self/self/self/self/self/self/self/self/self/self');
  });

  it('finds an own __proto__ key anywhere, by the keys that lead to it (JSON.parse makes such keys own properties)', () => {
    expect(unsafeValueAt(JSON.parse('{"a":[{"b/c":{"__proto__":{"x":1}}}]}'))).toEqual({ path: ['a', '0', 'b/c', '__proto__'], problem: 'prototype_key' });
    expect(unsafeValueAt({ constructor: 1, prototype: 2, toString: 3 })).toBeNull();
    expect(unsafeValueAt(JSON.parse('[[[1]]]'), 2)).toEqual({ path: ['0', '0'], problem: 'too_deep' });
    expect(valueTooDeepAt({ 'a/b~c': [[1]] }, 2)).toBe('/a~1b~0c/0');
  });

  it('agrees with JSON.parse on the depth of any JSON value (property)', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        const text = JSON.stringify(value);
        const tooDeep = depthOf(JSON.parse(text)) > limit;
        expect(jsonTextTooDeepAt(text, limit) >= 0).toBe(tooDeep);
        expect(valueTooDeepAt(value, limit) !== null).toBe(tooDeep);
      }),
      propertyOptions(500),
    );
  });
});
