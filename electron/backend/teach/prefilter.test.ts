import { describe, expect, it } from 'vitest';
import { conditionQuery, phraseQuery, textFilter } from './prefilter.js';

describe('phraseQuery', () => {
  it('keeps only the words the index can vouch for: whole inner words, the last one as a prefix', () => {
    expect(phraseQuery('locked out')).toBe('"out"*'); // "locked" may end a longer word
    expect(phraseQuery(' locked out')).toBe('("locked" AND "out"*)');
    expect(phraseQuery('still locked out ')).toBe('("locked" AND "out")');
    expect(phraseQuery('charge-back')).toBe('"back"*');
    expect(phraseQuery('Payroll Export by')).toBe('("export" AND "by"*)');
  });

  it('gives up where a substring can hide inside a word, or on non-ASCII text', () => {
    expect(phraseQuery('refund')).toBeNull();
    expect(phraseQuery('  ')).toBeNull();
    expect(phraseQuery('Rückbuchung jetzt')).toBeNull();
  });
});

describe('conditionQuery', () => {
  it('ORs any, ANDs all, and narrows nothing it cannot vouch for', () => {
    expect(conditionQuery({ kind: 'contains_any', phrases: ['locked out', 'charge back'] })).toBe('("out"* OR "back"*)');
    expect(conditionQuery({ kind: 'contains_any', phrases: ['locked out', 'refund'] })).toBeNull();
    expect(conditionQuery({ kind: 'contains_all', phrases: ['locked out', 'refund'] })).toBe('"out"*');
    expect(conditionQuery({ kind: 'regex', pattern: 'locked\\s+out' })).toBeNull();
    expect(conditionQuery({ kind: 'all', conditions: [{ kind: 'field_equals', field: 'x', value: 1 }, { kind: 'contains_any', phrases: ['a b'] }] })).toBe('"b"*');
    expect(conditionQuery({ kind: 'any', conditions: [{ kind: 'field_equals', field: 'x', value: 1 }, { kind: 'contains_any', phrases: ['a b'] }] })).toBeNull();
    expect(textFilter({ kind: 'contains_all', phrases: ['locked out'] })).toMatchObject({ fts: '{subject text} : "out"*' });
    expect(textFilter({ kind: 'regex', pattern: 'x' })).toBeNull();
  });
});
