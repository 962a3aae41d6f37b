// Publishing over real SQLite copies of the demo: the gate, publish and its refusals, versions,
// labels and rollback, signing keys and their rotation, and no private key anywhere it must not be.
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiArgs, ApiMethod, ApiResults, GateReport } from '../../../shared/src/api/index.js';
import type { OverrideRule, RulebookArtifact } from '../../../shared/src/domain.js';
import { generateSigningKey, verifySignature } from '../../../shared/src/rulebook/sign.js';
import { apiFailure, call, contextHarnesses, copyWorkspace, openContext, tempFolder, type ContextHarness } from '../test-support.js';
import { draftArtifact } from '../draft.js';
import { GateService } from './gate.js';
import { createPublishHandlers, type PublishHandlers } from './handlers.js';
import { activeSigningKey } from './keys.js';

const { harness } = contextHarnesses('casebook-publish-');
const folders: ReturnType<typeof tempFolder>[] = [];
const opened: ContextHarness[] = [];
afterEach(() => {
  for (const h of opened.splice(0)) h.close();
  for (const f of folders.splice(0)) f.cleanup();
});

interface Publishing {
  h: ContextHarness;
  gates: GateService;
  hooks: string[];
  call<M extends keyof PublishHandlers & ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]>;
  /** Starts a gate and waits for it to end. */
  gate(): Promise<GateReport>;
  /** A gate, then a publish (with a reason when given). */
  publish(note?: string, overrideReason?: string): Promise<ApiResults['publishDraft']>;
  results: unknown[];
}

function publishing(h: ContextHarness = harness()): Publishing {
  const gates = new GateService(h.ctx);
  const hooks: string[] = [];
  const handlers = createPublishHandlers(h.ctx, { afterChange: (r) => void hooks.push(r) }, gates);
  const results: unknown[] = [];
  const invoke = async <M extends keyof PublishHandlers & ApiMethod>(method: M, args: ApiArgs<M>) => {
    const r = await call(handlers, method, args);
    results.push(r);
    return r;
  };
  const gate = async () => {
    const started = await invoke('startGate', {});
    return gates.settled(started.id);
  };
  return {
    h,
    gates,
    hooks,
    results,
    call: invoke,
    gate,
    publish: async (note = '', overrideReason) => {
      const g = await gate();
      return invoke('publishDraft', { gateId: g.id, note, ...(overrideReason ? { overrideReason } : {}) });
    },
  };
}

/** An override rule that sets `issue_type` of one precedent's message to a value it is not. */
function contradictingRule(draft: RulebookArtifact): { rule: OverrideRule; precedentId: string; field: string } {
  const field = draft.schema.fields.find((f) => f.name === 'issue_type')!;
  const precedent = draft.precedents.find((p) => typeof p.output.issue_type === 'string' && p.message.text.length > 40)!;
  const other = field.values!.map((v) => v.value).find((v) => v !== precedent.output.issue_type)!;
  // A phrase only this message holds: its first 30 characters.
  const phrase = precedent.message.text.slice(0, 30);
  const rule: OverrideRule = {
    id: 'r_contradicts',
    kind: 'override',
    rationale: 'a test rule that contradicts a precedent',
    enabled: true,
    provenance: { precedentIds: [], author: 'test', createdAt: '2026-01-01T00:00:00.000Z' },
    when: { kind: 'contains_any', phrases: [phrase] },
    set: { issue_type: other },
  };
  return { rule, precedentId: precedent.id, field: 'issue_type' };
}

