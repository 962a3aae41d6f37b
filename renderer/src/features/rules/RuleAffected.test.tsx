// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/render';
import { RULE_AFFECTED_LIMIT } from './RuleAffected';

const RULE = 'rule-locked-out';

describe('Rules screen: the messages a rule affected', () => {
  it("lists, for the expanded rule, the messages whose latest extraction fired it, with the change, each opening in the inbox", async () => {
    const { api, stores, user } = renderApp({ screen: 'rules' });
    const fired = [...api.data.messages]
      .sort((a, b) => (b.receivedAt ?? '').localeCompare(a.receivedAt ?? '') || b.id.localeCompare(a.id))
      .filter((m) => api.data.extractions.get(m.id)?.trace.rulesFired.some((f) => f.ruleId === RULE));
    expect(fired.length).toBeGreaterThan(0);

    const row = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === RULE)!;
    expect(screen.queryByTestId('rule-affected')).toBeNull();
    await user.click(within(row).getByTestId('rule-affected-toggle'));

    const section = await screen.findByTestId('rule-affected');
    await waitFor(() => expect(within(section).getByRole('heading').textContent).toBe(`Affected messages (${fired.length})`));
    const items = within(section).getAllByTestId('rule-affected-item');
    expect(items.map((i) => i.getAttribute('data-message-id'))).toEqual(fired.slice(0, RULE_AFFECTED_LIMIT).map((m) => m.id));
    const first = fired[0]!;
    expect(items[0]!.textContent).toContain(first.subject ?? first.id);
    expect(items[0]!.textContent).toContain(first.text.replace(/\s+/g, ' ').trim().slice(0, 40));
    expect(items[0]!.textContent).toContain('issue_type: billing → account');
    expect(api.calls.filter((c) => c.method === 'listRuleMessages').map((c) => c.args)).toEqual([{ id: RULE, limit: RULE_AFFECTED_LIMIT }]);

    await user.click(within(items[0]!).getByRole('button'));
    expect(stores.navigation.getState().screen).toBe('inbox');
    expect(stores.inbox.getState().selectedId).toBe(first.id);
  });

  it('shows none for a rule that fired nowhere, and opens the rule a link arrived at', async () => {
    const { stores, user } = renderApp({ screen: 'rules' });
    const row = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === 'rule-asap')!;
    await user.click(within(row).getByTestId('rule-affected-toggle'));
    const section = await screen.findByTestId('rule-affected');
    await waitFor(() => expect(within(section).getByRole('heading').textContent).toBe('Affected messages (0)'));
    expect(within(section).queryAllByTestId('rule-affected-item')).toHaveLength(0);

    act(() => stores.navigation.getState().go('rules', RULE));
    await waitFor(() => expect(screen.getByTestId('rule-affected').getAttribute('aria-label')).toBe(`Messages affected by ${RULE}`));
    expect((await screen.findAllByTestId('rule-affected-item')).length).toBeGreaterThan(0);
  });
});
