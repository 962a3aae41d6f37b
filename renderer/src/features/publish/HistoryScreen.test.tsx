// @vitest-environment jsdom
// The History screen over the real backend. The demo, cut down once per file to a few precedents
// whose drafts ask a scripted model (test/prepared.ts), so every gate is a real replay that takes a
// second: the model answers each precedent's message as it was taught, so a precedent fails only
// where a rule of the test breaks it, and a regression is what the test broke since the last version.
// Versions, labels, keys and sync targets are the backend's own (a temp folder as the sync target).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../shared/src/api/contract.js';
import type { Rule } from '../../../../shared/src/domain.js';
import { defaultAnswer } from '../../../../shared/testkit/answer.js';
import { startScriptedServer, type Answerer } from '../../../../shared/testkit/scripted-server.js';
import { PROVIDER_SETTING } from '../../../../electron/backend/service.js';
import { RUN_SETTING } from '../../../../electron/backend/runs/service.js';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { startBackend } from '../../test/backend';
import { eventually, preparedWorkspace } from '../../test/prepared';
import { DEMO } from '../../test/workspaces';

const KEEP = 6;
const provenance = { precedentIds: [], author: 'test', createdAt: '2026-03-20T00:00:00Z' };
const ISSUE_TYPES = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];
/** The kept precedents with a phrase of their own (a rule on it changes only that one), in the draft's order. */
const kept: { id: string; text: string; issueType: string }[] = [];
/** What each precedent's message was taught, by its text: the scripted model's answers. */
const taught = new Map<string, Record<string, unknown>>();

const workspace = preparedWorkspace(async ({ handlers: h, useModel }) => {
  await useModel();
  const precedents = await h.listPrecedents({ includeDeleted: false });
  const unique = precedents.filter((p) => {
    const phrase = p.message.text.slice(0, 40);
    return p.message.text.length > 60 && precedents.filter((q) => q.message.text.includes(phrase)).length === 1;
  });
  const keep = new Set(unique.slice(0, KEEP).map((p) => p.id));
  for (const p of precedents) if (!keep.has(p.id)) await h.deletePrecedent({ id: p.id });
  for (const p of precedents.filter((q) => keep.has(q.id))) kept.push({ id: p.id, text: p.message.text, issueType: String(p.output.issue_type) });
}, 180_000);

const modelAnswer: Answerer = (body, message) => {
  const schema = body.response_format?.type === 'json_schema' ? (body.response_format.json_schema?.schema ?? null) : null;
  return taught.get(message.text.trim()) ?? defaultAnswer(schema, message);
};

/** An override rule that sets another issue type where a phrase of `p`'s own is: `p` fails from then on. */
async function breakPrecedent(h: ApiHandlers, ruleId: string, p: { text: string; issueType: string }): Promise<{ expected: string; actual: string }> {
  const actual = ISSUE_TYPES.find((t) => t !== p.issueType)!;
  const rule: Rule = { id: ruleId, kind: 'override', when: { kind: 'contains_any', phrases: [p.text.slice(0, 40)] }, set: { issue_type: actual }, rationale: '', enabled: true, provenance };
  await h.saveRule({ rule });
  return { expected: p.issueType, actual };
}

/** Runs the gate to its end and publishes (with `overrideReason` when it failed). */
async function publishVersion(h: ApiHandlers, note: string, overrideReason?: string): Promise<number> {
  const started = await h.startGate({});
  let gate = started;
  await eventually(async () => (gate = await h.getGate({ gateId: started.id })).status !== 'running', `gate ${started.id}`);
  if (gate.status !== 'done') throw new Error(`gate ${gate.id} ended ${gate.status}: ${gate.error ?? ''}`);
  return (await h.publishDraft({ gateId: gate.id, note, ...(overrideReason ? { overrideReason } : {}) })).version;
}

/**
 * The app on the History screen over a copy of the prepared workspace, its model answering after
 * `latencyMs`, one message at a time; `arrange` runs first, through the backend's handlers.
 */