describe('the regression gate', () => {
  it('replays every precedent of the demo draft and passes, with progress and an end event', async () => {
    const p = publishing();
    const started = await p.call('startGate', {});
    expect(started.status).toBe('running');
    // A second start while it runs answers the running gate.
    expect((await p.call('startGate', {})).id).toBe(started.id);
    const report = await p.gates.settled(started.id);
    const draft = draftArtifact(p.h.ctx.repos);
    expect(report).toMatchObject({ status: 'done', total: draft.precedents.length, done: draft.precedents.length, failed: 0, regressions: 0, draftHash: draft.hash, baseline: null });
    expect(report.passed).toBe(draft.precedents.length);
    expect(report.failures).toEqual([]);
    const events = p.h.opts.events.map(([e]) => e);
    expect(events.filter((e) => e === 'gateProgress').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toBe('publishChanged');
    expect((await p.call('getGate', { gateId: started.id })).status).toBe('done');
    expect((await apiFailure(p.call('getGate', { gateId: 'nope' }))).failure.code).toBe('not_found');
  }, 60_000);

  it('can be cancelled', async () => {
    const p = publishing();
    const started = await p.call('startGate', {});
    const cancelled = await p.call('cancelGate', { gateId: started.id });
    expect(['running', 'cancelled']).toContain(cancelled.status);
    expect((await p.gates.settled(started.id)).status).toBe('cancelled');
    const refused = await apiFailure(p.call('publishDraft', { gateId: started.id, note: '' }));
    expect(refused.failure).toMatchObject({ code: 'conflict', message: expect.stringMatching(/cancelled/) });
  }, 60_000);

  it('fails on a rule that contradicts a precedent, names it and its field, and calls it a regression after it passed under v1', async () => {
    const p = publishing();
    const v1 = await p.publish('first');
    expect(v1.version).toBe(1);
    const { rule, precedentId, field } = contradictingRule(draftArtifact(p.h.ctx.repos));
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create(rule));

    const gate = await p.gate();
    expect(gate.status).toBe('done');
    expect(gate.baseline).toEqual({ version: 1, hash: v1.hash });
    expect(gate.failed).toBeGreaterThanOrEqual(1);
    const failure = gate.failures.find((f) => f.precedentId === precedentId)!;
    expect(failure.fields.map((f) => f.field)).toContain(field);
    expect(failure.regression).toBe(true);
    expect(gate.regressions).toBeGreaterThanOrEqual(1);
    expect(gate.failures[0]!.regression).toBe(true);

    // Refused without a reason; allowed with one, which the changelog records.
    const refused = await apiFailure(p.call('publishDraft', { gateId: gate.id, note: '' }));
    expect(refused.failure.code).toBe('conflict');
    expect(refused.failure.message).toMatch(/reason/);
    const v2 = await p.call('publishDraft', { gateId: gate.id, note: 'hotfix', overrideReason: 'the precedent is outdated' });
    expect(v2.version).toBe(2);
    expect(v2.parent).toEqual({ version: 1, hash: v1.hash });
    expect(v2.gate).toEqual({ passed: gate.passed, failed: gate.failed, regressions: gate.regressions, overrideReason: 'the precedent is outdated' });
    expect(v2.changelog).toContainEqual({ kind: 'rule', text: expect.stringMatching(/^Added rule r_contradicts/) });
    expect(v2.changelog.at(-1)).toEqual({
      kind: 'gate',
      text: `Published over a failing gate (${gate.failed} failure${gate.failed === 1 ? '' : 's'}, ${gate.regressions} regression${gate.regressions === 1 ? '' : 's'}): the precedent is outdated`,
    });
    expect((await p.call('getVersion', { version: 2 })).changelog).toEqual(v2.changelog);
    expect(p.hooks).toEqual(['published', 'published']);
  }, 90_000);
});

