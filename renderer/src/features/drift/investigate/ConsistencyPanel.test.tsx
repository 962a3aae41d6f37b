// @vitest-environment jsdom
// The consistency panel over the real backend (listMessages, the draft, listVersions), with the
// repeat-run methods answered by fakeInvestigateApi until their backend lands; progress arrives as
// the host's driftChanged events.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createStores, StoresProvider } from '../../../stores';
import { startBackend } from '../../../test/backend';
import type { ConsistencyItem } from '../../../../../shared/src/api/records.js';
import { runRecord } from '../fakeDriftApi';
import { consistencyReport, createInvestigateFake, type InvestigateFakeState } from './fakeInvestigateApi';
import { ConsistencyPanel } from './index';

const EVIL = '<img src=x onerror=alert(1)>';

function item(id: string, answers: Record<string, string>[], unstableFields: string[], extra: Partial<ConsistencyItem> = {}): ConsistencyItem {
  return { messageId: id, subject: `Subject ${id}`, excerpt: `Text of ${id}`, unstableFields, agreement: unstableFields.length ? 2 / 3 : 1, answers: answers.map((output) => ({ valid: true, output })), ...extra };
}

async function renderPanel(seed: (ids: string[]) => Partial<InvestigateFakeState>) {
  const backend = await startBackend();
  const page = await backend.api.listMessages({ limit: 5 });
  const ids = page.items.map((m) => m.id);
  const fake = createInvestigateFake(backend.api, seed(ids));
  const stores = createStores(fake.api, { screen: 'drift' });
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <ConsistencyPanel />
    </StoresProvider>,
  );
  await screen.findByTestId('consistency-panel');
  return { backend, fake, stores, user, ids };
}

function report(ids: string[]): InvestigateFakeState['consistency'] {
  const same = { issue_type: 'billing', urgency: 'high' };
  return consistencyReport({
    status: 'running',
    runs: [1, 2, 3].map((i) => runRecord(`cons-run-${i}`, { kind: 'compare', status: 'running', total: 4, done: 0 })),
    messages: 3,
    unstable: 2,
    fields: [
      { field: 'issue_type', agreement: 0.5, unstable: 2 },
      { field: 'urgency', agreement: 1, unstable: 0 },
      { field: 'name', agreement: 0.975, unstable: 1 },
    ],
    // A stable message first: the panel still lists the unstable ones first.
    items: [
      item(ids[0]!, [same, same, same], []),
      item(ids[1]!, [same, { issue_type: 'refund', urgency: 'high' }, same], ['issue_type'], { subject: EVIL, excerpt: `Hello ${EVIL}` }),
      item(ids[2]!, [same, { issue_type: 'refund', urgency: 'high' }, { issue_type: 'hardware', urgency: 'low' }], ['issue_type', 'urgency']),
    ],
  });
}

