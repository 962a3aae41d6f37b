// @vitest-environment jsdom
// The replay panel over the real backend, with the replay methods answered by fakeInvestigateApi
// until their backend lands; progress arrives as the host's driftChanged events.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CasebookApi } from '../../../api/contract';
import { createStores, StoresProvider } from '../../../stores';
import { startBackend } from '../../../test/backend';
import type { Attribution, ReplayItem } from '../../../../../shared/src/api/records.js';
import { createInvestigateFake, replayReport, type InvestigateFakeState } from './fakeInvestigateApi';
import { ReplayPanel } from './index';

const EVIL = '<img src=x onerror=alert(1)>';

function item(seq: number, attribution: Attribution, production: Record<string, string>, replay: Record<string, string>, extra: Partial<ReplayItem> = {}): ReplayItem {
  const changedFields = Object.keys({ ...production, ...replay }).filter((k) => production[k] !== replay[k]);
  return {
    seq,
    time: '2026-03-05T14:02:00.000Z',
    subject: `Subject ${seq}`,
    excerpt: `Text of ${seq}`,
    changedFields,
    production: { output: production, valid: true, version: 2, hash: 'sha256:aaaaaa', model: 'gpt-4o-mini' },
    replay: { output: replay, valid: true },
    attribution,
    why: `why ${seq}`,
    messageId: null,
    ...extra,
  };
}

async function renderPanel(seed: (messageId: string) => Partial<InvestigateFakeState>) {
  const backend = await startBackend();
  const messageId = (await backend.api.listMessages({ limit: 1 })).items[0]!.id;
  const fake = createInvestigateFake(backend.api, seed(messageId));
  const stores = createStores(fake.api, { screen: 'drift' });
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <ReplayPanel />
    </StoresProvider>,
  );
  await screen.findByTestId('replay-panel');
  return { backend, fake, stores, user, messageId };
}

function replays(messageId: string): InvestigateFakeState['replays'] {
  return [
    replayReport('replay-2', {
      rulebook: { version: 3, hash: 'sha256:333333' },
      provider: 'openai',
      model: 'gpt-4o-mini',
      total: 500,
      done: 500,
      skipped: 4,
      same: 490,
      differ: 6,
      attribution: { rulebook: 3, model: 2, traffic: 1 },
      items: [
        item(1, 'rulebook', { issue_type: 'billing', urgency: 'high' }, { issue_type: 'refund', urgency: 'high' }, { why: 'rule r-12 fired here, not in production' }),
        item(2, 'model', { issue_type: 'billing', urgency: 'low' }, { issue_type: 'billing', urgency: 'high' }, { why: 'same prompt, another answer', messageId, subject: EVIL, excerpt: `Hi ${EVIL}` }),
        item(3, 'rulebook', { issue_type: 'hardware' }, { issue_type: 'other' }),
        item(4, 'traffic', { issue_type: 'billing' }, { issue_type: 'other' }, { why: 'no precedent closer than 0.31', excerpt: null, subject: null }),
        item(5, 'rulebook', { urgency: 'low' }, { urgency: 'medium' }),
        item(6, 'model', { name: 'Ana' }, { name: 'Anna' }),
      ],
    }),
    replayReport('replay-1', { total: 20, done: 20, same: 20 }),
  ];
}

