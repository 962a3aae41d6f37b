// The `openai` provider: any OpenAI-compatible chat completions endpoint (OpenAI, Azure's
// OpenAI-compatible routes, Ollama, vLLM, llama.cpp's server ...) through the `openai` package.
// The SDK's own retries are off: this module retries itself so it can count attempts, honour
// Retry-After, and report one clear ProviderError when it gives up.

import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { TokenUsage } from '../domain.js';
import { fieldProbabilities } from './logprobs.js';
import { ProviderError } from './types.js';
import type { ChatMessage, Provider, ProviderRequest, ProviderResponse } from './types.js';

export type JsonMode = 'auto' | 'json_schema' | 'json_object';

export interface OpenAIProviderOptions {
  /** The endpoint, e.g. `http://127.0.0.1:11434/v1`; default `OPENAI_BASE_URL` or OpenAI's. */
  baseURL?: string;
  /** Default `OPENAI_API_KEY`; local servers need none (a placeholder is sent). */
  apiKey?: string;
  model: string;
  /** Per attempt, in ms (default 60 000). */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts and connection errors (default 4). */
  maxRetries?: number;
  fetch?: typeof fetch;
  /**
   * How structured output is asked for. `auto` (default) sends `json_schema` and, when the server
   * says it does not support it, falls back to `json_object` for this and every later call.
   */
  jsonMode?: JsonMode;
  /** Which parameter carries `settings.maxTokens` (default `max_completion_tokens` for api.openai.com, else `max_tokens`). */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  /** First backoff delay (default 500 ms); doubles per retry. */
  baseDelayMs?: number;
  /** Upper bound of any wait between attempts, Retry-After included (default 30 000 ms). */
  maxDelayMs?: number;
  /** Multiplies every wait between attempts (default 1); tests use a small value. */
  timeScale?: number;
  /** Waits between attempts (tests inject one); must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1) (tests inject one). */
  random?: () => number;
  /**
   * Ask for token log-probabilities (`logprobs: true`), which say how sure the model was of each
   * field (the trace's `logprobs`). Off by default. A server that refuses them is asked again
   * without, now and from then on; one that ignores them simply returns none. Answers are the same.
   */
  logprobs?: boolean;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const PLACEHOLDER_KEY = 'not-needed';

/** `scheme://host[:port]/path` without credentials, query, fragment or trailing slash; lower-case host. */
export function normaliseBaseURL(baseURL: string): string {
  try {
    const u = new URL(baseURL.trim());
    const path = u.pathname.replace(/\/+$/, '');
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return baseURL.trim().replace(/\/+$/, '');
  }
}

/** Milliseconds a 429 asks us to wait (`retry-after-ms`, then `Retry-After` in seconds or as an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(ra);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** Does this 400/422 say the server cannot do `response_format: json_schema`? */
export function isJsonSchemaUnsupported(status: number | undefined, text: string): boolean {
  if (status !== 400 && status !== 422 && status !== 501) return false;
  if (/invalid schema/i.test(text)) return false; // a bad schema, not an unsupported feature
  const aboutFormat = /json_schema|response_format|response format|structured output/i.test(text);
  const refusal =
    /not (?:be )?supported|unsupported|unknown variant|must be one of|input should be|not implemented|unrecognized|unrecognised|not allowed|extra inputs|does not support|doesn't support|invalid value|invalid type|expected `?text`?/i.test(
      text,
    );
  return aboutFormat && refusal;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `connection refused (ECONNREFUSED 127.0.0.1:9)` from undici's `fetch failed` chain, if it has a system error code. */
function connectionDetail(cause: unknown): string | undefined {
  for (let e: unknown = cause, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const o = e as { code?: unknown; message?: unknown };
    if (typeof o.code === 'string' && /^E[A-Z]+$/.test(o.code)) {
      const what: Record<string, string> = {
        ECONNREFUSED: 'connection refused',
        ECONNRESET: 'connection reset',
        ENOTFOUND: 'host not found',
        EAI_AGAIN: 'host lookup failed',
        EHOSTUNREACH: 'host unreachable',
        ENETUNREACH: 'network unreachable',
        ETIMEDOUT: 'connection timed out',
      };
      return `${what[o.code] ?? 'connection failed'} (${o.code})`;
    }
  }
  return undefined;
}

function schemaInstruction(jsonSchema: Record<string, unknown>): string {
  return (
    'Answer with one JSON object only, no prose and no code fence. ' +
    'It must conform to this JSON Schema:\n' +
    JSON.stringify(jsonSchema)
  );
}

/** The messages for `json_object` mode: the schema goes into the system message. */
function withSchemaInSystem(messages: ChatMessage[], jsonSchema: Record<string, unknown>): ChatMessage[] {
  const instruction = schemaInstruction(jsonSchema);
  const i = messages.findIndex((m) => m.role === 'system');
  if (i === -1) return [{ role: 'system', content: instruction }, ...messages];
  return messages.map((m, j) => (j === i ? { ...m, content: `${m.content}\n\n${instruction}` } : m));
}

type Failure =
  | { kind: 'retry'; code: 'rate_limit' | 'server' | 'timeout' | 'network'; status?: number; delayMs?: number; detail: string; cause?: unknown }
  | { kind: 'fatal'; error: ProviderError };

export function createOpenAIProvider(opts: OpenAIProviderOptions): Provider {
  if (!opts.model) throw new Error('createOpenAIProvider: `model` is required');
  const baseURL = opts.baseURL?.trim() || process.env['OPENAI_BASE_URL']?.trim() || DEFAULT_BASE_URL;
  const where = normaliseBaseURL(baseURL);
  const apiKey = (opts.apiKey ?? process.env['OPENAI_API_KEY'] ?? '').trim();
  const timeoutMs = Math.max(1, Math.round(opts.timeoutMs ?? 60_000));
  const maxRetries = Math.max(0, Math.floor(opts.maxRetries ?? 4));
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const timeScale = opts.timeScale ?? 1;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const jsonMode: JsonMode = opts.jsonMode ?? 'auto';
  let tokensParam =
    opts.maxTokensParam ?? (/^https:\/\/api\.openai\.com(\/|$)/i.test(where) ? 'max_completion_tokens' : 'max_tokens');

  const client = new OpenAI({
    baseURL,
    apiKey: apiKey === '' ? PLACEHOLDER_KEY : apiKey,
    timeout: timeoutMs,
    maxRetries: 0,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });

  // Learnt from the server: once it refuses `max_tokens` for `max_completion_tokens`, use that.
  // Learnt from the server: once it refuses json_schema, every later call uses json_object.
  let format: 'json_schema' | 'json_object' = jsonMode === 'json_object' ? 'json_object' : 'json_schema';
  // Learnt from the server: once it refuses logprobs, stop asking for them.
  let askLogprobs = opts.logprobs === true;

  /** Removes the API key from any text that came back from the server. */
  const redact = (text: string): string => (apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text);
  const clip = (text: string, n = 300): string => (text.length > n ? `${text.slice(0, n)}…` : text);

  function buildParams(request: ProviderRequest, fmt: 'json_schema' | 'json_object'): ChatCompletionCreateParamsNonStreaming {
    const messages = fmt === 'json_object' ? withSchemaInSystem(request.messages, request.jsonSchema) : request.messages;
    const params: ChatCompletionCreateParamsNonStreaming = {
      model: opts.model,
      messages: messages.map((m): ChatCompletionMessageParam => ({ role: m.role, content: m.content })),
      response_format:
        fmt === 'json_schema'
          ? { type: 'json_schema', json_schema: { name: request.schemaName, strict: true, schema: request.jsonSchema } }
          : { type: 'json_object' },
      temperature: request.settings.temperature,
      seed: request.settings.seed,
    };
    if (request.settings.maxTokens !== undefined) params[tokensParam] = request.settings.maxTokens;
    if (askLogprobs) params.logprobs = true;
    return params;
  }

  function errorText(err: APIError): string {
    const body = err.error as { message?: unknown } | undefined;
    const msg = body && typeof body === 'object' && typeof body.message === 'string' ? body.message : err.message;
    return redact(msg);
  }

  function classify(err: unknown, timedOut: boolean, attempts: number): Failure {
    if (err instanceof ProviderError) return { kind: 'fatal', error: err };
    if (timedOut || err instanceof APIConnectionTimeoutError) {
      return { kind: 'retry', code: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    }
    if (err instanceof APIUserAbortError) {
      // Not ours and not the caller's: treat like a dropped connection.
      return { kind: 'retry', code: 'network', detail: 'the request was aborted' };
    }
    if (err instanceof APIError && err.status === undefined) {
      // APIConnectionError: refused, reset, DNS ... The cause is the system error (no secrets in it).
      const cause = (err as { cause?: unknown }).cause;
      return { kind: 'retry', code: 'network', detail: connectionDetail(cause) ?? redact(err.message), cause };
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const status = err.status;
      if (status === 401 || status === 403) {
        return {
          kind: 'fatal',
          error: new ProviderError('auth', `the endpoint at ${where} refused the API key (${status})`, { status, attempts }),
        };
      }
      if (status === 429) {
        return { kind: 'retry', code: 'rate_limit', status, delayMs: retryAfterMs(err.headers), detail: clip(errorText(err)) };
      }
      if (status >= 500 || status === 408 || status === 409) {
        return { kind: 'retry', code: status === 408 ? 'timeout' : 'server', status, detail: clip(errorText(err)) };
      }
      return {
        kind: 'fatal',
        error: new ProviderError('bad_request', `the endpoint at ${where} rejected the request (${status}): ${clip(errorText(err))}`, {
          status,
          attempts,
        }),
      };
    }
    const message = err instanceof Error ? err.message : String(err);
    return {
      kind: 'fatal',
      error: new ProviderError('unparseable', `unexpected failure calling ${where}: ${clip(redact(message), 200)}`, { attempts }),
    };
  }

  function giveUp(f: Extract<Failure, { kind: 'retry' }>, attempts: number): ProviderError {
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const status = f.status === undefined ? {} : { status: f.status };
    switch (f.code) {
      case 'timeout':
        return new ProviderError('timeout', `no answer from ${where} within ${timeoutMs} ms after ${tries}`, { ...status, attempts });
      case 'rate_limit':
        return new ProviderError('rate_limit', `the endpoint at ${where} is still rate limiting (429) after ${tries}: ${f.detail}`, {
          ...status,
          attempts,
        });
      case 'server':
        return new ProviderError('server', `the endpoint at ${where} failed with ${f.status ?? 'a server error'} after ${tries}: ${f.detail}`, {
          ...status,
          attempts,
        });
      case 'network':
        return new ProviderError('network', `could not reach ${where} after ${tries}: ${f.detail}`, { attempts, cause: f.cause });
    }
  }

  function backoff(retry: number): number {
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
    return exp * (1 - 0.25 * random());
  }

  function toResponse(completion: unknown, fmt: string, attempts: number): ProviderResponse {
    if (!completion || typeof completion !== 'object' || !Array.isArray((completion as ChatCompletion).choices)) {
      const text = typeof completion === 'string' ? completion : JSON.stringify(completion) ?? String(completion);
      throw new ProviderError('unparseable', `the endpoint at ${where} did not return a chat completion: ${JSON.stringify(redact(text).slice(0, 200))}`, {
        attempts,
      });
    }
    const c = completion as ChatCompletion;
    const message = c.choices[0]?.message;
    const content = typeof message?.content === 'string' ? message.content : '';
    if (content.trim() === '') {
      const refusal = typeof message?.refusal === 'string' && message.refusal !== '' ? `; the model refused: ${clip(message.refusal, 200)}` : '';
      const finish = c.choices[0]?.finish_reason ? ` (finish_reason ${c.choices[0].finish_reason})` : '';
      throw new ProviderError('unparseable', `the model at ${where} returned empty content${finish}${refusal}: ${JSON.stringify(content.slice(0, 200))}`, {
        attempts,
      });
    }
    const usage: TokenUsage | null = c.usage
      ? {
          promptTokens: c.usage.prompt_tokens ?? 0,
          completionTokens: c.usage.completion_tokens ?? 0,
          totalTokens: c.usage.total_tokens ?? (c.usage.prompt_tokens ?? 0) + (c.usage.completion_tokens ?? 0),
        }
      : null;
    const tokens = c.choices[0]?.logprobs?.content;
    const logprobs = Array.isArray(tokens) ? fieldProbabilities(content, tokens) : [];
    return {
      raw: content,
      usage,
      model: typeof c.model === 'string' && c.model !== '' ? c.model : opts.model,
      attempts,
      responseFormat: fmt,
      ...(logprobs.length ? { logprobs } : {}),
    };
  }

  async function complete(request: ProviderRequest): Promise<ProviderResponse> {
    const signal = request.signal;
    const aborted = (attempts: number): ProviderError =>
      new ProviderError('aborted', `the request to ${where} was aborted`, { attempts, cause: signal?.reason });
    let attempts = 0;
    let retries = 0;
    let fellBack = false;

    for (;;) {
      if (signal?.aborted) throw aborted(attempts);
      attempts++;
      const fmt = format;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const onAbort = (): void => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });

      let failure: Failure;
      try {
        const completion: unknown = await client.chat.completions.create(buildParams(request, fmt), { signal: controller.signal });
        return toResponse(completion, fmt, attempts);
      } catch (err) {
        if (signal?.aborted) throw aborted(attempts);
        if (
          !fellBack &&
          jsonMode === 'auto' &&
          fmt === 'json_schema' &&
          err instanceof APIError &&
          isJsonSchemaUnsupported(err.status, errorText(err))
        ) {
          // The server cannot do json_schema: ask again in json_object mode, now and from now on.
          format = 'json_object';
          fellBack = true;
          continue;
        }
        if (askLogprobs && err instanceof APIError && err.status === 400 && /logprob/i.test(errorText(err))) {
          // The server cannot return log-probabilities: ask again without, now and from now on.
          askLogprobs = false;
          continue;
        }
        if (
          tokensParam === 'max_tokens' &&
          request.settings.maxTokens !== undefined &&
          err instanceof APIError &&
          err.status === 400 &&
          /max_tokens/.test(errorText(err)) &&
          /max_completion_tokens/.test(errorText(err))
        ) {
          // Newer OpenAI models refuse `max_tokens`: ask with `max_completion_tokens`, now and from now on.
          tokensParam = 'max_completion_tokens';
          continue;
        }
        failure = classify(err, timedOut, attempts);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }

      if (failure.kind === 'fatal') throw failure.error;
      if (retries >= maxRetries) throw giveUp(failure, attempts);
      retries++;
      const wait = failure.delayMs ?? backoff(retries);
      try {
        await sleep(Math.min(wait, maxDelayMs) * timeScale, signal);
      } catch {
        throw aborted(attempts);
      }
    }
  }

  return {
    name: 'openai',
    model: opts.model,
    identity: `openai:${where}`,
    complete,
  };
}
