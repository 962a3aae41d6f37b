// @vitest-environment jsdom
// The Drift screen's "Compare two runs" over the real backend, with compareRuns, getRunPair and
// startRun-with-against answered by fakeDriftApi until the backend of issue 12 lands.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { startBackend } from '../../test/backend';
import type { ExtractionRecord } from '../../api/contract';
import type { RunComparisonItem } from '../../../../shared/src/api/records.js';
import { createDriftFake, runRecord, type DriftFakeState } from './fakeDriftApi';

const EVIL = '<img src=x onerror=alert(1)>';

const R1 = runRecord('run-1', { createdAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:01:00.000Z', rulebook: { version: 2, hash: 'sha256:aaaaaa' } });
const R2 = runRecord('run-2', { createdAt: '2026-03-08T10:00:00.000Z', finishedAt: '2026-03-08T10:01:00.000Z', provider: 'openai', model: 'gpt-4o-mini' });
const OLD = runRecord('run-0', { createdAt: '2026-02-01T10:00:00.000Z', finishedAt: '2026-02-01T10:01:00.000Z' });

function item(id: string, a: Record<string, string>, b: Record<string, string>, extra: Partial<RunComparisonItem> = {}): RunComparisonItem {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
  return { messageId: id, subject: `Subject ${id}`, excerpt: `Text of ${id}`, changedFields: keys, a: { valid: true, output: a }, b: { valid: true, output: b }, ...extra };
}

const ITEMS: RunComparisonItem[] = [
  item('m1', { issue_type: 'billing', urgency: 'high' }, { issue_type: 'refund', urgency: 'high' }),
  item('m2', { issue_type: 'billing', urgency: 'low' }, { issue_type: 'refund', urgency: 'low' }),
  item('m3', { issue_type: 'hardware', urgency: 'high' }, { issue_type: 'hardware', priority: 'high' }, { b: { valid: false, output: { issue_type: 'hardware', priority: 'high' } } }),
  item('m4', { issue_type: 'refund', urgency: 'low' }, { issue_type: 'billing', urgency: 'medium' }),
];

const COMPARISON: DriftFakeState['comparison'] = {
  overlap: 140,
  changed: 4,
  validity: { becameInvalid: 1, becameValid: 0 },
  fields: [
    { field: 'issue_type', changed: 3, transitions: [{ from: 'billing', to: 'refund', count: 2 }, { from: 'refund', to: 'billing', count: 1 }] },
    { field: 'urgency', changed: 2, transitions: [{ from: 'high', to: null, count: 1 }, { from: 'low', to: 'medium', count: 1 }] },
    { field: 'name', changed: 0, transitions: [] },
  ],
  unknownKeys: [{ key: 'priority', a: 0, b: 23 }],
  items: ITEMS,
};

/** Demo messages that have an extraction (with its trace). */
async function extracted(backend: Awaited<ReturnType<typeof startBackend>>, n: number) {
  const page = await backend.api.listMessages({ limit: 200 });
  const found = page.items.filter((m) => m.output !== null).slice(0, n);
  expect(found).toHaveLength(n);
  return found;
}

async function renderDrift(seed: Partial<DriftFakeState> = {}) {
  const backend = await startBackend();
  const fake = createDriftFake(backend.api, { runs: [OLD, R1, R2], comparison: COMPARISON, ...seed });
  const stores = createStores(fake.api, { screen: 'drift' });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  await screen.findByTestId('drift-screen');
  return { backend, fake, stores, user, ...result };
}

describe('Drift: compare two runs', () => {
  it('compares the two newest finished runs (the older as A) and shows the summary and the per-field matrix of the comparison', async () => {
    const { fake } = await renderDrift();
    const summary = await screen.findByTestId('drift-summary');
    expect(fake.callsOf('compareRuns')[0]).toMatchObject({ a: 'run-1', b: 'run-2', limit: 100 });
    expect((screen.getByTestId('drift-run-a') as HTMLSelectElement).value).toBe('run-1');
    expect((screen.getByTestId('drift-run-b') as HTMLSelectElement).value).toBe('run-2');
    // "kind · draft 1a2b3c or vN · provider model · date · N messages"
    const optionB = within(screen.getByTestId('drift-run-b')).getAllByRole('option').find((o) => (o as HTMLOptionElement).value === 'run-2')!;
    expect(optionB.textContent).toMatch(/^extract · draft 1a2b3c · OpenAI-compatible gpt-4o-mini · .+ · 140 messages$/);
    const optionA = within(screen.getByTestId('drift-run-a')).getAllByRole('option').find((o) => (o as HTMLOptionElement).value === 'run-1')!;
    expect(optionA.textContent).toMatch(/^extract · v2 · embedded · /);

    expect(within(summary).getByTestId('drift-overlap').textContent).toContain('140');
    expect(within(summary).getByTestId('drift-changed').textContent).toBe('4changed (2.9%)');
    expect(within(summary).getByTestId('drift-became-invalid').textContent).toBe('1');
    expect(within(summary).getByTestId('drift-became-valid').textContent).toBe('0');
    expect(within(summary).getByTestId('drift-unknown-key').textContent).toBe('priority: 0 → 23');

    const fields = screen.getAllByTestId('drift-field');
    expect(fields.map((f) => [f.getAttribute('data-field'), f.getAttribute('data-changed')])).toEqual([
      ['issue_type', '3'],
      ['urgency', '2'],
      ['name', '0'],
    ]);
    const matrix = within(fields[0]!).getByTestId('drift-matrix');
    // Rows and columns: billing, refund; the diagonal greyed and not clickable.
    expect(within(matrix).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['A ↓ B →', 'billing', 'refund']);
    expect(matrix.querySelectorAll('.drift-matrix-diagonal')).toHaveLength(2);
    const cells = within(matrix).getAllByTestId('drift-matrix-cell');
    expect(cells.map((c) => [c.getAttribute('data-from'), c.getAttribute('data-to'), c.textContent])).toEqual([
      ['"billing"', '"refund"', '2'],
      ['"refund"', '"billing"', '1'],
    ]);
    // null is a value of its own (urgency high → null); name changed nowhere has no matrix.
    expect(within(fields[1]!).getAllByTestId('drift-matrix-cell').map((c) => c.getAttribute('aria-label'))).toContain('urgency: high → null, 1 messages');
    expect(within(fields[2]!).queryByTestId('drift-matrix')).toBeNull();

    expect(screen.getAllByTestId('drift-row').map((r) => r.getAttribute('data-message-id'))).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(screen.getByTestId('drift-matching').textContent).toContain('4 messages');
  });

  it('a matrix cell filters the table to that transition (compareRuns with field, from and to); a field, a key outside the schema and the validity count filter too; the chip clears', async () => {
    const { fake, user } = await renderDrift();
    await screen.findByTestId('drift-summary');
    const matrix = screen.getAllByTestId('drift-matrix')[0]!;
    await user.click(within(matrix).getAllByTestId('drift-matrix-cell')[0]!);
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ a: 'run-1', b: 'run-2', field: 'issue_type', from: 'billing', to: 'refund' }));
    await waitFor(() => expect(screen.getAllByTestId('drift-row').map((r) => r.getAttribute('data-message-id'))).toEqual(['m1', 'm2']));
    expect(screen.getByTestId('drift-filter-chip').textContent).toContain('issue_type: billing → refund');
    expect(screen.getAllByTestId('drift-row-values').map((v) => v.textContent)).toEqual(['billing → refund', 'billing → refund']);

    await user.click(screen.getAllByTestId('drift-field-filter')[1]!);
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toEqual({ a: 'run-1', b: 'run-2', field: 'urgency', cursor: null, limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId('drift-row').map((r) => r.getAttribute('data-message-id'))).toEqual(['m3', 'm4']));
    expect(screen.getAllByTestId('drift-row-values').map((v) => v.textContent)).toEqual(['high → absent', 'low → medium']);

    await user.click(screen.getByTestId('drift-unknown-key'));
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ field: 'priority' }));
    await waitFor(() => expect(screen.getAllByTestId('drift-row').map((r) => r.getAttribute('data-message-id'))).toEqual(['m3']));

    await user.click(screen.getByTestId('drift-validity'));
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ validityChanged: true }));
    await waitFor(() => expect(screen.getAllByTestId('drift-row')).toHaveLength(1));
    expect(screen.getByTestId('drift-row').textContent).toContain('became invalid');

    await user.click(screen.getByTestId('drift-filter-clear'));
    await waitFor(() => expect(screen.getAllByTestId('drift-row')).toHaveLength(4));
    expect(fake.callsOf('compareRuns').at(-1)).toEqual({ a: 'run-1', b: 'run-2', cursor: null, limit: 100 });
    expect(screen.queryByTestId('drift-filter-chip')).toBeNull();
  });

  it('swaps A and B, and compares any run picked', async () => {
    const { fake, user } = await renderDrift();
    await screen.findByTestId('drift-summary');
    await user.click(screen.getByTestId('drift-swap'));
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ a: 'run-2', b: 'run-1' }));
    await user.selectOptions(screen.getByTestId('drift-run-a'), 'run-0');
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ a: 'run-0', b: 'run-1' }));
  });

  it('pages the changed messages with Load more (the cursor of the last page)', async () => {
    const many = Array.from({ length: 130 }, (_, i) => item(`p${i}`, { issue_type: 'billing' }, { issue_type: 'refund' }));
    const { fake, user } = await renderDrift({ comparison: { ...COMPARISON, changed: 130, items: many } });
    await screen.findByTestId('drift-summary');
    expect(screen.getAllByTestId('drift-row')).toHaveLength(100);
    expect(screen.getByTestId('drift-matching').textContent).toContain('130 messages · 100 shown');
    await user.click(screen.getByTestId('drift-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('drift-row')).toHaveLength(130));
    expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ cursor: '100' });
    expect(screen.queryByTestId('drift-load-more')).toBeNull();
  });

  it('opens a message: both answers with the field diff and both traces side by side, as text only (no HTML from the message); j/k flip, Esc closes', async () => {
    const backend = await startBackend();
    const [first, second] = await extracted(backend, 2);
    const detail = await backend.api.getMessage({ id: first!.id });
    const a = detail.extraction!;
    const b: ExtractionRecord = {
      ...a,
      id: 'x-b',
      valid: false,
      errors: [{ path: '/priority', message: `unknown key ${EVIL}` }],
      output: { ...a.output, issue_type: EVIL, priority: 'high' },
      trace: { ...a.trace, provider: { ...a.trace.provider, name: 'openai', model: 'gpt-4o-mini' }, rawOutput: `{"issue_type":"${EVIL}"}` },
    };
    const items = [
      item(first!.id, { issue_type: String(a.output.issue_type) }, { issue_type: EVIL }, { subject: EVIL, excerpt: EVIL }),
      item(second!.id, { issue_type: 'billing' }, { issue_type: 'refund' }),
    ];
    const pairs = new Map([
      [first!.id, { messageId: first!.id, subject: EVIL, text: `Hello ${EVIL} there`, a, b }],
      [second!.id, { messageId: second!.id, subject: 'Second', text: 'second', a, b: a }],
    ]);
    const fake = createDriftFake(backend.api, { runs: [R1, R2], comparison: { ...COMPARISON, items }, pairs });
    const stores = createStores(fake.api, { screen: 'drift' });
    const user = userEvent.setup();
    const { container } = render(<App stores={stores} />);
    await screen.findByTestId('drift-summary');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getAllByTestId('drift-row')[0]!.textContent).toContain(EVIL);

    // j moves onto the first row and focuses the table; Enter opens it.
    await user.keyboard('j');
    await waitFor(() => expect(screen.getAllByTestId('drift-row')[0]!.getAttribute('aria-selected')).toBe('true'));
    expect(document.activeElement).toBe(screen.getByTestId('drift-rows'));
    await user.keyboard('{Enter}');
    const view = await screen.findByTestId('drift-pair');
    await within(view).findByTestId('drift-diff');
    expect(fake.callsOf('getRunPair')[0]).toEqual({ a: 'run-1', b: 'run-2', messageId: first!.id });

    expect(within(view).getByTestId('drift-pair-message').textContent).toContain(`Hello ${EVIL} there`);
    const lines = within(view).getAllByTestId('drift-diff-line');
    expect(lines.map((l) => [l.getAttribute('data-kind'), l.textContent])).toEqual(
      expect.arrayContaining([
        ['changed', `issue_type: ${String(a.output.issue_type)} → ${EVIL}`],
        ['added', 'priority: only in B high'],
      ]),
    );
    const rows = within(view).getAllByTestId('drift-output-row');
    expect(rows.find((r) => r.getAttribute('data-field') === 'issue_type')!.getAttribute('data-changed')).toBe('true');
    // Both traces: the inbox's Why panel on each side, provider and model, validity errors, the raw answer as text.
    const sideA = within(view).getByTestId('drift-side-a');
    const sideB = within(view).getByTestId('drift-side-b');
    expect(within(sideA).getByTestId('why-provider').textContent).toBe(a.trace.provider.name);
    expect(within(sideB).getByTestId('why-provider').textContent).toBe('openai');
    expect(within(sideB).getByTestId('why-model').textContent).toBe('gpt-4o-mini');
    expect(within(sideB).getByTestId('drift-side-errors').textContent).toContain(EVIL);
    expect(sideB.querySelector('.why-raw pre')!.textContent).toBe(`{"issue_type":"${EVIL}"}`);
    expect(within(sideA).getAllByTestId('why-precedents').length + within(sideA).queryAllByText('No precedent was close enough to show.').length).toBe(1);
    expect(container.querySelector('img')).toBeNull();

    // j flips to the next changed message while open; Esc goes back to the table.
    await user.keyboard('j');
    await waitFor(() => expect(fake.callsOf('getRunPair').at(-1)).toMatchObject({ messageId: second!.id }));
    expect(await within(screen.getByTestId('drift-pair')).findByTestId('drift-diff-none')).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('drift-pair')).toBeNull());
    expect(screen.getAllByTestId('drift-row')[1]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('k');
    expect(screen.getAllByTestId('drift-row')[0]!.getAttribute('aria-selected')).toBe('true');
  });

  it('“Open in review” goes to the message in the inbox', async () => {
    const backend = await startBackend();
    const id = (await extracted(backend, 1))[0]!.id;
    const detail = await backend.api.getMessage({ id });
    const a = detail.extraction!;
    const fake = createDriftFake(backend.api, {
      runs: [R1, R2],
      comparison: { ...COMPARISON, items: [item(id, { issue_type: 'billing' }, { issue_type: 'refund' })] },
      pairs: new Map([[id, { messageId: id, subject: 'S', text: 'T', a, b: { ...a, output: { ...a.output, issue_type: 'other' } } }]]),
    });
    const stores = createStores(fake.api, { screen: 'drift' });
    const user = userEvent.setup();
    render(<App stores={stores} />);
    await user.click((await screen.findAllByTestId('drift-row'))[0]!);
    await user.click(await screen.findByTestId('drift-open-in-review'));
    await waitFor(() => expect(stores.navigation.getState().screen).toBe('inbox'));
    expect(screen.queryByTestId('drift-screen')).toBeNull();
    await waitFor(() => expect(stores.inbox.getState().selectedId).toBe(id));
  });

  it('starts a comparison run against a version, provider and model; its progress shows, and when done it becomes B', async () => {
    const { backend, fake, user } = await renderDrift();
    await screen.findByTestId('drift-summary');
    await user.click(screen.getByTestId('drift-new-run'));
    const dialog = await screen.findByTestId('drift-new-run-dialog');
    await user.selectOptions(within(dialog).getByTestId('drift-new-run-provider'), 'openai');
    const model = within(dialog).getByTestId('drift-new-run-model');
    await user.clear(model);
    await user.type(model, 'gpt-4.1-mini');
    await user.click(within(dialog).getByTestId('drift-new-run-start'));
    await waitFor(() => expect(screen.queryByTestId('drift-new-run-dialog')).toBeNull());
    expect(fake.callsOf('startRun')).toEqual([{ selection: { all: true }, against: { version: 'draft', provider: 'openai', model: 'gpt-4.1-mini' } }]);
    expect(screen.getByTestId('drift-pending').textContent).toContain('0 of 140 messages');

    backend.api.emit('runProgress', { runId: 'compare-1', status: 'running', done: 70, failed: 0, total: 140, ratePerSecond: 10, etaSeconds: 7 });
    await waitFor(() => expect(screen.getByTestId('drift-pending').textContent).toContain('70 of 140 messages'));
    fake.state.runs.find((r) => r.id === 'compare-1')!.status = 'done';
    backend.api.emit('runProgress', { runId: 'compare-1', status: 'done', done: 140, failed: 0, total: 140, ratePerSecond: 10, etaSeconds: 0 });
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ a: 'run-1', b: 'compare-1' }));
    expect(screen.queryByTestId('drift-pending')).toBeNull();
    await waitFor(() => expect((screen.getByTestId('drift-run-b') as HTMLSelectElement).value).toBe('compare-1'));
  });

  it('with one finished run, a comparison run makes the pair: the run that was B becomes A', async () => {
    const { backend, fake, user } = await renderDrift({ runs: [R1] });
    expect((await screen.findByTestId('drift-empty')).textContent).toContain('Two finished runs are needed');
    await user.click(screen.getByTestId('drift-new-run'));
    await user.click(within(await screen.findByTestId('drift-new-run-dialog')).getByTestId('drift-new-run-start'));
    expect(fake.callsOf('startRun')).toEqual([{ selection: { all: true }, against: { version: 'draft', provider: 'embedded' } }]);
    fake.state.runs.find((r) => r.id === 'compare-1')!.status = 'done';
    backend.api.emit('runProgress', { runId: 'compare-1', status: 'done', done: 140, failed: 0, total: 140, ratePerSecond: 10, etaSeconds: 0 });
    await waitFor(() => expect(fake.callsOf('compareRuns').at(-1)).toMatchObject({ a: 'run-1', b: 'compare-1' }));
    await screen.findByTestId('drift-summary');
  });

  it('says so when a comparison run fails', async () => {
    const { backend, user } = await renderDrift();
    await screen.findByTestId('drift-summary');
    await user.click(screen.getByTestId('drift-new-run'));
    await user.click(within(await screen.findByTestId('drift-new-run-dialog')).getByTestId('drift-new-run-start'));
    backend.api.emit('runProgress', { runId: 'compare-1', status: 'failed', done: 3, failed: 137, total: 140, ratePerSecond: 0, etaSeconds: null });
    expect((await screen.findByTestId('drift-pending-error')).textContent).toContain('The comparison run failed (3 of 140 messages done).');
  });

  it('says so when the runs cannot be compared, and when there are not two runs to compare', async () => {
    const { fake, user } = await renderDrift();
    await screen.findByTestId('drift-summary');
    fake.failNext('compareRuns', { code: 'unavailable', message: 'run comparison is not built yet' });
    await user.click(screen.getByTestId('drift-swap'));
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('run comparison is not built yet');
    await user.click(within(error).getByTestId('retry-button'));
    await screen.findByTestId('drift-summary');

    cleanup();
    const backend = await startBackend();
    const lonely = createDriftFake(backend.api, { runs: [R1] });
    render(<App stores={createStores(lonely.api, { screen: 'drift' })} />);
    expect((await screen.findByTestId('drift-empty')).textContent).toContain('Two finished runs are needed');
  });

  it('lists its keys in the ? dialog', async () => {
    const { user } = await renderDrift();
    await screen.findByTestId('drift-summary');
    await user.keyboard('?');
    const dialog = await screen.findByTestId('shortcuts-dialog');
    const ids = within(dialog).getAllByTestId('shortcut-row').map((r) => r.getAttribute('data-key-id'));
    expect(ids).toEqual(expect.arrayContaining(['drift.next', 'drift.previous', 'drift.open', 'drift.close', 'drift.move']));
  });
});
