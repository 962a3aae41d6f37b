// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { startBackend } from '../../test/backend';
import type { GateFailure } from '../../../../shared/src/api/records.js';
import { createPublishFake, HASH, versionRecord, type PublishFake } from './fakePublishApi';

/** The app on the History screen, over the real backend with the publish methods faked. */
async function renderHistory(seed: Parameters<typeof createPublishFake>[1] = {}) {
  const backend = await startBackend();
  const fake = createPublishFake(backend.api, seed);
  const stores = createStores(fake.api, { screen: 'history' });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  await screen.findByTestId('history-screen');
  return { fake, stores, user, ...result };
}

const failure = (id: string, regression: boolean, field = 'issue_type'): GateFailure => ({
  precedentId: id,
  excerpt: `message of ${id}`,
  fields: [{ field, expected: 'billing', actual: 'bug' }],
  errors: [],
  regression,
});

async function openAndFinishGate(fake: PublishFake, user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId('publish-open'));
  await screen.findByTestId('gate-running');
  fake.finishGate();
  return screen.findByTestId('gate-done');
}

describe('History screen', () => {
  it('shows the draft state, runs the gate with progress, and publishes a version that then appears', async () => {
    const { fake, user } = await renderHistory({ gate: { total: 4, failures: [] } });
    expect((await screen.findByTestId('draft-publish-state')).textContent).toBe('not published yet');
    expect(await screen.findByTestId('versions-empty')).toBeTruthy();

    await user.click(screen.getByTestId('publish-open'));
    expect((await screen.findByTestId('gate-progress-text')).textContent).toBe('0 of 4');
    fake.progressGate(3);
    await waitFor(() => expect(screen.getByTestId('gate-progress-text').textContent).toBe('3 of 4'));
    expect((screen.getByTestId('gate-progress') as HTMLProgressElement).value).toBe(3);
    fake.finishGate();
    expect((await screen.findByTestId('gate-verdict')).textContent).toContain('The gate passed');
    expect(screen.queryByTestId('publish-anyway')).toBeNull();
    await user.type(screen.getByTestId('publish-note'), 'Chargebacks are billing');
    await user.click(screen.getByTestId('publish-confirm'));

    await waitFor(() => expect(screen.queryByTestId('publish-dialog')).toBeNull());
    expect(fake.callsOf('publishDraft')).toEqual([{ gateId: 'gate-1', note: 'Chargebacks are billing' }]);
    const row = await screen.findByTestId('version-row');
    expect(row.getAttribute('data-version')).toBe('1');
    expect(row.textContent).toContain('Chargebacks are billing');
  });

  it('lists the gate failures regressions first, with expected and actual per field, and publishes only with “Publish anyway” and a reason', async () => {
    const { fake, user } = await renderHistory({
      versions: [versionRecord(1)],
      gate: { total: 10, failures: [failure('p-plain', false), failure('p-broken', true, 'urgency'), failure('p-other', false)] },
    });
    await openAndFinishGate(fake, user);
    expect(screen.getByTestId('gate-verdict').textContent).toContain('The gate failed: 3 precedents');
    const items = screen.getAllByTestId('gate-failure');
    expect(items.map((i) => i.getAttribute('data-precedent-id'))).toEqual(['p-broken', 'p-plain', 'p-other']);
    expect(items[0]!.textContent).toContain('Regression');
    expect(items[1]!.textContent).not.toContain('Regression');
    const cells = within(items[0]!).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['urgency', '"billing"', '"bug"']);

    const publish = screen.getByTestId('publish-confirm') as HTMLButtonElement;
    expect(publish.disabled).toBe(true);
    await user.click(screen.getByTestId('publish-anyway'));
    expect(publish.disabled).toBe(true);
    await user.type(screen.getByTestId('publish-reason'), '   ');
    expect(publish.disabled).toBe(true);
    await user.type(screen.getByTestId('publish-reason'), 'The old urgency was wrong');
    expect(publish.disabled).toBe(false);
    await user.click(publish);
    await waitFor(() => expect(fake.callsOf('publishDraft')).toHaveLength(1));
    expect(fake.callsOf('publishDraft')[0]).toMatchObject({ overrideReason: 'The old urgency was wrong' });
    const gate = await waitFor(() => {
      const rows = screen.getAllByTestId('version-row');
      expect(rows[0]!.getAttribute('data-version')).toBe('2');
      return within(rows[0]!).getByTestId('version-gate');
    });
    expect(gate.textContent).toContain('overridden');
    expect(gate.textContent).toContain('The old urgency was wrong');
  });

  it('says clearly when the draft changed since the gate, and runs the gate again', async () => {
    const { fake, user } = await renderHistory();
    await openAndFinishGate(fake, user);
    fake.failNext('publishDraft', { code: 'conflict', message: 'The draft changed since gate gate-1 ran.' });
    await user.click(screen.getByTestId('publish-confirm'));
    const error = await screen.findByTestId('publish-error');
    expect(error.textContent).toContain('The draft changed since the gate ran');
    expect(error.textContent).toContain('The draft changed since gate gate-1 ran.');
    await user.click(within(error).getByTestId('gate-rerun'));
    await screen.findByTestId('gate-running');
    expect(fake.callsOf('startGate')).toHaveLength(2);
  });

  it('cancels a running gate', async () => {
    const { fake, user } = await renderHistory();
    await user.click(screen.getByTestId('publish-open'));
    await screen.findByTestId('gate-running');
    await user.click(screen.getByTestId('gate-cancel'));
    expect(await screen.findByTestId('gate-cancelled')).toBeTruthy();
    expect(fake.callsOf('cancelGate')).toEqual([{ gateId: 'gate-1' }]);
  });

  it('shows untrusted text as text: notes, reasons and diffs never become HTML', async () => {
    const evil = '<img src=x onerror="alert(1)"><b>bold</b>';
    const { user, container } = await renderHistory({
      versions: [versionRecord(1), versionRecord(2, { note: evil, gate: { passed: 1, failed: 1, regressions: 1, overrideReason: evil } })],
    });
    const rows = await screen.findAllByTestId('version-row');
    expect(rows.map((r) => r.getAttribute('data-version'))).toEqual(['2', '1']);
    expect(rows[0]!.textContent).toContain(evil);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();

    // A version's changelog, then the difference between two ticked versions.
    await user.click(screen.getByTestId('select-v2'));
    expect((await screen.findByTestId('version-changelog')).textContent).toContain('rule changed in v2');
    await user.click(screen.getByTestId('compare-v2'));
    await user.click(screen.getByTestId('compare-v1'));
    expect((await screen.findByTestId('diff-text')).textContent).toBe('--- 1\n+++ 2\n~ rule changed');
    expect(screen.getByTestId('diff-changelog').textContent).toContain('changed from 1 to 2');
  });

  it('says a move to an older version is a rollback, and records it in the label history', async () => {
    const { fake, user } = await renderHistory({
      versions: [versionRecord(1), versionRecord(2), versionRecord(3, { labels: ['production'] })],
      labels: {
        labels: [
          { label: 'production', version: 3, hash: HASH(3), setBy: 'Priya', setAt: new Date().toISOString() },
          { label: 'staging', version: 0, hash: '', setBy: null, setAt: '' },
        ],
        moves: [],
      },
    });
    await user.click(screen.getByTestId('tab-labels'));
    await user.click(await screen.findByTestId('label-move-production'));
    const dialog = await screen.findByTestId('move-label-dialog');
    await user.selectOptions(within(dialog).getByTestId('label-target'), '2');
    expect(within(dialog).getByTestId('move-sentence').textContent).toContain('Roll back production from v3 to v2');
    expect(within(dialog).getByTestId('label-confirm').textContent).toBe('Roll back');
    await user.selectOptions(within(dialog).getByTestId('label-target'), '3');
    expect((within(dialog).getByTestId('label-confirm') as HTMLButtonElement).disabled).toBe(true);
    await user.selectOptions(within(dialog).getByTestId('label-target'), '2');
    await user.type(within(dialog).getByTestId('label-reason'), 'v3 breaks refunds');
    await user.click(within(dialog).getByTestId('label-confirm'));

    await waitFor(() => expect(screen.queryByTestId('move-label-dialog')).toBeNull());
    expect(fake.callsOf('setLabel')).toEqual([{ label: 'production', version: 2, reason: 'v3 breaks refunds' }]);
    const production = screen.getAllByTestId('label-row').find((r) => r.getAttribute('data-label') === 'production')!;
    expect(within(production).getByTestId('label-version').textContent).toBe('v2');
    const move = (await screen.findAllByTestId('label-move-row'))[0]!;
    expect(move.textContent).toContain('production');
    expect(move.textContent).toContain('v3 → v2');
    expect(move.textContent).toContain('rollback');
    expect(move.textContent).toContain('v3 breaks refunds');
  });

  it('adds a label, refusing a name the format refuses', async () => {
    const { fake, user } = await renderHistory({ versions: [versionRecord(1)] });
    await user.click(screen.getByTestId('tab-labels'));
    await user.click(await screen.findByTestId('label-add'));
    const dialog = await screen.findByTestId('move-label-dialog');
    await user.type(within(dialog).getByTestId('label-name'), 'Canary!');
    expect((within(dialog).getByTestId('label-confirm') as HTMLButtonElement).disabled).toBe(true);
    await user.clear(within(dialog).getByTestId('label-name'));
    await user.type(within(dialog).getByTestId('label-name'), 'canary');
    expect(within(dialog).getByTestId('move-sentence').textContent).toContain('Point canary at v1');
    await user.click(within(dialog).getByTestId('label-confirm'));
    await waitFor(() => expect(fake.callsOf('setLabel')).toEqual([{ label: 'canary', version: 1, reason: '' }]));
    expect(await screen.findByText('canary', { selector: 'strong' })).toBeTruthy();
  });

  it('shows signing keys with where they are kept, and retires only a key that is not active', async () => {
    const pem = (id: string) => `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA${id}\n-----END PUBLIC KEY-----\n`;
    const { fake, user } = await renderHistory({
      keys: {
        storage: 'encrypted with the operating system key store',
        keys: [
          { keyId: 'aaaaaaaaaaaaaaaa', publicKeyPem: pem('old'), createdAt: '2026-01-01T00:00:00Z', retiredAt: null, active: false },
          { keyId: 'bbbbbbbbbbbbbbbb', publicKeyPem: pem('new'), createdAt: '2026-02-01T00:00:00Z', retiredAt: null, active: true },
        ],
      },
    });
    await user.click(screen.getByTestId('tab-keys'));
    expect((await screen.findByTestId('key-storage')).textContent).toContain('encrypted with the operating system key store');
    expect(screen.getAllByTestId('key-pem').map((p) => p.textContent)).toEqual([pem('old'), pem('new')]);
    expect(screen.queryByTestId('key-retire-bbbbbbbbbbbbbbbb')).toBeNull();
    await user.click(screen.getByTestId('key-retire-aaaaaaaaaaaaaaaa'));
    await user.click(await screen.findByTestId('key-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('signing-key')[0]!.textContent).toContain('retired'));
    expect(fake.callsOf('retireSigningKey')).toEqual([{ keyId: 'aaaaaaaaaaaaaaaa' }]);
  });

  it('lists sync targets with their full last error, keeps the token write-only, and follows publishChanged', async () => {
    const error = 'git push rejected: ! [rejected] main -> main (fetch first)\nhint: Updates were rejected';
    const { fake, user, container } = await renderHistory({
      targets: [
        { id: 't1', kind: 'folder', name: 'Shared drive', path: '/srv/rulebooks', url: null, hasToken: false, enabled: true, git: true, status: 'failed', lastAttemptAt: '2026-02-01T10:00:00Z', lastSuccessAt: null, lastError: error, retryAt: '2026-02-01T10:05:00Z', lastCommit: null },
      ],
    });
    await user.click(screen.getByTestId('tab-sync'));
    const target = await screen.findByTestId('sync-target');
    expect(within(target).getByTestId('sync-status').textContent).toBe('failed');
    expect(within(target).getByTestId('sync-error').textContent).toBe(error);
    expect(target.textContent).toContain('git');

    await user.click(screen.getByTestId('sync-add'));
    const dialog = await screen.findByTestId('sync-target-dialog');
    await user.click(within(dialog).getByTestId('sync-kind-http'));
    await user.type(within(dialog).getByTestId('sync-name'), 'Config server');
    await user.type(within(dialog).getByTestId('sync-url'), 'https://config.example.com/rb/');
    expect((within(dialog).getByTestId('sync-token') as HTMLInputElement).type).toBe('password');
    await user.type(within(dialog).getByTestId('sync-token'), 'tok-secret-1');
    await user.click(within(dialog).getByTestId('sync-save'));
    await waitFor(() => expect(screen.getAllByTestId('sync-target')).toHaveLength(2));
    expect(fake.callsOf('saveSyncTarget')).toEqual([{ kind: 'http', name: 'Config server', url: 'https://config.example.com/rb/', token: 'tok-secret-1', enabled: true }]);
    expect(screen.getAllByTestId('sync-target')[1]!.textContent).toContain('a token is stored');
    expect(new XMLSerializer().serializeToString(container)).not.toContain('tok-secret-1');

    // The backend synced: the list is read again when it says so.
    fake.state.targets = fake.state.targets.map((t) => ({ ...t, status: 'ok', lastError: null, retryAt: null }));
    const before = fake.callsOf('listSyncTargets').length;
    fake.emit('publishChanged', { reason: 'sync' });
    await waitFor(() => expect(screen.queryByTestId('sync-error')).toBeNull());
    expect(fake.callsOf('listSyncTargets').length).toBeGreaterThan(before);
  });
});
