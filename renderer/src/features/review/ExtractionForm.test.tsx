// @vitest-environment jsdom
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { Extraction } from '../../api/contract';
import { demoSchema } from '../../test/backend';
import { openMessage } from '../../test/inbox';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';
import { ExtractionForm } from './ExtractionForm';

// The demo's schema as the backend has it, except that sentiment may be null here: the demo has no
// nullable enum, and the form clears one with 0.
const schema = { fields: demoSchema().fields.map((f) => (f.name === 'sentiment' ? { ...f, nullable: true } : f)) };
const start: Extraction = {
  name: 'Priya Raman',
  issue_type: 'account',
  urgency: 'high',
  product_area: 'accounts',
  sentiment: 'negative',
  order_id: null,
  requested_action: null,
  language: 'en',
  is_repeat_contact: false,
};

function Harness({ onValue }: { onValue: (v: Extraction) => void }) {
  const [value, setValue] = useState(start);
  return (
    <ExtractionForm
      schema={schema}
      value={value}
      original={start}
      onChange={(v) => {
        setValue(v);
        onValue(v);
      }}
    />
  );
}

function setup() {
  let last = start;
  const user = userEvent.setup();
  render(<Harness onValue={(v) => (last = v)} />);
  return { user, value: () => last };
}

const shown = (name: string) => screen.getByTestId(`extraction-field-${name}`).querySelector('dd')!.textContent;

describe('ExtractionForm', () => {
  it('picks an enum value by click, and marks the field as edited with its old value', async () => {
    const { user, value } = setup();
    await user.click(screen.getByTestId('enum-option-issue_type-billing'));
    expect(value().issue_type).toBe('billing');
    expect(shown('issue_type')).toBe('billing');
    expect(screen.getByTestId('enum-option-issue_type-billing').getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('extraction-field-issue_type').className).toContain('is-edited');
    expect(screen.getByTestId('field-was-issue_type').textContent).toContain('account');
  });

  it('chooses the nth value with 1-9 in the focused picker, and 0 clears a nullable one', async () => {
    const { user, value } = setup();
    act(() => screen.getByTestId('enum-picker-urgency').focus());
    await user.keyboard('4');
    expect(value().urgency).toBe('critical');
    await user.keyboard('1');
    expect(value().urgency).toBe('low');
    // Past the last value: nothing happens.
    await user.keyboard('9');
    expect(value().urgency).toBe('low');
    // urgency is not nullable: 0 does nothing; sentiment is.
    await user.keyboard('0');
    expect(value().urgency).toBe('low');
    act(() => screen.getByTestId('enum-picker-sentiment').focus());
    await user.keyboard('0');
    expect(value().sentiment).toBeNull();
    expect(shown('sentiment')).toBe('null');
  });

  it('clears a nullable field to null; non-nullable fields have no clear button', async () => {
    const { user, value } = setup();
    await user.click(screen.getByTestId('field-clear-name'));
    expect(value().name).toBeNull();
    expect(screen.queryByTestId('field-clear-name')).toBeNull();
    expect(screen.queryByTestId('field-clear-issue_type')).toBeNull();
    // Typing into a null string field makes it a string again.
    await user.type(screen.getByTestId('field-input-name'), 'Jo');
    expect(value().name).toBe('Jo');
  });

  it('edits booleans with a toggle and strings with a text box', async () => {
    const { user, value } = setup();
    await user.click(screen.getByTestId('field-toggle-is_repeat_contact'));
    expect(value().is_repeat_contact).toBe(true);
    expect(screen.getByTestId('field-toggle-is_repeat_contact').getAttribute('aria-checked')).toBe('true');
    await user.type(screen.getByTestId('field-input-order_id'), 'TW-1');
    expect(value().order_id).toBe('TW-1');
  });

  it('shows the validation message on its field when the API refuses the correction', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    // Lena's output has urgency "sofort", which the schema refuses: correcting another field is refused too.
    // Invalid, she is the least confident of those needing review: first in the queue.
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    await user.selectOptions(screen.getByTestId('sort-order'), 'confidence');
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')[0]?.textContent).toContain(DEMO.lena.subject));
    await openMessage(user, DEMO.lena.subject);
    await screen.findByTestId('extraction-field-sentiment');
    await user.click(screen.getByTestId('enum-option-sentiment-neutral'));
    await user.click(screen.getByTestId('correction-save'));
    const issue = await screen.findByTestId('field-issue-urgency');
    expect(issue.textContent).toContain('must be one of "low", "medium", "high", "critical"');
    expect(screen.getByTestId('review-error').textContent).toContain('output.urgency');
    // Fixing it with the picker, the correction goes through and the next message opens.
    const lena = screen.getByTestId('message-detail').getAttribute('data-message-id');
    await user.click(screen.getByTestId('enum-option-urgency-high'));
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).not.toBe(lena));
    // The next in the queue opens (the second row when she was saved).
    expect(screen.getByTestId('message-subject').textContent).not.toBe(DEMO.lena.subject);
    // Corrected, it no longer needs review: the backend says the messages changed and the list follows.
    await waitFor(() => expect(screen.getAllByTestId('inbox-row').map((r) => r.getAttribute('data-message-id'))).not.toContain(lena));
    const stored = await api.getMessage({ id: lena! });
    expect(stored.message.status).toBe('corrected');
    expect(stored.extraction!.output).toMatchObject({ urgency: 'high', sentiment: 'neutral' });
  });
});
