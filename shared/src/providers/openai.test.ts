// The openai provider with the real `openai` client over real HTTP, against the scripted server.
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../testkit/scripted-server.js';
import type { ScriptedServer } from '../../testkit/scripted-server.js';
import type { ExtractionSchema, MessageInput, ModelSettings } from '../domain.js';
import { createOpenAIProvider, isJsonSchemaUnsupported, normaliseBaseURL, retryAfterMs } from './openai.js';
import type { OpenAIProviderOptions } from './openai.js';
import { ProviderError } from './types.js';
import type { ProviderRequest } from './types.js';

const JSON_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: ['string', 'null'] },
    issue_type: { type: 'string', enum: ['account', 'billing', 'bug', 'other'] },
    urgency: { type: ['string', 'null'], enum: ['low', 'medium', 'high', null] },
  },
  required: ['name', 'issue_type', 'urgency'],
  additionalProperties: false,
};

const SCHEMA: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true },
    { name: 'issue_type', type: 'enum', nullable: false, values: [{ value: 'account' }, { value: 'billing' }, { value: 'bug' }, { value: 'other' }] },
    { name: 'urgency', type: 'enum', nullable: true, values: [{ value: 'low' }, { value: 'medium' }, { value: 'high' }] },
  ],
};

const SETTINGS: ModelSettings = { provider: 'openai', model: 'casebook-test-1', temperature: 0, seed: 7, k: 8 };

function request(text: string, extra: Partial<ProviderRequest> = {}): ProviderRequest {
  const message: MessageInput = { text };
  return {
    messages: [
      { role: 'system', content: 'Extract the fields of the support message as JSON.' },
      { role: 'user', content: `<message>\n${JSON.stringify(message)}\n</message>` },
    ],
    jsonSchema: JSON_SCHEMA,
    schemaName: 'support_extraction',
    settings: SETTINGS,
    schema: SCHEMA,
    message,
    precedents: [],
    rules: [],
    ...extra,
  };
}

const LOCKED_OUT = "Hi, I'm Dana Whitfield. I'm locked out of my account and it's urgent, high priority please.";

/** A sleep that records what it was asked to wait and waits 1/100 of it. */
function recordingSleep(): { sleep: NonNullable<OpenAIProviderOptions['sleep']>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        waits.push(ms);
        if (signal?.aborted) return reject(signal.reason);
        const t = setTimeout(resolve, ms / 100);
        signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
      }),
  };
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected the call to fail');
}

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
});

function provider(opts: Partial<OpenAIProviderOptions> = {}) {
  return createOpenAIProvider({ baseURL: server.url, model: 'casebook-test-1', baseDelayMs: 1, ...opts });
}