describe('publishing', () => {
  it('publishes a signed, immutable version with its changelog, and lists it', async () => {
    const p = publishing();
    const before = Date.now();
    const v1 = await p.publish('the first version');
    const draftNow = draftArtifact(p.h.ctx.repos);
    expect(v1).toMatchObject({ version: 1, parent: null, author: 'Maya (lead)', note: 'the first version', labels: [], gate: { failed: 0, regressions: 0, overrideReason: null } });
    expect(Date.parse(v1.publishedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(v1.counts.precedents).toBe(draftNow.precedents.length);
    expect(v1.changelog).toContainEqual({ kind: 'precedent', text: `Added ${draftNow.precedents.length} precedents.` });
    expect(v1.changelog.some((e) => e.kind === 'field' && e.text.startsWith('Added field issue_type'))).toBe(true);
    // The draft now follows v1.
    expect(draftNow.parent).toEqual({ version: 1, hash: v1.hash });
    expect(p.h.opts.events.map(([e]) => e)).toEqual(expect.arrayContaining(['publishChanged', 'draftChanged']));

    const listed = await p.call('listVersions', {});
    expect(listed).toHaveLength(1);
    const { changelog: _c, ...summary } = v1;
    expect(listed[0]).toEqual(summary);

    const file = await p.call('exportVersion', { version: 1 });
    expect(file.name).toBe('rulebook-v1.json');
    expect(file.mimeType).toBe('application/json');
    const stored = p.h.ws.db.prepare('SELECT artifact FROM rulebook_versions WHERE version = 1').get() as { artifact: string };
    expect(file.content).toBe(stored.artifact);
    const artifact = JSON.parse(file.content) as RulebookArtifact;
    expect(artifact.createdAt).toBe(v1.publishedAt);
    const keys = await p.call('listSigningKeys', {});
    expect(keys.keys).toHaveLength(1);
    expect(keys.storage).toBe('in memory (tests)');
    expect(verifySignature(artifact, keys.keys[0]!.publicKeyPem)).toEqual({ ok: true, keyId: keys.keys[0]!.keyId });

    // Immutable: the database refuses a change or a removal.
    expect(() => p.h.ws.db.prepare("UPDATE rulebook_versions SET artifact = '{}' WHERE version = 1").run()).toThrow(/immutable/);
    expect(() => p.h.ws.db.prepare('DELETE FROM rulebook_versions WHERE version = 1').run()).toThrow(/immutable/);
    expect(() => p.h.ws.db.prepare("UPDATE rulebook_publications SET note = 'x'").run()).toThrow(/immutable/);
    expect(() => p.h.ws.db.prepare('DELETE FROM rulebook_publications').run()).toThrow(/immutable/);

    expect((await apiFailure(p.call('getVersion', { version: 9 }))).failure.code).toBe('not_found');
  }, 60_000);

  it('refuses a publish after the draft changed since the gate, and an unknown gate', async () => {
    const p = publishing();
    const gate = await p.gate();
    const { rule } = contradictingRule(draftArtifact(p.h.ctx.repos));
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create({ ...rule, enabled: false }));
    const refused = await apiFailure(p.call('publishDraft', { gateId: gate.id, note: '' }));
    expect(refused.failure).toEqual({ code: 'conflict', message: 'the draft changed since the gate ran: run it again' });
    expect((await apiFailure(p.call('publishDraft', { gateId: 'gate_unknown', note: '' }))).failure.code).toBe('conflict');
    expect(await p.call('listVersions', {})).toEqual([]);
    expect(p.hooks).toEqual([]);
  }, 60_000);

  it('diffs two versions, and a version and the draft', async () => {
    const p = publishing();
    await p.publish();
    const { rule } = contradictingRule(draftArtifact(p.h.ctx.repos));
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create({ ...rule, enabled: false }));
    const toDraft = await p.call('diffVersions', { from: 1, to: 'draft' });
    expect(toDraft.empty).toBe(false);
    expect(toDraft.to.version).toBe('draft');
    expect(toDraft.text).toContain('+ rule r_contradicts (disabled)');
    expect(toDraft.changelog).toEqual([{ kind: 'rule', text: expect.stringMatching(/^Added disabled rule r_contradicts/) }]);
    await p.publish('', 'the rule is off');
    const same = await p.call('diffVersions', { from: 2, to: 'draft' });
    expect(same.empty).toBe(true);
    expect((await p.call('diffVersions', { from: 1, to: 2 })).text).toContain('+ rule r_contradicts');
  }, 90_000);
});

