import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './fts.js';

describe('toFtsQuery', () => {
  it('quotes every word, ANDs them and makes the last a prefix', () => {
    expect(toFtsQuery('locked out')).toBe('"locked" "out"*');
    expect(toFtsQuery('locked out', { prefixLast: false })).toBe('"locked" "out"');
  });

  it('turns FTS5 syntax into plain text', () => {
    expect(toFtsQuery('say "hi"')).toBe('"say" """hi"""*');
    expect(toFtsQuery('NEAR(a b) -x col:y')).toBe('"NEAR(a" "b)" "-x" "col:y"*');
    expect(toFtsQuery('* - " ( ) ^')).toBeNull();
    expect(toFtsQuery('   ')).toBeNull();
    expect(toFtsQuery('a\u0000b')).toBe('"a" "b"*');
  });

  it('keeps at most maxTerms words', () => {
    expect(toFtsQuery('a b c d', { maxTerms: 2 })).toBe('"a" "b"*');
  });
});
