// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Condition } from '../../api/contract';
import { demoSchema } from '../../test/backend';
import { ConditionBuilder } from './ConditionBuilder';
import { initialCondition } from './conditions';

afterEach(() => cleanup());

// The demo's schema as the backend has it.
const schema = demoSchema();
const message = { subject: 'Still locked out', text: "It's me again. Still locked out. Billing said it wasn't them." };
/** Phrases as the backend's suggestPhrases would offer them. */
const suggested = ['locked out', "Billing said it wasn't them"];

function setup(initial: Condition, sample?: { text: string; output: Record<string, string> }) {
  let last = initial;
  function Harness() {
    const [value, setValue] = useState(initial);
    return (
      <ConditionBuilder
        value={value}
        schema={schema}
        suggestions={suggested}
        sample={sample}
        onChange={(v) => {
          last = v;
          setValue(v);
        }}
      />
    );
  }
  const user = userEvent.setup();
  render(<Harness />);
  return { user, value: () => last };
}

describe('ConditionBuilder', () => {
  it('starts from the selected text, or from a phrase the message suggests', () => {
    expect(initialCondition('  locked out ', [])).toEqual({ kind: 'contains_any', phrases: ['locked out'] });
    expect(initialCondition('', suggested)).toEqual({ kind: 'contains_any', phrases: [suggested[0]] });
  });

  it('builds phrase conditions: add, suggest, remove, any/all, case', async () => {
    const { user, value } = setup({ kind: 'contains_any', phrases: ['locked out'] }, { text: `${message.subject}\n\n${message.text}`, output: {} });
    expect(screen.getByTestId('condition-holds').getAttribute('data-holds')).toBe('true');
    await user.type(screen.getByTestId('phrase-input'), 'cannot log in{Enter}');
    expect(value()).toEqual({ kind: 'contains_any', phrases: ['locked out', 'cannot log in'] });
    await user.click(screen.getAllByTestId('phrase-suggestion').find((b) => b.textContent?.includes('Billing said it wasn'))!);
    expect(value()).toMatchObject({ phrases: ['locked out', 'cannot log in', "Billing said it wasn't them"] });
    await user.click(screen.getAllByTestId('phrase-remove')[1]!);
    await user.selectOptions(screen.getByTestId('condition-kind'), 'contains_all');
    await user.click(screen.getByTestId('phrase-case'));
    expect(value()).toEqual({ kind: 'contains_all', phrases: ['locked out', "Billing said it wasn't them"], caseSensitive: true });
    // Case-sensitive, "Billing" still matches; a phrase that is not there makes it fail.
    expect(screen.getByTestId('condition-holds').getAttribute('data-holds')).toBe('true');
    await user.type(screen.getByTestId('phrase-input'), 'refund{Enter}');
    expect(screen.getByTestId('condition-holds').getAttribute('data-holds')).toBe('false');
  });

  it('builds a regular expression with flags, and says when it is not valid', async () => {
    const { user, value } = setup({ kind: 'contains_any', phrases: ['x'] });
    await user.selectOptions(screen.getByTestId('condition-kind'), 'regex');
    expect(screen.getByTestId('regex-error').textContent).toContain('Write a pattern');
    await user.type(screen.getByTestId('regex-pattern'), 'locked[[ out');
    expect(screen.getByTestId('regex-error')).toBeTruthy();
    await user.clear(screen.getByTestId('regex-pattern'));
    // The runtime's linear-time syntax: a lookahead is refused here as it would be in any rulebook.
    await user.type(screen.getByTestId('regex-pattern'), 'locked(?= out)');
    expect(screen.getByTestId('regex-error').textContent).toMatch(/lookahead and lookbehind .* are not supported/);
    await user.clear(screen.getByTestId('regex-pattern'));
    await user.type(screen.getByTestId('regex-pattern'), 'locked\\s+out');
    await user.click(screen.getByTestId('regex-flag-i'));
    expect(screen.queryByTestId('regex-error')).toBeNull();
    expect(value()).toEqual({ kind: 'regex', pattern: 'locked\\s+out', flags: 'i' });
  });

  it('builds a field-value condition with the schema’s values', async () => {
    const { user, value } = setup({ kind: 'contains_any', phrases: ['x'] });
    await user.selectOptions(screen.getByTestId('condition-kind'), 'field_equals');
    await user.selectOptions(screen.getByTestId('field-equals-field'), 'urgency');
    expect(value()).toEqual({ kind: 'field_equals', field: 'urgency', value: 'low' });
    await user.selectOptions(screen.getByTestId('field-equals-value'), 'critical');
    expect(value()).toEqual({ kind: 'field_equals', field: 'urgency', value: 'critical' });
    await user.selectOptions(screen.getByTestId('field-equals-field'), 'is_repeat_contact');
    await user.selectOptions(screen.getByTestId('field-equals-value'), 'false');
    expect(value()).toEqual({ kind: 'field_equals', field: 'is_repeat_contact', value: false });
  });

  it('combines with all/any and nests groups', async () => {
    const { user, value } = setup({ kind: 'contains_any', phrases: ['locked out'] });
    await user.click(screen.getByTestId('condition-wrap-any'));
    expect(value()).toEqual({ kind: 'any', conditions: [{ kind: 'contains_any', phrases: ['locked out'] }, { kind: 'contains_any', phrases: [] }] });
    // The new (second) child becomes a nested group: all of a field value and a regex.
    const root = screen.getAllByTestId('condition-node')[0]!;
    const second = within(root).getAllByTestId('condition-node')[1]!;
    await user.selectOptions(within(second).getByTestId('condition-kind'), 'all');
    const group = screen.getAllByTestId('condition-node').find((n) => n.getAttribute('data-kind') === 'all')!;
    await user.click(within(group).getByTestId('condition-add-field'));
    await user.click(within(group).getByTestId('condition-add-regex'));
    // Drop the empty phrases condition the group started with.
    await user.click(within(within(group).getAllByTestId('condition-node')[0]!).getByTestId('condition-remove'));
    const regex = within(group).getByTestId('regex-pattern');
    await user.type(regex, 'again');
    expect(value()).toEqual({
      kind: 'any',
      conditions: [
        { kind: 'contains_any', phrases: ['locked out'] },
        { kind: 'all', conditions: [{ kind: 'field_equals', field: 'issue_type', value: 'account' }, { kind: 'regex', pattern: 'again' }] },
      ],
    });
    // Switching the root from any to all keeps its children.
    await user.selectOptions(within(root).getAllByTestId('condition-kind')[0]!, 'all');
    expect(value()).toMatchObject({ kind: 'all', conditions: [{ kind: 'contains_any' }, { kind: 'all' }] });
  });
});
