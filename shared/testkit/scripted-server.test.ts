// The scripted server itself: endpoints, deterministic answers, conformance, scripted failures.
import { spawn } from 'node:child_process';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findName, parseMessageFromChat, pickEnum } from './answer.js';
import { parseCli } from './cli.js';
import { startScriptedServer } from './scripted-server.js';
import type { ScriptedServer } from './scripted-server.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => server.reset());

function userMessage(message: Record<string, unknown>): string {
  return `Extract the fields.\n<message>\n${JSON.stringify(message)}\n</message>`;
}

function chatBody(text: string, responseFormat?: unknown, system = 'You extract JSON.'): Record<string, unknown> {
  return {
    model: 'casebook-test-1',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: userMessage({ text }) },
    ],
    temperature: 0,
    seed: 7,
    ...(responseFormat ? { response_format: responseFormat } : {}),
  };
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface Completion {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: { index: number; message: { role: string; content: string | null }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

async function content(body: unknown): Promise<string> {
  const res = await post(body);
  expect(res.status).toBe(200);
  const c = (await res.json()) as Completion;
  return c.choices[0]!.message.content ?? '';
}

const schemaFormat = (schema: Record<string, unknown>) => ({ type: 'json_schema', json_schema: { name: 'x', strict: true, schema } });

const SUPPORT_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: ['string', 'null'] },
    issue_type: { type: 'string', enum: ['account', 'billing', 'bug', 'other'] },
    urgency: { type: ['string', 'null'], enum: ['low', 'medium', 'high', null] },
  },
  required: ['name', 'issue_type', 'urgency'],
  additionalProperties: false,
};

describe('endpoints', () => {
  it('lists models, through the real openai client', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'not-needed', maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['casebook-test-1', 'casebook-test-mini']);
  });

  it('answers a proper chat completion object', async () => {
    const res = await post(chatBody("I'm Ana. My account is locked", schemaFormat(SUPPORT_SCHEMA)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const c = (await res.json()) as Completion;
    expect(c.id).toMatch(/^chatcmpl-/);
    expect(c.object).toBe('chat.completion');
    expect(typeof c.created).toBe('number');
    expect(c.model).toBe('casebook-test-1');
    expect(c.choices[0]!.message.role).toBe('assistant');
    expect(c.choices[0]!.finish_reason).toBe('stop');
    expect(JSON.parse(c.choices[0]!.message.content!)).toEqual({ name: 'Ana', issue_type: 'account', urgency: 'low' });
    expect(c.usage.prompt_tokens).toBeGreaterThan(0);
    expect(c.usage.completion_tokens).toBe(Math.ceil(c.choices[0]!.message.content!.length / 4));
    expect(c.usage.total_tokens).toBe(c.usage.prompt_tokens + c.usage.completion_tokens);
  });

  it('logs requests with their bodies and headers', async () => {
    const body = chatBody('hello', schemaFormat(SUPPORT_SCHEMA));
    await post(body, { 'x-test': 'yes' });
    await fetch(`${server.url}/models`);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/chat/completions', 'GET /v1/models']);
    expect(server.chatRequests).toHaveLength(1);
    expect(server.chatRequests[0]!.body).toEqual(body);
    expect(server.chatRequests[0]!.headers['x-test']).toBe('yes');
    expect(server.chatRequests[0]!.outcome).toBe(200);
    server.reset();
    expect(server.requests).toHaveLength(0);
  });

  it('answers 404 on unknown routes and 400 on bodies that are not JSON', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ model: 'x', messages: [] })).status).toBe(400);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });
});

describe('deterministic answers', () => {
  it('gives the same answer to the same request', async () => {
    const body = chatBody("My name is Lee Chen. The app crashes (a bug?) and it's urgent: high.", schemaFormat(SUPPORT_SCHEMA));
    const a = await (await post(body)).json();
    const b = await (await post(body)).json();
    expect(a).toEqual(b);
    expect(JSON.parse((a as Completion).choices[0]!.message.content!)).toEqual({ name: 'Lee Chen', issue_type: 'bug', urgency: 'high' });
  });

  it('picks the enum value named first in the message, whole words, case-insensitive', () => {
    const values = ['account', 'billing', 'bug', 'other'];
    expect(pickEnum(values, "It's me again. Still locked out. Billing said it wasn't them.")).toBe('billing');
    expect(pickEnum(values, 'My ACCOUNT, then billing')).toBe('account');
    expect(pickEnum(values, 'debugging accounts')).toBe('account'); // neither is named as a whole word
    expect(pickEnum(['technical_issue', 'billing'], 'a technical issue, then billing')).toBe('technical_issue');
    expect(pickEnum(['high', 'high priority'], 'this is high priority')).toBe('high priority');
    expect(pickEnum([null, 'low'], 'nothing')).toBeNull();
  });

  it('finds names after "I\'m" and "my name is", and no others', () => {
    expect(findName("Hi, I'm Jane Doe. Locked out.")).toBe('Jane Doe');
    expect(findName('my name is Omar and I need help')).toBe('Omar');
    expect(findName("I'm Still locked out. This is HIGH priority.")).toBeNull();
    expect(findName('i am locked out')).toBeNull();
  });

  it('reads the message from the last <message> block of the last user message', () => {
    const msg = { text: 'second', subject: 'S', sender: 'a@b.c', context: ['earlier'] };
    const messages = [
      { role: 'user', content: userMessage({ text: 'ignored: not the last user message' }) },
      { role: 'assistant', content: '{}' },
      { role: 'user', content: `${userMessage({ text: 'first block' })}\n${userMessage(msg)}` },
    ];
    expect(parseMessageFromChat(messages)).toEqual(msg);
    expect(parseMessageFromChat([{ role: 'user', content: 'no block at all' }])).toEqual({ text: 'no block at all' });
    expect(parseMessageFromChat([{ role: 'user', content: [{ type: 'text', text: 'parts' }] }])).toEqual({ text: 'parts' });
  });
});

