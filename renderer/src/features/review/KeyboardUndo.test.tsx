// @vitest-environment jsdom
// The review screen's keys on the real backend: `e` goes to the field the person is likely to change
// (the last edited, else the first enum), a digit then picks a value and never lands in a text box, and
// `u` / Ctrl+Z undoes the last accept, correction or rule change made in this window.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../api/contract';
import { openMessage, rowWith } from '../../test/inbox';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';
import { editedFields, editTarget } from './editFocus';

const focused = () => document.activeElement?.getAttribute('data-testid');
const detailId = () => screen.getByTestId('message-detail').getAttribute('data-message-id');
const shown = (field: string) => screen.getByTestId(`extraction-field-${field}`).querySelector('dd')!.textContent;

describe('where e puts the focus', () => {
  const fields = [{ name: 'name', type: 'string' }, { name: 'issue_type', type: 'enum' }, { name: 'urgency', type: 'enum' }, { name: 'extra' }];

  it('the first enum field, not the first field', () => {
    expect(editTarget(fields, null)).toBe('issue_type');
  });
  it('the field last edited, when the form has it', () => {
    expect(editTarget(fields, 'urgency')).toBe('urgency');
    expect(editTarget(fields, 'name')).toBe('name');
    expect(editTarget(fields, 'gone')).toBe('issue_type');
  });
  it('the first field when there is no enum, nothing when there are no fields', () => {
    expect(editTarget([{ name: 'a', type: 'string' }], null)).toBe('a');
    expect(editTarget([], null)).toBeNull();
  });
  it('an edit names the fields it changed', () => {
    expect(editedFields({ a: 1, b: 'x' }, { a: 1, b: 'y' })).toEqual(['b']);
    expect(editedFields({ a: 1 }, { a: 1, c: null })).toEqual(['c']);
  });
});

