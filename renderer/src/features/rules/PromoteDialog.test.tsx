// @vitest-environment jsdom
// Promote to rule and edit a rule, over the real backend: the condition starts from phrases that set
// the message apart (never a chat template's subject or a name), Set holds the one field promoted,
// the dialog starts from what the workspace stores (so a reload loses nothing), and a saved rule's
// edit shows its impact and can change what it sets.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../api/contract';
import { startBackend } from '../../test/backend';
import { openMessage } from '../../test/inbox';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';

const chips = (dialog: HTMLElement) => within(dialog).queryAllByTestId('phrase-chip').map((c) => c.textContent?.replace('×', '').trim() ?? '');
const ticked = (dialog: HTMLElement) =>
  within(dialog)
    .getAllByTestId('set-row')
    .filter((r) => r.getAttribute('data-on') === 'true')
    .map((r) => r.getAttribute('data-field'));

describe('Promote to rule', () => {
  it('a chat transcript: the condition starts from its words, not its subject or the name; Set holds issue_type alone', async () => {
    const backend = await startBackend();
    const { api, user } = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, 'Chat with Tidewell', 'export last months sales');
    const detail = await api.getMessage({ id });
    expect(detail.message.subject).toBe('Chat with Tidewell');
    await screen.findByTestId('extraction-form');
    await user.click(screen.getByTestId('review-promote'));
    const dialog = await screen.findByTestId('promote-dialog');
    await waitFor(() => expect(chips(dialog)).toHaveLength(1));
    const sender = (detail.message.sender ?? '').replace(/<.*>/, '').toLowerCase().split(/\s+/).filter(Boolean);
    for (const phrase of [...chips(dialog), ...within(dialog).queryAllByTestId('phrase-suggestion').map((s) => s.textContent ?? '')]) {
      expect(phrase.toLowerCase()).not.toMatch(/chat|tidewell/);
      for (const part of sender) expect(phrase.toLowerCase().split(/\s+/)).not.toContain(part);
    }
    expect(api.callsOf('suggestPhrases')).toEqual([{ messageId: id, field: 'issue_type', limit: 12 }]);
    expect(ticked(dialog)).toEqual(['issue_type']);
    expect((within(dialog).getByTestId('promote-field') as HTMLSelectElement).value).toBe('issue_type');

    // Another field: its phrases are asked for, and Set follows.
    await user.selectOptions(within(dialog).getByTestId('promote-field'), 'urgency');
    await waitFor(() => expect(api.callsOf('suggestPhrases').at(-1)).toEqual({ messageId: id, field: 'urgency', limit: 12 }));
    expect(ticked(dialog)).toEqual(['urgency']);
  });

  it('a correction of two fields promoted for issue_type sets issue_type only, unless the other is ticked', async () => {
    const backend = await startBackend();
    const { api, user } = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    const before = (await api.getMessage({ id })).extraction!.output;
    const sentiment = before.sentiment === 'positive' ? 'negative' : 'positive';
    await user.click(screen.getByTestId('enum-option-issue_type-account'));
    await user.click(screen.getByTestId(`enum-option-sentiment-${sentiment}`));
    await user.click(screen.getByTestId('correction-save'));
    const toast = await waitFor(() => screen.getAllByTestId('toast').find((t) => t.textContent?.startsWith('Correction saved'))!);
    await user.click(within(toast).getByTestId('toast-action'));
    const dialog = await screen.findByTestId('promote-dialog');
    expect(ticked(dialog)).toEqual(['issue_type']);
    const sentimentRow = within(dialog).getAllByTestId('set-row').find((r) => r.getAttribute('data-field') === 'sentiment')!;
    expect(sentimentRow.textContent).toContain('also changed by the correction');
    await waitFor(() => expect(chips(dialog).length).toBeGreaterThan(0));

    await user.click(within(dialog).getByTestId('promote-preview'));
    await within(dialog).findByTestId('impact-summary');
    await waitFor(() => expect(within(dialog).getByTestId('promote-save').hasAttribute('disabled')).toBe(false));
    const rows = within(dialog).queryAllByTestId('impact-row');
    expect(rows.every((r) => r.getAttribute('data-field') === 'issue_type')).toBe(true);

    // Ticking sentiment adds it, and the preview runs again on its own.
    const previews = api.callsOf('previewRule').length;
    await user.click(within(dialog).getByTestId('set-field-sentiment'));
    expect(ticked(dialog)).toEqual(['issue_type', 'sentiment']);
    await waitFor(() => expect(api.callsOf('previewRule').length).toBeGreaterThan(previews));
    await user.click(within(dialog).getByTestId('set-field-sentiment'));
    await waitFor(() => expect(within(dialog).getByTestId('promote-save').hasAttribute('disabled')).toBe(false));
    await user.click(within(dialog).getByTestId('promote-save'));
    await waitFor(() => expect(screen.queryByTestId('promote-dialog')).toBeNull());
    const saved = api.callsOf('saveRule')[0]!.rule as Extract<Rule, { kind: 'override' }>;
    expect(saved.set).toEqual({ issue_type: 'account' });
  });

  it('after a reload, Set still holds what the correction changed, and the precedent is named', async () => {
    const backend = await startBackend();
    const first = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(first.user, DEMO.story.subject, 'locked out');
    const record = (await first.api.getMessage({ id })).extraction!.output;
    const urgency = record.urgency === 'low' ? 'critical' : 'low';
    const { precedent } = await first.api.correctExtraction({ messageId: id, output: { ...record, urgency }, rationale: 'Blocked at opening time.' });
    // A reload: the window's memory is gone; the workspace is as it was.
    cleanup();
    const { api, user } = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    await user.click(screen.getByTestId('review-promote'));
    const dialog = await screen.findByTestId('promote-dialog');
    await waitFor(() => expect(ticked(dialog)).toEqual(['urgency']));
    expect(within(dialog).getByTestId(`enum-option-set-urgency-${urgency}`).getAttribute('aria-checked')).toBe('true');
    await waitFor(() => expect(dialog.textContent).toContain(precedent.id));
    expect((within(dialog).getByTestId('promote-rationale') as HTMLTextAreaElement).value).toBe('Blocked at opening time.');
    await waitFor(() => expect(api.callsOf('suggestPhrases').at(-1)).toMatchObject({ field: 'urgency' }));
  });
});

