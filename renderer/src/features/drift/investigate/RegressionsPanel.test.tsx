// @vitest-environment jsdom
// The regressions board over the real backend, with regressionBoard (and the published versions)
// answered by fakeInvestigateApi until its backend lands.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createStores, StoresProvider } from '../../../stores';
import { startBackend } from '../../../test/backend';
import type { RegressionBoard } from '../../../../../shared/src/api/records.js';
import { createInvestigateFake, versionSummary, type InvestigateFakeState } from './fakeInvestigateApi';
import { RegressionsPanel } from './index';

const EVIL = '<img src=x onerror=alert(1)>';

const DRAFT: RegressionBoard = {
  version: 'draft',
  hash: 'sha256:9f8e7d6c5b4a',
  total: 569,
  items: [
    { precedentId: 'p-17', excerpt: `My card reader ${EVIL} stopped`, fields: [{ field: 'issue_type', expected: 'hardware', actual: 'billing' }], failingSince: 2, passedIn: [1] },
    {
      precedentId: 'p-40',
      excerpt: 'Refund please',
      fields: [
        { field: 'issue_type', expected: 'refund', actual: 'billing' },
        { field: 'urgency', expected: 'high', actual: null },
      ],
      failingSince: null,
      passedIn: [],
    },
    { precedentId: 'p-41', excerpt: 'New one', fields: [{ field: 'name', expected: 'Ana', actual: '' }], failingSince: 'draft', passedIn: [1, 2] },
  ],
};

const V1: RegressionBoard = { version: 1, hash: 'sha256:111111111111', total: 500, items: [] };

async function renderPanel(seed: Partial<InvestigateFakeState>, before?: (fake: ReturnType<typeof createInvestigateFake>) => void) {
  const backend = await startBackend();
  const fake = createInvestigateFake(backend.api, seed);
  before?.(fake);
  const stores = createStores(fake.api, { screen: 'drift' });
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <RegressionsPanel />
    </StoresProvider>,
  );
  await screen.findByTestId('regressions-panel');
  return { backend, fake, stores, user };
}

describe('Regressions', () => {
  it('shows the precedents failing under the draft: differences expected → actual, failing since, passed in; untrusted text stays text', async () => {
    const { fake } = await renderPanel({ boards: new Map([['draft', DRAFT]]), versions: [versionSummary(1), versionSummary(2, { labels: ['production'] })] });
    const table = await screen.findByTestId('regressions-table');
    expect(fake.callsOf('regressionBoard')).toEqual([{ version: 'draft' }]);
    expect(screen.getByTestId('regressions-summary').textContent).toBe('3 precedents of 569 fail under the draft (0.5%).');
    // The published versions to pick, with their labels.
    expect(within(screen.getByTestId('regressions-version')).getAllByRole('option').map((o) => o.textContent)).toEqual(['The draft', 'v2 (production) — release 2', 'v1 — release 1']);

    const rows = within(table).getAllByTestId('regressions-row');
    expect(rows.map((r) => [r.getAttribute('data-precedent-id'), within(r).getByTestId('regressions-since').textContent, within(r).getByTestId('regressions-passed').textContent])).toEqual([
      ['p-17', 'failing since v2', 'v1'],
      ['p-40', 'never passed', 'none'],
      ['p-41', 'failing since the draft', 'v1, v2'],
    ]);
    expect(within(rows[1]!).getAllByTestId('regressions-field').map((f) => f.textContent)).toEqual(['issue_type: refund → billing', 'urgency: high → null']);
    expect(within(rows[2]!).getByTestId('regressions-field').textContent).toBe('name: Ana → ""');
    expect(rows[0]!.textContent).toContain(EVIL);
    expect(document.querySelector('img')).toBeNull();
  });

  it('another version is another board; a precedent opens in the Precedents screen', async () => {
    const { fake, stores, user } = await renderPanel({ boards: new Map([['draft', DRAFT], ['1', V1]]), versions: [versionSummary(1)] });
    await screen.findByTestId('regressions-table');
    await user.selectOptions(screen.getByTestId('regressions-version'), '1');
    await waitFor(() => expect(fake.callsOf('regressionBoard').at(-1)).toEqual({ version: 1 }));
    expect((await screen.findByTestId('regressions-empty')).textContent).toContain('Every precedent passes');
    expect(screen.getByTestId('regressions-summary').textContent).toContain('0 precedents of 500 fail under v1');

    await user.selectOptions(screen.getByTestId('regressions-version'), 'draft');
    await screen.findByTestId('regressions-table');
    await user.click(screen.getAllByTestId('regressions-open-precedent')[1]!);
    expect(stores.navigation.getState().screen).toBe('precedents');
    expect(stores.navigation.getState().focusId).toBe('p-40');
  });

  it('a board that cannot be made says why and offers Retry', async () => {
    const { fake, user } = await renderPanel({ boards: new Map([['draft', DRAFT]]), versions: [] }, (f) => f.failNext('regressionBoard', { code: 'unavailable', message: 'this drift instrument is not built yet' }));
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('this drift instrument is not built yet');
    await user.click(within(error).getByTestId('retry-button'));
    await screen.findByTestId('regressions-table');
    expect(fake.callsOf('regressionBoard')).toHaveLength(2);
  });
});
