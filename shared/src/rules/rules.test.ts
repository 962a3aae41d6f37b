import { describe, expect, it } from 'vitest';
import { matchCondition, isTextOnly } from './conditions.js';
import { compileRulePattern } from './pattern.js';
import { applyOverrides, matchPreRules } from './overrides.js';
import { override, lockoutRule } from '../testing/fixtures.js';

const text = "It's me again. Still locked out. Billing said it wasn't them.";

describe('matchCondition', () => {
  it('contains_any finds every phrase, case-insensitively by default, with spans', () => {
    const m = matchCondition({ kind: 'contains_any', phrases: ['LOCKED OUT', 'billing'] }, text, {});
    expect(m.matched).toBe(true);
    expect(m.spans.map((s) => text.slice(s.start, s.end))).toEqual(['locked out', 'Billing']);
    expect(matchCondition({ kind: 'contains_any', phrases: ['LOCKED OUT'], caseSensitive: true }, text, {}).matched).toBe(false);
  });

  it('contains_all needs every phrase', () => {
    expect(matchCondition({ kind: 'contains_all', phrases: ['again', 'locked out'] }, text, {}).matched).toBe(true);
    expect(matchCondition({ kind: 'contains_all', phrases: ['again', 'refund'] }, text, {}).matched).toBe(false);
    expect(matchCondition({ kind: 'contains_all', phrases: [] }, text, {}).matched).toBe(false);
  });

  it('treats phrases literally, not as patterns', () => {
    expect(matchCondition({ kind: 'contains_any', phrases: ['(.*)'] }, 'a (.*) b', {}).matched).toBe(true);
    expect(matchCondition({ kind: 'contains_any', phrases: ['(.*)'] }, 'anything', {}).matched).toBe(false);
  });

  it('regex matches with flags and reports spans; a pattern that can match empty text is refused', () => {
    const m = matchCondition({ kind: 'regex', pattern: 'locked\\s+out', flags: 'i' }, text, {});
    expect(m.spans).toEqual([{ start: 21, end: 31 }]);
    expect(() => matchCondition({ kind: 'regex', pattern: 'x*' }, 'abc', {})).toThrow(/can match empty text/);
  });

  it('reports an invalid pattern clearly', () => {
    expect(() => compileRulePattern('(unclosed')).toThrow(/invalid regular expression \/\(unclosed\//);
  });

  it('field_equals looks at the output; all/any combine', () => {
    const out = { issue_type: 'billing', tags: ['a'] };
    expect(matchCondition({ kind: 'field_equals', field: 'issue_type', value: 'billing' }, text, out).matched).toBe(true);
    expect(matchCondition({ kind: 'field_equals', field: 'tags', value: ['a'] }, text, out).matched).toBe(true);
    expect(matchCondition({ kind: 'field_equals', field: 'missing', value: null }, text, out).matched).toBe(false);
    const both = { kind: 'all' as const, conditions: [{ kind: 'contains_any' as const, phrases: ['locked'] }, { kind: 'field_equals' as const, field: 'issue_type', value: 'billing' }] };
    expect(matchCondition(both, text, out).matched).toBe(true);
    expect(matchCondition(both, text, { issue_type: 'account' }).matched).toBe(false);
    expect(matchCondition({ kind: 'any', conditions: [{ kind: 'regex', pattern: 'zzz' }, { kind: 'contains_any', phrases: ['again'] }] }, text, {}).matched).toBe(true);
    expect(isTextOnly(both)).toBe(false);
    expect(isTextOnly({ kind: 'any', conditions: [{ kind: 'regex', pattern: 'a' }] })).toBe(true);
  });
});

describe('applyOverrides', () => {
  it('sets fields after the model and records what changed', () => {
    const r = applyOverrides([lockoutRule], text, { issue_type: 'billing', urgency: 'high' });
    expect(r.output).toEqual({ issue_type: 'account', urgency: 'high' });
    expect(r.firings).toEqual([{ ruleId: 'r-lockout', kind: 'override', changed: [{ field: 'issue_type', from: 'billing', to: 'account' }], spans: [{ start: 21, end: 31 }] }]);
  });

  it('records a firing with no change when the output already agreed', () => {
    const r = applyOverrides([lockoutRule], text, { issue_type: 'account' });
    expect(r.firings[0]!.changed).toEqual([]);
  });

  it('applies in rulebook order, later rules seeing earlier changes; disabled rules never fire', () => {
    const a = override('a', { kind: 'contains_any', phrases: ['again'] }, { urgency: 'low' });
    const b = override('b', { kind: 'field_equals', field: 'urgency', value: 'low' }, { urgency: 'medium' });
    const off = { ...override('c', { kind: 'contains_any', phrases: ['again'] }, { urgency: 'high' }), enabled: false };
    const r = applyOverrides([a, b, off], text, { urgency: 'high' });
    expect(r.output.urgency).toBe('medium');
    expect(r.firings.map((f) => f.ruleId)).toEqual(['a', 'b']);
  });

  it('decides text-only rules before the model (pre-rules) and reuses that decision', () => {
    const field = override('f', { kind: 'field_equals', field: 'x', value: 1 }, { y: 2 });
    const pre = matchPreRules([lockoutRule, field], text);
    expect([...pre.keys()]).toEqual(['r-lockout']);
    expect(pre.get('r-lockout')?.spans).toHaveLength(1);
  });
});
