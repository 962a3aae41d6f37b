// @vitest-environment jsdom
// The regressions board over the real backend: the demo published as v1, v2 (labelled production)
// with an override rule that breaks one precedent, and a draft whose second rule breaks another and
// whose new precedent (taught from the demo's hostile message) fails from the start. The board is the
// backend's own replay of every precedent under each version (embedded provider).
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../../shared/src/api/contract.js';
import type { Rule } from '../../../../../shared/src/domain.js';
import { createStores, StoresProvider } from '../../../stores';
import { startBackend } from '../../../test/backend';
import { preparedWorkspace, publish } from '../../../test/prepared';
import { DEMO } from '../../../test/workspaces';
import { RegressionsPanel } from './index';

const provenance = { precedentIds: [], author: 'test', createdAt: '2026-03-20T00:00:00Z' };
const ISSUE_TYPES = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];

/** What the arranging made: the precedents it broke, and how. */
const arranged = { sinceV2: { id: '', expected: '', actual: '' }, sinceDraft: { id: '', expected: '', actual: '' }, never: { id: '', expected: '', actual: '' } };

/** An override rule that sets another issue type where a phrase of `precedent`'s own is. */
async function breakPrecedent(h: ApiHandlers, ruleId: string, target: { id: string; text: string; issueType: string }, into: typeof arranged.sinceV2): Promise<void> {
  const other = ISSUE_TYPES.find((t) => t !== target.issueType)!;
  const rule: Rule = { id: ruleId, kind: 'override', when: { kind: 'contains_any', phrases: [target.text.slice(0, 40)] }, set: { issue_type: other }, rationale: '', enabled: true, provenance };
  await h.saveRule({ rule });
  Object.assign(into, { id: target.id, expected: target.issueType, actual: other });
}

const workspace = preparedWorkspace(async ({ handlers: h }) => {
  expect(await publish(h, 'release 1')).toBe(1);
  const precedents = await h.listPrecedents({ includeDeleted: false });
  // Precedents with a phrase of their own, so a rule on it changes only that one.
  const unique = precedents.filter((p) => {
    const phrase = p.message.text.slice(0, 40);
    return p.message.text.length > 60 && precedents.filter((q) => q.message.text.includes(phrase)).length === 1;
  });
  const of = (p: (typeof unique)[number]) => ({ id: p.id, text: p.message.text, issueType: String(p.output.issue_type) });
  await breakPrecedent(h, 'r-test-v2', of(unique[0]!), arranged.sinceV2);
  expect(await publish(h, 'release 2')).toBe(2);
  await h.setLabel({ label: 'production', version: 2, reason: '' });
  await breakPrecedent(h, 'r-test-draft', of(unique[1]!), arranged.sinceDraft);
  // A precedent taught in the draft from the hostile message, which a rule of the draft contradicts.
  const hostile = (await h.listMessages({ limit: 500 })).items.find((m) => m.subject === DEMO.hostile.subject)!;
  const detail = await h.getMessage({ id: hostile.id });
  const taught = await h.correctExtraction({ messageId: hostile.id, output: { ...detail.extraction!.output, issue_type: 'account' }, rationale: '' });
  await breakPrecedent(h, 'r-test-never', { id: taught.precedent.id, text: 'problem with login please help', issueType: 'account' }, arranged.never);
}, 180_000);

async function renderPanel(before?: (api: Awaited<ReturnType<typeof startBackend>>['api']) => void) {
  const backend = await startBackend({ from: workspace() });
  before?.(backend.api);
  const stores = createStores(backend.api, { screen: 'drift' });
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <RegressionsPanel />
    </StoresProvider>,
  );
  await screen.findByTestId('regressions-panel');
  return { backend, api: backend.api, stores, user };
}

describe('Regressions', () => {
  it('shows the precedents failing under the draft: differences expected → actual, failing since, passed in; untrusted text stays text', async () => {
    const { api } = await renderPanel();
    const table = await screen.findByTestId('regressions-table', {}, { timeout: 15_000 });
    expect(api.callsOf('regressionBoard')).toEqual([{ version: 'draft' }]);
    const total = (await api.listPrecedents({})).length;
    expect(screen.getByTestId('regressions-summary').textContent).toBe(`3 precedents of ${total} fail under the draft (${((3 / total) * 100).toFixed(1)}%).`);
    // The published versions to pick, newest first, with their labels and notes.
    expect(within(screen.getByTestId('regressions-version')).getAllByRole('option').map((o) => o.textContent)).toEqual(['The draft', 'v2 (production) — release 2', 'v1 — release 1']);

    const rows = within(table).getAllByTestId('regressions-row');
    const row = (id: string) => rows.find((r) => r.getAttribute('data-precedent-id') === id)!;
    const { sinceV2, sinceDraft, never } = arranged;
    expect(rows.map((r) => r.getAttribute('data-precedent-id')).sort()).toEqual([sinceV2.id, sinceDraft.id, never.id].sort());
    const history = (id: string) => [within(row(id)).getByTestId('regressions-since').textContent, within(row(id)).getByTestId('regressions-passed').textContent];
    expect(history(sinceV2.id)).toEqual(['failing since v2', 'v1']);
    expect(history(sinceDraft.id)).toEqual(['failing since the draft', 'v1, v2']);
    expect(history(never.id)).toEqual(['never passed', 'none']);
    expect(within(row(sinceV2.id)).getAllByTestId('regressions-field').map((f) => f.textContent)).toEqual([`issue_type: ${sinceV2.expected} → ${sinceV2.actual}`]);
    expect(within(row(never.id)).getAllByTestId('regressions-field').map((f) => f.textContent)).toEqual([`issue_type: account → ${never.actual}`]);
    expect(row(never.id).textContent).toContain(DEMO.hostile.subject);
    expect(document.querySelector('script')).toBeNull();
  });

  it('another version is another board; a precedent opens in the Precedents screen', async () => {
    const { api, stores, user } = await renderPanel();
    await screen.findByTestId('regressions-table', {}, { timeout: 15_000 });
    await user.selectOptions(screen.getByTestId('regressions-version'), '1');
    await waitFor(() => expect(api.callsOf('regressionBoard').at(-1)).toEqual({ version: 1 }));
    expect((await screen.findByTestId('regressions-empty', {}, { timeout: 15_000 })).textContent).toContain('Every precedent passes');
    const v1Total = (await api.getVersion({ version: 1 })).counts.precedents;
    expect(screen.getByTestId('regressions-summary').textContent).toContain(`0 precedents of ${v1Total} fail under v1`);

    await user.selectOptions(screen.getByTestId('regressions-version'), 'draft');
    const table = await screen.findByTestId('regressions-table', {}, { timeout: 15_000 });
    const row = within(table).getAllByTestId('regressions-row').find((r) => r.getAttribute('data-precedent-id') === arranged.sinceDraft.id)!;
    await user.click(within(row).getByTestId('regressions-open-precedent'));
    expect(stores.navigation.getState().screen).toBe('precedents');
    expect(stores.navigation.getState().focusId).toBe(arranged.sinceDraft.id);
  });

  it('a board that cannot be made says why and offers Retry', async () => {
    const { api, user } = await renderPanel((a) => a.failNext('regressionBoard', { code: 'unavailable', message: 'the board could not be made' }));
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('the board could not be made');
    await user.click(within(error).getByTestId('retry-button'));
    await screen.findByTestId('regressions-table', {}, { timeout: 15_000 });
    expect(api.callsOf('regressionBoard')).toHaveLength(2);
  });
});
