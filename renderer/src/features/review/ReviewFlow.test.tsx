// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ExtractionRecord, RuleFiring } from '../../api/contract';
import { createMockApi } from '../../api/mock';
import { demoData } from '../../api/mockData';
import { renderApp } from '../../test/render';

const JO = "It's me again. Still locked out. Billing said it wasn't them.";

/** The demo workspace plus a second lock-out that came back as billing. */
function workspace() {
  const data = demoData();
  const jo = data.messages.find((m) => m.text === JO)!;
  const other = { ...jo, id: 'msg-other', subject: 'Locked out of the dashboard', text: 'I am locked out since this morning.', receivedAt: '2026-03-01T07:00:00.000Z', status: 'extracted' as const };
  data.messages.push(other);
  const base = data.extractions.get(jo.id)!;
  data.extractions.set(other.id, { ...structuredClone(base), id: 'ext-other', messageId: other.id, output: { ...base.output, is_repeat_contact: false }, trace: { ...structuredClone(base.trace), rulesFired: [] } });
  return { data, jo, other };
}

async function openMessage(user: ReturnType<typeof renderApp>['user'], text: string) {
  const row = (await screen.findAllByTestId('inbox-row')).find((r) => r.textContent?.includes(text))!;
  await user.click(row);
  await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(row.getAttribute('data-message-id')));
  return row.getAttribute('data-message-id')!;
}