async function renderHistory(arrange: (h: ApiHandlers) => Promise<void> = async () => undefined, latencyMs = 0) {
  const backend = await startBackend({ from: workspace() });
  const h = backend.handlers;
  if (taught.size === 0) for (const p of await h.listPrecedents({ includeDeleted: false })) taught.set(p.message.text.trim(), p.output as Record<string, unknown>);
  const model = await startScriptedServer({ script: { answer: modelAnswer, latencyMs } });
  backend.afterClose(() => model.close());
  backend.settings.set(PROVIDER_SETTING.maxRetries, 0);
  backend.settings.set(RUN_SETTING.concurrency, 1);
  await h.updateSettings({ baseURL: model.url });
  await arrange(h);
  const stores = createStores(backend.api, { screen: 'history' });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  await screen.findByTestId('history-screen');
  return { api: backend.api, handlers: h, user, ...result };
}

async function openAndFinishGate(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId('publish-open'));
  return screen.findByTestId('gate-done', {}, { timeout: 20_000 });
}

describe('History screen', () => {
  it('shows the draft state, runs the gate with progress, and publishes a version that then appears', async () => {
    const { api, user } = await renderHistory(undefined, 300);
    expect((await screen.findByTestId('draft-publish-state')).textContent).toBe('not published yet');
    expect(await screen.findByTestId('versions-empty')).toBeTruthy();

    await user.click(screen.getByTestId('publish-open'));
    expect((await screen.findByTestId('gate-progress-text')).textContent).toBe(`0 of ${KEEP}`);
    // The backend's progress events while the model answers one message at a time.
    const done = await waitFor(
      () => {
        const m = new RegExp(`^(\\d+) of ${KEEP}$`).exec(screen.getByTestId('gate-progress-text').textContent ?? '');
        const n = Number(m?.[1] ?? 0);
        expect(n > 0 && n < KEEP).toBe(true);
        return n;
      },
      { timeout: 10_000, interval: 20 },
    );
    expect((screen.getByTestId('gate-progress') as HTMLProgressElement).value).toBe(done);
    expect((await screen.findByTestId('gate-verdict', {}, { timeout: 20_000 })).textContent).toContain('The gate passed');
    expect(screen.queryByTestId('publish-anyway')).toBeNull();
    await user.type(screen.getByTestId('publish-note'), 'Chargebacks are billing');
    await user.click(screen.getByTestId('publish-confirm'));

    await waitFor(() => expect(screen.queryByTestId('publish-dialog')).toBeNull());
    expect(api.callsOf('startGate')).toHaveLength(1);
    const gateId = api.callsOf('publishDraft')[0]?.gateId ?? '';
    expect(api.callsOf('publishDraft')).toEqual([{ gateId, note: 'Chargebacks are billing' }]);
    expect(await api.getGate({ gateId })).toMatchObject({ status: 'done', total: KEEP, passed: KEEP, failed: 0 });
    const row = await screen.findByTestId('version-row');
    expect(row.getAttribute('data-version')).toBe('1');
    expect(row.textContent).toContain('Chargebacks are billing');
    expect((await api.listVersions({})).map((v) => [v.version, v.note])).toEqual([[1, 'Chargebacks are billing']]);
  }, 60_000);

  it('lists the gate failures regressions first, with expected and actual per field, and publishes only with “Publish anyway” and a reason', async () => {
    const broken = { sinceV2: { expected: '', actual: '' }, sinceDraft: { expected: '', actual: '' } };
    let taughtId = '';
    /** The kept precedents in the draft's order (the order a gate replays them in). */
    let ordered: typeof kept = [];
    const { api, user } = await renderHistory(async (h) => {
      expect(await publishVersion(h, 'release 1')).toBe(1);
      const order = (JSON.parse((await h.exportVersion({ version: 1 })).content) as { precedents: { id: string }[] }).precedents.map((p) => p.id);
      ordered = [...kept].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
      // The draft's first precedent breaks in v2 (still failing in the draft: no regression of this draft) ...
      broken.sinceV2 = await breakPrecedent(h, 'r-test-a', ordered[0]!);
      expect(await publishVersion(h, 'release 2', 'on purpose')).toBe(2);
      // ... its second breaks in the draft (a regression: it passes under v2), and a precedent taught
      // in the draft from the hostile message fails from the start (not in v2: no regression).
      broken.sinceDraft = await breakPrecedent(h, 'r-test-b', ordered[1]!);
      const hostile = (await h.listMessages({ limit: 500 })).items.find((m) => m.subject === DEMO.hostile.subject)!;
      const detail = await h.getMessage({ id: hostile.id });
      const output = { ...detail.extraction!.output, issue_type: 'account' };
      taughtId = (await h.correctExtraction({ messageId: hostile.id, output, rationale: '' })).precedent.id;
      taught.set(DEMO.hostile.text.trim(), output);
      await breakPrecedent(h, 'r-test-c', { text: 'problem with login please help', issueType: 'account' });
    });
    await openAndFinishGate(user);
    expect(screen.getByTestId('gate-verdict').textContent).toContain('The gate failed: 3 precedents');
    const items = screen.getAllByTestId('gate-failure');
    // The regression first, though it comes second in the draft.
    expect(items.map((i) => i.getAttribute('data-precedent-id'))).toEqual([ordered[1]!.id, ordered[0]!.id, taughtId]);
    expect(items[0]!.textContent).toContain('Regression');
    expect(items[1]!.textContent).not.toContain('Regression');
    expect(items[2]!.textContent).not.toContain('Regression');
    const cells = within(items[0]!).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['issue_type', JSON.stringify(broken.sinceDraft.expected), JSON.stringify(broken.sinceDraft.actual)]);

    const publish = screen.getByTestId('publish-confirm') as HTMLButtonElement;
    expect(publish.disabled).toBe(true);
    await user.click(screen.getByTestId('publish-anyway'));
    expect(publish.disabled).toBe(true);
    await user.type(screen.getByTestId('publish-reason'), '   ');
    expect(publish.disabled).toBe(true);
    await user.type(screen.getByTestId('publish-reason'), 'The old urgency was wrong');
    expect(publish.disabled).toBe(false);
    await user.click(publish);
    await waitFor(() => expect(api.callsOf('publishDraft')).toHaveLength(1));
    expect(api.callsOf('publishDraft')[0]).toMatchObject({ overrideReason: 'The old urgency was wrong' });
    const gate = await waitFor(() => {
      const rows = screen.getAllByTestId('version-row');
      expect(rows[0]!.getAttribute('data-version')).toBe('3');
      return within(rows[0]!).getByTestId('version-gate');
    });
    expect(gate.textContent).toContain('overridden');
    expect(gate.textContent).toContain('The old urgency was wrong');
    expect((await api.getVersion({ version: 3 })).gate).toMatchObject({ failed: 3, regressions: 1, overrideReason: 'The old urgency was wrong' });
  }, 60_000);

  it('says clearly when the draft changed since the gate, and runs the gate again', async () => {
    const { api, handlers, user } = await renderHistory();
    await openAndFinishGate(user);
    // Someone changes the draft while the dialog is open.
    await breakPrecedent(handlers, 'r-test-late', kept[0]!);
    await user.click(screen.getByTestId('publish-confirm'));
    const error = await screen.findByTestId('publish-error');
    expect(error.textContent).toContain('The draft changed since the gate ran');
    expect(error.textContent).toContain('the draft changed since the gate ran: run it again');
    expect(await api.listVersions({})).toEqual([]);
    await user.click(within(error).getByTestId('gate-rerun'));
    await screen.findByTestId('gate-done', {}, { timeout: 20_000 });
    expect(api.callsOf('startGate')).toHaveLength(2);
    expect(screen.getByTestId('gate-verdict').textContent).toContain('The gate failed: 1 precedent');
  }, 60_000);

  it('cancels a running gate', async () => {
    const { api, user } = await renderHistory(undefined, 2_000);
    await user.click(screen.getByTestId('publish-open'));
    await screen.findByTestId('gate-running');
    await user.click(screen.getByTestId('gate-cancel'));
    expect(await screen.findByTestId('gate-cancelled', {}, { timeout: 10_000 })).toBeTruthy();
    const cancelled = api.callsOf('cancelGate');
    expect(cancelled).toHaveLength(1);
    const report = await api.getGate({ gateId: cancelled[0]!.gateId });
    expect(report.status).toBe('cancelled');
    expect(report.done).toBeLessThan(KEEP);
  }, 60_000);

  it('shows untrusted text as text: notes, reasons and diffs never become HTML', async () => {
    const evil = '<img src=x onerror="alert(1)"><b>bold</b>';
    const { api, user, container } = await renderHistory(async (h) => {
      expect(await publishVersion(h, 'release 1')).toBe(1);
      await breakPrecedent(h, 'r-test-a', kept[0]!);
      expect(await publishVersion(h, evil, evil)).toBe(2);
    });
    const rows = await screen.findAllByTestId('version-row');
    expect(rows.map((r) => r.getAttribute('data-version'))).toEqual(['2', '1']);
    expect(rows[0]!.textContent).toContain(evil);
    expect(within(rows[0]!).getByTestId('version-gate').textContent).toContain(evil);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();

    // A version's changelog, then the difference between two ticked versions.
    const changelog = (await api.getVersion({ version: 2 })).changelog.map((c) => c.text);
    expect(changelog.join('\n')).toContain('r-test-a');
    await user.click(screen.getByTestId('select-v2'));
    expect((await screen.findByTestId('version-changelog')).textContent).toContain(changelog[0]!);
    await user.click(screen.getByTestId('compare-v2'));
    await user.click(screen.getByTestId('compare-v1'));
    const diff = await api.diffVersions({ from: 1, to: 2 });
    expect(diff.text).toContain('r-test-a');
    expect((await screen.findByTestId('diff-text')).textContent).toBe(diff.text);
    expect(screen.getByTestId('diff-changelog').textContent).toContain(diff.changelog[0]!.text);
  }, 60_000);

  it('says a move to an older version is a rollback, and records it in the label history', async () => {
    const { api, user } = await renderHistory(async (h) => {
      expect(await publishVersion(h, 'release 1')).toBe(1);
      await breakPrecedent(h, 'r-test-a', kept[0]!);
      expect(await publishVersion(h, 'release 2', 'on purpose')).toBe(2);
      await h.setLabel({ label: 'production', version: 2, reason: '' });
    });
    await user.click(screen.getByTestId('tab-labels'));
    await user.click(await screen.findByTestId('label-move-production'));
    const dialog = await screen.findByTestId('move-label-dialog');
    await user.selectOptions(within(dialog).getByTestId('label-target'), '1');
    expect(within(dialog).getByTestId('move-sentence').textContent).toContain('Roll back production from v2 to v1');
    expect(within(dialog).getByTestId('label-confirm').textContent).toBe('Roll back');
    await user.selectOptions(within(dialog).getByTestId('label-target'), '2');
    expect((within(dialog).getByTestId('label-confirm') as HTMLButtonElement).disabled).toBe(true);
    await user.selectOptions(within(dialog).getByTestId('label-target'), '1');
    await user.type(within(dialog).getByTestId('label-reason'), 'v2 breaks refunds');
    await user.click(within(dialog).getByTestId('label-confirm'));

    await waitFor(() => expect(screen.queryByTestId('move-label-dialog')).toBeNull());
    expect(api.callsOf('setLabel')).toEqual([{ label: 'production', version: 1, reason: 'v2 breaks refunds' }]);
    const production = screen.getAllByTestId('label-row').find((r) => r.getAttribute('data-label') === 'production')!;
    await waitFor(() => expect(within(production).getByTestId('label-version').textContent).toBe('v1'));
    const move = (await screen.findAllByTestId('label-move-row'))[0]!;
    expect(move.textContent).toContain('production');
    expect(move.textContent).toContain('v2 → v1');
    expect(move.textContent).toContain('rollback');
    expect(move.textContent).toContain('v2 breaks refunds');
    expect((await api.listLabels({})).labels.find((l) => l.label === 'production')?.version).toBe(1);
  }, 60_000);

  it('adds a label, refusing a name the format refuses', async () => {
    const { api, user } = await renderHistory(async (h) => void expect(await publishVersion(h, 'release 1')).toBe(1));
    await user.click(screen.getByTestId('tab-labels'));
    await user.click(await screen.findByTestId('label-add'));
    const dialog = await screen.findByTestId('move-label-dialog');
    await user.type(within(dialog).getByTestId('label-name'), 'Canary!');
    expect((within(dialog).getByTestId('label-confirm') as HTMLButtonElement).disabled).toBe(true);
    await user.clear(within(dialog).getByTestId('label-name'));
    await user.type(within(dialog).getByTestId('label-name'), 'canary');
    expect(within(dialog).getByTestId('move-sentence').textContent).toContain('Point canary at v1');
    await user.click(within(dialog).getByTestId('label-confirm'));
    await waitFor(() => expect(api.callsOf('setLabel')).toEqual([{ label: 'canary', version: 1, reason: '' }]));
    expect(await screen.findByText('canary', { selector: 'strong' })).toBeTruthy();
    expect((await api.listLabels({})).labels.find((l) => l.label === 'canary')?.version).toBe(1);
  }, 60_000);

  it('shows signing keys with where they are kept, and retires only a key that is not active', async () => {
    const { api, user } = await renderHistory(async (h) => {
      // The first publish makes the workspace's key; a rotation makes the next one active.
      expect(await publishVersion(h, 'release 1')).toBe(1);
      await h.rotateSigningKey({});
    });
    const keys = await api.listSigningKeys({});
    const [old, active] = [keys.keys.find((k) => !k.active)!, keys.keys.find((k) => k.active)!];
    expect(keys.keys).toHaveLength(2);
    await user.click(screen.getByTestId('tab-keys'));
    expect((await screen.findByTestId('key-storage')).textContent).toContain(keys.storage);
    expect(screen.getAllByTestId('key-pem').map((p) => p.textContent)).toEqual(keys.keys.map((k) => k.publicKeyPem));
    expect(screen.queryByTestId(`key-retire-${active.keyId}`)).toBeNull();
    await user.click(screen.getByTestId(`key-retire-${old.keyId}`));
    await user.click(await screen.findByTestId('key-confirm'));
    const row = () => screen.getAllByTestId('signing-key')[keys.keys.indexOf(old)]!;
    await waitFor(() => expect(row().textContent).toContain('retired'));
    expect(api.callsOf('retireSigningKey')).toEqual([{ keyId: old.keyId }]);
    expect((await api.listSigningKeys({})).keys.find((k) => k.keyId === old.keyId)?.retiredAt).not.toBeNull();
  }, 60_000);

  it('lists sync targets with their full last error, keeps the token write-only, and follows publishChanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-sync-'));
    const target = join(dir, 'rulebooks');
    mkdirSync(target);
    // A port that was just free: the HTTP target's syncs are refused, never reach the network.
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/rb/`;
    await new Promise<void>((r) => gone.close(() => r()));
    let targetId = '';
    const { api, handlers, user, container } = await renderHistory(async (h) => {
      expect(await publishVersion(h, 'release 1')).toBe(1);
      await h.setLabel({ label: 'production', version: 1, reason: '' });
      targetId = (await h.saveSyncTarget({ kind: 'folder', name: 'Shared drive', path: target, enabled: true })).id;
      // The folder became a file: the next sync fails.
      rmSync(target, { recursive: true });
      writeFileSync(target, 'not a folder');
      await h.syncNow({ id: targetId });
    });
    try {
      const [stored] = await api.listSyncTargets({});
      expect(stored).toMatchObject({ id: targetId, status: 'failed' });
      await user.click(screen.getByTestId('tab-sync'));
      const row = await screen.findByTestId('sync-target');
      expect(within(row).getByTestId('sync-status').textContent).toBe('failed');
      expect(within(row).getByTestId('sync-error').textContent).toBe(stored!.lastError);
      expect(row.textContent).toContain(target);

      await user.click(screen.getByTestId('sync-add'));
      const dialog = await screen.findByTestId('sync-target-dialog');
      await user.click(within(dialog).getByTestId('sync-kind-http'));
      await user.type(within(dialog).getByTestId('sync-name'), 'Config server');
      await user.type(within(dialog).getByTestId('sync-url'), url);
      expect((within(dialog).getByTestId('sync-token') as HTMLInputElement).type).toBe('password');
      await user.type(within(dialog).getByTestId('sync-token'), 'tok-secret-1');
      await user.click(within(dialog).getByTestId('sync-save'));
      await waitFor(() => expect(screen.getAllByTestId('sync-target')).toHaveLength(2));
      expect(api.callsOf('saveSyncTarget')).toEqual([{ kind: 'http', name: 'Config server', url, token: 'tok-secret-1', enabled: true }]);
      const http = () => screen.getAllByTestId('sync-target').find((t) => t.getAttribute('data-target-id') !== targetId)!;
      expect(http().textContent).toContain('a token is stored');
      expect(new XMLSerializer().serializeToString(container)).not.toContain('tok-secret-1');

      // The folder is back and the backend syncs it: the list is read again when it says so.
      rmSync(target);
      mkdirSync(target);
      const before = api.callsOf('listSyncTargets').length;
      await handlers.syncNow({ id: targetId });
      const folder = () => screen.getAllByTestId('sync-target').find((t) => t.getAttribute('data-target-id') === targetId)!;
      await waitFor(() => expect(within(folder()).getByTestId('sync-status').textContent).toBe('ok'));
      expect(within(folder()).queryByTestId('sync-error')).toBeNull();
      expect(api.callsOf('listSyncTargets').length).toBeGreaterThan(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