describe('Review keys on the real backend', () => {
  it('e then 4 picks the fourth issue type; the name is untouched', async () => {
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    const name = (screen.getByTestId('field-input-name') as HTMLInputElement).value;
    await user.keyboard('e');
    expect(focused()).toBe('enum-picker-issue_type');
    await user.keyboard('4');
    expect(shown('issue_type')).toBe('feature_request');
    expect((screen.getByTestId('field-input-name') as HTMLInputElement).value).toBe(name);
    expect(screen.getByTestId('field-was-issue_type').textContent).toContain(DEMO.story.modelIssueType);
  });

  it('e remembers the field last edited, across messages', async () => {
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    await user.click(screen.getByTestId('enum-option-urgency-critical'));
    await user.click(screen.getByTestId('correction-reset'));
    // Another message: e goes to urgency, and 1 picks low.
    await openMessage(user, DEMO.chargeback.subject, 'chargeback');
    await screen.findByTestId('extraction-form');
    await user.keyboard('e');
    expect(focused()).toBe('enum-picker-urgency');
    await user.keyboard('1');
    expect(shown('urgency')).toBe('low');
    // Typing in a text box makes it the last edited; a digit typed there is the person's own character.
    await user.click(screen.getByTestId('correction-reset'));
    await user.type(screen.getByTestId('field-input-order_id'), 'A9');
    await user.click(screen.getByTestId('correction-reset'));
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('e');
    expect(focused()).toBe('field-input-order_id');
  });

  it('a accepts, the toast offers undo of that accept, and u takes back the newest', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.chargeback.subject, 'chargeback');
    await screen.findByTestId('extraction-form');
    const before = (await api.getMessage({ id })).message.status;
    await user.keyboard('a');
    await waitFor(() => expect(detailId()).not.toBe(id));
    const toast = (await screen.findAllByTestId('toast')).find((t) => t.textContent?.includes('Accepted — press U to undo'))!;
    expect(within(toast).getByTestId('toast-undo')).toBeTruthy();
    expect((await api.getMessage({ id })).message.status).toBe('accepted');
    // Accept another message too: the toast's Undo is for the first accept, u for the newest.
    await screen.findByTestId('extraction-form');
    const second = detailId()!;
    await user.keyboard('a');
    await waitFor(() => expect(api.callsOf('acceptExtraction')).toHaveLength(2));
    await user.click(within(toast).getByTestId('toast-undo'));
    await waitFor(() => expect(api.callsOf('undoReview')).toEqual([{ messageId: id }]));
    expect((await api.getMessage({ id: second })).message.status).toBe('accepted');
    // Back on the message, as it was before.
    await waitFor(() => expect(detailId()).toBe(id));
    expect((await api.getMessage({ id })).message.status).toBe(before);
    await waitFor(() => expect(within(rowWith(DEMO.chargeback.subject)).queryByText('Accepted')).toBeNull());
    expect((await screen.findAllByTestId('toast')).some((t) => t.textContent?.includes('undone'))).toBe(true);
    // The toast goes once its Undo is used.
    expect(toast.isConnected).toBe(false);
    // u takes back the newest: the second accept. Then nothing is left: u says so and calls nothing.
    await user.keyboard('u');
    await waitFor(() => expect(api.callsOf('undoReview')).toEqual([{ messageId: id }, { messageId: second }]));
    await waitFor(() => expect(detailId()).toBe(second));
    expect((await api.getMessage({ id: second })).message.status).not.toBe('accepted');
    await user.keyboard('u');
    expect((await screen.findAllByTestId('toast')).some((t) => t.textContent?.includes('Nothing to undo'))).toBe(true);
    expect(api.callsOf('undoReview')).toHaveLength(2);
  });

  it('Ctrl+Z undoes a correction: the precedent it made goes', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    const precedentsBefore = (await api.listPrecedents({})).length;
    await user.click(screen.getByTestId('enum-option-issue_type-account'));
    await user.type(screen.getByTestId('correction-rationale'), 'The current problem.{Control>}{Enter}{/Control}');
    await waitFor(() => expect(detailId()).not.toBe(id));
    expect((await api.listPrecedents({})).length).toBe(precedentsBefore + 1);
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(api.callsOf('undoReview')).toEqual([{ messageId: id }]));
    await waitFor(() => expect(detailId()).toBe(id));
    expect((await api.getMessage({ id })).message.status).not.toBe('corrected');
    expect((await api.listPrecedents({})).length).toBe(precedentsBefore);
  });

  it('u undoes a rule change made in this window: a rule switched off is switched on again', async () => {
    const { api, stores, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await waitFor(() => expect(stores.rulebook.getState().rulebook).not.toBeNull());
    await stores.rules.getState().setEnabled(DEMO.chargeback.ruleId, false);
    const off = (r: Rule[] | undefined) => r?.find((x) => x.id === DEMO.chargeback.ruleId)?.enabled;
    expect(off(stores.rulebook.getState().rulebook?.rules)).toBe(false);
    await user.keyboard('u');
    await waitFor(() => expect(api.callsOf('setRuleEnabled')).toEqual([{ id: DEMO.chargeback.ruleId, enabled: false }, { id: DEMO.chargeback.ruleId, enabled: true }]));
    await waitFor(() => expect(off(stores.rulebook.getState().rulebook?.rules)).toBe(true));
    // The undo itself is not a change to undo.
    expect(stores.review.getState().undoStack).toEqual([]);
  });

  it('u undoes a rule deleted in this window (restoreRule) and a rule edited (saveRule with the rule as it was)', async () => {
    const { api, stores, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await waitFor(() => expect(stores.rulebook.getState().rulebook).not.toBeNull());
    const rule = stores.rulebook.getState().rulebook!.rules.find((r) => r.id === DEMO.chargeback.ruleId)!;
    await stores.rules.getState().remove(rule.id);
    await user.keyboard('u');
    await waitFor(() => expect(api.callsOf('restoreRule')).toEqual([{ id: rule.id }]));
    await waitFor(() => expect(stores.rulebook.getState().rulebook!.rules.some((r) => r.id === rule.id)).toBe(true));
    const edited: Rule = { ...rule, rationale: `${rule.rationale} (edited)` };
    expect(await stores.rules.getState().save(edited)).not.toBeNull();
    await user.keyboard('u');
    await waitFor(() => expect(api.callsOf('saveRule').at(-1)).toEqual({ rule: expect.objectContaining({ id: rule.id }) }));
    await waitFor(() => expect(stores.rulebook.getState().rulebook!.rules.find((r) => r.id === rule.id)).toEqual(rule));
    expect(stores.review.getState().undoStack).toEqual([]);
  });
});
