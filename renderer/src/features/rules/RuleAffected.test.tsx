// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';
import { RULE_AFFECTED_LIMIT } from './RuleAffected';

const RULE = DEMO.chargeback.ruleId;

describe('Rules screen: the messages a rule affected', () => {
  it("lists, for the expanded rule, the messages whose latest extraction fired it, with the change, each opening in the inbox", async () => {
    const { api, backend, stores, user } = await renderApp({ screen: 'rules' });
    // Worked out from each message's own trace, newest first (not by the backend's listRuleMessages).
    const { items } = await backend.handlers.listMessages({ limit: 500, sort: 'received_desc' });
    const fired = [];
    for (const m of items) {
      const detail = await backend.handlers.getMessage({ id: m.id });
      if (detail.extraction?.trace.rulesFired.some((f) => f.ruleId === RULE)) fired.push(detail.message);
    }
    // The demo's two chargeback messages; the one the scripted model answered is changed by it.
    expect(fired.map((m) => m.subject)).toEqual([DEMO.chargeback.subject, 'Re: YOU CHARGED ME AGAIN']);

    const row = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === RULE)!;
    expect(screen.queryByTestId('rule-affected')).toBeNull();
    await user.click(within(row).getByTestId('rule-affected-toggle'));

    const section = await screen.findByTestId('rule-affected');
    await waitFor(() => expect(within(section).getByRole('heading').textContent).toBe(`Affected messages (${fired.length})`));
    const listed = within(section).getAllByTestId('rule-affected-item');
    expect(listed.map((i) => i.getAttribute('data-message-id'))).toEqual(fired.slice(0, RULE_AFFECTED_LIMIT).map((m) => m.id));
    const first = fired[0]!;
    expect(listed[0]!.textContent).toContain(first.subject ?? first.id);
    expect(listed[0]!.textContent).toContain(first.text.replace(/\s+/g, ' ').trim().slice(0, 40));
    expect(listed[0]!.textContent).toContain('issue_type: bug → billing');
    expect(listed[0]!.textContent).toContain('urgency: medium → high');
    expect(api.callsOf('listRuleMessages')).toEqual([{ id: RULE, limit: RULE_AFFECTED_LIMIT }]);

    await user.click(within(listed[0]!).getByRole('button'));
    expect(stores.navigation.getState().screen).toBe('inbox');
    expect(stores.inbox.getState().selectedId).toBe(first.id);
  });

  it('shows none for a rule that fired nowhere, and opens the rule a link arrived at', async () => {
    const { stores, user } = await renderApp({ screen: 'rules' });
    const row = (await screen.findAllByTestId('rule-row')).find((r) => r.getAttribute('data-rule-id') === 'rule-demo-blocking-critical')!;
    await user.click(within(row).getByTestId('rule-affected-toggle'));
    const section = await screen.findByTestId('rule-affected');
    await waitFor(() => expect(within(section).getByRole('heading').textContent).toBe('Affected messages (0)'));
    expect(within(section).queryAllByTestId('rule-affected-item')).toHaveLength(0);

    act(() => stores.navigation.getState().go('rules', RULE));
    await waitFor(() => expect(screen.getByTestId('rule-affected').getAttribute('aria-label')).toBe(`Messages affected by ${RULE}`));
    expect((await screen.findAllByTestId('rule-affected-item')).length).toBeGreaterThan(0);
  });
});
