// @vitest-environment jsdom
// The replay panel over the real backend: production traces imported (the documented minimal JSONL)
// once per file, replayed by the backend under the draft with the embedded provider. Each trace's
// production answer is made from what the draft answers for it (learnt from a first replay), so
// which traces differ, and why, is known: one with an unchanged answer, one logged under version 1
// (rulebook), two with another answer under the same rulebook (model), one unlike any precedent
// (traffic). Progress arrives as the backend's own driftChanged events.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CasebookApi } from '../../../api/contract';
import type { ApiHandlers } from '../../../../../shared/src/api/contract.js';
import { createStores, StoresProvider } from '../../../stores';
import { startBackend, type TestBackend } from '../../../test/backend';
import { startScriptedModel } from '../../../test/model';
import { answerLate, eventually, nextEvent, preparedWorkspace } from '../../../test/prepared';
import { ReplayPanel } from './index';

const EVIL = '<img src=x onerror=alert(1)>';
const ALL_TIME = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
const LINKED = { subject: EVIL, text: `Hi ${EVIL}, the card reader froze again during lunch and the queue is out the door.`, time: '2026-03-05T14:02:00.000Z' };
const NONSENSE = 'Zxqv blorp fnord wibble quux plugh xyzzy frobnicate';

type Output = Record<string, unknown>;
/** The traces the arranging wrote, by role, with their texts. */
const traces = { same: '', rulebook: '', model: '', modelLinked: LINKED.text, traffic: NONSENSE };
let linkedMessageId = '';
/** Traces of the orders service (for a replay started from the form). */
const ORDERS = 6;

const line = (text: string, output: Output, time: string, extra: Output = {}) => JSON.stringify({ text, output, time, ...extra });
const jsonl = (lines: string[]) => ({ name: 'traces.jsonl', content: lines.join('\n') + '\n' });
const other = (output: Output, field: string, values: string[]) => ({ ...output, [field]: values.find((v) => v !== output[field])! });

/** A replay under the draft (the handlers take parsed arguments: the defaults given here), once it is done. */
async function replayed(h: ApiHandlers, args: { source: string; from: string; to: string }) {
  const started = await h.startReplay({ version: 'draft', limit: 10_000, ...args });
  await eventually(async () => (await h.getReplay({ id: started.id, limit: 1 })).status === 'done', `replay ${started.id}`);
  return h.getReplay({ id: started.id, limit: 500 });
}

const workspace = preparedWorkspace(async ({ handlers: h }) => {
  // A message with no sender, as production logs it: the trace of the same text and time links to it.
  await h.importMessages({ file: { name: 'linked.jsonl', content: JSON.stringify({ text: LINKED.text, subject: LINKED.subject, receivedAt: LINKED.time }) + '\n' }, asPrecedents: false });
  const listed = (await h.listMessages({ limit: 500 })).items;
  linkedMessageId = listed.find((m) => m.subject === LINKED.subject)!.id;
  const demo = await Promise.all(listed.filter((m) => m.id !== linkedMessageId).slice(20, 30).map(async (m) => (await h.getMessage({ id: m.id })).message));
  Object.assign(traces, { same: demo[0]!.text, rulebook: demo[1]!.text, model: demo[2]!.text });
  const texts = [traces.same, traces.rulebook, traces.model, traces.modelLinked, traces.traffic];

  // What the draft answers for each text: a first replay of traces whose answers all differ.
  await h.importTraces({ file: jsonl(texts.map((t) => line(t, { probe: 'x' }, '2026-03-05T10:00:00.000Z'))), source: 'probe' });
  const probe = await replayed(h, { source: 'probe', ...ALL_TIME });
  // Every probe differs (no answer has the key `probe`); by seq, in the order they were written.
  const answers = [...probe.items].sort((x, y) => x.seq - y.seq).map((i) => i.replay.output as Output);
  expect(answers).toHaveLength(texts.length);
  const answer = (text: string) => answers[texts.indexOf(text)]!;

  const issueTypes = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];
  const urgencies = ['low', 'medium', 'high', 'critical'];
  await h.importTraces({
    file: jsonl([
      line(traces.same, answer(traces.same), '2026-03-05T10:00:00.000Z', { model: 'gpt-4o-mini' }),
      line(traces.rulebook, other(answer(traces.rulebook), 'issue_type', issueTypes), '2026-03-05T11:00:00.000Z', { version: 1, model: 'gpt-4o-mini' }),
      line(traces.model, other(answer(traces.model), 'issue_type', issueTypes), '2026-03-05T12:00:00.000Z', { model: 'gpt-4o-mini' }),
      line(LINKED.text, other(answer(LINKED.text), 'urgency', urgencies), LINKED.time, { subject: LINKED.subject, model: 'gpt-4o-mini' }),
      line(NONSENSE, other(answer(NONSENSE), 'issue_type', issueTypes), '2026-03-05T15:00:00.000Z', { model: 'gpt-4o-mini' }),
    ]),
    source: 'triage-service',
  });
  await h.importTraces({ file: jsonl(demo.slice(3, 3 + ORDERS).map((m, i) => line(m.text, { issue_type: 'other' }, `2026-03-0${2 + (i % 4)}T10:00:00.000Z`))), source: 'orders-service' });
});

