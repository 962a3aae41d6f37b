// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../api/contract';
import { startBackend } from '../../test/backend';
import { openMessage, rowWith, rows } from '../../test/inbox';
import { startScriptedModel } from '../../test/model';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';

const detailId = () => screen.getByTestId('message-detail').getAttribute('data-message-id');

describe('Review and teach on the real backend', () => {
  it('highlights where rules matched, as <mark> around text, in the subject and the body', async () => {
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    // "Chargeback notice?" / "... there's a chargeback on ...": the demo's override matched both.
    await openMessage(user, DEMO.chargeback.subject, 'chargeback');
    const marks = screen.getAllByTestId('rule-span');
    expect(marks.map((m) => [m.tagName, m.textContent, m.getAttribute('data-rule-id')])).toEqual([
      ['MARK', 'Chargeback', DEMO.chargeback.ruleId],
      ['MARK', 'chargeback', DEMO.chargeback.ruleId],
    ]);
    expect(within(screen.getByTestId('message-subject')).getByTestId('rule-span')).toBeTruthy();
    expect(screen.getByTestId('message-body').textContent).toMatch(/^Hi, I got an email saying there's a chargeback on a \$420 wedding flowers order/);
  });

  it('accepts with a, and the next message opens', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const ids = rows().map((r) => r.getAttribute('data-message-id'));
    // The second row: the newest is not extracted yet.
    await user.click(rows()[1]!);
    await waitFor(() => expect(detailId()).toBe(ids[1]));
    await screen.findByTestId('extraction-form');
    await user.keyboard('a');
    await waitFor(() => expect(detailId()).toBe(ids[2]));
    expect(api.callsOf('acceptExtraction')).toEqual([{ messageId: ids[1] }]);
    const row = rows().find((r) => r.getAttribute('data-message-id') === ids[1])!;
    expect(within(row).getByText('Accepted')).toBeTruthy();
  });

  it('refuses to accept an output the schema refuses, saying why, and stays on the message', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.lena.subject, 'Lena Vogel');
    await screen.findByTestId('extraction-form');
    await user.keyboard('a');
    expect((await screen.findByTestId('review-error')).textContent).toContain('does not fit the schema');
    expect(api.callsOf('acceptExtraction')).toEqual([{ messageId: id }]);
    expect(detailId()).toBe(id);
    expect(within(rowWith(DEMO.lena.subject)).queryByText('Accepted')).toBeNull();
  });

  it('e focuses the first choice field; a correction with a rationale becomes a precedent in the Precedents screen', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    await user.keyboard('e');
    // Not the name's text box (a digit typed next would go into the name): the first enum field.
    await waitFor(() => expect(document.activeElement?.getAttribute('data-testid')).toBe('enum-picker-issue_type'));
    await user.click(screen.getByTestId('enum-option-issue_type-account'));
    expect(screen.getByTestId('review-accept').hasAttribute('disabled')).toBe(true);
    await user.type(screen.getByTestId('correction-rationale'), 'The current problem, not history.');
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(detailId()).not.toBe(id));
    expect(api.callsOf('correctExtraction')).toEqual([{ messageId: id, output: expect.objectContaining({ issue_type: 'account' }), rationale: 'The current problem, not history.' }]);
    expect((await screen.findAllByTestId('toast'))[0]!.textContent).toContain('saved as precedent');

    await user.keyboard('gp');
    const precedentRows = await screen.findAllByTestId('precedent-row');
    const row = precedentRows.find((r) => r.textContent?.includes('The current problem, not history.') && r.textContent.includes(DEMO.story.text))!;
    expect(row.textContent).toContain('issue_type: account');
    // It links to its message.
    await user.click(within(row).getByTestId('precedent-open-message'));
    await waitFor(() => expect(detailId()).toBe(id));
    expect(screen.getByTestId('nav-inbox').getAttribute('aria-current')).toBe('page');
  });

  it('a second correction of a message replaces its precedent', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.story.subject, 'locked out');
    await user.click(await screen.findByTestId('enum-option-issue_type-account'));
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(detailId()).not.toBe(id));
    await openMessage(user, DEMO.story.subject);
    await user.click(await screen.findByTestId('enum-option-urgency-high'));
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(detailId()).not.toBe(id));
    const [first, second] = api.callsOf('correctExtraction');
    expect([first?.messageId, second?.messageId]).toEqual([id, id]);
    const mine = (await api.listPrecedents({})).filter((p) => p.messageId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.output).toMatchObject({ issue_type: 'account', urgency: 'high' });
  });

  it('promotes a correction to an override pre-filled from the selection; the impact preview lists the other message', async () => {
    const backend = await startBackend();
    const { api, user } = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    const other = (await backend.handlers.listMessages({ search: DEMO.alsoLockedOut.subject, limit: 5, sort: 'received_desc' })).items.find((m) => m.subject === DEMO.alsoLockedOut.subject)!;
    expect(other.output?.issue_type).toBe('billing');
    const id = await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    await user.click(screen.getByTestId('enum-option-issue_type-account'));
    await user.type(screen.getByTestId('correction-rationale'), 'A lock-out is an account problem.');
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(detailId()).not.toBe(id));
    const precedentId = (await api.listPrecedents({})).find((p) => p.messageId === id)!.id;

    // Back to it, select "locked out" in the body, and press p.
    await openMessage(user, DEMO.story.subject);
    const body = screen.getByTestId('message-body');
    const textNode = body.firstChild!;
    const start = DEMO.story.text.indexOf('locked out');
    act(() => document.getSelection()!.setBaseAndExtent(textNode, start, textNode, start + 'locked out'.length));
    await user.keyboard('p');
    const dialog = await screen.findByTestId('promote-dialog');
    expect(within(dialog).getAllByTestId('phrase-chip').map((c) => c.textContent?.replace('×', '').trim())).toEqual(['locked out']);
    expect((within(dialog).getByTestId('set-field-issue_type') as HTMLInputElement).checked).toBe(true);
    expect(within(dialog).getByTestId('enum-option-set-issue_type-account').getAttribute('aria-checked')).toBe('true');
    expect((within(dialog).getByTestId('promote-rationale') as HTMLTextAreaElement).value).toBe('A lock-out is an account problem.');
    expect(within(dialog).getByTestId('promote-save').hasAttribute('disabled')).toBe(true);

    // The backend's impact preview: of the messages that say "locked out", only the other one changes.
    await user.click(within(dialog).getByTestId('promote-preview'));
    const impact = await within(dialog).findAllByTestId('impact-row');
    expect(impact.map((r) => [r.getAttribute('data-message-id'), r.getAttribute('data-field'), r.querySelector('.impact-from')?.textContent, r.querySelector('.impact-to')?.textContent])).toEqual([
      [other.id, 'issue_type', 'billing', 'account'],
    ]);
    await user.click(within(dialog).getByTestId('promote-save'));
    await waitFor(() => expect(screen.queryByTestId('promote-dialog')).toBeNull());
    const saved = api.callsOf('saveRule')[0]!.rule as Extract<Rule, { kind: 'override' }>;
    expect(saved).toMatchObject({ kind: 'override', when: { kind: 'contains_any', phrases: ['locked out'] }, set: { issue_type: 'account' }, provenance: { precedentIds: [precedentId] } });

    // "Re-run them", with the model that filed it under billing: the rule now makes it account, and
    // its why panel names the rule.
    await startScriptedModel(backend);
    const toast = screen.getAllByTestId('toast').find((t) => t.textContent?.startsWith('Rule '))!;
    await user.click(within(toast).getByTestId('toast-action'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(api.callsOf('startRun').at(-1)).toEqual({ selection: { ids: [other.id] } });
    expect((await api.getMessage({ id: other.id })).extraction).toMatchObject({
      output: { issue_type: 'account' },
      trace: { provider: { name: 'openai' }, rulesFired: [{ ruleId: saved.id, changed: [{ field: 'issue_type', from: 'billing', to: 'account' }] }] },
    });
    await openMessage(user, DEMO.alsoLockedOut.subject, 'back office');
    await waitFor(() => expect(within(screen.getByTestId('why-panel')).getByTestId('why-rules').textContent).toContain(saved.id));
    expect(screen.getByTestId('why-rules').textContent).toMatch(/issue_type: billing → account/);
    expect(screen.getAllByTestId('rule-span').map((m) => m.textContent)).toContain('locked out');
  });

  it('deletes a rule and Undo restores it', async () => {
    const { api, backend, user } = await renderApp({ screen: 'rules' });
    const ruleRows = await screen.findAllByTestId('rule-row');
    const alias = ruleRows.find((r) => r.getAttribute('data-rule-id') === 'rule-demo-blocking-critical')!;
    expect(within(alias).getByTestId('rule-provenance').textContent).toContain('Jonas Weber (analyst)');
    await user.click(within(alias).getByTestId('rule-delete'));
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((r) => r.getAttribute('data-rule-id'))).not.toContain('rule-demo-blocking-critical'));
    expect((await backend.handlers.getRulebook({})).rules.map((r) => r.id)).not.toContain('rule-demo-blocking-critical');
    await user.click(await screen.findByTestId('toast-undo'));
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((r) => r.getAttribute('data-rule-id'))).toContain('rule-demo-blocking-critical'));
    expect(api.callsOf('restoreRule')).toEqual([{ id: 'rule-demo-blocking-critical' }]);
    expect((await backend.handlers.getRulebook({})).rules.map((r) => r.id)).toContain('rule-demo-blocking-critical');
  });

  it('edits a rule: disable it and add a phrase; search filters the list', async () => {
    const { backend, user } = await renderApp({ screen: 'rules' });
    const rule = async (id: string) => (await backend.handlers.getRulebook({})).rules.find((r) => r.id === id);
    const alias = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === 'rule-demo-blocking-critical')!;
    await user.click(within(alias).getByTestId('rule-toggle'));
    await waitFor(async () => expect((await rule('rule-demo-blocking-critical'))?.enabled).toBe(false));
    const chargeback = screen.getAllByTestId('rule-row').find((r) => r.getAttribute('data-rule-id') === DEMO.chargeback.ruleId)!;
    await user.click(within(chargeback).getByTestId('rule-edit'));
    const editor = await screen.findByTestId('rule-editor');
    await user.type(within(editor).getByTestId('phrase-input'), 'disputed payment{Enter}');
    await user.click(within(editor).getByTestId('rule-save'));
    await waitFor(() => expect(screen.queryByTestId('rule-editor')).toBeNull());
    expect(await rule(DEMO.chargeback.ruleId)).toMatchObject({ when: { phrases: ['chargeback', 'charge back', 'charge-back', 'contracargo', 'Rückbuchung', 'rétrofacturation', 'disputed payment'] } });
    await user.type(screen.getByTestId('rule-search'), 'blocking');
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((r) => r.getAttribute('data-rule-id'))).toEqual(['rule-demo-blocking-critical']));
  });

  it('opens a precedent from the why panel, and r re-runs the open message', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const id = await openMessage(user, DEMO.story.subject, 'locked out');
    await user.keyboard('r');
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe('1');
    expect(api.callsOf('startRun')).toEqual([{ selection: { ids: [id] } }]);
    // Re-run by the embedded provider: the why panel follows the new trace.
    await waitFor(() => expect(within(screen.getByTestId('why-panel')).getByTestId('why-provider').textContent).toBe('embedded'));
    const shown = (await api.getMessage({ id })).extraction!.trace.precedents[0]!.id;
    await user.click(within(screen.getByTestId('why-precedents')).getAllByTestId('why-precedent-open')[0]!);
    await screen.findByTestId('precedents-screen');
    const focused = await waitFor(() => screen.getAllByTestId('precedent-row').find((r) => r.className.includes('is-focused'))!);
    expect(focused.getAttribute('data-precedent-id')).toBe(shown);
  });
});
