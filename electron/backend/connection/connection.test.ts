// Test connection over real HTTP: the scripted OpenAI-compatible server (with and without
// log-probabilities, refusing json_schema, requiring a key, hanging, 404) and a closed port.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { closedPortURL } from '../../../shared/testkit/closed-port.js';
import { HOST_SETTING } from '../handlers.js';
import { contextHarnesses } from '../test-support.js';
import { connectionTarget, createConnectionHandlers } from './handlers.js';
import { testConnection } from './test-connection.js';

let server: ScriptedServer;
/** A port nothing listens on: taken from the system, then let go. */
let closedURL: string;
beforeAll(async () => {
  server = await startScriptedServer();
  closedURL = await closedPortURL();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const MODEL = 'casebook-test-1';
const target = (over: Partial<Parameters<typeof testConnection>[0]> = {}) => ({ baseURL: server.url, model: MODEL, apiKey: '', timeoutMs: 3000, ...over });

describe('testConnection against the scripted server', () => {
  it('reports JSON schema and logprobs supported, in one request', async () => {
    server.script({ logprobs: true });
    const report = await testConnection(target());
    expect(report).toMatchObject({ ok: true, baseURL: server.url, model: MODEL, answeredModel: MODEL, error: null, supports: { jsonSchema: true, jsonMode: null, logprobs: true } });
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['logprobs', true],
      ['json_schema', true],
      ['json_object', null],
    ]);
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.chatRequests).toHaveLength(1);
    const body = server.chatRequests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: MODEL, logprobs: true, max_tokens: 64, response_format: { type: 'json_schema' } });
  });

  it('says logprobs: no when the server ignores them, and asks again without when it refuses them', async () => {
    expect((await testConnection(target())).supports).toEqual({ jsonSchema: true, jsonMode: null, logprobs: false });
    server.reset();
    server.script({ logprobs: 'reject' });
    const report = await testConnection(target());
    expect(report.ok).toBe(true);
    expect(report.supports).toEqual({ jsonSchema: true, jsonMode: null, logprobs: false });
    expect(report.checks.find((c) => c.name === 'logprobs')?.detail).toContain('logprobs is not supported');
    expect(server.chatRequests.map((r) => (r.body as { logprobs?: boolean }).logprobs)).toEqual([true, undefined]);
  });

  it('falls back to JSON mode when json_schema is refused, as runs do', async () => {
    server.script({ rejectJsonSchema: 'vllm', responseModel: 'served-model-v2' });
    const report = await testConnection(target());
    expect(report).toMatchObject({ ok: true, answeredModel: 'served-model-v2', supports: { jsonSchema: false, jsonMode: true, logprobs: false } });
    expect(server.chatRequests.map((r) => (r.body as { response_format: { type: string } }).response_format.type)).toEqual(['json_schema', 'json_object']);
  });

  it('says the key was refused (401), and never returns the key', async () => {
    server.script({ requireApiKey: 'sk-right' });
    const report = await testConnection(target({ apiKey: 'sk-wrong-secret' }));
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/^the server refused the API key \(401\)/);
    expect(JSON.stringify(report)).not.toContain('sk-wrong-secret');
    expect((await testConnection(target({ apiKey: 'sk-right' }))).ok).toBe(true);
  });

  it('says a model or path was not found (404)', async () => {
    const report = await testConnection(target({ baseURL: server.url.replace(/\/v1$/, '/nothing') }));
    expect(report.ok).toBe(false);
    expect(report.error).toContain('not found (404)');
    expect(report.error).toContain(`the model "${MODEL}" or the path does not exist`);
    server.enqueue({ status: 404, message: 'The model `gpt-nope` does not exist' });
    expect((await testConnection(target({ model: 'gpt-nope' }))).error).toContain('The model `gpt-nope` does not exist');
  });

  it('gives up after the timeout given, without retrying', async () => {
    server.script({ hang: true });
    const t0 = Date.now();
    const report = await testConnection(target({ timeoutMs: 600 }));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(report.error).toBe(`no answer from ${server.url} within 600 ms: the server is slow or not an OpenAI-compatible endpoint`);
    expect(server.chatRequests).toHaveLength(1);
  });

  it('fails within seconds at a closed port, saying nothing listens there', async () => {
    const t0 = Date.now();
    const report = await testConnection(target({ baseURL: closedURL }));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(report).toMatchObject({ ok: false, baseURL: closedURL, error: `nothing is listening at ${closedURL} (connection refused)` });
    expect(report.supports).toEqual({ jsonSchema: null, jsonMode: null, logprobs: null });
  });

  it('says why port 9 cannot be tried: fetch never connects to it', async () => {
    const report = await testConnection(target({ baseURL: 'http://127.0.0.1:9/v1' }));
    expect(report.error).toBe('http://127.0.0.1:9/v1 cannot be tried: port 9 is one that fetch never connects to (blocked by the Fetch standard); use another port');
  });
});

describe('testConnection through the API', () => {
  const { harness } = contextHarnesses('casebook-connection-');

  it('tests what a run would use: the host base URL, the draft model, the stored key; arguments override them for the test only', async () => {
    const h = harness();
    server.script({ logprobs: true, requireApiKey: 'sk-stored' });
    h.opts.settings.set(HOST_SETTING.baseURL, server.url);
    h.opts.secrets.setApiKey('sk-stored');
    await h.call('updateDraft', { settings: { provider: 'openai', model: MODEL } });
    const handlers = createConnectionHandlers(h.ctx);
    const report = await handlers.testConnection({ timeoutMs: 3000 });
    expect(report).toMatchObject({ ok: true, baseURL: server.url, model: MODEL, supports: { jsonSchema: true, logprobs: true } });
    expect(JSON.stringify(report)).not.toContain('sk-stored');

    const other = await handlers.testConnection({ baseURL: closedURL, model: 'other', apiKey: 'sk-x', timeoutMs: 2000 });
    expect(other.error).toBe(`nothing is listening at ${closedURL} (connection refused)`);
    expect(connectionTarget(h.ctx, { model: 'm2', timeoutMs: 1000 })).toMatchObject({ baseURL: server.url, model: 'm2', apiKey: 'sk-stored' });
    // Nothing was saved by the test.
    expect(h.opts.settings.get(HOST_SETTING.baseURL)).toBe(server.url);
    expect(h.opts.secrets.getApiKey()).toBe('sk-stored');
  });
});
