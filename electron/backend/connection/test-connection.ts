// Settings › Test connection: one tiny structured-output request (a one-field JSON schema, a few
// tokens) to an OpenAI-compatible endpoint, through the provider runs use (the `openai` client, its
// parameters and its refusal detection), with no retries and a short timeout. It reports what the
// server supports: JSON schema (accepted, and the answer parses), JSON mode (tried only when JSON
// schema is not there: runs fall back to it), log-probabilities (asked in the same request; a server
// that refuses them is asked again without), the model that answered and the latency. A failure is
// said in words a person can act on, naming where. The key is never logged nor returned (the
// provider redacts it from whatever the server says).
import type { ConnectionReport } from '../../../shared/src/api/index.js';
import type { ExtractionSchema, ModelSettings } from '../../../shared/src/domain.js';
import { createOpenAIProvider, isJsonSchemaUnsupported, normaliseBaseURL } from '../../../shared/src/providers/openai.js';
import { ProviderError, type ProviderRequest } from '../../../shared/src/providers/types.js';

/** What is tested: the endpoint, the model, the key (never reported) and the timeout of one request. */
export interface ConnectionTarget {
  baseURL: string;
  model: string;
  apiKey: string;
  timeoutMs: number;
  /** The draft's temperature and seed, so the request is asked as a run asks. */
  settings?: Pick<ModelSettings, 'temperature' | 'seed'>;
  /** Tests inject one. */
  fetch?: typeof fetch;
}

/** Where the `openai` client goes when no base URL is set anywhere. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Tokens the check's answer may take: `{"ok":true}` needs a handful. */
export const CHECK_MAX_TOKENS = 64;

const CHECK_SCHEMA: ExtractionSchema = { fields: [{ name: 'ok', type: 'boolean', nullable: false, description: 'always true' }] };
const CHECK_JSON_SCHEMA = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
const CHECK_TEXT = 'Connection check from Casebook. Answer with the JSON object {"ok": true}.';

type Check = ConnectionReport['checks'][number];
type Format = 'json_schema' | 'json_object';

interface Answer {
  raw: string;
  model: string;
  latencyMs: number;
  /** The completion's `choices[0].logprobs` held token log-probabilities. */
  logprobs: boolean;
}

/** The system error code behind a connection failure (ECONNREFUSED ...), from the cause chain. */
function systemCode(err: unknown): string | null {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 8; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return null;
}

/** fetch (undici, as browsers) never connects to the ports the Fetch standard blocks (9, 25, 6000 ...). */
function blockedPort(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 8; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { message?: unknown }).message === 'bad port') return true;
  }
  return false;
}

/** What the server said, out of the provider's message ("… rejected the request (404): <this>"). */
function serverSaid(err: ProviderError): string {
  const m = /\(\d{3}\): ([\s\S]*)$/.exec(err.message);
  return (m?.[1] ?? '').trim();
}

