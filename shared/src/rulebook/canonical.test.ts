import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonReference, sha256Hex } from './canonical.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('does not depend on insertion order', () => {
    const a = { x: 1, y: { p: true, q: 'r' } };
    const b = { y: { q: 'r', p: true }, x: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('orders keys by UTF-16 code units, integer-like keys as strings', () => {
    expect(canonicalJson({ '10': 1, '9': 2, a: 3, B: 4, '': 5 })).toBe('{"":5,"10":1,"9":2,"B":4,"a":3}');
    // RFC 8785 3.2.3's example: UTF-16 code units, so U+FB33 sorts after the surrogate pair of U+1F600.
    const rfc = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(rfc)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes unicode as is and escapes only what JSON requires', () => {
    expect(canonicalJson({ s: 'é ü 漢字 😀 \u2028 "q" \\ \n \u0001' })).toBe('{"s":"é ü 漢字 😀 \u2028 \\"q\\" \\\\ \\n \\u0001"}');
  });

  it('writes numbers in ECMAScript form (RFC 8785 3.2.2.3)', () => {
    expect(canonicalJson([0, -0, 1, 1.5, 1e21, 1e-7, 333333333.3333333, 100, 0.000001, 4.5e-320, -1e30])).toBe(
      '[0,0,1,1.5,1e+21,1e-7,333333333.3333333,100,0.000001,4.5e-320,-1e+30]',
    );
  });

  it('equals the canonicalize package on varied values', () => {
    const values = [
      { '10': [1, 2, { '2': 'b', '1': 'a', x: null }], é: 'ü', a: { b: { c: [true, false, null, 1.25] } } },
      [{ z: 1 }, [], {}, '', 0],
      'plain',
      12.5,
      null,
    ];
    for (const v of values) expect(canonicalJson(v)).toBe(canonicalJsonReference(v));
  });

  it('gives the same form whether or not the keys were already in order', () => {
    const sorted = JSON.parse('{"a":{"b":1,"c":[{"d":null,"e":"x"}]},"f":true}') as unknown;
    const unsorted = JSON.parse('{"f":true,"a":{"c":[{"e":"x","d":null}],"b":1}}') as unknown;
    expect(canonicalJson(sorted)).toBe(canonicalJsonReference(sorted));
    expect(canonicalJson(unsorted)).toBe(canonicalJson(sorted));
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(nullProto)).toBe('{"a":2,"b":1}');
    expect(canonicalJson({ a: { '1': 1, '02': 2, '10': 3 } })).toBe(canonicalJsonReference({ a: { '1': 1, '02': 2, '10': 3 } }));
    expect(canonicalJson({ a: 1, b: undefined, c: [1] })).toBe('{"a":1,"c":[1]}');
  });

  it('omits object properties that are undefined, like JSON.stringify', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('refuses what is not JSON, naming where', () => {
    expect(() => canonicalJson(undefined)).toThrow(/the value is undefined/);
    expect(() => canonicalJson({ a: [1, undefined] })).toThrow(/"\/a\/1" is undefined/);
    expect(() => canonicalJson({ a: { b: NaN } })).toThrow(/"\/a\/b" is NaN/);
    expect(() => canonicalJson([Infinity])).toThrow(/Infinity/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/"\/f" is a function/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/"\/d" is a Date, not a plain object/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ 'a/b': { s: Symbol('x') } })).toThrow(/"\/a~1b\/s" is a symbol/);
  });
});

describe('sha256Hex', () => {
  it('hashes strings as UTF-8 and bytes as they are', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('é'))).toBe(sha256Hex('é'));
  });
});