describe('labels', () => {
  it('moves labels, rolls back, and records who, when, from, to and why', async () => {
    const p = publishing();
    await p.publish('v1');
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create({ ...contradictingRule(draftArtifact(p.h.ctx.repos)).rule, enabled: false }));
    await p.publish('v2');
    p.hooks.length = 0;

    const empty = await p.call('listLabels', {});
    expect(empty.labels.map((l) => [l.label, l.version])).toEqual([['production', 0], ['staging', 0]]);
    expect(empty.moves).toEqual([]);

    await p.call('setLabel', { label: 'production', version: 1, reason: 'first release' });
    await p.call('setLabel', { label: 'production', version: 2, reason: 'promote' });
    const rolledBack = await p.call('setLabel', { label: 'production', version: 1, reason: 'v2 misroutes refunds' });
    // A move to where it points already is no move.
    const again = await p.call('setLabel', { label: 'production', version: 1, reason: 'again' });
    expect(again).toEqual(rolledBack);
    await p.call('setLabel', { label: 'canary', version: 2, reason: '' });

    const state = await p.call('listLabels', {});
    expect(state.labels.map((l) => [l.label, l.version, l.setBy])).toEqual([
      ['canary', 2, 'Maya (lead)'],
      ['production', 1, 'Maya (lead)'],
      ['staging', 0, null],
    ]);
    expect(state.moves.map((m) => [m.label, m.from, m.to, m.by, m.reason])).toEqual([
      ['canary', null, 2, 'Maya (lead)', ''],
      ['production', 2, 1, 'Maya (lead)', 'v2 misroutes refunds'],
      ['production', 1, 2, 'Maya (lead)', 'promote'],
      ['production', null, 1, 'Maya (lead)', 'first release'],
    ]);
    expect(state.moves.every((m) => !Number.isNaN(Date.parse(m.at)))).toBe(true);
    expect((await p.call('listVersions', {})).map((v) => [v.version, v.labels])).toEqual([[2, ['canary']], [1, ['production']]]);

    const removed = await p.call('removeLabel', { label: 'canary', reason: 'done testing' });
    expect(removed.moves[0]).toMatchObject({ label: 'canary', from: 2, to: null, reason: 'done testing' });
    expect(removed.labels.map((l) => l.label)).toEqual(['production', 'staging']);
    expect(p.hooks).toEqual(['label', 'label', 'label', 'label', 'label']);
    expect((await apiFailure(p.call('setLabel', { label: 'staging', version: 7, reason: '' }))).failure.code).toBe('not_found');

    // The history is append-only: the database refuses to rewrite or delete a move.
    expect(() => p.h.ws.db.prepare("UPDATE rulebook_label_history SET reason = 'nothing happened'").run()).toThrow(/immutable/);
    expect(() => p.h.ws.db.prepare('UPDATE rulebook_label_history SET version_id = NULL').run()).toThrow(/immutable/);
    expect(() => p.h.ws.db.prepare('DELETE FROM rulebook_label_history').run()).toThrow(/immutable/);
    expect((await p.call('listLabels', {})).moves).toHaveLength(5);
  }, 90_000);
});