describe('openai provider: happy path', () => {
  it('sends the messages with a strict json_schema response format and returns the answer', async () => {
    const res = await provider().complete(request(LOCKED_OUT));
    expect(JSON.parse(res.raw)).toEqual({ name: 'Dana Whitfield', issue_type: 'account', urgency: 'high' });
    expect(res.attempts).toBe(1);
    expect(res.model).toBe('casebook-test-1');
    expect(res.responseFormat).toBe('json_schema');
    expect(res.usage).not.toBeNull();
    expect(res.usage!.promptTokens).toBeGreaterThan(0);
    expect(res.usage!.completionTokens).toBeGreaterThan(0);
    expect(res.usage!.totalTokens).toBe(res.usage!.promptTokens + res.usage!.completionTokens);

    expect(server.chatRequests).toHaveLength(1);
    const sent = server.chatRequests[0]!;
    const body = sent.body as Record<string, unknown>;
    expect(body['model']).toBe('casebook-test-1');
    expect(body['messages']).toEqual(request(LOCKED_OUT).messages);
    expect(body['response_format']).toEqual({
      type: 'json_schema',
      json_schema: { name: 'support_extraction', strict: true, schema: JSON_SCHEMA },
    });
    expect(body['temperature']).toBe(0);
    expect(body['seed']).toBe(7);
    expect(body).not.toHaveProperty('max_tokens');
    expect(body).not.toHaveProperty('max_completion_tokens');
    // No key given: the SDK still needs one, so a placeholder goes to the local server.
    expect(sent.headers['authorization']).toBe('Bearer not-needed');
  });

  it('sends max_tokens to a local server when settings.maxTokens is set', async () => {
    await provider().complete(request(LOCKED_OUT, { settings: { ...SETTINGS, maxTokens: 200 } }));
    expect((server.chatRequests[0]!.body as Record<string, unknown>)['max_tokens']).toBe(200);
  });

  it('switches to max_completion_tokens when the server asks for it, and remembers', async () => {
    server.enqueue({
      status: 400,
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    });
    const p = provider();
    const req = request(LOCKED_OUT, { settings: { ...SETTINGS, maxTokens: 200 } });
    const res = await p.complete(req);
    expect(res.attempts).toBe(2);
    await p.complete(req);
    const bodies = server.chatRequests.map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => [b['max_tokens'], b['max_completion_tokens']])).toEqual([
      [200, undefined],
      [undefined, 200],
      [undefined, 200],
    ]);
  });

  it('reports the model the server names', async () => {
    server.script({ responseModel: 'casebook-test-1-2025-01-01' });
    const res = await provider().complete(request('hello'));
    expect(res.model).toBe('casebook-test-1-2025-01-01');
  });

  it('has name openai and an identity from the normalised base URL, without credentials', () => {
    const p = createOpenAIProvider({ baseURL: `${server.url}/`, model: 'm' });
    expect(p.name).toBe('openai');
    expect(p.model).toBe('m');
    expect(p.identity).toBe(`openai:${server.url}`);
    expect(normaliseBaseURL('HTTP://User:Pass@LocalHost:8080/v1//?x=1#f')).toBe('http://localhost:8080/v1');
    expect(normaliseBaseURL('https://api.openai.com:443/v1')).toBe('https://api.openai.com/v1');
  });

  it('sends the API key as a bearer token when one is given', async () => {
    server.script({ requireApiKey: 'sk-test-right-key' });
    const res = await provider({ apiKey: 'sk-test-right-key' }).complete(request(LOCKED_OUT));
    expect(res.attempts).toBe(1);
    expect(server.chatRequests[0]!.headers['authorization']).toBe('Bearer sk-test-right-key');
  });
});

