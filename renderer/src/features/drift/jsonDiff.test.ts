import { describe, expect, it } from 'vitest';
import { formatPath, jsonChanges } from './jsonDiff';

describe('jsonChanges (jsondiffpatch, flattened)', () => {
  it('names changed, added and removed fields by path', () => {
    expect(jsonChanges({ issue_type: 'billing', urgency: 'high', name: null }, { issue_type: 'refund', priority: 'high', name: null })).toEqual([
      { kind: 'changed', path: ['issue_type'], from: 'billing', to: 'refund' },
      { kind: 'removed', path: ['urgency'], from: 'high' },
      { kind: 'added', path: ['priority'], to: 'high' },
    ]);
  });

  it('goes into objects and arrays: items added, removed and moved by content', () => {
    const changes = jsonChanges({ contact: { email: 'a@x' }, tags: ['a', 'b', 'c'] }, { contact: { email: 'b@x' }, tags: ['c', 'a', 'b', 'd'] });
    expect(changes).toContainEqual({ kind: 'changed', path: ['contact', 'email'], from: 'a@x', to: 'b@x' });
    expect(changes).toContainEqual({ kind: 'added', path: ['tags', 3], to: 'd' });
    expect(changes.some((c) => c.kind === 'moved' && c.path[0] === 'tags')).toBe(true);
    expect(jsonChanges({ tags: ['a', 'b'] }, { tags: ['a'] })).toEqual([{ kind: 'removed', path: ['tags', 1], from: 'b' }]);
  });

  it('finds nothing between equal answers, and writes paths as a reader does', () => {
    expect(jsonChanges({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(formatPath(['contact', 'emails', 2])).toBe('contact.emails[2]');
    expect(formatPath([])).toBe('(whole answer)');
  });
});