describe('Review and teach on the mock', () => {
  it('highlights where rules matched, as <mark> around text, in the subject and the body', async () => {
    const { data, jo } = workspace();
    // "Still locked out\n\nIt's me again. Still locked out. ..." : the phrase in the subject and in the body.
    const ruleText = `${jo.subject}\n\n${jo.text}`;
    const at = (from: number) => ruleText.indexOf('locked out', from);
    const firing: RuleFiring = { ruleId: 'rule-locked-out', kind: 'override', changed: [], spans: [{ start: at(0), end: at(0) + 10 }, { start: at(20), end: at(20) + 10 }] };
    const ext = data.extractions.get(jo.id) as ExtractionRecord;
    ext.trace.rulesFired = [firing];
    const { user } = renderApp({ api: createMockApi(data) });
    await openMessage(user, 'Still locked out');
    const marks = screen.getAllByTestId('rule-span');
    expect(marks.map((m) => [m.tagName, m.textContent, m.getAttribute('data-rule-id')])).toEqual([
      ['MARK', 'locked out', 'rule-locked-out'],
      ['MARK', 'locked out', 'rule-locked-out'],
    ]);
    expect(within(screen.getByTestId('message-subject')).getByTestId('rule-span')).toBeTruthy();
    expect(screen.getByTestId('message-body').textContent).toBe(JO);
  });

  it('accepts with a, and the next message opens', async () => {
    const { api, user } = renderApp();
    const ids = (await screen.findAllByTestId('inbox-row')).map((r) => r.getAttribute('data-message-id'));
    const id = await openMessage(user, 'Mallory');
    await screen.findByTestId('extraction-form');
    await user.keyboard('a');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[ids.indexOf(id) + 1]));
    expect(api.calls.find((c) => c.method === 'acceptExtraction')?.args).toEqual({ messageId: id });
    const row = screen.getAllByTestId('inbox-row').find((r) => r.getAttribute('data-message-id') === id)!;
    expect(within(row).getByText('Accepted')).toBeTruthy();
  });

  it('e focuses the form; a correction with a rationale becomes a precedent in the Precedents screen', async () => {
    const { api, user } = renderApp();
    const id = await openMessage(user, 'Still locked out');
    await screen.findByTestId('extraction-form');
    await user.keyboard('e');
    await waitFor(() => expect(document.activeElement?.getAttribute('data-testid')).toBe('field-input-name'));
    await user.click(screen.getByTestId('enum-option-issue_type-account'));
    expect(screen.getByTestId('review-accept').hasAttribute('disabled')).toBe(true);
    await user.type(screen.getByTestId('correction-rationale'), 'Prioritize the current problem over historical mentions.');
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).not.toBe(id));
    expect(api.calls.find((c) => c.method === 'correctExtraction')?.args).toMatchObject({ messageId: id, output: { issue_type: 'account' }, rationale: 'Prioritize the current problem over historical mentions.' });
    expect((await screen.findAllByTestId('toast'))[0]!.textContent).toContain('saved as precedent');

    await user.keyboard('gp');
    const rows = await screen.findAllByTestId('precedent-row');
    const row = rows.find((r) => r.textContent?.includes('Prioritize the current problem over historical mentions.') && r.textContent.includes('Still locked out'))!;
    expect(row.textContent).toContain('issue_type: account');
    // It links to its message.
    await user.click(within(row).getByTestId('precedent-open-message'));
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(id));
    expect(screen.getByTestId('nav-inbox').getAttribute('aria-current')).toBe('page');
  });

  it('promotes a correction to an override pre-filled from the selection; the impact preview lists the other message', async () => {
    const { data, other } = workspace();
    const api = createMockApi(data);
    const { user } = renderApp({ api });
    const id = await openMessage(user, "It's me again");
    await screen.findByTestId('extraction-form');
    await user.click(screen.getByTestId('enum-option-issue_type-account'));
    await user.type(screen.getByTestId('correction-rationale'), 'A lock-out is an account problem.');
    await user.click(screen.getByTestId('correction-save'));
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).not.toBe(id));
    const precedentId = api.state.precedents.at(-1)!.id;

    // Back to it, select "locked out" in the body, and press p.
    await openMessage(user, "It's me again");
    const body = screen.getByTestId('message-body');
    const textNode = body.firstChild!;
    const start = JO.indexOf('locked out');
    act(() => document.getSelection()!.setBaseAndExtent(textNode, start, textNode, start + 'locked out'.length));
    await user.keyboard('p');
    const dialog = await screen.findByTestId('promote-dialog');
    expect(within(dialog).getAllByTestId('phrase-chip').map((c) => c.textContent?.replace('×', '').trim())).toEqual(['locked out']);
    expect((within(dialog).getByTestId('set-field-issue_type') as HTMLInputElement).checked).toBe(true);
    expect(within(dialog).getByTestId('enum-option-set-issue_type-account').getAttribute('aria-checked')).toBe('true');
    expect((within(dialog).getByTestId('promote-rationale') as HTMLTextAreaElement).value).toBe('A lock-out is an account problem.');
    expect(within(dialog).getByTestId('promote-save').hasAttribute('disabled')).toBe(true);

    await user.click(within(dialog).getByTestId('promote-preview'));
    const rows = await within(dialog).findAllByTestId('impact-row');
    expect(rows.map((r) => [r.getAttribute('data-message-id'), r.getAttribute('data-field'), r.querySelector('.impact-from')?.textContent, r.querySelector('.impact-to')?.textContent])).toEqual([
      [other.id, 'issue_type', 'billing', 'account'],
    ]);
    await user.click(within(dialog).getByTestId('promote-save'));
    await waitFor(() => expect(screen.queryByTestId('promote-dialog')).toBeNull());
    const saved = api.calls.find((c) => c.method === 'saveRule')?.args as { rule: { kind: string; when: unknown; set: unknown; provenance: { precedentIds: string[] } } };
    expect(saved.rule).toMatchObject({ kind: 'override', when: { kind: 'contains_any', phrases: ['locked out'] }, set: { issue_type: 'account' }, provenance: { precedentIds: [precedentId] } });

    // "Re-run them": the other message now carries the corrected value, and the rule is in its why panel.
    const toast = screen.getAllByTestId('toast').find((t) => t.textContent?.startsWith('Rule '))!;
    await user.click(within(toast).getByTestId('toast-action'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(api.data.extractions.get(other.id)?.output.issue_type).toBe('account');
    await openMessage(user, 'Locked out of the dashboard');
    await waitFor(() => expect(within(screen.getByTestId('why-panel')).getByTestId('why-rules').textContent).toContain(saved.rule.kind));
    expect(screen.getAllByTestId('rule-span').map((m) => m.textContent)).toContain('locked out');
  });

  it('deletes a rule and Undo restores it', async () => {
    const { api, user } = renderApp({ screen: 'rules' });
    const rows = await screen.findAllByTestId('rule-row');
    const asap = rows.find((r) => r.getAttribute('data-rule-id') === 'rule-asap')!;
    expect(within(asap).getByTestId('rule-provenance').textContent).toContain('sam');
    await user.click(within(asap).getByTestId('rule-delete'));
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((r) => r.getAttribute('data-rule-id'))).not.toContain('rule-asap'));
    expect(api.data.rulebook.rules.map((r) => r.id)).not.toContain('rule-asap');
    await user.click(await screen.findByTestId('toast-undo'));
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((r) => r.getAttribute('data-rule-id'))).toContain('rule-asap'));
    expect(api.calls.map((c) => c.method)).toContain('restoreRule');
  });

  it('edits a rule: enable it and change its rationale; search filters the list', async () => {
    const { api, user } = renderApp({ screen: 'rules' });
    const asap = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === 'rule-asap')!;
    await user.click(within(asap).getByTestId('rule-toggle'));
    await waitFor(() => expect(api.data.rulebook.rules.find((r) => r.id === 'rule-asap')?.enabled).toBe(true));
    const locked = screen.getAllByTestId('rule-row').find((r) => r.getAttribute('data-rule-id') === 'rule-locked-out')!;
    await user.click(within(locked).getByTestId('rule-edit'));
    const editor = await screen.findByTestId('rule-editor');
    await user.type(within(editor).getByTestId('phrase-input'), 'cannot log in{Enter}');
    await user.click(within(editor).getByTestId('rule-save'));
    await waitFor(() => expect(screen.queryByTestId('rule-editor')).toBeNull());
    expect(api.data.rulebook.rules.find((r) => r.id === 'rule-locked-out')).toMatchObject({ when: { phrases: ['locked out', 'cannot log in'] } });
    await user.type(screen.getByTestId('rule-search'), 'ASAP');
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((r) => r.getAttribute('data-rule-id'))).toEqual(['rule-asap']));
  });

  it('opens a precedent from the why panel, and r re-runs the open message', async () => {
    const { api, user } = renderApp();
    const id = await openMessage(user, 'Still locked out');
    await user.keyboard('r');
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe('1');
    expect(api.calls.find((c) => c.method === 'startRun')?.args).toEqual({ selection: { ids: [id] } });
    await user.click(within(screen.getByTestId('why-precedents')).getAllByTestId('why-precedent-open')[0]!);
    const row = await screen.findByTestId('precedent-row');
    expect(row.getAttribute('data-precedent-id')).toBe('p-1');
    expect(row.className).toContain('is-focused');
  });
});
