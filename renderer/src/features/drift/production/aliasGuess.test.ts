import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../../../shared/src/domain.js';
import { aliasChange, fieldWithAlias, guessField } from './aliasGuess';

const FIELDS: FieldSpec[] = [
  { name: 'name', type: 'string', nullable: true, aliases: ['customer_name'] },
  { name: 'issue_type', type: 'enum', nullable: false, aliases: ['category'] },
  { name: 'urgency', type: 'enum', nullable: false },
  { name: 'language', type: 'string', nullable: true, aliases: ['lang'] },
];

describe('guessField', () => {
  it('priority means urgency (a synonym); a key sharing a word or a few letters means that field', () => {
    expect(guessField(FIELDS, 'priority')).toBe('urgency');
    expect(guessField(FIELDS, 'Severity')).toBe('urgency');
    expect(guessField(FIELDS, 'issue-category')).toBe('issue_type');
    expect(guessField(FIELDS, 'languge')).toBe('language');
    expect(guessField(FIELDS, 'customer')).toBe('name');
    expect(guessField(FIELDS, 'zzz')).toBeNull();
  });

  it('finds the field that already has the key as an alias', () => {
    expect(fieldWithAlias(FIELDS, 'Category')?.name).toBe('issue_type');
    expect(fieldWithAlias(FIELDS, 'priority')).toBeNull();
  });
});

describe('aliasChange', () => {
  it('update_field with the field’s aliases and then the key', () => {
    expect(aliasChange(FIELDS[1]!, 'kind')).toEqual({ op: 'update_field', field: 'issue_type', set: { aliases: ['category', 'kind'] } });
    expect(aliasChange(FIELDS[2]!, 'priority')).toEqual({ op: 'update_field', field: 'urgency', set: { aliases: ['priority'] } });
    expect(aliasChange(FIELDS[1]!, 'category')).toEqual({ op: 'update_field', field: 'issue_type', set: { aliases: ['category'] } });
  });
});
