// canonicalJson against RFC 8785's reference test data and the `canonicalize` package. The
// vectors below are from github.com/cyberphone/json-canonicalization (Apache License 2.0), commit
// 19d51d7fe467d4706a3ff08adf8a748f29fc21e0: testdata/input/*.json with the expected
// testdata/output/*.json, and the ES6 number test data (testdata/README.md, testdata/numgen.js).
// Non-ASCII characters are written as \u escapes.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { canonicalJson, canonicalJsonReference } from './canonical.js';

/** Input text (not canonical) and the expected canonical text, by the name of the test file. */
const JCS_VECTORS: { name: string; input: string; output: string }[] = [
  {
    name: 'arrays',
    input: "[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n    \"1\": [ ]\n  }\n]\n",
    output: "[56,{\"1\":[],\"10\":null,\"d\":true}]",
  },
  {
    name: 'french',
    input: "{\n  \"peach\": \"This sorting order\",\n  \"p\u00e9ch\u00e9\": \"is wrong according to French\",\n  \"p\u00eache\": \"but canonicalization MUST\",\n  \"sin\":   \"ignore locale\"\n}\n",
    output: "{\"peach\":\"This sorting order\",\"p\u00e9ch\u00e9\":\"is wrong according to French\",\"p\u00eache\":\"but canonicalization MUST\",\"sin\":\"ignore locale\"}",
  },
  {
    name: 'structures',
    input: "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n  \"111\": [ {\"e\": \"yes\",\"E\": \"no\" } ],\n  \"A\": { }\n}",
    output: "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{\"E\":\"no\",\"e\":\"yes\"}],\"A\":{},\"a\":{}}",
  },
  {
    name: 'unicode',
    input: "{\n  \"Unnormalized Unicode\":\"A\\u030a\"\n}\n",
    output: "{\"Unnormalized Unicode\":\"A\u030a\"}",
  },
  {
    name: 'values',
    input: "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}",
    output: "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
  },
  {
    name: 'weird',
    input: "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"\\r\": \"Carriage Return\",\n  \"\\u000a\": \"Newline\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n  \"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"</script>\": \"Browser Challenge\"\n}\n",
    output: "{\"\\n\":\"Newline\",\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude02\":\"Smiley\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
  },
];