/** A failure in words a person can act on, naming where. */
export function describeFailure(err: unknown, where: string, target: Pick<ConnectionTarget, 'model' | 'apiKey' | 'timeoutMs'>): string {
  if (!(err instanceof ProviderError)) return `unexpected failure calling ${where}: ${err instanceof Error ? err.message : String(err)}`;
  const said = serverSaid(err);
  const saying = said ? `; the server said: ${said}` : '';
  switch (err.code) {
    case 'network': {
      const code = systemCode(err);
      if (blockedPort(err)) {
        const port = /:(\d+)(?:\/|$)/.exec(where.replace(/^https?:\/\//, ''))?.[1] ?? '?';
        return `${where} cannot be tried: port ${port} is one that fetch never connects to (blocked by the Fetch standard); use another port`;
      }
      if (code === 'ECONNREFUSED') return `nothing is listening at ${where} (connection refused)`;
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${where} could not be found (${code}): check the base URL`;
      if (code === 'ECONNRESET') return `${where} closed the connection (connection reset): is it an HTTP${where.startsWith('https') ? 'S' : ''} server?`;
      if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${where} cannot be reached from this machine (${code})`;
      if (code && /^(?:ERR_TLS|CERT_|DEPTH_|UNABLE_)|SSL/.test(code)) return `the TLS connection to ${where} failed (${code})`;
      return `could not reach ${where}${code ? ` (${code})` : ''}: ${err.message}`;
    }
    case 'timeout':
      return `no answer from ${where} within ${target.timeoutMs} ms: the server is slow or not an OpenAI-compatible endpoint`;
    case 'auth':
      return err.status === 403
        ? `the server refused the API key (403): the key has no access to the model "${target.model}" there${saying}`
        : `the server refused the API key (${err.status ?? 401})${target.apiKey ? '' : ': no key is stored, and this server needs one'}`;
    case 'rate_limit':
      return `the server at ${where} is rate limiting requests (429)${saying}`;
    case 'server':
      return `the server at ${where} failed (${err.status ?? '5xx'})${saying}`;
    case 'bad_request':
      if (err.status === 404) return `not found (404) at ${where}: the model "${target.model}" or the path does not exist there (a base URL usually ends in /v1)${saying}`;
      return `the server at ${where} rejected the request (${err.status ?? 400})${saying}`;
    case 'unparseable':
      return `${where} did not answer as an OpenAI-compatible server: ${err.message}`;
    case 'aborted':
      return `the request to ${where} was aborted`;
  }
}

const refusesLogprobs = (err: unknown): boolean => err instanceof ProviderError && err.code === 'bad_request' && /logprob/i.test(err.message);
const refusesJsonSchema = (err: unknown): boolean =>
  err instanceof ProviderError && err.code === 'bad_request' && isJsonSchemaUnsupported(err.status, serverSaid(err) || err.message);

/** Whether `raw` is the check's answer: a JSON object whose `ok` is a boolean. */
function parses(raw: string): { ok: true } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw.trim());
  } catch {
    return { ok: false, why: `the answer is not JSON: ${JSON.stringify(raw.slice(0, 120))}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { ok?: unknown }).ok !== 'boolean') {
    return { ok: false, why: `the answer does not fit the schema: ${JSON.stringify(raw.slice(0, 120))}` };
  }
  return { ok: true };
}

export async function testConnection(target: ConnectionTarget): Promise<ConnectionReport> {
  const where = normaliseBaseURL(target.baseURL);
  const checks: Check[] = [];
  const supports: ConnectionReport['supports'] = { jsonSchema: null, jsonMode: null, logprobs: null };
  const started = performance.now();
  const report = (fields: Partial<ConnectionReport>): ConnectionReport => ({
    ok: false,
    baseURL: where,
    model: target.model,
    answeredModel: null,
    latencyMs: Math.round(performance.now() - started),
    supports,
    checks,
    error: null,
    ...fields,
  });

  /** One request through the provider runs use, in this format; with `logprobs: true` when asked. */
  async function ask(format: Format, withLogprobs: boolean): Promise<Answer> {
    let logprobs = false;
    const base = target.fetch ?? fetch;
    const wrapped: typeof fetch = async (input, init) => {
      let body = init?.body;
      if (withLogprobs && typeof body === 'string') body = JSON.stringify({ ...(JSON.parse(body) as object), logprobs: true });
      const res = await base(input, { ...init, ...(body !== undefined ? { body } : {}) });
      if (res.ok) {
        const completion = (await res.clone().json().catch(() => null)) as { choices?: { logprobs?: { content?: unknown } | null }[] } | null;
        const content = completion?.choices?.[0]?.logprobs?.content;
        logprobs = Array.isArray(content) && content.length > 0;
      }
      return res;
    };
    const provider = createOpenAIProvider({
      baseURL: target.baseURL,
      apiKey: target.apiKey,
      model: target.model,
      timeoutMs: target.timeoutMs,
      maxRetries: 0,
      jsonMode: format,
      fetch: wrapped,
    });
    const request: ProviderRequest = {
      messages: [
        { role: 'system', content: 'You check a connection. Answer with one JSON object only.' },
        { role: 'user', content: CHECK_TEXT },
      ],
      jsonSchema: CHECK_JSON_SCHEMA,
      schemaName: 'connection_check',
      settings: { provider: 'openai', model: target.model, temperature: target.settings?.temperature ?? 0, seed: target.settings?.seed ?? 7, k: 0, maxTokens: CHECK_MAX_TOKENS },
      schema: CHECK_SCHEMA,
      message: { id: 'connection-check', text: CHECK_TEXT },
      precedents: [],
      rules: [],
    };
    const t0 = performance.now();
    const response = await provider.complete(request);
    return { raw: response.raw, model: response.model, latencyMs: Math.round(performance.now() - t0), logprobs };
  }

  /** Asks in `format`, with log-probabilities until the server says it has none. */
  async function tryFormat(format: Format): Promise<Answer> {
    const withLogprobs = supports.logprobs !== false;
    try {
      const answer = await ask(format, withLogprobs);
      if (withLogprobs) {
        supports.logprobs = answer.logprobs;
        checks.push({ name: 'logprobs', ok: answer.logprobs, detail: answer.logprobs ? 'log-probabilities came back with the answer' : 'asked for, but none came back' });
      }
      return answer;
    } catch (err) {
      if (!withLogprobs || !refusesLogprobs(err)) throw err;
      supports.logprobs = false;
      checks.push({ name: 'logprobs', ok: false, detail: `refused: ${serverSaid(err as ProviderError) || (err as Error).message}` });
      return ask(format, false);
    }
  }

  if (!target.model.trim()) {
    return report({ error: 'no model to ask: choose one in Rulebook › Model (or type one here)' });
  }

  // 1. JSON schema (what runs ask for first).
  let answer: Answer | null = null;
  try {
    const a = await tryFormat('json_schema');
    const parsed = parses(a.raw);
    supports.jsonSchema = parsed.ok;
    checks.push({ name: 'json_schema', ok: parsed.ok, detail: parsed.ok ? `accepted, and the answer parses (${a.latencyMs} ms)` : `accepted, but ${parsed.why}` });
    if (parsed.ok) answer = a;
  } catch (err) {
    if (!refusesJsonSchema(err)) {
      checks.push({ name: 'json_schema', ok: null, detail: describeFailure(err, where, target) });
      return report({ error: describeFailure(err, where, target) });
    }
    supports.jsonSchema = false;
    checks.push({ name: 'json_schema', ok: false, detail: `refused: ${serverSaid(err as ProviderError) || (err as Error).message}` });
  }

  // 2. JSON mode, which runs fall back to when JSON schema is not there.
  if (answer) {
    checks.push({ name: 'json_object', ok: null, detail: 'not tried: JSON schema works, and runs use it' });
  } else {
    try {
      const a = await tryFormat('json_object');
      const parsed = parses(a.raw);
      supports.jsonMode = parsed.ok;
      checks.push({ name: 'json_object', ok: parsed.ok, detail: parsed.ok ? `accepted, and the answer parses (${a.latencyMs} ms)` : `accepted, but ${parsed.why}` });
      if (parsed.ok) answer = a;
      else return report({ answeredModel: a.model, latencyMs: a.latencyMs, error: `the model at ${where} answered, but not with the JSON asked for: ${parsed.why}` });
    } catch (err) {
      const said = refusesJsonSchema(err) || (err instanceof ProviderError && err.code === 'bad_request' && /response_format|json/i.test(err.message));
      supports.jsonMode = said ? false : null;
      checks.push({ name: 'json_object', ok: said ? false : null, detail: describeFailure(err, where, target) });
      const error = said ? `the server at ${where} supports neither JSON schema nor JSON mode, which extraction needs` : describeFailure(err, where, target);
      return report({ error });
    }
  }

  if (supports.logprobs === null) supports.logprobs = false;
  return report({ ok: true, answeredModel: answer.model, latencyMs: answer.latencyMs });
}