describe('Editing a saved rule', () => {
  it('shows its impact as a new rule does, and can change what an override sets', async () => {
    const { api, backend, user } = await renderApp({ screen: 'rules' });
    const row = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === DEMO.chargeback.ruleId)!;
    await user.click(within(row).getByTestId('rule-edit'));
    const editor = await screen.findByTestId('rule-editor');
    await within(editor).findByTestId('impact-summary');
    expect(api.callsOf('previewRule')).toHaveLength(1);
    const rule = (await backend.handlers.getRulebook({})).rules.find((r) => r.id === DEMO.chargeback.ruleId) as Extract<Rule, { kind: 'override' }>;
    expect(Object.keys(rule.set).sort()).toEqual(['issue_type', 'urgency']);
    // Urgency: critical instead; sentiment: ticked, negative.
    await user.click(within(editor).getByTestId('enum-option-set-urgency-critical'));
    await user.click(within(editor).getByTestId('set-field-sentiment'));
    await user.click(within(editor).getByTestId('enum-option-set-sentiment-negative'));
    await waitFor(() => expect(api.callsOf('previewRule').at(-1)?.rule).toMatchObject({ set: { urgency: 'critical', sentiment: 'negative' } }));
    await waitFor(() => expect(within(editor).getByTestId('rule-editor-impact').getAttribute('data-state')).toBe('current'));
    const rows = within(editor).queryAllByTestId('impact-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.getAttribute('data-field') === 'urgency' && r.querySelector('.impact-to')?.textContent === 'critical')).toBe(true);
    await user.click(within(editor).getByTestId('rule-save'));
    await waitFor(() => expect(screen.queryByTestId('rule-editor')).toBeNull());
    const saved = (await backend.handlers.getRulebook({})).rules.find((r) => r.id === DEMO.chargeback.ruleId) as Extract<Rule, { kind: 'override' }>;
    expect(saved.set).toEqual({ ...rule.set, urgency: 'critical', sentiment: 'negative' });
  });
});