describe('signing keys', () => {
  it('rotates: v1 signed by key A, v2 by key B, both verify with the exported set; the active key cannot be retired', async () => {
    const p = publishing();
    const v1 = await p.publish();
    const rotated = await p.call('rotateSigningKey', {});
    expect(rotated.keys).toHaveLength(2);
    const [b, a] = rotated.keys;
    expect(b!.active).toBe(true);
    expect(a!.active).toBe(false);
    expect(a!.keyId).toBe(v1.keyId);
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create({ ...contradictingRule(draftArtifact(p.h.ctx.repos)).rule, enabled: false }));
    const v2 = await p.publish();
    expect(v2.keyId).toBe(b!.keyId);

    const pem = await p.call('exportPublicKey', {});
    expect(pem.name).toBe('casebook-public-keys.pem');
    expect(pem.count).toBe(2);
    const blocks = pem.content.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----\n/g)!;
    expect(blocks).toHaveLength(2);
    for (const v of [1, 2]) {
      const artifact = JSON.parse((await p.call('exportVersion', { version: v })).content) as RulebookArtifact;
      expect(verifySignature(artifact, blocks).ok).toBe(true);
    }
    const one = await p.call('exportPublicKey', { keyId: a!.keyId });
    expect(one.count).toBe(1);
    expect(one.content).toBe(a!.publicKeyPem.endsWith('\n') ? a!.publicKeyPem : `${a!.publicKeyPem}\n`);

    expect((await apiFailure(p.call('retireSigningKey', { keyId: b!.keyId }))).failure.code).toBe('conflict');
    expect((await apiFailure(p.call('retireSigningKey', { keyId: '0123456789abcdef' }))).failure.code).toBe('not_found');
    const retired = await p.call('retireSigningKey', { keyId: a!.keyId });
    expect(retired.keys.find((k) => k.keyId === a!.keyId)!.retiredAt).not.toBeNull();
    expect((await p.call('exportPublicKey', {})).count).toBe(1);
    expect(p.h.opts.secrets.getSecret(`signing-key:${a!.keyId}`)).toBeNull();
  }, 90_000);

  it('keeps private keys out of the workspace file and every API result', async () => {
    const p = publishing();
    await p.publish();
    await p.call('rotateSigningKey', {});
    await p.publish();
    await p.call('listSigningKeys', {});
    await p.call('exportPublicKey', {});
    await p.call('exportVersion', { version: 2 });
    await p.call('getVersion', { version: 1 });
    const secrets = [...(p.h.opts.secrets as unknown as { named: Map<string, string> }).named.entries()];
    expect(secrets.map(([name]) => name.startsWith('signing-key:'))).toEqual([true, true]);
    p.h.ws.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = [p.h.opts.workspacePath, `${p.h.opts.workspacePath}-wal`].filter(existsSync).map((f) => readFileSync(f));
    const results = JSON.stringify(p.results);
    for (const [, pem] of secrets) {
      // The key material itself: the base64 between the PEM lines.
      const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      for (const bytes of files) {
        expect(bytes.includes(body)).toBe(false);
        expect(bytes.includes('PRIVATE KEY')).toBe(false);
      }
      expect(results).not.toContain(body);
    }
    expect(results).not.toContain('PRIVATE KEY');
  }, 90_000);
});

/** Another workspace file opened by the same host as `p` (its settings and secrets): a copy of `from` at `to`. */
function sameHost(p: Publishing, from: string, to?: string): Publishing {
  const folder = tempFolder('casebook-publish-other-');
  folders.push(folder);
  p.h.ws.db.pragma('wal_checkpoint(TRUNCATE)');
  const path = to ?? copyWorkspace(from, folder.path());
  const h = openContext(path, { settings: p.h.opts.settings, secrets: p.h.opts.secrets });
  opened.push(h);
  return publishing(h);
}