describe('conformance', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  const RICH = {
    type: 'object',
    properties: {
      customer_name: { type: ['string', 'null'] },
      summary: { type: 'string' },
      note: { type: ['string', 'null'] },
      issue_type: { type: 'string', enum: ['account', 'billing', 'bug'] },
      urgency: { type: ['string', 'null'], enum: ['low', 'high', null] },
      channel: { enum: [null, 'email', 'phone'] },
      amount: { type: ['number', 'null'] },
      count: { type: 'integer', minimum: 1 },
      score: { type: 'number' },
      refund: { type: 'boolean' },
      repeat: { type: ['boolean', 'null'] },
      due: { type: ['string', 'null'], format: 'date' },
      opened: { type: 'string', format: 'date' },
      tags: { type: 'array', items: { type: 'string' } },
      products: { type: ['array', 'null'], items: { type: 'string', enum: ['app', 'web', 'api'] } },
      pair: { type: 'array', items: { type: 'number' }, minItems: 2 },
      contact: {
        type: 'object',
        properties: { email: { type: ['string', 'null'] }, vip: { type: 'boolean' } },
        required: ['email', 'vip'],
        additionalProperties: false,
      },
      either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      ref: { $ref: '#/$defs/level' },
    },
    required: [
      'customer_name', 'summary', 'note', 'issue_type', 'urgency', 'channel', 'amount', 'count', 'score', 'refund',
      'repeat', 'due', 'opened', 'tags', 'products', 'pair', 'contact', 'either', 'ref',
    ],
    additionalProperties: false,
    $defs: { level: { type: 'string', enum: ['one', 'two'] } },
  };

  it('answers json_schema requests with an object that conforms to the schema', async () => {
    const validate = ajv.compile(RICH);
    const text = "I'm Maria Lopez. The web app and the api both fail since the billing change; it's high. Level two.";
    const answer = JSON.parse(await content(chatBody(text, schemaFormat(RICH)))) as Record<string, unknown>;
    expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
    expect(answer).toEqual({
      customer_name: 'Maria Lopez',
      summary: '',
      note: null,
      issue_type: 'billing',
      urgency: 'high',
      channel: null,
      amount: null,
      count: 1,
      score: 0,
      refund: false,
      repeat: null,
      due: null,
      opened: '1970-01-01',
      tags: [],
      products: ['web', 'app', 'api'],
      pair: [0, 0],
      contact: { email: null, vip: false },
      either: null,
      ref: 'two',
    });
  });

  it('guesses from a schema embedded in the system prompt in json_object mode', async () => {
    const system = `Extract.\n\nIt must conform to this JSON Schema:\n${JSON.stringify(SUPPORT_SCHEMA)}`;
    const answer = JSON.parse(await content(chatBody('billing is wrong again', { type: 'json_object' }, system)));
    expect(ajv.validate(SUPPORT_SCHEMA, answer)).toBe(true);
    // No urgency named: the first enum value (this server is no model, only deterministic).
    expect(answer).toEqual({ name: null, issue_type: 'billing', urgency: 'low' });
  });

  it('answers a generic object in json_object mode without a schema', async () => {
    const answer = JSON.parse(await content(chatBody("I'm Bo. Help", { type: 'json_object' })));
    expect(answer).toEqual({ name: 'Bo', summary: "I'm Bo. Help" });
  });

  it('wraps JSON in a fence, or in prose, without response_format', async () => {
    const system = `Schema: ${JSON.stringify(SUPPORT_SCHEMA)}`;
    const fenced = await content(chatBody('account trouble', undefined, system));
    expect(fenced).toMatch(/```json\n\{.*\}\n```/);
    server.script({ textStyle: 'prose' });
    const prose = await content(chatBody('account trouble', undefined, system));
    expect(prose).not.toContain('```');
    expect(prose).toContain('{"name":null,"issue_type":"account","urgency":"low"}');
  });
});

