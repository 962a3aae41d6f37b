// Parity (issue 11): the app's extractions and the example production service's outputs on the
// synced label file are byte-identical for the same model answers. Real parts throughout: the
// demo workspace (140 messages) behind a real backend, its draft switched to the openai provider
// pointed at the scripted OpenAI-compatible server, a run over every message, the gate, publish
// (signed), a folder sync target and `production` → v1, then shared/examples/service.mjs as a
// child process on the synced production.json with the exported public key, asked about every
// message over HTTP. Besides the answers, the model requests themselves are compared message by
// message (prompt with its retrieved examples, schema, temperature, seed, model): the scripted
// model reads only the message's text, so equal answers alone would not show that a real model was
// asked the same thing (the example service once dropped the sender, which the prompt carries).
// Needs shared/dist (`npm run build -w @casebook/runtime`; `npm test` builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExtractionHistoryItem, MessageRecord } from '../../../shared/src/api/index.js';
import type { Extraction, RulebookArtifact } from '../../../shared/src/domain.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import { normaliseMessage } from '../../../shared/src/pipeline/normalise.js';
import { parseMessageBlock } from '../../../shared/src/prompt/build.js';
import { startScriptedServer, type ChatRequestBody, type LoggedRequest, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import type { Backend } from '../ports.js';
import { createBackend } from '../service.js';
import { backendOptions, call, demoId, demoRows, memorySettings, tempFolder, type TempFolder, type TestOptions } from '../test-support.js';

const SHARED = resolve(import.meta.dirname, '../../../shared');
const EXAMPLE = join(SHARED, 'examples', 'service.mjs');
const DIST = join(SHARED, 'dist', 'index.js');
const built = existsSync(DIST) && readFileSync(DIST, 'utf8').includes('createRulebookService');
if (!built) console.warn(`parity test skipped: ${DIST} is missing or predates createRulebookService; run \`npm run build -w @casebook/runtime\` first`);

const MODEL = 'casebook-test-1';

/** What both sides are compared on, for one message. */
const parityKey = (r: { output: Extraction; valid: boolean }) => canonicalJson({ output: r.output, valid: r.valid });

/** A chat request's body without what only asks for more detail back (log-probabilities): what decides the model's answer. */
function answerDeciding(req: LoggedRequest): Record<string, unknown> {
  const { logprobs: _l, top_logprobs: _t, ...rest } = req.body as ChatRequestBody;
  return rest;
}
/** The message a chat request asks about (its last user turn's block, as the pipeline wrote it), canonical. */
function askedAbout(req: LoggedRequest): string {
  const last = (req.body as ChatRequestBody).messages!.at(-1)!;
  return canonicalJson(parseMessageBlock(String(last.content)));
}
/** A stored message as the pipeline puts it in the prompt, canonical. */
const asAsked = (m: MessageRecord) => canonicalJson(normaliseMessage({ text: m.text, ...(m.subject ? { subject: m.subject } : {}), ...(m.sender ? { sender: m.sender } : {}), ...(m.context ? { context: m.context } : {}) }));

/** Where two chat request bodies differ: the top-level keys, and the first chat message that differs, side by side. */
function requestDiff(id: string, app: Record<string, unknown>, service: Record<string, unknown>): { id: string; what: string }[] {
  if (canonicalJson(app) === canonicalJson(service)) return [];
  const keys = [...new Set([...Object.keys(app), ...Object.keys(service)])].filter((k) => canonicalJson(app[k] ?? null) !== canonicalJson(service[k] ?? null));
  const a = (app.messages ?? []) as unknown[];
  const b = (service.messages ?? []) as unknown[];
  const at = Array.from({ length: Math.max(a.length, b.length) }, (_, i) => i).find((i) => canonicalJson(a[i] ?? null) !== canonicalJson(b[i] ?? null));
  const detail = at === undefined ? '' : `; messages[${at}] app ${canonicalJson(a[at] ?? null).slice(0, 400)} / service ${canonicalJson(b[at] ?? null).slice(0, 400)}`;
  return [{ id, what: `${keys.join(', ')} differ${detail}` }];
}

describe.skipIf(!built)('parity: the app and the example service on the synced production file', () => {
  let folder: TempFolder;
  let server: ScriptedServer;
  let backend: Backend;
  let opts: TestOptions;
  let child: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    folder = tempFolder('casebook-parity-');
    // One drift, so that some answers are invalid on both sides and validity is compared too.
    server = await startScriptedServer({ models: [MODEL], script: { shift: { issue_type: { billing: 'money-stuff' } } } });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    backend?.close();
    await server?.close();
    folder?.cleanup();
  });

  it('gives byte-identical output and validity for all 140 demo messages, from identical model requests', async () => {
    // The demo workspace, its draft on the scripted server.
    opts = backendOptions(folder.path('demo.casebook'), { settings: memorySettings({ author: 'Maya (lead)' }) });
    backend = await createBackend(opts);
    await call(backend, 'updateSettings', { baseURL: server.url });
    await call(backend, 'updateDraft', { settings: { provider: 'openai', model: MODEL } });
    const draft = await call(backend, 'getRulebook', {});
    expect(draft.settings).toMatchObject({ provider: 'openai', model: MODEL });

    // The app extracts every message.
    const ids = demoRows.map(demoId);
    expect(ids.length).toBeGreaterThanOrEqual(100);
    const beforeRun = server.chatRequests.length;
    const run = await call(backend, 'startRun', { selection: { all: true } });
    await vi.waitFor(async () => expect((await call(backend, 'getRun', { runId: run.id })).status).toBe('done'), { timeout: 60_000, interval: 20 });
    expect(await call(backend, 'getRun', { runId: run.id })).toMatchObject({ total: ids.length, done: ids.length, failed: 0 });
    const appRequests = server.chatRequests.slice(beforeRun);
    expect(appRequests).toHaveLength(ids.length); // one model request per message, none from a cache

    const messages = new Map<string, MessageRecord>();
    const app = new Map<string, ExtractionHistoryItem>();
    for (const id of ids) {
      const detail = await call(backend, 'getMessage', { id });
      messages.set(id, detail.message);
      // The run's extraction (for a message a person decided, it is stored beside the person's answer).
      const fromRun = (await call(backend, 'listExtractions', { messageId: id })).filter((e) => e.runId === run.id);
      expect(fromRun, id).toHaveLength(1);
      expect(fromRun[0]).toMatchObject({ provider: 'openai', model: MODEL, human: false });
      if (detail.extraction?.runId === run.id) expect(parityKey(detail.extraction)).toBe(parityKey(fromRun[0]!));
      app.set(id, fromRun[0]!);
    }

    // The gate replays every precedent on the scripted server; its answers are not the team's, so
    // publishing needs a reason.
    const gate = await call(backend, 'startGate', {});
    await vi.waitFor(async () => expect((await call(backend, 'getGate', { gateId: gate.id })).status).not.toBe('running'), { timeout: 60_000, interval: 20 });
    const report = await call(backend, 'getGate', { gateId: gate.id });
    expect(report).toMatchObject({ status: 'done', total: draft.precedents.length, done: draft.precedents.length });
    const v1 = await call(backend, 'publishDraft', {
      gateId: gate.id,
      note: 'parity',
      ...(report.failed ? { overrideReason: 'the scripted server is not the model the precedents were taught with' } : {}),
    });
    expect(v1).toMatchObject({ version: 1, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });

    // A folder target, and production → v1: the sync writes production.json.
    const syncDir = join(folder.dir, 'sync');
    await call(backend, 'saveSyncTarget', { kind: 'folder', name: 'Service folder', path: syncDir, enabled: true });
    await call(backend, 'setLabel', { label: 'production', version: 1, reason: 'parity' });
    const productionFile = join(syncDir, 'production.json');
    await vi.waitFor(() => expect((JSON.parse(readFileSync(productionFile, 'utf8')) as RulebookArtifact).hash).toBe(v1.hash), { timeout: 15_000, interval: 20 });
    const synced = JSON.parse(readFileSync(productionFile, 'utf8')) as RulebookArtifact;
    expect(synced).toMatchObject({ version: 1, settings: { provider: 'openai', model: MODEL }, signature: { keyId: v1.keyId } });
    expect(synced.precedents).toHaveLength(draft.precedents.length);
    const keyFile = join(folder.dir, 'casebook.pub.pem');
    writeFileSync(keyFile, (await call(backend, 'exportPublicKey', {})).content);

    // The example service on the synced file, its model the same endpoint (OPENAI_BASE_URL, as the runtime reads it).
    child = spawn(process.execPath, [EXAMPLE, '--rulebook', productionFile, '--public-key', keyFile, '--port', '0', '--service-name', 'parity'], {
      cwd: folder.dir,
      env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const base = await new Promise<string>((res, rej) => {
      let out = '';
      const timer = setTimeout(() => rej(new Error(`no start line in 15 s; stdout ${out}, stderr ${stderr}`)), 15_000);
      child!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      });
      child!.on('exit', (code) => rej(new Error(`the service exited ${code}: ${stderr}`)));
    });
    const status = (await (await fetch(`${base}/casebook/status`)).json()) as { active: { version: number; hash: string; keyId: string } | null };
    expect(status.active).toMatchObject({ version: 1, hash: v1.hash, keyId: v1.keyId });

    // Every message, as the app holds it, to the service; one at a time, so each request is its message's.
    const service = new Map<string, { output: Extraction; valid: boolean }>();
    const serviceRequests = new Map<string, LoggedRequest>();
    for (const id of ids) {
      const m = messages.get(id)!;
      const before = server.chatRequests.length;
      const body = { id, text: m.text, ...(m.subject ? { subject: m.subject } : {}), ...(m.sender ? { sender: m.sender } : {}), ...(m.context ? { context: m.context } : {}) };
      const res = await fetch(`${base}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await res.json()) as { id: string; output: Extraction; valid: boolean; rulebook: { version: number; hash: string } };
      expect(res.status, JSON.stringify(answer)).toBe(200);
      expect(answer).toMatchObject({ id, rulebook: { version: 1, hash: v1.hash } });
      service.set(id, answer);
      const asked = server.chatRequests.slice(before);
      expect(asked, id).toHaveLength(1);
      serviceRequests.set(id, asked[0]!);
    }

    // The model was asked the same thing by both, message by message (prompt, retrieved examples,
    // schema, temperature, seed, model) ...
    const appByMessage = new Map(appRequests.map((r) => [askedAbout(r), r]));
    expect(appByMessage.size).toBe(ids.length);
    const requestDiffs = ids.flatMap((id) => {
      const app = appByMessage.get(asAsked(messages.get(id)!));
      return app ? requestDiff(id, answerDeciding(app), answerDeciding(serviceRequests.get(id)!)) : [{ id, what: 'the app never asked about it' }];
    });
    expect(requestDiffs.slice(0, 3), `${requestDiffs.length} of ${ids.length} requests differ`).toEqual([]);

    // ... and the answers are byte-identical.
    const differ = ids
      .filter((id) => parityKey(app.get(id)!) !== parityKey(service.get(id)!))
      .map((id) => ({ id, app: parityKey(app.get(id)!), service: parityKey(service.get(id)!) }));
    expect(differ).toEqual([]);
    expect(service.size).toBe(ids.length);
    // Not a comparison of empty answers: the scripted model's answers vary with the message.
    expect(new Set([...service.values()].map(parityKey)).size).toBeGreaterThan(5);
    const invalid = ids.filter((id) => !service.get(id)!.valid).length;
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(ids.length);
  }, 180_000);
});
