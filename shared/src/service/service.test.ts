import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { nextVersion, serializeRulebook } from '../rulebook/create.js';
import { generateSigningKey, signRulebook } from '../rulebook/sign.js';
import { sampleRulebook } from '../rulebook/test-fixtures.js';
import { createRulebookService, type RulebookService } from './service.js';
import { createTraceLog } from './trace-log.js';
import type { Provider } from '../providers/types.js';
import type { TraceLine } from './types.js';

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const key = generateSigningKey();
const otherKey = generateSigningKey();
const v1 = signRulebook(sampleRulebook(), key.privateKeyPem);
const v2 = signRulebook(nextVersion(v1, { instructions: 'Version two.' }), key.privateKeyPem);
const v3 = nextVersion(v2, { instructions: 'Version three.' });
const message = { subject: 'Locked', text: 'I am locked out again and cannot log in.' };

let dir: string;
let file: string;
let svc: RulebookService | undefined;
const errors: Error[] = [];

/** Writes as a sync does: a temporary file renamed over the label's file. */
async function publish(rb: RulebookArtifact | string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, typeof rb === 'string' ? rb : serializeRulebook(rb));
  await rename(tmp, file);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'casebook-service-'));
  file = join(dir, 'production.json');
  errors.length = 0;
});
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('createRulebookService', () => {
  it('refuses to start without keys unless unsigned rulebooks are allowed', () => {
    expect(() => createRulebookService({ source: file, service: 's' })).toThrow(/publicKeys .* or allowUnsigned/);
  });

  it('serves v1, picks up a signed v2 without restart, and keeps v2 over a corrupt file and a wrongly signed v3', async () => {
    await publish(v1);
    svc = createRulebookService({
      source: file,
      service: 'support-bot',
      publicKeys: [key.publicKeyPem],
      pollMs: 50,
      traceLog: { dir: join(dir, 'traces') },
      onError: (e) => errors.push(e),
    });
    await svc.ready();
    const r1 = await svc.extract(message, { messageId: 'm-1' });
    expect(r1.trace.rulebook).toEqual({ id: v1.id, version: 1, hash: v1.hash });
    expect(r1.output.issue_type).toBe('account');
    expect(svc.status().active).toMatchObject({ version: 1, hash: v1.hash, keyId: key.keyId, source: file });

    await publish(v2);
    await waitFor('v2 to serve', () => svc!.status().active?.version === 2);
    expect((await svc.extract(message)).trace.rulebook.version).toBe(2);

    await publish('{ "format": "casebook.rulebook", garbage');
    await waitFor('the corrupt file to be refused', () => /invalid JSON/.test(svc!.status().lastError?.message ?? ''));
    expect(svc.status().active?.version).toBe(2);
    expect((await svc.extract(message)).trace.rulebook.version).toBe(2);

    await publish(signRulebook(v3, otherKey.privateKeyPem));
    await waitFor('the wrongly signed v3 to be refused', () => /signature/.test(svc!.status().lastError?.message ?? '') && svc!.status().lastError?.rulebook !== null);
    const st = svc.status();
    expect(st.active?.version).toBe(2);
    expect(st.lastError).toMatchObject({ source: file, rulebook: { id: v3.id, version: 3, hash: v3.hash, keyId: otherKey.keyId } });
    expect((await svc.extract(message)).trace.rulebook.version).toBe(2);

    const changed = structuredClone(v2) as RulebookArtifact;
    changed.instructions += ' (one byte more)';
    await publish(changed);
    await waitFor('the changed byte to be refused', () => /content was changed/.test(svc!.status().lastError?.message ?? ''));
    expect(svc.status().active?.version).toBe(2);

    const v4 = signRulebook(nextVersion(v3, { instructions: 'Version four.' }), key.privateKeyPem);
    await publish(v4);
    await waitFor('v4 to serve', () => svc!.status().active?.version === 4);
    expect(svc.status().lastError).toBeNull(); // a newer good version clears the refusal
    expect(svc.status().counts).toMatchObject({ extractions: 4, invalid: 0, errors: 0, traceLinesDropped: 0 });
    expect(errors.length).toBeGreaterThanOrEqual(3);

    await svc.close();
    const lines = (await readFile(join(dir, 'traces', `casebook-trace-${new Date().toISOString().slice(0, 10)}.jsonl`), 'utf8'))
      .trim().split('\n').map((l) => JSON.parse(l) as TraceLine);
    expect(lines.map((l) => l.rulebook.version)).toEqual([1, 2, 2, 2]);
    expect(lines[0]).toMatchObject({ service: 'support-bot', messageId: 'm-1', message: { subject: 'Locked', text: message.text }, provider: 'embedded', model: null, valid: true });
    expect(lines[0]!.rulesFired).toContain('r-lockout');
  });

  it('rejects extraction before any good load, with the reason, then serves once a good version arrives', async () => {
    svc = createRulebookService({ source: file, service: 's', allowUnsigned: true, pollMs: 50, onError: (e) => errors.push(e) });
    await expect(svc.ready()).rejects.toThrow(/no such file/);
    await expect(svc.extract(message)).rejects.toThrow(/no rulebook is loaded yet from .*production\.json.*no such file/);
    expect(svc.status().active).toBeNull();
    expect(svc.status().counts.extractions).toBe(0);

    await publish(sampleRulebook()); // unsigned, allowed
    await waitFor('the first good load', () => svc!.status().active !== null);
    expect(svc.status().active?.keyId).toBeNull();
    expect(svc.status().lastError).toBeNull();
    expect((await svc.extract(message)).valid).toBe(true);
  });

  it('refuses an unsigned rulebook when keys are given', async () => {
    await publish(sampleRulebook());
    svc = createRulebookService({ source: file, service: 's', publicKeys: [key.publicKeyPem], onError: (e) => errors.push(e) });
    await expect(svc.ready()).rejects.toThrow(/not signed/);
    await waitFor('the refusal in status', () => svc!.status().lastError?.rulebook?.version === 1);
  });

  it('writes to a trace log it was given, without text when that log says so, and flushes it on close', async () => {
    await publish(v1);
    const log = createTraceLog({ dir: join(dir, 't'), service: 'x', includeText: false });
    svc = createRulebookService({ source: file, service: 'svc', publicKeys: [key.publicKeyPem], traceLog: log });
    await svc.ready();
    await svc.extract({ id: 'own-id', text: 'Where is my invoice?' });
    await svc.close();
    const [l] = (await readFile(log.files()[0]!, 'utf8')).trim().split('\n').map((s) => JSON.parse(s) as TraceLine);
    expect(l).toMatchObject({ service: 'svc', messageId: 'own-id', message: null });
    log.write(JSON.parse('{}') as TraceLine); // the service did not close a log it was given
    expect(log.dropped()).toBe(0);
    await log.close();
  });

  it('counts a failed extraction and answers its status handler', async () => {
    await publish(v1);
    svc = createRulebookService({
      source: file,
      service: 'svc',
      publicKeys: [key.publicKeyPem],
      provider: { name: 'failing', model: 'm', identity: 'failing', complete: () => Promise.reject(new Error('provider down')) },
    });
    await svc.ready();
    await expect(svc.extract(message)).rejects.toThrow(/provider down/);
    let server: Server | undefined;
    try {
      const s = svc;
      server = createServer((req, res) => {
        if (!s.statusHandler(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const body = (await (await fetch(`${base}/casebook/status`)).json()) as { counts: { errors: number }; active: { hash: string } };
      expect(body.counts.errors).toBe(1);
      expect(body.active.hash).toBe(v1.hash);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await new Promise((r) => server?.close(r));
    }
  });

  it('clears a refusal on a rollback to an older good version, and when the good file replaces a tampered one', async () => {
    await publish(v1);
    svc = createRulebookService({ source: file, service: 's', publicKeys: [key.publicKeyPem], pollMs: 50, onError: (e) => errors.push(e) });
    await svc.ready();
    await publish(v2);
    await waitFor('v2 to serve', () => svc!.status().active?.version === 2);
    await publish(signRulebook(v3, otherKey.privateKeyPem));
    await waitFor('v3 to be refused', () => svc!.status().lastError?.rulebook?.version === 3);
    await publish(v1); // roll back
    await waitFor('v1 to serve', () => svc!.status().active?.version === 1);
    expect(svc.status().lastError).toBeNull();

    await publish(v2);
    await waitFor('v2 to serve', () => svc!.status().active?.version === 2);
    const since = svc.status().active!.since;
    const tampered = structuredClone(v2) as RulebookArtifact;
    tampered.instructions += ' (one byte more)';
    await publish(tampered);
    await waitFor('the tampered v2 to be refused', () => /content was changed/.test(svc!.status().lastError?.message ?? ''));
    await publish(v2); // the good file again
    await waitFor('the refusal to clear', () => svc!.status().lastError === null);
    expect(svc.status().active).toMatchObject({ version: 2, hash: v2.hash, since });
  });
});

/** A provider whose prepare does what the next queued step says (resolves by default); extraction is not used. */
interface Preparing { provider: Provider; steps: (() => Promise<void>)[]; calls: number }
function preparingProvider(): Preparing {
  const state: Preparing = {
    steps: [] as (() => Promise<void>)[],
    calls: 0,
    provider: {
      name: 'test',
      model: 'm',
      identity: 'test',
      complete: () => Promise.reject(new Error('not used')),
      prepare: (): Promise<void> => {
        state.calls++;
        return (state.steps.shift() ?? (() => Promise.resolve()))();
      },
    } satisfies Provider,
  };
  return state;
}

describe('a version that verifies but cannot be prepared', () => {
  const fail = () => Promise.reject(new Error('the model server is down'));

  it('is a refusal in the status, tried again when the file is written again', async () => {
    await publish(v1);
    const p = preparingProvider();
    // A long poll: only the file being written again can make it look again.
    svc = createRulebookService({ source: file, service: 's', publicKeys: [key.publicKeyPem], pollMs: 60_000, provider: p.provider, onError: (e) => errors.push(e) });
    await svc.ready();
    p.steps.push(fail);
    await publish(v2);
    await waitFor('v2 to be refused', () => /could not be prepared: the model server is down/.test(svc!.status().lastError?.message ?? ''));
    expect(svc.status().lastError?.rulebook).toMatchObject({ version: 2, hash: v2.hash });
    expect(svc.status().active?.version).toBe(1);
    expect(svc.current()?.version).toBe(1);

    await publish(v2); // the same bytes again, the server back
    await waitFor('v2 to serve', () => svc!.status().active?.version === 2);
    expect(svc.status().lastError).toBeNull();
    expect(svc.current()?.version).toBe(2);
  });

  it('is tried again on the next poll while the file holds it, reported once', async () => {
    await publish(v1);
    const p = preparingProvider();
    svc = createRulebookService({ source: file, service: 's', publicKeys: [key.publicKeyPem], pollMs: 50, provider: p.provider, onError: (e) => errors.push(e) });
    await svc.ready();
    p.steps.push(fail, fail, fail);
    await publish(v2);
    await waitFor('v2 to serve after three failures', () => svc!.status().active?.version === 2, 5000);
    expect(p.calls).toBe(5); // v1, three failures of v2, its success
    expect(errors.filter((e) => /could not be prepared/.test(e.message))).toHaveLength(1);
    expect(svc.status().lastError).toBeNull();
  });

  it('does not make an older version that finishes preparing late give way: v2 serves, v3\'s refusal stays', async () => {
    await publish(v1);
    const p = preparingProvider();
    svc = createRulebookService({ source: file, service: 's', publicKeys: [key.publicKeyPem], pollMs: 60_000, provider: p.provider, onError: (e) => errors.push(e) });
    await svc.ready();
    let finishV2!: () => void;
    p.steps.push(() => new Promise<void>((r) => (finishV2 = r)), fail);
    await publish(v2);
    await waitFor('v2 to be preparing', () => p.calls === 2);
    const v3signed = signRulebook(v3, key.privateKeyPem);
    await publish(v3signed);
    await waitFor('v3 to be refused', () => svc!.status().lastError?.rulebook?.version === 3);
    expect(svc.status().active?.version).toBe(1);
    finishV2();
    await waitFor('v2 to serve', () => svc!.status().active?.version === 2);
    expect(svc.current()?.version).toBe(2);
    // v3 came after v2: its refusal is still what the file holds.
    expect(svc.status().lastError).toMatchObject({ rulebook: { version: 3, hash: v3signed.hash } });
  });
});