describe('Replay and attribution', () => {
  it('lists past replays; one opened shows same / differ and the attribution split, each count drilling into its items (getReplay with the attribution)', async () => {
    const { fake, stores, user, messageId } = await renderPanel((id) => ({ replays: replays(id) }));
    const list = await screen.findByTestId('replay-list');
    const entries = within(list).getAllByTestId('replay-list-item');
    expect(entries.map((e) => e.getAttribute('data-replay-id'))).toEqual(['replay-2', 'replay-1']);
    expect(entries[0]!.textContent).toContain('v3');
    expect(entries[0]!.textContent).toContain('OpenAI-compatible gpt-4o-mini');
    expect(entries[0]!.textContent).toContain('500 traces · 6 differ');
    expect(screen.getByTestId('replay-empty')).toBeTruthy();

    await user.click(entries[0]!);
    await screen.findByTestId('replay-report');
    expect(fake.callsOf('getReplay').at(-1)).toEqual({ id: 'replay-2', limit: 100 });
    expect(screen.getByTestId('replay-same').textContent).toBe('490');
    expect(screen.getByTestId('replay-differ').textContent).toContain('6');
    expect(screen.getByTestId('replay-under').textContent).toContain('4 skipped');
    const counts = (['rulebook', 'model', 'traffic'] as const).map((a) => within(screen.getByTestId(`replay-attribution-${a}`)).getByTestId('replay-attribution-count').textContent);
    expect(counts).toEqual(['3', '2', '1']);
    expect(screen.getAllByTestId('replay-item')).toHaveLength(6);

    await user.click(screen.getByTestId('replay-attribution-model'));
    await waitFor(() => expect(fake.callsOf('getReplay').at(-1)).toEqual({ id: 'replay-2', attribution: 'model', limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId('replay-item').map((i) => i.getAttribute('data-seq'))).toEqual(['2', '6']));
    expect(screen.getByTestId('replay-attribution-model').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('replay-filter-chip').textContent).toContain('Model');

    const [second] = screen.getAllByTestId('replay-item');
    expect(within(second!).getByTestId('replay-item-why').textContent).toBe('same prompt, another answer');
    expect(within(second!).getByTestId('replay-item-attribution').textContent).toBe('Model');
    // Only the changed field, production's value beside the replay's.
    const changes = within(second!).getAllByTestId('replay-item-change');
    expect(changes.map((c) => [c.getAttribute('data-field'), ...[...c.querySelectorAll('td')].map((td) => td.textContent)])).toEqual([['urgency', 'low', 'high']]);
    expect(within(second!).getByTestId('replay-item-changes').textContent).toContain('v2 · gpt-4o-mini');
    // Untrusted text stays text.
    expect(second!.textContent).toContain(EVIL);
    expect(document.querySelector('img')).toBeNull();

    await user.click(screen.getByTestId('replay-attribution-traffic'));
    await waitFor(() => expect(fake.callsOf('getReplay').at(-1)).toMatchObject({ attribution: 'traffic' }));
    await waitFor(() => expect(screen.getAllByTestId('replay-item').map((i) => i.getAttribute('data-seq'))).toEqual(['4']));
    expect(screen.getByTestId('replay-item').textContent).toContain('(logged without text)');
    expect(within(screen.getByTestId('replay-item')).queryByTestId('replay-open-in-review')).toBeNull();

    await user.click(screen.getByTestId('replay-filter-clear'));
    await waitFor(() => expect(fake.callsOf('getReplay').at(-1)).toEqual({ id: 'replay-2', limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId('replay-item')).toHaveLength(6));

    // Open in review, where the workspace has the message.
    const withMessage = screen.getAllByTestId('replay-item').find((i) => i.getAttribute('data-seq') === '2')!;
    await user.click(within(withMessage).getByTestId('replay-open-in-review'));
    expect(stores.navigation.getState().screen).toBe('inbox');
    expect(stores.inbox.getState().selectedId).toBe(messageId);
  });

  it('starts a replay over a window of dates, source, version, provider and limit; follows its progress, cancels, and shows the report when it ends', async () => {
    const next = replayReport('replay-new', { status: 'queued', total: 40, done: 0 });
    const { backend, fake, user } = await renderPanel(() => ({ replays: [], nextReplay: next }));
    expect(await screen.findByTestId('replay-list-empty')).toBeTruthy();

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
    await user.click(screen.getByTestId('replay-start'));

    await waitFor(() => expect(fake.callsOf('startReplay')).toHaveLength(1));
    expect(fake.callsOf('startReplay')[0]).toEqual({
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
    expect(progress.textContent).toContain('queued: 0 of 40 traces');
    expect(within(screen.getByTestId('replay-list')).getAllByTestId('replay-list-item').map((e) => e.getAttribute('data-replay-id'))).toEqual(['replay-new']);

    backend.api.emit('driftChanged', { kind: 'replay', id: 'replay-new', done: 10, total: 40, status: 'running' });
    await waitFor(() => expect(screen.getByTestId('replay-progress').textContent).toContain('running: 10 of 40 traces'));

    await user.click(screen.getByTestId('replay-progress-cancel'));
    await waitFor(() => expect(fake.callsOf('cancelReplay')).toEqual([{ id: 'replay-new' }]));
    await waitFor(() => expect(screen.queryByTestId('replay-progress')).toBeNull());
    expect(screen.getByTestId('replay-under').textContent).toContain('cancelled');

    // A replay that ends (here, one started elsewhere and shown) is reloaded with the list.
    fake.state.replays[0] = { ...fake.state.replays[0]!, status: 'done', done: 40, same: 38, differ: 2, attribution: { rulebook: 0, model: 2, traffic: 0 } };
    const listed = fake.callsOf('listReplays').length;
    backend.api.emit('driftChanged', { kind: 'replay', id: 'replay-new', done: 40, total: 40, status: 'done' });
    await waitFor(() => expect(screen.getByTestId('replay-same').textContent).toBe('38'));
    expect(fake.callsOf('listReplays').length).toBeGreaterThan(listed);
  });

  it('a replay that ends before its start is answered is shown done (its one end event is not lost)', async () => {
    const backend = await startBackend();
    const fake = createInvestigateFake(backend.api, { replays: [], nextReplay: replayReport('replay-fast', { status: 'running', total: 3, done: 0 }) });
    // The host answers startReplay only after the replay's end event has reached the window, as a
    // replay of a few traces answered from the cache can on a busy machine.
    const startReplay: CasebookApi['startReplay'] = async (args) => {
      const report = await fake.api.startReplay(args);
      fake.state.replays[0] = { ...fake.state.replays[0]!, status: 'done', done: 3, same: 2, differ: 1, attribution: { rulebook: 0, model: 1, traffic: 0 }, items: [item(7, 'model', { urgency: 'low' }, { urgency: 'high' })] };
      backend.api.emit('driftChanged', { kind: 'replay', id: 'replay-fast', done: 3, total: 3, status: 'done' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return report;
    };
    const api = new Proxy(fake.api, { get: (target, prop) => (prop === 'startReplay' ? startReplay : (Reflect.get(target, prop) as unknown)) });
    const user = userEvent.setup();
    render(
      <StoresProvider stores={createStores(api, { screen: 'drift' })}>
        <ReplayPanel />
      </StoresProvider>,
    );
    await user.click(await screen.findByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-same').textContent).toBe('2'));
    expect(screen.getByTestId('replay-under').textContent).toContain('3 of 3 traces replayed');
    expect(screen.getByTestId('replay-under').textContent).not.toContain('running');
    expect(screen.queryByTestId('replay-progress')).toBeNull();
    expect(screen.getAllByTestId('replay-item').map((e) => e.getAttribute('data-seq'))).toEqual(['7']);
  });

  it('the last 7 days by default; a replay refused says why', async () => {
    const { fake, user } = await renderPanel(() => ({}));
    fake.failNext('startReplay', { code: 'unavailable', message: 'this drift instrument is not built yet' });
    const before = Date.now();
    await user.click(await screen.findByTestId('replay-start'));
    expect((await screen.findByTestId('replay-start-error')).textContent).toContain('this drift instrument is not built yet');
    const args = fake.callsOf('startReplay')[0]!;
    expect(args).toMatchObject({ version: 'draft', limit: 10_000, provider: 'embedded' });
    expect(Date.parse(args.to!) - Date.parse(args.from!)).toBe(7 * 24 * 60 * 60 * 1000);
    expect(Date.parse(args.to!)).toBeGreaterThanOrEqual(before - 1000);
    expect(args.source).toBeUndefined();
  });

  it('a failed list offers Retry', async () => {
    const backend = await startBackend();
    const fake = createInvestigateFake(backend.api);
    fake.failNext('listReplays', { code: 'unavailable', message: 'not yet' });
    const stores = createStores(fake.api, { screen: 'drift' });
    const user = userEvent.setup();
    render(
      <StoresProvider stores={stores}>
        <ReplayPanel />
      </StoresProvider>,
    );
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('not yet');
    await user.click(within(error).getByTestId('retry-button'));
    expect(await screen.findByTestId('replay-list-empty')).toBeTruthy();
  });
});
