import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { printable, printableJson, printableLines } from './printable.js';

// eslint-disable-next-line no-control-regex -- control characters are what must not be printed
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

describe('printable', () => {
  it('shows control characters as escapes and leaves other text alone', () => {
    expect(printable('Zoë \u001b]0;x\u0007\u009b2J\r\n\t\u202e漢字 😀 \\u')).toBe('Zoë \\u001b]0;x\\u0007\\u009b2J\\r\\n\\t\\u202e漢字 😀 \\u');
    expect(printableLines('a\u001b\nb\r\n')).toBe('a\\u001b\nb\\r\n');
    expect(printableJson(JSON.stringify({ k: 'a\u009b\u001b\u2028' }, null, 2))).toBe('{\n  "k": "a\\u009b\\u001b\\u2028"\n}');
  });

  it('never lets one through, and keeps JSON the same value (property)', () => {
    fc.assert(
      fc.property(codeUnits, fc.jsonValue(), (s, v) => {
        expect(printable(s)).not.toMatch(UNSAFE);
        expect(printableLines(s).split('\n')).toHaveLength(s.split('\n').length);
        expect(printableLines(s).replace(/\n/g, '')).not.toMatch(UNSAFE);
        const json = printableJson(JSON.stringify({ s, v }, null, 2));
        expect(json.replace(/\n/g, '')).not.toMatch(UNSAFE);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify({ s, v })));
      }),
      propertyOptions(500),
    );
  });
});
