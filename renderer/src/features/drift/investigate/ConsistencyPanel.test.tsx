// @vitest-environment jsdom
// The consistency panel over the real backend: repeat runs of the demo's least confident messages
// asked of the scripted OpenAI-compatible model, which answers at random for two of them (a model
// unsure of those) and plainly for the rest. Progress arrives as the backend's driftChanged events.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createStores, StoresProvider } from '../../../stores';
import { startBackend } from '../../../test/backend';
import { startScriptedModel } from '../../../test/model';
import { answerLate, nextEvent } from '../../../test/prepared';
import { DEMO, SCRIPTED_MODEL } from '../../../test/workspaces';
import { ConsistencyPanel } from './index';

/**
 * The panel over a fresh demo whose draft asks a scripted model: the four least confident messages
 * (as the inbox's queue sorts them), two of them answered at random; `latencyMs` slows each answer.
 */
async function renderPanel(latencyMs = 0) {
  const backend = await startBackend();
  const queue = (await backend.api.listMessages({ sort: 'confidence', limit: 4 })).items;
  const least = queue.map((m) => m.id);
  // Two of them, not the chargeback (the demo's override rule sets its issue type and urgency whatever the model says).
  const unsure = queue.filter((m) => m.subject !== DEMO.chargeback.subject).slice(0, 2).map((m) => m.id);
  const texts = await Promise.all(unsure.map(async (id) => (await backend.api.getMessage({ id })).message.text));
  await startScriptedModel(backend, { latencyMs, random: { texts, fields: ['issue_type', 'urgency'], seed: 7 } });
  const stores = createStores(backend.api, { screen: 'drift' });
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <ConsistencyPanel />
    </StoresProvider>,
  );
  await screen.findByTestId('consistency-panel');
  return { backend, api: backend.api, stores, user, least, unsure };
}

async function startLeast(user: ReturnType<typeof userEvent.setup>, repeats: number) {
  await user.click(screen.getByTestId('consistency-scope-least'));
  const least = screen.getByTestId('consistency-least');
  await user.clear(least);
  await user.type(least, '4');
  const input = screen.getByTestId('consistency-repeats');
  await user.clear(input);
  await user.type(input, String(repeats));
  await waitFor(() => expect((screen.getByTestId('consistency-provider') as HTMLSelectElement).value).toBe('openai'));
}