// The arranging's probe replays are kept by the workspace like any replay that ended; they are
// scaffolding, not the history these tests start from.
beforeAll(() => {
  const db = new Database(workspace());
  db.exec('DELETE FROM replays');
  db.close();
});

async function renderPanel(options: { backend?: TestBackend; api?: (api: TestBackend['api']) => CasebookApi } = {}) {
  const backend = options.backend ?? (await startBackend({ from: workspace() }));
  const stores = createStores(options.api ? options.api(backend.api) : backend.api, { screen: 'drift' });
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <ReplayPanel />
    </StoresProvider>,
  );
  await screen.findByTestId('replay-panel');
  return { backend, api: backend.api, stores, user };
}

/** The item of a trace, found by the start of its text. */
const seqOf = (role: keyof typeof traces) => (item: HTMLElement) => item.textContent!.includes(traces[role].slice(0, 20));

describe('Replay and attribution', () => {
  it('lists past replays; one opened shows same / differ and the attribution split, each count drilling into its items (getReplay with the attribution)', async () => {
    const backend = await startBackend({ from: workspace() });
    const older = await replayed(backend.handlers, { source: 'orders-service', ...ALL_TIME });
    const newer = await replayed(backend.handlers, { source: 'triage-service', ...ALL_TIME });
    const { api, stores, user } = await renderPanel({ backend });
    const list = await screen.findByTestId('replay-list');
    const entries = within(list).getAllByTestId('replay-list-item');
    expect(entries.map((e) => e.getAttribute('data-replay-id'))).toEqual([newer.id, older.id]);
    expect(entries[0]!.textContent).toContain('draft');
    expect(entries[0]!.textContent).toContain('embedded');
    expect(entries[0]!.textContent).toContain('5 traces · 4 differ');
    expect(screen.getByTestId('replay-empty')).toBeTruthy();

    await user.click(entries[0]!);
    await screen.findByTestId('replay-report');
    expect(api.callsOf('getReplay').at(-1)).toEqual({ id: newer.id, limit: 100 });
    expect(screen.getByTestId('replay-same').textContent).toBe('1');
    expect(screen.getByTestId('replay-differ').textContent).toContain('4');
    const counts = (['rulebook', 'model', 'traffic'] as const).map((a) => within(screen.getByTestId(`replay-attribution-${a}`)).getByTestId('replay-attribution-count').textContent);
    expect(counts).toEqual(['1', '2', '1']);
    expect(screen.getAllByTestId('replay-item')).toHaveLength(4);

    await user.click(screen.getByTestId('replay-attribution-model'));
    await waitFor(() => expect(api.callsOf('getReplay').at(-1)).toEqual({ id: newer.id, attribution: 'model', limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId('replay-item')).toHaveLength(2));
    expect(screen.getAllByTestId('replay-item').every((i) => i.getAttribute('data-attribution') === 'model')).toBe(true);
    expect(screen.getByTestId('replay-attribution-model').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('replay-filter-chip').textContent).toContain('Model');

    const linked = screen.getAllByTestId('replay-item').find(seqOf('modelLinked'))!;
    expect(within(linked).getByTestId('replay-item-why').textContent).toMatch(/^same rulebook, another answer \(production: gpt-4o-mini, here: /);
    expect(within(linked).getByTestId('replay-item-attribution').textContent).toBe('Model');
    // Only the changed field, production's value beside the replay's.
    const changes = within(linked).getAllByTestId('replay-item-change');
    expect(changes.map((c) => c.getAttribute('data-field'))).toEqual(['urgency']);
    expect(within(linked).getByTestId('replay-item-changes').textContent).toContain('gpt-4o-mini');
    // Untrusted text stays text.
    expect(linked.textContent).toContain(EVIL);
    expect(document.querySelector('img')).toBeNull();

    await user.click(screen.getByTestId('replay-attribution-traffic'));
    await waitFor(() => expect(api.callsOf('getReplay').at(-1)).toMatchObject({ attribution: 'traffic' }));
    await waitFor(() => expect(screen.getAllByTestId('replay-item')).toHaveLength(1));
    expect(screen.getByTestId('replay-item').textContent).toContain(NONSENSE);
    expect(within(screen.getByTestId('replay-item')).getByTestId('replay-item-why').textContent).toMatch(/^no precedent/);
    // No workspace message has its text: nothing to open.
    expect(within(screen.getByTestId('replay-item')).queryByTestId('replay-open-in-review')).toBeNull();

    await user.click(screen.getByTestId('replay-attribution-rulebook'));
    await waitFor(() => expect(screen.getAllByTestId('replay-item').map((i) => i.getAttribute('data-attribution'))).toEqual(['rulebook']));
    expect(within(screen.getByTestId('replay-item')).getByTestId('replay-item-why').textContent).toBe('production ran version 1, this replay the draft');

    await user.click(screen.getByTestId('replay-filter-clear'));
    await waitFor(() => expect(api.callsOf('getReplay').at(-1)).toEqual({ id: newer.id, limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId('replay-item')).toHaveLength(4));

    // Open in review, where the workspace has the message.
    const withMessage = screen.getAllByTestId('replay-item').find(seqOf('modelLinked'))!;
    await user.click(within(withMessage).getByTestId('replay-open-in-review'));
    expect(stores.navigation.getState().screen).toBe('inbox');
    expect(stores.inbox.getState().selectedId).toBe(linkedMessageId);
  });

  it('starts a replay over a window of dates, source, version, provider and limit; follows its progress, cancels; a replay that ends shows its report', async () => {
    const backend = await startBackend({ from: workspace() });
    // A slow model: the replay is still running when it is cancelled.
    await startScriptedModel(backend, { latencyMs: 1000 });
    const { api, user } = await renderPanel({ backend });
    expect(await screen.findByTestId('replay-list-empty')).toBeTruthy();

    await user.click(screen.getByTestId('replay-range-dates'));
    await user.type(screen.getByTestId('replay-from'), '2026-03-01');
    await user.type(screen.getByTestId('replay-to'), '2026-03-07');
    await user.type(screen.getByTestId('replay-source'), 'orders-service');
    await user.selectOptions(screen.getByTestId('replay-provider'), 'openai');
    const model = screen.getByTestId('replay-model');
    await user.clear(model);
    await user.type(model, 'gpt-4.1');
    const limit = screen.getByTestId('replay-limit');
    await user.clear(limit);
    await user.type(limit, '500');
    const progressed = nextEvent(api, 'driftChanged', (e) => e.kind === 'replay' && e.status === 'running' && e.done > 0);
    await user.click(screen.getByTestId('replay-start'));

    await waitFor(() => expect(api.callsOf('startReplay')).toHaveLength(1));
    expect(api.callsOf('startReplay')[0]).toEqual({
      version: 'draft',
      limit: 500,
      provider: 'openai',
      model: 'gpt-4.1',
      source: 'orders-service',
      // Local days: from the first's start to the end of the last.
      from: new Date('2026-03-01T00:00:00').toISOString(),
      to: new Date('2026-03-08T00:00:00').toISOString(),
    });
    const progress = await screen.findByTestId('replay-progress');
    expect(progress.textContent).toMatch(new RegExp(`(queued|running): \\d+ of ${ORDERS} traces`));
    const id = within(screen.getByTestId('replay-list')).getAllByTestId('replay-list-item').map((e) => e.getAttribute('data-replay-id'));
    expect(id).toHaveLength(1);

    const event = await progressed;
    await waitFor(() => expect(screen.getByTestId('replay-progress').textContent).toMatch(new RegExp(`running: [1-9]\\d* of ${ORDERS} traces`)), { timeout: 10_000 });
    expect(event.done).toBeLessThan(ORDERS);

    await user.click(screen.getByTestId('replay-progress-cancel'));
    await waitFor(() => expect(api.callsOf('cancelReplay')).toEqual([{ id: id[0] }]));
    await waitFor(() => expect(screen.queryByTestId('replay-progress')).toBeNull(), { timeout: 10_000 });
    expect(screen.getByTestId('replay-under').textContent).toContain('cancelled');

    // Another replay, of every trace the embedded provider answers at once: it ends, and its report shows.
    await user.selectOptions(screen.getByTestId('replay-provider'), 'embedded');
    await user.clear(screen.getByTestId('replay-source'));
    await user.type(screen.getByTestId('replay-source'), 'triage-service');
    const listed = api.callsOf('listReplays').length;
    await user.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-same').textContent).toBe('1'), { timeout: 15_000 });
    expect(screen.queryByTestId('replay-progress')).toBeNull();
    expect(api.callsOf('listReplays').length).toBeGreaterThan(listed);
    expect(within(screen.getByTestId('replay-list')).getAllByTestId('replay-list-item')).toHaveLength(2);
  });

  it('a replay that ends before its start is answered is shown done (its one end event is not lost)', async () => {
    const backend = await startBackend({ from: workspace() });
    // The host answers startReplay only after the replay's end event has reached the window, as a
    // replay answered from the cache can on a busy machine: the real answer, held back.
    const ended = nextEvent(backend.api, 'driftChanged', (e) => e.kind === 'replay' && e.status === 'done');
    const { user } = await renderPanel({ backend, api: (api) => answerLate(api, 'startReplay', async () => void (await ended)) });
    await user.click(screen.getByTestId('replay-range-dates'));
    await user.type(screen.getByTestId('replay-from'), '2026-03-01');
    await user.type(screen.getByTestId('replay-to'), '2026-03-07');
    await user.type(screen.getByTestId('replay-source'), 'triage-service');
    await user.click(await screen.findByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-same').textContent).toBe('1'), { timeout: 15_000 });
    expect(screen.getByTestId('replay-under').textContent).toContain('5 of 5 traces replayed');
    expect(screen.getByTestId('replay-under').textContent).not.toContain('running');
    expect(screen.queryByTestId('replay-progress')).toBeNull();
    expect(screen.getAllByTestId('replay-item')).toHaveLength(4);
  });

  it('the last 7 days by default; a replay refused says why', async () => {
    const backend = await startBackend({ from: workspace() });
    backend.api.failNext('startReplay', { code: 'unavailable', message: 'the replay could not start' });
    const { api, user } = await renderPanel({ backend });
    const before = Date.now();
    await user.click(await screen.findByTestId('replay-start'));
    expect((await screen.findByTestId('replay-start-error')).textContent).toContain('the replay could not start');
    const args = api.callsOf('startReplay')[0]!;
    expect(args).toMatchObject({ version: 'draft', limit: 10_000, provider: 'embedded' });
    expect(Date.parse(args.to!) - Date.parse(args.from!)).toBe(7 * 24 * 60 * 60 * 1000);
    expect(Date.parse(args.to!)).toBeGreaterThanOrEqual(before - 1000);
    expect(args.source).toBeUndefined();
  });

  it('a failed list offers Retry', async () => {
    const backend = await startBackend({ from: workspace() });
    backend.api.failNext('listReplays', { code: 'unavailable', message: 'not yet' });
    const { user } = await renderPanel({ backend });
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('not yet');
    await user.click(within(error).getByTestId('retry-button'));
    expect(await screen.findByTestId('replay-list-empty')).toBeTruthy();
  });
});