/** testdata/README.md's sample lines: IEEE-754 bits in hex, and the number as ES6 (so RFC 8785) writes it. */
const ES6_NUMBER_SAMPLES: [string, string][] = [
  ['4340000000000001', '9007199254740994'],
  ['4340000000000002', '9007199254740996'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['8000000000000000', '0'],
  ['0', '0'],
];

/**
 * The first values of es6testfile100m.txt are these IEEE-754 bit patterns (testdata/numgen.js's
 * staticU64s), then 2,000 serial ones from 0x0010000000000000, then values drawn from a SHA-256 chain.
 */
const ES6_STATIC_BITS: string[] = [
  '0000000000000000', '8000000000000000', '0000000000000001', '8000000000000001', 'c46696695dbd1cc3', 'c43211ede4974a35',
  'c3fce97ca0f21056', 'c3c7213080c1a6ac', 'c39280f39a348556', 'c35d9b1f5d20d557', 'c327af4c4a80aaac', 'c2f2f2a36ecd5556',
  'c2be51057e155558', 'c28840d131aaaaac', 'c253670dc1555557', 'c21f0b4935555557', 'c1e8d5d42aaaaaac', 'c1b3de4355555556',
  'c17fca0555555556', 'c1496e6aaaaaaaab', 'c114585555555555', 'c0e046aaaaaaaaab', 'c0aa0aaaaaaaaaaa', 'c074d55555555555',
  'c040aaaaaaaaaaab', 'c00aaaaaaaaaaaab', 'bfd5555555555555', 'bfa1111111111111', 'bf6b4e81b4e81b4f', 'bf35d867c3ece2a5',
  'bf0179ec9cbd821e', 'becbf647612f3696', 'be965e9f80f29212', 'be61e54c672874db', 'be2ca213d840baf8', 'bdf6e80fe033c8c6',
  'bdc2533fe68fd3d2', 'bd8d51ffd74c861c', 'bd5774ccac3d3817', 'bd22c3d6f030f9ac', 'bcee0624b3818f79', 'bcb804ea293472c7',
  'bc833721ba905bd3', 'bc4ebe9c5db3c61e', 'bc18987d17c304e5', 'bbe3ad30dfcf371d', 'bbaf7b816618582f', 'bb792f9ab81379bf',
  'bb442615600f9499', 'bb101e77800c76e1', 'bad9ca58cce0be35', 'baa4a1e0a3e6fe90', 'ba708180831f320d', 'ba3a68cd9e985016',
  '446696695dbd1cc3', '443211ede4974a35', '43fce97ca0f21056', '43c7213080c1a6ac', '439280f39a348556', '435d9b1f5d20d557',
  '4327af4c4a80aaac', '42f2f2a36ecd5556', '42be51057e155558', '428840d131aaaaac', '4253670dc1555557', '421f0b4935555557',
  '41e8d5d42aaaaaac', '41b3de4355555556', '417fca0555555556', '41496e6aaaaaaaab', '4114585555555555', '40e046aaaaaaaaab',
  '40aa0aaaaaaaaaaa', '4074d55555555555', '4040aaaaaaaaaaab', '400aaaaaaaaaaaab', '3fd5555555555555', '3fa1111111111111',
  '3f6b4e81b4e81b4f', '3f35d867c3ece2a5', '3f0179ec9cbd821e', '3ecbf647612f3696', '3e965e9f80f29212', '3e61e54c672874db',
  '3e2ca213d840baf8', '3df6e80fe033c8c6', '3dc2533fe68fd3d2', '3d8d51ffd74c861c', '3d5774ccac3d3817', '3d22c3d6f030f9ac',
  '3cee0624b3818f79', '3cb804ea293472c7', '3c833721ba905bd3', '3c4ebe9c5db3c61e', '3c18987d17c304e5', '3be3ad30dfcf371d',
  '3baf7b816618582f', '3b792f9ab81379bf', '3b442615600f9499', '3b101e77800c76e1', '3ad9ca58cce0be35', '3aa4a1e0a3e6fe90',
  '3a708180831f320d', '3a3a68cd9e985016', '4024000000000000', '4014000000000000', '3fe0000000000000', '3fa999999999999a',
  '3f747ae147ae147b', '3f40624dd2f1a9fc', '3f0a36e2eb1c432d', '3ed4f8b588e368f1', '3ea0c6f7a0b5ed8d', '3e6ad7f29abcaf48',
  '3e35798ee2308c3a', '3ed539223589fa95', '3ed4ff26cd5a7781', '3ed4f95a762283ff', '3ed4f8c60703520c', '3ed4f8b72f19cd0d',
  '3ed4f8b5b31c0c8d', '3ed4f8b58d1c461a', '3ed4f8b5894f7f0e', '3ed4f8b588ee37f3', '3ed4f8b588e47da4', '3ed4f8b588e3849c',
  '3ed4f8b588e36bb5', '3ed4f8b588e36937', '3ed4f8b588e368f8', '3ed4f8b588e368f1', '3ff0000000000000', 'bff0000000000000',
  'bfeffffffffffffa', 'bfeffffffffffffb', '3feffffffffffffa', '3feffffffffffffb', '3feffffffffffffc', '3feffffffffffffe',
  'bfefffffffffffff', 'bfefffffffffffff', '3fefffffffffffff', '3fefffffffffffff', '3fd3333333333332', '3fd3333333333333',
  '3fd3333333333334', '0010000000000000', '000ffffffffffffd', '000fffffffffffff', '7fefffffffffffff', 'ffefffffffffffff',
  '4340000000000000', 'c340000000000000', '4430000000000000', '44b52d02c7e14af5', '44b52d02c7e14af6', '44b52d02c7e14af7',
  '444b1ae4d6e2ef4e', '444b1ae4d6e2ef4f', '444b1ae4d6e2ef50', '3eb0c6f7a0b5ed8c', '3eb0c6f7a0b5ed8d', '41b3de4355555553',
  '41b3de4355555554', '41b3de4355555555', '41b3de4355555556', '41b3de4355555557', 'becbf647612f3696', '43143ff3c1cb0959',
];

/** SHA-256 of the first N lines ("hex,expected\n") of es6testfile100m.txt, from testdata/README.md. */
const ES6_FILE_SHA256: [number, string][] = [
  [1000, 'be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687'],
  [10000, 'b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892'],
  [100000, '22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7'],
];

/** The IEEE-754 bit patterns of es6testfile100m.txt, in order (testdata/numgen.js). */
function* es6TestBits(): Generator<bigint> {
  for (const hex of ES6_STATIC_BITS) yield BigInt(`0x${hex}`);
  for (let i = 0; i < 2000; i++) yield 0x0010000000000000n + BigInt(i);
  let block = new Uint8Array(32);
  for (;;) {
    block = new Uint8Array(createHash('sha256').update(block).digest());
    const view = new DataView(block.buffer);
    for (let k = 0; k < 4; k++) {
      const bits = view.getBigUint64(k * 8, true);
      const value = numberOfBits(bits);
      if (value !== 0 && Number.isFinite(value)) yield bits; // numgen.js skips zeros, infinities and NaNs
    }
  }
}

function numberOfBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits, true);
  return view.getFloat64(0, true);
}

