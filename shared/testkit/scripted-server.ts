// A scripted OpenAI-compatible server for tests and local development: plain node:http, bound to
// 127.0.0.1, deterministic answers, and scriptable failures (rate limits, 5xx, hangs, malformed
// output, renamed keys, drifting enum values, servers without json_schema support, API keys).

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { contentText, defaultAnswer, findEmbeddedSchema, parseMessageFromChat } from './answer.js';
import type { ParsedMessage } from './answer.js';

export type { ParsedMessage } from './answer.js';
export { parseMessageFromChat, findName, pickEnum } from './answer.js';

/** The parsed body of a chat completion request (loosely typed: the server accepts what clients send). */
export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  response_format?: { type: string; json_schema?: { name?: string; strict?: boolean; schema?: Record<string, unknown> } };
  temperature?: number;
  seed?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

/** Answers a chat request: an object (serialised as JSON) or a string (sent as the content unchanged). */
export type Answerer = (body: ChatRequestBody, message: ParsedMessage) => unknown;

/** How a server without `json_schema` support refuses it. */
export type JsonSchemaRejection = 'llamacpp' | 'tgi' | 'vllm' | 'generic';

/** One request's behaviour; steps are consumed one per chat completion request, before the persistent modes. */
export interface ScriptStep {
  /** Answer with this HTTP status and an OpenAI-style error body (unless `body` is given). */
  status?: number;
  /** The error message for `status`. */
  message?: string;
  /** `Retry-After` header: seconds, or an HTTP date string. */
  retryAfter?: number | string;
  /** `retry-after-ms` header. */
  retryAfterMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** A raw response body (a string is sent as is, anything else as JSON). */
  body?: unknown;
  /** Never answer. */
  hang?: boolean;
  /** Wait this long before answering. */
  latencyMs?: number;
  /** The message content to send, verbatim (for instance `''`). */
  content?: string | null;
  /** Truncate the JSON content so it does not parse. */
  malformed?: boolean;
  /** Answer this request with this answerer. */
  answer?: Answerer;
}

export interface ScriptOptions {
  /** Per-request steps, consumed in order. */
  steps?: ScriptStep[];
  /** Latency added to every chat request. */
  latencyMs?: number;
  /** 429 with `Retry-After` for the next `times` requests (default 1), then normal answers. */
  rateLimit?: { times?: number; retryAfter?: number | string; retryAfterMs?: number };
  /** 5xx for the next `times` requests (default 'always'). */
  serverError?: { times?: number | 'always'; status?: number; message?: string };
  /** Never answer (for the next `times` requests, default always). */
  hang?: boolean | { times: number };
  /** Truncate every JSON answer. */
  malformed?: boolean;
  /** Rename keys of every answer: `{ urgency: 'priority' }`. */
  rename?: Record<string, string>;
  /** Shift enum values of every answer, per field: `{ urgency: { high: 'medium' } }`. */
  shift?: Record<string, Record<string, string>>;
  /** Refuse `response_format: json_schema` with a 400 (or 422), the way older servers do. */
  rejectJsonSchema?: boolean | JsonSchemaRejection;
  /** Answer 401 unless `Authorization: Bearer <key>`. */
  requireApiKey?: string;
  /** A custom answerer for every request. */
  answer?: Answerer;
  /**
   * Answers at random for chosen messages (a model that is unsure of them): for a message whose text
   * `texts` holds (compared trimmed) or `match` accepts, each enum field of the answer (those named in
   * `fields`, default every enum field of the request's schema) takes a value of the schema's enum
   * picked by a generator seeded with `seed`, the message's text and how many times that text was
   * asked before: the same script gives the same answers whatever order the requests come in.
   */
  random?: RandomAnswers;
  /** With no `response_format`: wrap the JSON in a ```json fence (default) or in prose. */
  textStyle?: 'fence' | 'prose';
  /** The `model` the server reports (default: the requested model). */
  responseModel?: string;
  /**
   * Asked for `logprobs: true`: `true` answers with a log-probability per token of the content;
   * a function gives the tokens and their log-probabilities for a content (they must spell it);
   * `'reject'` refuses the request with a 400, as servers without them do. Default: ignored (null).
   */
  logprobs?: boolean | 'reject' | ((content: string) => { token: string; logprob: number }[]);
}

