// @vitest-environment jsdom
// The Fields and History tabs over the real backend: every change opens its impact preview before it
// is saved; a refused change says why beside its field; removals need the box ticked; fields move by
// button or Alt+arrow; History undoes the newest change; the inbox marks what went stale.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/render';

async function openFields() {
  const app = await renderApp({ screen: 'rulebook' });
  await app.user.click(await screen.findByTestId('tab-fields'));
  await screen.findByTestId('schema-editor');
  return app;
}

const card = (name: string) => screen.getAllByTestId('schema-field-card').find((c) => c.dataset.field === name)!;
const fieldOrder = () => screen.getAllByTestId('schema-field-card').map((c) => c.dataset.field);

describe('Rulebook › Fields', () => {
  it('renames an enum value: the preview counts the precedents and the rule, Save carries it through', async () => {
    const { api, backend, user } = await openFields();
    const before = await backend.handlers.getRulebook({});
    const usingHigh = before.precedents.filter((p) => p.output.urgency === 'high').length;
    await user.click(within(card('urgency')).getByTestId('field-edit'));
    const high = within(card('urgency'))
      .getAllByTestId('enum-value')
      .find((v) => v.dataset.value === 'high')!;
    await user.click(within(high).getByTestId('value-edit'));
    const input = within(high).getByTestId('value-rename-input');
    await user.clear(input);
    await user.type(input, 'urgent');
    await user.click(within(high).getByTestId('value-rename'));

    const dialog = await screen.findByTestId('schema-impact');
    expect(within(dialog).getByTestId('impact-precedent-count').textContent).toBe(`${usingHigh} precedents`);
    expect(within(dialog).getByTestId('impact-rule-count').textContent).toBe('1 rule');
    expect(within(dialog).getAllByTestId('impact-rule').map((r) => r.dataset.ruleId)).toEqual(['rule-demo-chargeback']);
    expect(within(dialog).getByTestId('impact-aliases').textContent).toContain('value "high" → "urgent" (urgency)');
    expect(api.callsOf('applySchemaChange')).toEqual([]);

    await user.click(within(dialog).getByTestId('schema-save'));
    await waitFor(() => expect(screen.queryByTestId('schema-impact')).toBeNull());
    expect(api.callsOf('applySchemaChange')).toEqual([{ change: { op: 'rename_value', field: 'urgency', value: 'high', to: 'urgent' }, confirm: false }]);
    const after = await backend.handlers.getRulebook({});
    expect(after.precedents.filter((p) => p.output.urgency === 'urgent')).toHaveLength(usingHigh);
    expect(after.rules.find((r) => r.id === 'rule-demo-chargeback')).toMatchObject({ set: { urgency: 'urgent' } });
    await waitFor(() => expect(within(card('urgency')).getAllByTestId('enum-value').map((v) => v.dataset.value)).toContain('urgent'));
  });

  it('shows why a change is refused beside the field, and saves nothing', async () => {
    const { api, user } = await openFields();
    await user.click(within(card('urgency')).getByTestId('field-edit'));
    const low = within(card('urgency'))
      .getAllByTestId('enum-value')
      .find((v) => v.dataset.value === 'low')!;
    await user.click(within(low).getByTestId('value-edit'));
    await user.clear(within(low).getByTestId('value-rename-input'));
    await user.type(within(low).getByTestId('value-rename-input'), 'Critical');
    await user.click(within(low).getByTestId('value-rename'));
    const problem = await within(card('urgency')).findByTestId('schema-problem');
    expect(problem.textContent).toBe('"Critical" is already the value "critical" of "urgency"');
    expect(problem.dataset.path).toBe('change.to');
    expect(screen.queryByTestId('schema-impact')).toBeNull();
    expect(api.callsOf('applySchemaChange')).toEqual([]);
  });

  it('a removal needs the box ticked; the rules naming the field are set aside, not deleted', async () => {
    const { backend, user } = await openFields();
    await user.click(within(card('urgency')).getByTestId('field-remove'));
    const dialog = await screen.findByTestId('schema-impact');
    expect(within(dialog).getAllByTestId('impact-rule').map((r) => [r.dataset.ruleId, r.dataset.action])).toEqual([
      ['rule-demo-chargeback', 'disabled'],
      ['rule-demo-blocking-critical', 'disabled'],
    ]);
    const save = within(dialog).getByTestId('schema-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.click(within(dialog).getByTestId('schema-confirm'));
    await user.click(save);
    await waitFor(() => expect(fieldOrder()).not.toContain('urgency'));
    expect((await backend.handlers.listRules({ includeDeleted: false })).find((r) => r.rule.id === 'rule-demo-chargeback')).toMatchObject({ deletedAt: null, rule: { enabled: false } });
    // The extractions made before are stale now, with the one action that re-runs them.
    expect((await screen.findByTestId('schema-stale-count')).textContent).toBe(String((await backend.handlers.listMessages({ stale: true, limit: 1, sort: 'received_desc' })).total));
  });

  it('moves a field with the buttons and with Alt+arrow on the field, each through the preview', async () => {
    const { user } = await openFields();
    const start = fieldOrder();
    await user.click(within(card(start[0]!)).getByTestId('field-move-down'));
    await user.click(within(await screen.findByTestId('schema-impact')).getByTestId('schema-save'));
    await waitFor(() => expect(fieldOrder().slice(0, 2)).toEqual([start[1], start[0]]));

    card(start[2]!).focus();
    await user.keyboard('{Alt>}{ArrowUp}{/Alt}');
    expect(within(await screen.findByTestId('schema-impact')).getByTestId('impact-stale-count').textContent).toMatch(/^0 extractions/);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fieldOrder().slice(0, 3)).toEqual([start[1], start[2], start[0]]));
  });

  it('adds a field; a name the runtime refuses is explained beside the form', async () => {
    const { user, backend } = await openFields();
    await user.click(screen.getByTestId('add-field'));
    await user.type(screen.getByTestId('new-field-name'), 'order_id');
    await user.click(screen.getByTestId('add-field-submit'));
    expect((await within(screen.getByTestId('add-field-form')).findByTestId('schema-problem')).textContent).toBe('"order_id" is already the field "order_id"');

    await user.clear(screen.getByTestId('new-field-name'));
    await user.type(screen.getByTestId('new-field-name'), 'channel');
    await user.selectOptions(screen.getByTestId('new-field-type'), 'enum');
    await user.type(screen.getByTestId('new-field-values'), 'email, chat, phone');
    await user.click(screen.getByTestId('add-field-submit'));
    await user.click(within(await screen.findByTestId('schema-impact')).getByTestId('schema-save'));
    await waitFor(() => expect(fieldOrder()).toContain('channel'));
    expect((await backend.handlers.getRulebook({})).schema.fields.at(-1)).toEqual({ name: 'channel', type: 'enum', nullable: true, values: [{ value: 'email' }, { value: 'chat' }, { value: 'phone' }] });
  });
});