describe('openai provider: retries', () => {
  it('honours Retry-After on 429, then succeeds', async () => {
    server.script({ rateLimit: { times: 1, retryAfter: 1 } });
    const { sleep, waits } = recordingSleep();
    const res = await provider({ sleep }).complete(request(LOCKED_OUT));
    expect(res.attempts).toBe(2);
    expect(waits).toEqual([1000]);
    expect(server.chatRequests.map((r) => r.outcome)).toEqual([429, 200]);
  });

  it('honours retry-after-ms and an HTTP-date Retry-After, scaled by timeScale', async () => {
    server.script({
      steps: [
        { status: 429, retryAfterMs: 250 },
        { status: 429, retryAfter: new Date(Date.now() + 60_000).toUTCString() },
      ],
    });
    const { sleep, waits } = recordingSleep();
    const res = await provider({ sleep, timeScale: 0.01, maxDelayMs: 120_000 }).complete(request(LOCKED_OUT));
    expect(res.attempts).toBe(3);
    expect(waits[0]).toBeCloseTo(2.5, 5);
    // About 60 s (the date has a one-second resolution), times 0.01.
    expect(waits[1]).toBeGreaterThan(550);
    expect(waits[1]).toBeLessThanOrEqual(600);
  });

  it('waits for real (tiny delays) with the default sleep', async () => {
    server.script({ rateLimit: { times: 2, retryAfter: 0 } });
    const res = await provider().complete(request(LOCKED_OUT));
    expect(res.attempts).toBe(3);
  });

  it('gives up on a persistent 429 with rate_limit and the attempt count', async () => {
    server.script({ rateLimit: { times: 100, retryAfter: 0 } });
    const err = await failure(provider({ maxRetries: 2 }).complete(request(LOCKED_OUT)));
    expect(err.code).toBe('rate_limit');
    expect(err.status).toBe(429);
    expect(err.attempts).toBe(3);
    expect(err.message).toContain('after 3 attempts');
    expect(server.chatRequests).toHaveLength(3);
  });

  it('backs off exponentially with deterministic jitter on 5xx, then succeeds', async () => {
    server.script({ serverError: { times: 3 } });
    const { sleep, waits } = recordingSleep();
    const res = await provider({ sleep, random: () => 0, baseDelayMs: 100 }).complete(request(LOCKED_OUT));
    expect(res.attempts).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('caps the backoff and applies jitter of at most a quarter', async () => {
    server.script({ serverError: { times: 4 } });
    const { sleep, waits } = recordingSleep();
    await provider({ sleep, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 3000 }).complete(request(LOCKED_OUT));
    expect(waits).toEqual([875, 1750, 2625, 2625]);
  });

  it('reports repeated 500s as a server error with the attempt count', async () => {
    server.script({ serverError: { times: 'always' } });
    const err = await failure(provider({ maxRetries: 2 }).complete(request(LOCKED_OUT)));
    expect(err.code).toBe('server');
    expect(err.status).toBe(500);
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(/failed with 500 after 3 attempts/);
    expect(err.message).toContain(server.url);
    expect(server.chatRequests).toHaveLength(3);
  });

  it('times out when the server hangs, after maxRetries + 1 attempts', async () => {
    server.script({ hang: true });
    const started = Date.now();
    const err = await failure(provider({ timeoutMs: 200, maxRetries: 1 }).complete(request(LOCKED_OUT)));
    expect(err.code).toBe('timeout');
    expect(err.attempts).toBe(2);
    expect(err.message).toBe(`no answer from ${server.url} within 200 ms after 2 attempts`);
    expect(server.chatRequests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('recovers when only the first attempt hangs', async () => {
    server.script({ hang: { times: 1 } });
    const res = await provider({ timeoutMs: 200, maxRetries: 1 }).complete(request(LOCKED_OUT));
    expect(res.attempts).toBe(2);
  });

  it('does not retry other 4xx errors', async () => {
    server.enqueue({ status: 404, message: 'The model `nope` does not exist' });
    const err = await failure(provider().complete(request(LOCKED_OUT)));
    expect(err.code).toBe('bad_request');
    expect(err.status).toBe(404);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain('The model `nope` does not exist');
  });
});

describe('openai provider: answers it cannot use', () => {
  it('returns malformed JSON content as it came (the pipeline parses it)', async () => {
    server.script({ malformed: true });
    const res = await provider().complete(request(LOCKED_OUT));
    expect(res.raw.startsWith('{"name":')).toBe(true);
    expect(() => JSON.parse(res.raw)).toThrow();
    expect(res.attempts).toBe(1);
  });

  it('reports empty content as unparseable', async () => {
    server.enqueue({ content: '' });
    const err = await failure(provider().complete(request(LOCKED_OUT)));
    expect(err.code).toBe('unparseable');
    expect(err.message).toContain('empty content');
  });

  it('reports null content as unparseable', async () => {
    server.enqueue({ content: null });
    const err = await failure(provider().complete(request(LOCKED_OUT)));
    expect(err.code).toBe('unparseable');
  });

  it('reports a response that is not a chat completion as unparseable, quoting its start', async () => {
    const page = `<html><body>${'Gateway says hello. '.repeat(30)}</body></html>`;
    server.enqueue({ status: 200, body: page, headers: { 'content-type': 'text/html' } });
    const err = await failure(provider().complete(request(LOCKED_OUT)));
    expect(err.code).toBe('unparseable');
    expect(err.message).toContain('<html><body>Gateway says hello.');
    expect(err.message).not.toContain(page); // only the first 200 characters
  });
});

describe('openai provider: authentication', () => {
  it('reports 401 as auth, without the key anywhere', async () => {
    const key = 'sk-test-SECRET-4242-never-print';
    server.script({ requireApiKey: 'sk-the-right-one' });
    const p = provider({ apiKey: key });
    const err = await failure(p.complete(request(LOCKED_OUT)));
    expect(err.code).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.attempts).toBe(1);
    expect(err.message).toBe(`the endpoint at ${server.url} refused the API key (401)`);
    expect(server.chatRequests).toHaveLength(1);
    for (const text of [err.message, String(err.stack), inspect(err, { depth: 10 }), JSON.stringify(p), inspect(p, { depth: 10 }), p.identity]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain('SECRET-4242');
    }
  });

  it('reports 403 as auth', async () => {
    server.enqueue({ status: 403, message: 'forbidden' });
    const err = await failure(provider().complete(request(LOCKED_OUT)));
    expect(err.code).toBe('auth');
    expect(err.message).toContain('(403)');
  });

  it('redacts the key when a server echoes it in an error', async () => {
    const key = 'sk-echoed-secret-123';
    server.enqueue({ status: 400, message: `bad request from key ${key}` });
    const err = await failure(provider({ apiKey: key }).complete(request(LOCKED_OUT)));
    expect(err.code).toBe('bad_request');
    expect(err.message).not.toContain(key);
    expect(err.message).toContain('[redacted]');
  });
});

describe('openai provider: servers without json_schema', () => {
  for (const kind of ['llamacpp', 'tgi', 'vllm', 'generic'] as const) {
    it(`falls back to json_object when the server refuses json_schema (${kind}) and remembers it`, async () => {
      server.script({ rejectJsonSchema: kind });
      const p = provider();
      const first = await p.complete(request(LOCKED_OUT));
      expect(first.responseFormat).toBe('json_object');
      expect(first.attempts).toBe(2);
      expect(JSON.parse(first.raw)).toEqual({ name: 'Dana Whitfield', issue_type: 'account', urgency: 'high' });

      const second = await p.complete(request('A billing problem: I was charged twice.'));
      expect(second.responseFormat).toBe('json_object');
      expect(second.attempts).toBe(1);
      expect(JSON.parse(second.raw)).toMatchObject({ issue_type: 'billing' });

      const bodies = server.chatRequests.map((r) => r.body as { response_format: { type: string }; messages: { role: string; content: string }[] });
      expect(bodies.map((b) => b.response_format.type)).toEqual(['json_schema', 'json_object', 'json_object']);
      const system = bodies[1]!.messages[0]!;
      expect(system.role).toBe('system');
      expect(system.content).toContain('Extract the fields of the support message as JSON.');
      expect(system.content).toContain(JSON.stringify(JSON_SCHEMA));
    });
  }

  it('puts the schema in a new system message when there is none', async () => {
    server.script({ rejectJsonSchema: true });
    const req = request(LOCKED_OUT);
    req.messages = req.messages.filter((m) => m.role !== 'system');
    const res = await provider().complete(req);
    expect(res.responseFormat).toBe('json_object');
    const messages = (server.chatRequests[1]!.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages[0]!.role).toBe('system');
    expect(messages[0]!.content).toContain('"issue_type"');
  });

  it("does not fall back with jsonMode 'json_schema'", async () => {
    server.script({ rejectJsonSchema: 'llamacpp' });
    const err = await failure(provider({ jsonMode: 'json_schema' }).complete(request(LOCKED_OUT)));
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain('json_schema');
    expect(server.chatRequests).toHaveLength(1);
  });

  it("asks json_object from the start with jsonMode 'json_object'", async () => {
    const res = await provider({ jsonMode: 'json_object' }).complete(request(LOCKED_OUT));
    expect(res.responseFormat).toBe('json_object');
    expect(res.attempts).toBe(1);
  });

  it('does not fall back on an invalid schema', async () => {
    server.enqueue({ status: 400, message: "Invalid schema for response_format 'support_extraction': 'required' is required to be supplied" });
    const err = await failure(provider().complete(request(LOCKED_OUT)));
    expect(err.code).toBe('bad_request');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('recognises the usual refusals', () => {
    expect(isJsonSchemaUnsupported(400, 'response_format type must be one of "text" or "json_object", but got: json_schema')).toBe(true);
    expect(isJsonSchemaUnsupported(422, 'Failed to deserialize the JSON body into the target type: response_format: unknown variant `json_schema`, expected `text` or `json_object`')).toBe(true);
    expect(isJsonSchemaUnsupported(400, "response_format.type\n  Input should be 'text' or 'json_object'")).toBe(true);
    expect(isJsonSchemaUnsupported(400, "'json_schema' is not supported with this model")).toBe(true);
    expect(isJsonSchemaUnsupported(400, "Invalid schema for response_format 'x': missing required")).toBe(false);
    expect(isJsonSchemaUnsupported(400, 'messages must not be empty')).toBe(false);
    expect(isJsonSchemaUnsupported(500, 'response_format json_schema is not supported')).toBe(false);
  });
});

describe('openai provider: aborts and connections', () => {
  it('reports an abort during a request as aborted, promptly', async () => {
    server.script({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await failure(provider({ timeoutMs: 30_000 }).complete(request(LOCKED_OUT, { signal: controller.signal })));
    expect(err.code).toBe('aborted');
    expect(err.attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an abort during the wait between attempts as aborted', async () => {
    server.script({ rateLimit: { times: 1, retryAfter: 30 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const err = await failure(provider({ maxDelayMs: 60_000 }).complete(request(LOCKED_OUT, { signal: controller.signal })));
    expect(err.code).toBe('aborted');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('does not call the server when already aborted', async () => {
    const err = await failure(provider().complete(request(LOCKED_OUT, { signal: AbortSignal.abort() })));
    expect(err.code).toBe('aborted');
    expect(server.chatRequests).toHaveLength(0);
  });

  it('reports a refused connection as network, after retrying', async () => {
    const gone = await startScriptedServer();
    const url = gone.url;
    await gone.close();
    const err = await failure(createOpenAIProvider({ baseURL: url, model: 'm', maxRetries: 1, baseDelayMs: 1 }).complete(request(LOCKED_OUT)));
    expect(err.code).toBe('network');
    expect(err.attempts).toBe(2);
    expect(err.message).toBe(`could not reach ${url} after 2 attempts: connection refused (ECONNREFUSED)`);
  });

  it('uses an injected fetch', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    await provider({ fetch: counting }).complete(request(LOCKED_OUT));
    expect(calls).toBe(1);
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('openai provider: log-probabilities', () => {
  /** Tokens of about four characters; the tokens of `billing` are unsure. */
  const unsureBilling = (content: string) =>
    (content.match(/[\s\S]{1,4}/g) ?? []).map((token, i, all) => {
      const before = all.slice(0, i).join('').length;
      const at = content.indexOf('billing');
      const overlaps = at >= 0 && before < at + 'billing'.length && before + token.length > at;
      return { token, logprob: overlaps ? -1.2 : -0.001 };
    });

  it('asks for them when told and says how sure the model was of each field; answers are the same', async () => {
    server.script({ logprobs: unsureBilling, answer: () => ({ name: null, issue_type: 'billing', urgency: 'high' }) });
    const plain = await provider().complete(request(LOCKED_OUT));
    const withProbabilities = await provider({ logprobs: true }).complete(request(LOCKED_OUT));
    expect(withProbabilities.raw).toBe(plain.raw);
    expect(plain.logprobs).toBeUndefined();
    expect((server.chatRequests.at(-2)!.body as { logprobs?: unknown }).logprobs).toBeUndefined();
    expect((server.chatRequests.at(-1)!.body as { logprobs?: unknown }).logprobs).toBe(true);
    const byField = new Map(withProbabilities.logprobs!.map((p) => [p.field, p.probability]));
    expect(byField.get('issue_type')).toBeCloseTo(Math.exp(-1.2), 3);
    expect(byField.get('urgency')).toBeGreaterThan(0.99);
  });

  it('asks again without them when the server refuses them, and from then on', async () => {
    server.script({ logprobs: 'reject' });
    const p = provider({ logprobs: true });
    const first = await p.complete(request(LOCKED_OUT));
    expect(first.logprobs).toBeUndefined();
    const asked = server.chatRequests.slice(-2).map((r) => (r.body as { logprobs?: unknown }).logprobs);
    expect(asked).toEqual([true, undefined]);
    await p.complete(request('another message'));
    expect((server.chatRequests.at(-1)!.body as { logprobs?: unknown }).logprobs).toBeUndefined();
  });
});