export interface RandomAnswers {
  texts?: readonly string[];
  match?: (message: ParsedMessage) => boolean;
  fields?: readonly string[];
  /** Default 1. */
  seed?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, the raw text when it is not JSON, or null without one. */
  body: unknown;
  /** What the server did: the status it sent, or 'hang'. */
  outcome?: number | 'hang';
}

export interface ScriptedServer {
  /** The base URL, `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: LoggedRequest[];
  /** The chat completion requests only. */
  readonly chatRequests: LoggedRequest[];
  /** Replaces the current script (the request log is kept). */
  script(opts: ScriptOptions): void;
  /** Appends per-request steps to the queue. */
  enqueue(...steps: ScriptStep[]): void;
  /** Clears the script and the request log. */
  reset(): void;
  close(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: '127.0.0.1';
  /** Model ids for `GET /v1/models`. */
  models?: string[];
  /** The initial script. */
  script?: ScriptOptions;
}

export const DEFAULT_MODELS = ['casebook-test-1', 'casebook-test-mini'];

/** Largest request body the server reads; a larger one is answered 413 (and not kept). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const REJECTIONS: Record<JsonSchemaRejection, { status: number; message: string; type: string }> = {
  llamacpp: {
    status: 400,
    message: 'response_format type must be one of "text" or "json_object", but got: json_schema',
    type: 'invalid_request_error',
  },
  tgi: {
    status: 422,
    message:
      'Failed to deserialize the JSON body into the target type: response_format: unknown variant `json_schema`, expected `text` or `json_object`',
    type: 'validation',
  },
  vllm: {
    status: 400,
    message: "1 validation error for ChatCompletionRequest\nresponse_format.type\n  Input should be 'text' or 'json_object'",
    type: 'BadRequestError',
  },
  generic: { status: 400, message: 'response_format json_schema is not supported by this server', type: 'invalid_request_error' },
};

function estimateTokens(text: string): number {
  return text === '' ? 0 : Math.ceil(text.length / 4);
}

/** A short, stable id derived from the request, so equal requests give equal completions. */
function stableId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A log-probability per token (roughly four characters) of the content, OpenAI's shape; deterministic. */
function tokenLogprobs(content: string): { content: { token: string; logprob: number; bytes: number[]; top_logprobs: [] }[] } {
  const tokens = content.match(/[\s\S]{1,4}/g) ?? [];
  return { content: tokens.map((token, i) => ({ token, logprob: -0.01 * ((i % 7) + 1), bytes: [...Buffer.from(token, 'utf8')], top_logprobs: [] })) };
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The answer with its enum fields picked at random from the schema's values (see ScriptOptions.random). */
function randomise(answer: unknown, schema: Record<string, unknown> | null, fields: readonly string[] | undefined, next: () => number): unknown {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer) || !schema) return answer;
  const properties = (schema['properties'] ?? {}) as Record<string, { enum?: unknown[] }>;
  const out = { ...(answer as Record<string, unknown>) };
  for (const [field, def] of Object.entries(properties)) {
    if (fields && !fields.includes(field)) continue;
    const values = Array.isArray(def?.enum) ? def.enum.filter((v) => v !== null) : [];
    if (values.length > 1) out[field] = values[Math.floor(next() * values.length)];
  }
  return out;
}

function applyDrift(value: unknown, rename: Record<string, string> | undefined, shift: ScriptOptions['shift']): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const map = shift?.[key];
    let shifted = v;
    if (map && typeof v === 'string' && Object.prototype.hasOwnProperty.call(map, v)) shifted = map[v];
    else if (map && Array.isArray(v)) shifted = v.map((x) => (typeof x === 'string' && Object.prototype.hasOwnProperty.call(map, x) ? map[x] : x));
    out[rename?.[key] ?? key] = shifted;
  }
  return out;
}