describe('Consistency', () => {
  it('starts a repeat run of the least confident messages, follows its progress, then shows agreement per field and the unstable messages first', async () => {
    const { api, user, least, unsure } = await renderPanel(60);
    expect(screen.getByTestId('consistency-empty')).toBeTruthy();
    await startLeast(user, 5);
    await user.click(screen.getByTestId('consistency-vary-seed'));
    const progressed = nextEvent(api, 'driftChanged', (e) => e.kind === 'consistency' && e.status === 'running' && e.done > 0);
    const ended = nextEvent(api, 'driftChanged', (e) => e.kind === 'consistency' && e.status === 'done');
    await user.click(screen.getByTestId('consistency-start'));

    await waitFor(() => expect(api.callsOf('startConsistency')).toHaveLength(1));
    expect(api.callsOf('startConsistency')[0]).toEqual({ selection: { ids: least }, repeats: 5, varySeed: false, version: 'draft', provider: 'openai', model: SCRIPTED_MODEL });

    const progress = await screen.findByTestId('consistency-progress');
    expect(progress.textContent).toMatch(/\d+ of 20 answers/);
    expect((screen.getByTestId('consistency-start') as HTMLButtonElement).disabled).toBe(true);
    const event = await progressed;
    // The progress follows the backend's events (unless the run ended meanwhile).
    await waitFor(() => expect(screen.queryByTestId('consistency-progress')?.textContent ?? `${event.done} of 20 answers`).toMatch(/[1-9]\d* of 20 answers/));
    // Another run's events are not this one's.
    api.emit('driftChanged', { kind: 'consistency', id: 'another-run', done: 1, total: 2, status: 'done' });

    await ended;
    await screen.findByTestId('consistency-report', {}, { timeout: 15_000 });
    expect(api.callsOf('getConsistency').at(-1)).toMatchObject({ limit: 100 });
    expect(screen.queryByTestId('consistency-progress')).toBeNull();

    expect(screen.getByTestId('consistency-messages').textContent).toBe('4');
    expect(screen.getByTestId('consistency-unstable').textContent).toBe('2');
    const fields = screen.getAllByTestId('consistency-field');
    const agreement = Object.fromEntries(fields.map((f) => [f.getAttribute('data-field'), [within(f).getByTestId('consistency-field-agreement').textContent, within(f).getByTestId('consistency-field-unstable').textContent]]));
    // Only issue_type and urgency were answered at random: the other fields agree everywhere.
    expect(agreement.name).toEqual(['100%', '0 unstable']);
    expect(agreement.requested_action).toEqual(['100%', '0 unstable']);
    expect(Number.parseFloat(agreement.issue_type![0]!)).toBeLessThan(100);
    const issue = fields.find((f) => f.getAttribute('data-field') === 'issue_type')!;
    expect(Number(within(issue).getByRole('meter').getAttribute('aria-valuenow'))).toBe(Number.parseFloat(agreement.issue_type![0]!));

    const rows = screen.getAllByTestId('consistency-item');
    expect(rows.map((r) => r.getAttribute('data-unstable'))).toEqual(['true', 'true', 'false', 'false']);
    expect(rows.slice(0, 2).map((r) => r.getAttribute('data-message-id')).sort()).toEqual([...unsure].sort());
    expect(within(rows[0]!).getAllByText(/^(issue_type|urgency)$/).length).toBeGreaterThan(0);
    expect(within(rows[3]!).getByText('stable')).toBeTruthy();
  });

  it('a repeat run that ends before its start is answered shows its report (its end event is not lost)', async () => {
    const backend = await startBackend();
    await startScriptedModel(backend, {});
    const ended = nextEvent(backend.api, 'driftChanged', (e) => e.kind === 'consistency' && e.status === 'done');
    const api = answerLate(backend.api, 'startConsistency', async () => void (await ended));
    const user = userEvent.setup();
    render(
      <StoresProvider stores={createStores(api, { screen: 'drift' })}>
        <ConsistencyPanel />
      </StoresProvider>,
    );
    await screen.findByTestId('consistency-panel');
    await startLeast(user, 2);
    await user.click(screen.getByTestId('consistency-start'));
    await ended;
    await screen.findByTestId('consistency-report', {}, { timeout: 15_000 });
    expect(screen.queryByTestId('consistency-progress')).toBeNull();
    expect(screen.getByTestId('consistency-messages').textContent).toBe('4');
  });

  it('cancelled, the report is shown as it stands', async () => {
    const { api, user } = await renderPanel(300);
    await startLeast(user, 3);
    await user.click(screen.getByTestId('consistency-start'));
    await waitFor(() => expect(api.callsOf('startConsistency')[0]).toMatchObject({ repeats: 3, varySeed: true, version: 'draft' }));
    await user.click(await screen.findByTestId('consistency-progress-cancel'));
    await screen.findByTestId('consistency-report', {}, { timeout: 15_000 });
    expect(api.callsOf('startConsistency')).toHaveLength(1);
    expect(api.callsOf('cancelConsistency')).toHaveLength(1);
    expect(screen.getByTestId('consistency-under').textContent).toContain('Cancelled');
    expect(screen.queryByTestId('consistency-progress')).toBeNull();
  });

  it('opens an unstable message: every repeat side by side with the differing cells marked, and Open in review', async () => {
    const { stores, user, unsure } = await renderPanel();
    await startLeast(user, 3);
    await user.click(screen.getByTestId('consistency-start'));
    await screen.findByTestId('consistency-report', {}, { timeout: 15_000 });
    const row = screen.getAllByTestId('consistency-item').find((r) => r.getAttribute('data-message-id') === unsure[0])!;
    expect(row.getAttribute('data-unstable')).toBe('true');
    await user.click(row);
    const detail = await screen.findByTestId('consistency-detail');
    const table = within(detail).getByTestId('consistency-repeats-table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Field', 'Repeat 1', 'Repeat 2', 'Repeat 3']);
    const cells = (field: string) => within(within(table).getAllByTestId('consistency-repeat-row').find((r) => r.getAttribute('data-field') === field)!).getAllByTestId('consistency-repeat-cell');
    // A cell differs where its answer is not the most common one: only in the fields answered at random.
    const marked = (field: string) => cells(field).map((c) => c.getAttribute('data-different'));
    expect([...marked('issue_type'), ...marked('urgency')]).toContain('true');
    expect(marked('name')).toEqual(['false', 'false', 'false']);
    for (const field of ['issue_type', 'urgency']) {
      const values = cells(field).map((c) => c.textContent);
      const common = values.filter((v) => values.filter((w) => w === v).length > 1)[0] ?? values[0];
      expect(marked(field)).toEqual(values.map((v) => String(v !== common)));
    }

    // Back, the keyboard is on the row again; Enter opens it, on its Back button.
    await user.click(within(detail).getByTestId('consistency-detail-close'));
    await waitFor(() => expect(document.activeElement?.getAttribute('data-message-id')).toBe(unsure[0]));
    await user.keyboard('{Enter}');
    const again = await screen.findByTestId('consistency-detail');
    expect(document.activeElement).toBe(within(again).getByTestId('consistency-detail-close'));

    await user.click(within(again).getByTestId('consistency-open-in-review'));
    expect(stores.navigation.getState().screen).toBe('inbox');
    expect(stores.inbox.getState().selectedId).toBe(unsure[0]);
  });

  it('a repeat run refused says why, and the next start clears it', async () => {
    const { api, user } = await renderPanel();
    api.failNext('startConsistency', { code: 'unavailable', message: 'the repeat run could not start' });
    await user.click(screen.getByTestId('consistency-start'));
    expect((await screen.findByTestId('consistency-start-error')).textContent).toContain('the repeat run could not start');

    api.failNext('startConsistency', { code: 'unavailable', message: 'busy' });
    await user.click(screen.getByTestId('consistency-start'));
    await waitFor(() => expect(screen.getByTestId('consistency-start-error').textContent).toContain('busy'));
    await startLeast(user, 2);
    await user.click(screen.getByTestId('consistency-start'));
    await screen.findByTestId('consistency-report', {}, { timeout: 15_000 });
    expect(screen.queryByTestId('consistency-start-error')).toBeNull();
  });
});
