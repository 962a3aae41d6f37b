// The browser host's adapter of the typed API: `POST /api/<method>` with the arguments as JSON and the
// per-launch token as a bearer token; events from `GET /api/events` as a server-sent-events stream,
// reconnecting with backoff while anyone listens.
import type { ApiEventName, ApiMethod, CasebookApi } from './contract';
import { API_EVENT_NAMES, API_METHOD_NAMES } from './contract';
import { ApiCallError, isFailure } from './errors';
import { EventHub } from './eventHub';
import { readSse } from './sse';

export interface HttpApiOptions {
  /** The per-launch token; null sends no Authorization header (the host will refuse). */
  token: string | null;
  /** Prefix of the API's URLs; '' for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Reconnect delays of the event stream (milliseconds). */
  backoff?: { initialMs: number; maxMs: number };
  knownEvents?: readonly ApiEventName[];
}


export function createHttpApi(options: HttpApiOptions): CasebookApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl ?? '';
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const known = new Set<string>(options.knownEvents ?? API_EVENT_NAMES);

  async function call(method: ApiMethod, args: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...auth },
        body: JSON.stringify(args ?? {}),
      });
    } catch (error) {
      throw new ApiCallError({ code: 'unavailable', message: `Cannot reach the Casebook host (${(error as Error).message || 'network error'}).` });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ApiCallError(statusFailure(method, response.status));
    }
    if (body && typeof body === 'object') {
      const envelope = body as { ok?: unknown; result?: unknown; error?: unknown };
      if (envelope.ok === true && response.ok) return envelope.result;
      if (envelope.ok === false && isFailure(envelope.error)) throw new ApiCallError(envelope.error);
    }
    throw new ApiCallError(statusFailure(method, response.status));
  }

  let stream: AbortController | null = null;
  const hub = new EventHub((active) => {
    if (active && !stream) {
      stream = new AbortController();
      void followEvents(stream.signal);
    } else if (!active && stream) {
      stream.abort();
      stream = null;
    }
  });

  async function followEvents(signal: AbortSignal): Promise<void> {
    let delay = backoff.initialMs;
    while (!signal.aborted) {
      try {
        const response = await doFetch(`${base}/api/events`, { headers: { accept: 'text/event-stream', ...auth }, signal, cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        await readSse(
          response.body,
          (message) => {
            if (!known.has(message.event)) return;
            let payload: unknown;
            try {
              payload = JSON.parse(message.data);
            } catch {
              return;
            }
            hub.emit(message.event as ApiEventName, payload as never);
          },
          () => {
            delay = backoff.initialMs;
          },
        );
      } catch {
        // Dropped or refused: retry below unless we were stopped.
      }
      if (signal.aborted) return;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }

  const api: Record<string, unknown> = { on: hub.on.bind(hub) };
  for (const method of API_METHOD_NAMES) api[method] = (args: unknown) => call(method, args);
  return api as CasebookApi;
}

function statusFailure(method: string, status: number): ConstructorParameters<typeof ApiCallError>[0] {
  if (status === 401 || status === 403) {
    return { code: 'unavailable', message: 'The Casebook host refused this window (missing or wrong token). Open the URL the host printed.' };
  }
  if (status === 404) return { code: 'not_found', message: `${method}: not found (HTTP 404)` };
  return { code: status >= 500 || status === 0 ? 'unavailable' : 'internal', message: `${method}: unexpected answer from the host (HTTP ${status})` };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