describe('scripted behaviour', () => {
  const body = chatBody("I'm Ana. Locked out of my account, high urgency.", schemaFormat(SUPPORT_SCHEMA));

  it('rate limits N times with Retry-After, then answers', async () => {
    server.script({ rateLimit: { times: 2, retryAfter: 3 } });
    const a = await post(body);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect(((await a.json()) as { error: { type: string } }).error.type).toBe('rate_limit_exceeded');
    expect((await post(body)).status).toBe(429);
    expect((await post(body)).status).toBe(200);
  });

  it('fails with 500 N times or always', async () => {
    server.script({ serverError: { times: 1 } });
    expect((await post(body)).status).toBe(500);
    expect((await post(body)).status).toBe(200);
    server.script({ serverError: { times: 'always', status: 503 } });
    for (let i = 0; i < 3; i++) expect((await post(body)).status).toBe(503);
  });

  it('runs queued steps first, one per request', async () => {
    server.script({ steps: [{ status: 502 }, { content: 'plain words' }] });
    server.enqueue({ status: 429, retryAfterMs: 5 });
    expect((await post(body)).status).toBe(502);
    expect(await content(body)).toBe('plain words');
    const limited = await post(body);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('5');
    expect((await post(body)).status).toBe(200);
  });

  it('adds latency', async () => {
    server.script({ latencyMs: 120 });
    const started = Date.now();
    await post(body);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('truncates answers when malformed', async () => {
    server.script({ malformed: true });
    const text = await content(body);
    expect(text.startsWith('{"name":"Ana"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('renames keys and shifts enum values (model drift)', async () => {
    server.script({ rename: { urgency: 'priority' }, shift: { urgency: { high: 'medium' }, issue_type: { account: 'other' } } });
    expect(JSON.parse(await content(body))).toEqual({ name: 'Ana', issue_type: 'other', priority: 'medium' });
  });

  it('rejects json_schema like servers without it, and answers json_object', async () => {
    server.script({ rejectJsonSchema: 'llamacpp' });
    const refused = await post(body);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('json_schema');
    server.script({ rejectJsonSchema: 'tgi' });
    expect((await post(body)).status).toBe(422);
    expect((await post({ ...body, response_format: { type: 'json_object' } })).status).toBe(200);
  });

  it('requires an API key when told to', async () => {
    server.script({ requireApiKey: 'k-123' });
    expect((await post(body)).status).toBe(401);
    expect((await post(body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(body, { authorization: 'Bearer k-123' })).status).toBe(200);
    expect((await fetch(`${server.url}/models`)).status).toBe(401);
  });

  it('uses a custom answerer, per script or per step', async () => {
    server.script({ answer: (b, m) => ({ echoed: m.text, model: b.model ?? null }), steps: [{ answer: () => 'just text' }] });
    expect(await content(body)).toBe('just text');
    expect(JSON.parse(await content(body))).toEqual({ echoed: "I'm Ana. Locked out of my account, high urgency.", model: 'casebook-test-1' });
  });

  it('hangs, and close() still ends promptly', async () => {
    const own = await startScriptedServer({ script: { hang: true } });
    const pending = fetch(`${own.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(own.chatRequests[0]!.outcome).toBe('hang');
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });

  it('closes promptly while a latency timer is pending', async () => {
    const own = await startScriptedServer({ script: { latencyMs: 60_000 } });
    const res = fetch(`${own.url}/chat/completions`, { method: 'POST', body: JSON.stringify(body) }).catch(() => 'failed');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await res).toBe('failed');
  });
});

describe('command line', () => {
  it('parses its options', () => {
    expect(parseCli(['--port', '8787', '--latency', '50', '--rename', 'urgency=priority', '--shift', 'urgency:high=medium', '--shift', 'urgency:low=medium'])).toEqual({
      port: 8787,
      script: { latencyMs: 50, rename: { urgency: 'priority' }, shift: { urgency: { high: 'medium', low: 'medium' } } },
    });
    expect(parseCli(['--rate-limit', '2', '--retry-after', '1', '--fail', 'always', '--reject-json-schema', 'tgi', '--api-key', 'k'])).toEqual({
      port: 8787,
      script: { rateLimit: { times: 2, retryAfter: 1 }, serverError: { times: 'always' }, rejectJsonSchema: 'tgi', requireApiKey: 'k' },
    });
    expect(parseCli(['--help'])).toBe('help');
    expect(() => parseCli(['--rename', 'urgency'])).toThrow(/FIELD=KEY/);
    expect(() => parseCli(['--port', 'x'])).toThrow(/whole number/);
    expect(() => parseCli(['--bogus'])).toThrow();
  });

  it('starts the server, prints its URL, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'shared/testkit/cli.ts', '--port', '0', '--rename', 'urgency=priority'], {
      cwd: new URL('../../', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)\n/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const res = await fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(body()) });
      const c = (await res.json()) as Completion;
      expect(Object.keys(JSON.parse(c.choices[0]!.message.content!))).toEqual(['name', 'issue_type', 'priority']);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }

    function body() {
      return chatBody('high urgency account problem', schemaFormat(SUPPORT_SCHEMA));
    }
  });
});