describe('Rulebook › History', () => {
  it('lists the change with Undo on the newest; Undo gives the draft back', async () => {
    const { user, backend } = await openFields();
    const before = await backend.handlers.getRulebook({});
    await user.click(within(card('sentiment')).getByTestId('field-edit'));
    const input = within(card('sentiment')).getByTestId('field-rename-input');
    await user.clear(input);
    await user.type(input, 'tone_of_voice');
    await user.click(within(card('sentiment')).getByTestId('field-rename'));
    await user.click(within(await screen.findByTestId('schema-impact')).getByTestId('schema-save'));
    await waitFor(() => expect(fieldOrder()).toContain('tone_of_voice'));

    await user.click(screen.getByTestId('tab-history'));
    const entries = await screen.findAllByTestId('history-entry');
    expect(entries).toHaveLength(1);
    expect(within(entries[0]!).getByTestId('history-summary').textContent).toMatch(/^Rename the field "sentiment" to "tone_of_voice": \d+ precedents/);
    await user.click(within(entries[0]!).getByTestId('history-undo'));
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(2));
    expect(screen.queryByTestId('history-undo')).toBeNull();
    expect(within(screen.getAllByTestId('history-entry')[1]!).getByTestId('history-undone')).toBeTruthy();
    expect(await backend.handlers.getRulebook({})).toEqual(before);
  });
});

describe('Inbox › stale extractions', () => {
  it('marks them in the list and the detail (shown as they were), and filters them', async () => {
    const { user, backend } = await renderApp({ screen: 'inbox' });
    await screen.findAllByTestId('inbox-row');
    expect(screen.queryByTestId('stale-badge')).toBeNull();
    await backend.handlers.applySchemaChange({ change: { op: 'remove_field', field: 'sentiment' }, confirm: true });
    await waitFor(() => expect(screen.getAllByTestId('stale-badge').length).toBeGreaterThan(0));

    await user.selectOptions(screen.getByTestId('stale-filter'), 'true');
    await waitFor(() => expect(screen.getAllByTestId('inbox-row').every((r) => within(r).queryByTestId('stale-badge'))).toBe(true));
    await user.click(screen.getAllByTestId('inbox-row')[0]!);
    const notice = await screen.findByTestId('stale-notice');
    expect(notice.textContent).toContain('Made under an earlier schema: shown as it was; re-run to update.');
    // The removed field is shown as it was, not flagged as invalid.
    const gone = within(screen.getByTestId('extraction-as-it-was')).getByTestId('extraction-field-sentiment');
    expect(gone.textContent).toContain('not in the schema now');
    expect(gone.className).not.toContain('has-error');
  });
});