describe('signing keys belong to the workspace file that made them', () => {
  it('a crafted workspace naming the victim key id cannot sign with it, nor delete it', async () => {
    const victim = publishing();
    const pristine = tempFolder('casebook-publish-pristine-');
    folders.push(pristine);
    victim.h.ws.db.pragma('wal_checkpoint(TRUNCATE)');
    const attackerCopy = copyWorkspace(victim.h.opts.workspacePath, pristine.path());
    const v1 = await victim.publish('victim v1');
    const victimKey = victim.h.ctx.repos.signingKeys.active()!;
    expect(v1.keyId).toBe(victimKey.keyId);

    // The attacker's workspace: a signing_keys row with the victim's (public) key id, active.
    const attacker = sameHost(victim, attackerCopy);
    attacker.h.ws.db.prepare('INSERT INTO signing_keys (key_id, public_key_pem, created_at, active) VALUES (?, ?, ?, 1)')
      .run(victimKey.keyId, victimKey.publicKeyPem, new Date().toISOString());
    const refused = await apiFailure(attacker.publish('attacker'));
    expect(refused.failure.code).toBe('conflict');
    expect(refused.failure.message).toContain(`this signing key belongs to another workspace file (${victim.h.opts.workspacePath})`);
    expect(refused.failure.message).toMatch(/rotate/);
    expect(await attacker.call('listVersions', {})).toEqual([]);

    // Retiring the crafted row does not delete the victim's private key.
    await attacker.call('rotateSigningKey', {});
    await attacker.call('retireSigningKey', { keyId: victimKey.keyId });
    expect(victim.h.opts.secrets.getSecret(`signing-key:${victimKey.keyId}`)).not.toBeNull();
    // The attacker signs with a key of its own; the victim still signs with its own.
    const own = await attacker.publish('attacker, own key');
    expect(own.keyId).not.toBe(victimKey.keyId);
    victim.h.ctx.transaction(() => victim.h.ctx.repos.rules.create({ ...contradictingRule(draftArtifact(victim.h.ctx.repos)).rule, enabled: false }));
    expect((await victim.publish('victim v2')).keyId).toBe(victimKey.keyId);
  }, 120_000);

  it('a moved or copied workspace file rotates before it signs; a symbolic link to it is the same file', async () => {
    const p = publishing();
    const v1 = await p.publish();
    const link = tempFolder('casebook-publish-link-');
    folders.push(link);
    symlinkSync(p.h.opts.workspacePath, link.path('linked.casebook'));
    p.h.ws.db.pragma('wal_checkpoint(TRUNCATE)');
    const viaLink = sameHost(p, p.h.opts.workspacePath, link.path('linked.casebook'));
    expect(activeSigningKey(viaLink.h.ctx).key.keyId).toBe(v1.keyId);

    const moved = sameHost(p, p.h.opts.workspacePath);
    moved.h.ctx.transaction(() => moved.h.ctx.repos.rules.create({ ...contradictingRule(draftArtifact(moved.h.ctx.repos)).rule, enabled: false }));
    const refused = await apiFailure(moved.publish());
    expect(refused.failure.message).toMatch(/belongs to another workspace file .*moved or copied.*rotate/);
    await moved.call('rotateSigningKey', {});
    const v2 = await moved.publish();
    expect(v2.keyId).not.toBe(v1.keyId);
  }, 120_000);

  it('refuses a private key whose public half is not the public key the workspace holds', async () => {
    const p = publishing();
    await p.publish();
    const keyId = p.h.ctx.repos.signingKeys.active()!.keyId;
    // Not through the repository: the file says another public key under the same id.
    p.h.ws.db.prepare('UPDATE signing_keys SET public_key_pem = ? WHERE key_id = ?').run(generateSigningKey().publicKeyPem, keyId);
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create({ ...contradictingRule(draftArtifact(p.h.ctx.repos)).rule, enabled: false }));
    const refused = await apiFailure(p.publish());
    expect(refused.failure).toMatchObject({ code: 'conflict', message: expect.stringMatching(/does not match the public key/) });
  }, 90_000);
});

describe('retiring a key keeps rollbacks possible', () => {
  it('refuses to retire a key that signed a labelled version, and to move a label to a version a retired key signed', async () => {
    const p = publishing();
    const v1 = await p.publish('v1');
    await p.call('rotateSigningKey', {});
    p.h.ctx.transaction(() => p.h.ctx.repos.rules.create({ ...contradictingRule(draftArtifact(p.h.ctx.repos)).rule, enabled: false }));
    const v2 = await p.publish('v2');
    expect(v2.keyId).not.toBe(v1.keyId);
    await p.call('setLabel', { label: 'production', version: 1, reason: '' });
    await p.call('setLabel', { label: 'staging', version: 1, reason: '' });
    await p.call('setLabel', { label: 'canary', version: 2, reason: '' });

    const refused = await apiFailure(p.call('retireSigningKey', { keyId: v1.keyId! }));
    expect(refused.failure.code).toBe('conflict');
    expect(refused.failure.message).toContain(`key ${v1.keyId} signed version 1 (production, staging)`);
    expect(p.h.ctx.repos.signingKeys.get(v1.keyId!)!.retiredAt).toBeNull();
    expect(p.h.opts.secrets.getSecret(`signing-key:${v1.keyId}`)).not.toBeNull();

    await p.call('setLabel', { label: 'production', version: 2, reason: 'promote' });
    await p.call('removeLabel', { label: 'staging', reason: '' });
    await p.call('retireSigningKey', { keyId: v1.keyId! });

    // Rolling back to v1 would hand every service a version they no longer trust.
    const back = await apiFailure(p.call('setLabel', { label: 'production', version: 1, reason: 'rollback' }));
    expect(back.failure.code).toBe('conflict');
    expect(back.failure.message).toMatch(new RegExp(`version 1 is signed by key ${v1.keyId}, which was retired .*publish its content again`));
    expect((await p.call('listLabels', {})).labels.find((l) => l.label === 'production')!.version).toBe(2);
  }, 120_000);
});