describe('canonicalJson: RFC 8785 reference test data', () => {
  it.each(JCS_VECTORS)('canonicalises testdata/input/$name.json to testdata/output/$name.json', ({ input, output }) => {
    const value = JSON.parse(input) as unknown;
    expect(canonicalJson(value)).toBe(output);
    expect(canonicalJsonReference(value)).toBe(output);
  });

  it('writes the sample numbers of testdata/README.md as ES6 does', () => {
    for (const [hex, expected] of ES6_NUMBER_SAMPLES) expect([hex, canonicalJson(numberOfBits(BigInt(`0x${hex}`)))]).toEqual([hex, expected]);
  });

  it('reproduces the published SHA-256 of the first 100,000 lines of es6testfile100m.txt', () => {
    const hash = createHash('sha256');
    const bits = es6TestBits();
    const seen: [number, string][] = [];
    for (let line = 1; line <= ES6_FILE_SHA256[ES6_FILE_SHA256.length - 1]![0]; line++) {
      const b = bits.next().value as bigint;
      hash.update(`${b.toString(16)},${canonicalJson(numberOfBits(b))}\n`);
      if (ES6_FILE_SHA256.some(([n]) => n === line)) seen.push([line, hash.copy().digest('hex')]);
    }
    expect(seen).toEqual(ES6_FILE_SHA256);
  });
});

// Random JSON texts, parsed as a loader parses a file: keys include the names of Object.prototype's
// properties and integer-like keys, which objects treat specially, and strings any UTF-16 code unit.
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', '__defineGetter__'];
const INTEGER_LIKE = ['0', '1', '2', '10', '01', '-1', '1.5', '4294967294', '4294967295', '9007199254740993', '1e3'];
const jsonKey = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom(...INTEGER_LIKE), fc.string({ maxLength: 6 }), fc.string({ unit: codeUnit, maxLength: 4 }));
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom('-0', '1E30', '4.50', '2e-3', '0.000000000000000000000000001', '333333333.33333329', '5e-324', '1.7976931348623157e308', '1e21', '1e-7'),
);
const leafText = fc.oneof(numberText, fc.string({ unit: codeUnit, maxLength: 8 }).map((s) => JSON.stringify(s)), fc.constantFrom('true', 'false', 'null'));
const { json: jsonText } = fc.letrec<{ json: string; array: string; object: string }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafText, tie('array'), tie('object')),
  array: fc.array(tie('json'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(jsonKey, tie('json')), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
}));

describe('canonicalJson: random JSON (property)', () => {
  it('equals the canonicalize package and keeps every key, __proto__ included', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const value = JSON.parse(text) as unknown;
        const canonical = canonicalJson(value);
        expect(canonical).toBe(canonicalJsonReference(value));
        // Independent of both serialisers: nothing was lost or added (JSON.stringify keeps own __proto__
        // keys). Node's comparison, as vitest's trips over a key named "constructor".
        expect(isDeepStrictEqual(JSON.parse(canonical), JSON.parse(JSON.stringify(value)))).toBe(true);
        // A text already in canonical order (the fast path) gives itself back.
        expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
      }),
      propertyOptions(1000),
    );
  });

  it('hashes a __proto__ key wherever it stands in the object', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"issue_type":"UNSIGNED"}}'))).toBe('{"__proto__":{"issue_type":"UNSIGNED"},"b":1}');
    expect(canonicalJson(JSON.parse('{"z":{"y":2,"x":1},"a":[{"toString":1,"__proto__":null}]}'))).toBe(
      '{"a":[{"__proto__":null,"toString":1}],"z":{"x":1,"y":2}}',
    );
  });
});