export async function startScriptedServer(opts: StartOptions = {}): Promise<ScriptedServer> {
  const host = opts.host ?? '127.0.0.1';
  const models = opts.models ?? DEFAULT_MODELS;
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let current: ScriptOptions = {};
  let queue: ScriptStep[] = [];
  let rateLimitLeft = 0;
  let serverErrorLeft: number | 'always' = 0;
  let hangLeft: number | 'always' = 0;
  let closed = false;
  /** Requests so far per message text answered at random (ScriptOptions.random). */
  const randomAsked = new Map<string, number>();

  const applyScript = (s: ScriptOptions): void => {
    current = { ...s };
    queue = [...(s.steps ?? [])];
    rateLimitLeft = s.rateLimit ? (s.rateLimit.times ?? 1) : 0;
    serverErrorLeft = s.serverError ? (s.serverError.times ?? 'always') : 0;
    hangLeft = s.hang === true ? 'always' : s.hang ? s.hang.times : 0;
    randomAsked.clear();
  };
  applyScript(opts.script ?? {});

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (res: http.ServerResponse, log: LoggedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    log.outcome = status;
    if (res.destroyed) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const isJson = typeof body !== 'string' || headers['content-type'] === 'application/json';
    res.writeHead(status, {
      'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };

  const sendError = (
    res: http.ServerResponse,
    log: LoggedRequest,
    status: number,
    message: string,
    type = 'invalid_request_error',
    headers: Record<string, string> = {},
    code: string | null = null,
  ): void => {
    send(res, log, status, { error: { message, type, param: null, code } }, headers);
  };

  const retryHeaders = (retryAfter?: number | string, retryAfterMs?: number): Record<string, string> => {
    const h: Record<string, string> = {};
    if (retryAfter !== undefined) h['retry-after'] = String(retryAfter);
    if (retryAfterMs !== undefined) h['retry-after-ms'] = String(retryAfterMs);
    return h;
  };

  const handleChat = async (req: http.IncomingMessage, res: http.ServerResponse, log: LoggedRequest): Promise<void> => {
    if (current.requireApiKey !== undefined && req.headers['authorization'] !== `Bearer ${current.requireApiKey}`) {
      return sendError(res, log, 401, 'Incorrect API key provided.', 'invalid_request_error', {}, 'invalid_api_key');
    }
    const body = log.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return sendError(res, log, 400, 'The request body must be a JSON object.');
    }
    const chat = body as ChatRequestBody;
    if (!Array.isArray(chat.messages) || chat.messages.length === 0) {
      return sendError(res, log, 400, "'messages' must be a non-empty array.");
    }
    const badMessage = chat.messages.findIndex((m: unknown) => !m || typeof m !== 'object' || Array.isArray(m) || typeof (m as { role?: unknown }).role !== 'string');
    if (badMessage >= 0) return sendError(res, log, 400, `'messages[${badMessage}]' must be an object with a string 'role'.`);

    const step = queue.shift();
    const latency = (current.latencyMs ?? 0) + (step?.latencyMs ?? 0);
    if (latency > 0) await delay(latency);
    if (closed) return;

    if (step?.hang || (!step && hangLeft !== 0)) {
      if (!step && typeof hangLeft === 'number') hangLeft--;
      log.outcome = 'hang';
      return; // never answer; close() destroys the socket
    }
    if (step?.status !== undefined && step.status >= 300) {
      const headers = { ...retryHeaders(step.retryAfter, step.retryAfterMs), ...step.headers };
      if (step.body !== undefined) return send(res, log, step.status, step.body, headers);
      const type = step.status === 429 ? 'rate_limit_exceeded' : step.status >= 500 ? 'server_error' : 'invalid_request_error';
      return sendError(res, log, step.status, step.message ?? `scripted ${step.status}`, type, headers);
    }
    if (step?.body !== undefined) return send(res, log, step.status ?? 200, step.body, step.headers);
    if (!step && rateLimitLeft > 0) {
      rateLimitLeft--;
      const rl = current.rateLimit ?? {};
      return sendError(res, log, 429, 'Rate limit reached; please retry later.', 'rate_limit_exceeded', retryHeaders(rl.retryAfter ?? 1, rl.retryAfterMs));
    }
    if (!step && serverErrorLeft !== 0) {
      if (typeof serverErrorLeft === 'number') serverErrorLeft--;
      const se = current.serverError ?? {};
      return sendError(res, log, se.status ?? 500, se.message ?? 'The server had an error while processing your request.', 'server_error');
    }

    const format = chat.response_format?.type ?? 'none';
    if (format === 'json_schema' && current.rejectJsonSchema) {
      const r = REJECTIONS[current.rejectJsonSchema === true ? 'llamacpp' : current.rejectJsonSchema];
      return sendError(res, log, r.status, r.message, r.type);
    }

    if (chat.logprobs === true && current.logprobs === 'reject') {
      return sendError(res, log, 400, 'logprobs is not supported by this model', 'invalid_request_error');
    }

    const message = parseMessageFromChat(chat.messages);
    let content: string | null;
    if (step && 'content' in step && step.content !== undefined) {
      content = step.content;
    } else {
      const answerer = step?.answer ?? current.answer;
      const requestSchema = (): Record<string, unknown> | null => {
        if (format === 'json_schema') return chat.response_format?.json_schema?.schema ?? null;
        const system = chat.messages!.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content));
        return findEmbeddedSchema(system.join('\n'));
      };
      let answer: unknown = answerer ? answerer(chat, message) : defaultAnswer(requestSchema(), message);
      const random = current.random;
      if (random && (random.texts?.some((t) => t.trim() === message.text.trim()) || random.match?.(message))) {
        const asked = randomAsked.get(message.text) ?? 0;
        randomAsked.set(message.text, asked + 1);
        const next = seededRandom(Number.parseInt(stableId(`${random.seed ?? 1}|${asked}|${message.text}`), 16));
        answer = randomise(answer, requestSchema(), random.fields, next);
      }
      answer = applyDrift(answer, current.rename, current.shift);
      let json = typeof answer === 'string' ? answer : JSON.stringify(answer);
      if (step?.malformed || current.malformed) json = json.slice(0, Math.max(1, Math.floor(json.length / 2)));
      if (format === 'json_schema' || format === 'json_object' || typeof answer === 'string') content = json;
      else if (current.textStyle === 'prose') content = `Sure! Here is what I found in the message: ${json} Let me know if you need anything else.`;
      else content = 'Here is the extracted data:\n\n```json\n' + json + '\n```\n';
    }

    const promptText = chat.messages.map((m) => contentText(m.content)).join('\n');
    const promptTokens = estimateTokens(promptText);
    const completionTokens = estimateTokens(content ?? '');
    const model = current.responseModel ?? (typeof chat.model === 'string' ? chat.model : (models[0] ?? 'casebook-test-1'));
    const completion = {
      id: `chatcmpl-${stableId(JSON.stringify(chat))}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      system_fingerprint: 'fp_casebook_scripted',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          logprobs:
            chat.logprobs === true && typeof current.logprobs === 'function'
              ? { content: current.logprobs(content ?? '').map((t) => ({ ...t, bytes: [...Buffer.from(t.token, 'utf8')], top_logprobs: [] })) }
              : chat.logprobs === true && current.logprobs === true
                ? tokenLogprobs(content ?? '')
                : null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
    send(res, log, step?.status ?? 200, completion, step?.headers);
  };

  const routeRequest = (req: http.IncomingMessage, res: http.ServerResponse, body: unknown): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const log: LoggedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
    requests.push(log);
    const route = path.replace(/\/+$/, '');
    if (req.method === 'GET' && (route === '/v1/models' || route === '/models')) {
      if (current.requireApiKey !== undefined && req.headers['authorization'] !== `Bearer ${current.requireApiKey}`) {
        return sendError(res, log, 401, 'Incorrect API key provided.', 'invalid_request_error', {}, 'invalid_api_key');
      }
      return send(res, log, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'casebook-testkit' })),
      });
    }
    if (route === '/v1/chat/completions' || route === '/chat/completions') {
      if (req.method !== 'POST') return sendError(res, log, 405, 'Use POST.');
      if (typeof body === 'string') return sendError(res, log, 400, 'We could not parse the JSON body of your request.');
      handleChat(req, res, log).catch((err: unknown) => {
        sendError(res, log, 500, `scripted server failure: ${err instanceof Error ? err.message : String(err)}`, 'server_error');
      });
      return;
    }
    sendError(res, log, 404, `Unknown route ${req.method} ${path}`, 'invalid_request_error', {}, 'unknown_url');
  };

  const server = http.createServer((req, res) => {
    // A test server still meets whatever a client sends: no request may end the process.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      try {
        if (size > MAX_REQUEST_BYTES) {
          const log: LoggedRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0] ?? '/', headers: req.headers, body: null };
          return sendError(res, log, 413, `Request body over ${MAX_REQUEST_BYTES} bytes.`);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        if (raw !== '') {
          try {
            body = JSON.parse(raw);
          } catch {
            body = raw;
          }
        }
        routeRequest(req, res, body);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `scripted server failure: ${err instanceof Error ? err.message : String(err)}`, type: 'server_error' } }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    get chatRequests() {
      return requests.filter((r) => r.path.endsWith('/chat/completions'));
    },
    script: applyScript,
    enqueue: (...steps) => {
      queue.push(...steps);
    },
    reset: () => {
      applyScript({});
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }),
  };
}