describe('Consistency', () => {
  it('starts a repeat run of the least confident messages, follows its progress, then shows agreement per field and the unstable messages first', async () => {
    const { backend, fake, user, ids } = await renderPanel((ids) => ({ consistency: report(ids) }));
    expect(screen.getByTestId('consistency-empty')).toBeTruthy();

    await user.click(screen.getByTestId('consistency-scope-least'));
    const least = screen.getByTestId('consistency-least');
    await user.clear(least);
    await user.type(least, '4');
    const repeats = screen.getByTestId('consistency-repeats');
    await user.clear(repeats);
    await user.type(repeats, '5');
    await user.click(screen.getByTestId('consistency-vary-seed'));
    await waitFor(() => expect((screen.getByTestId('consistency-provider') as HTMLSelectElement).value).toBe('embedded'));
    await user.click(screen.getByTestId('consistency-start'));

    await waitFor(() => expect(fake.callsOf('startConsistency')).toHaveLength(1));
    // The four least confident, as the inbox's queue sort lists them.
    const leastConfident = await backend.api.listMessages({ sort: 'confidence', limit: 4 });
    expect(fake.callsOf('startConsistency')[0]).toEqual({
      selection: { ids: leastConfident.items.map((m) => m.id) },
      repeats: 5,
      varySeed: false,
      version: 'draft',
      provider: 'embedded',
    });

    const progress = await screen.findByTestId('consistency-progress');
    expect(progress.textContent).toContain('0 of 12 answers');
    expect((screen.getByTestId('consistency-start') as HTMLButtonElement).disabled).toBe(true);
    backend.api.emit('driftChanged', { kind: 'consistency', id: 'cons-1', done: 7, total: 15, status: 'running' });
    await waitFor(() => expect(screen.getByTestId('consistency-progress').textContent).toContain('7 of 15 answers'));
    // Another kind's or another run's events are not this one's.
    backend.api.emit('driftChanged', { kind: 'replay', id: 'cons-1', done: 1, total: 2, status: 'done' });
    backend.api.emit('driftChanged', { kind: 'consistency', id: 'other', done: 1, total: 2, status: 'done' });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('consistency-progress')).toBeTruthy();

    fake.state.consistency.status = 'done';
    backend.api.emit('driftChanged', { kind: 'consistency', id: 'cons-1', done: 15, total: 15, status: 'done' });
    await screen.findByTestId('consistency-report');
    expect(fake.callsOf('getConsistency').at(-1)).toEqual({ id: 'cons-1', limit: 100 });
    expect(screen.queryByTestId('consistency-progress')).toBeNull();

    expect(screen.getByTestId('consistency-messages').textContent).toBe('3');
    expect(screen.getByTestId('consistency-unstable').textContent).toBe('2');
    const fields = screen.getAllByTestId('consistency-field');
    expect(fields.map((f) => [f.getAttribute('data-field'), within(f).getByTestId('consistency-field-agreement').textContent, within(f).getByTestId('consistency-field-unstable').textContent])).toEqual([
      ['issue_type', '50%', '2 unstable'],
      ['urgency', '100%', '0 unstable'],
      ['name', '97.5%', '1 unstable'],
    ]);
    expect(within(fields[0]!).getByRole('meter').getAttribute('aria-valuenow')).toBe('50');

    const rows = screen.getAllByTestId('consistency-item');
    expect(rows.map((r) => [r.getAttribute('data-message-id'), r.getAttribute('data-unstable')])).toEqual([
      [ids[1], 'true'],
      [ids[2], 'true'],
      [ids[0], 'false'],
    ]);
    expect(within(rows[1]!).getAllByText(/^(issue_type|urgency)$/).map((c) => c.textContent)).toEqual(['issue_type', 'urgency']);
    expect(within(rows[2]!).getByText('stable')).toBeTruthy();
  });

  it('opens an unstable message: every repeat side by side with the differing cells marked, and Open in review; untrusted text stays text', async () => {
    const { fake, stores, user, ids } = await renderPanel((ids) => ({ consistency: report(ids) }));
    await user.click(screen.getByTestId('consistency-start'));
    await waitFor(() => expect(fake.callsOf('startConsistency')[0]).toMatchObject({ selection: { all: true }, repeats: 3, varySeed: true, version: 'draft' }));
    fake.state.consistency.status = 'done';
    await user.click(await screen.findByTestId('consistency-progress-cancel'));
    // Cancelled, the report is shown as it stands.
    await screen.findByTestId('consistency-report');
    expect(fake.callsOf('cancelConsistency')).toEqual([{ id: 'cons-1' }]);
    expect(screen.getByTestId('consistency-under').textContent).toContain('Cancelled');

    // The hostile subject is text, not an element.
    const evilRow = screen.getAllByTestId('consistency-item').find((r) => r.getAttribute('data-message-id') === ids[1])!;
    expect(evilRow.textContent).toContain(EVIL);
    expect(document.querySelector('img')).toBeNull();

    await user.click(screen.getAllByTestId('consistency-item').find((r) => r.getAttribute('data-message-id') === ids[2])!);
    const detail = await screen.findByTestId('consistency-detail');
    const table = within(detail).getByTestId('consistency-repeats-table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Field', 'Repeat 1', 'Repeat 2', 'Repeat 3']);
    const rows = within(table).getAllByTestId('consistency-repeat-row');
    const issue = rows.find((r) => r.getAttribute('data-field') === 'issue_type')!;
    // billing, refund, hardware: no answer agrees, the first is the most common and the others differ.
    expect(within(issue).getAllByTestId('consistency-repeat-cell').map((c) => [c.textContent, c.getAttribute('data-different')])).toEqual([
      ['billing', 'false'],
      ['refund', 'true'],
      ['hardware', 'true'],
    ]);
    const urgency = rows.find((r) => r.getAttribute('data-field') === 'urgency')!;
    expect(within(urgency).getAllByTestId('consistency-repeat-cell').map((c) => c.getAttribute('data-different'))).toEqual(['false', 'false', 'true']);

    // Back, the keyboard is on the row again; Enter opens it, on its Back button.
    await user.click(within(detail).getByTestId('consistency-detail-close'));
    await waitFor(() => expect(document.activeElement?.getAttribute('data-message-id')).toBe(ids[2]));
    await user.keyboard('{Enter}');
    const again = await screen.findByTestId('consistency-detail');
    expect(document.activeElement).toBe(within(again).getByTestId('consistency-detail-close'));

    await user.click(within(again).getByTestId('consistency-open-in-review'));
    expect(stores.navigation.getState().screen).toBe('inbox');
    expect(stores.inbox.getState().selectedId).toBe(ids[2]);
  });

  it('a repeat run refused says why, and the next start clears it', async () => {
    const { fake, user } = await renderPanel((ids) => ({ consistency: { ...report(ids), status: 'done' } }));
    fake.failNext('startConsistency', { code: 'unavailable', message: 'this drift instrument is not built yet' });
    await user.click(screen.getByTestId('consistency-start'));
    expect((await screen.findByTestId('consistency-start-error')).textContent).toContain('this drift instrument is not built yet');

    fake.failNext('startConsistency', { code: 'unavailable', message: 'busy' });
    await user.click(screen.getByTestId('consistency-start'));
    await waitFor(() => expect(screen.getByTestId('consistency-start-error').textContent).toContain('busy'));
    await user.click(screen.getByTestId('consistency-start'));
    // A run that ended at once is shown at once.
    await screen.findByTestId('consistency-report');
    expect(screen.queryByTestId('consistency-start-error')).toBeNull();
  });
});
