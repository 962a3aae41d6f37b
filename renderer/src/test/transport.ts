// The window's API in component tests: the renderer's own HTTP client (`createHttpApi`, the one the
// browser build runs) over an in-process loopback to the API handlers, which plays the browser host's
// part without a socket: the body is JSON, the argument is parsed with the contract's `parseApiArgs`
// before a handler sees it, the result or failure goes back as the host's `{ok, result | error}`
// envelope with the host's status codes, and events travel as server-sent events. So whatever a
// component receives went through JSON both ways, and a failure is the ApiCallError that http.ts
// makes of the host's answer.
//
// Why not the real host over a socket (startWebHost): the event stream connects asynchronously, so
// an event the backend sends before the stream is up is lost (the real window tolerates that by
// reloading; a test asserting on progress would flake). Here the stream is registered in the same
// turn as the window's first `api.on`, so no event is ever lost, and no port is opened per test.
// The host's own HTTP handling is tested against a socket in electron/web-host/*.test.ts and by the
// end-to-end tests.
import { ApiError, parseApiArgs, type ApiEventName, type ApiEvents, type ApiFailure, type ApiHandlers, type ApiMethod } from '../../../shared/src/api/contract.js';
import { maxBodyBytes } from '../../../electron/web-host/server.js';
import type { CasebookApi } from '../api/contract';
import { createHttpApi } from '../api/http';

/** As electron/web-host/server.ts answers each failure code. */
const STATUS_OF: Record<ApiFailure['code'], number> = { bad_request: 400, not_found: 404, conflict: 409, unavailable: 503, internal: 500 };

export type EventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

export interface Loopback {
  /** A `fetch` that answers `POST /api/<method>` and `GET /api/events` in process. */
  fetch: typeof fetch;
  /** Sends an event to every connected event stream, as the host does with the backend's events. */
  emit: EventListener;
  /** Event streams open now (the window opens one while anything listens). */
  readonly streams: number;
}

function envelope(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export function createLoopback(handlers: ApiHandlers): Loopback {
  const streams = new Set<(frame: string) => void>();
  const encoder = new TextEncoder();

  async function call(method: string, body: string): Promise<Response> {
    try {
      if (Buffer.byteLength(body) > maxBodyBytes(method)) throw new ApiError({ code: 'bad_request', message: `request body over ${maxBodyBytes(method)} bytes` });
      let raw: unknown;
      try {
        raw = body ? JSON.parse(body) : {};
      } catch {
        throw new ApiError({ code: 'bad_request', message: 'the request body is not JSON' });
      }
      const args = parseApiArgs(method, raw);
      const handler = handlers[method as ApiMethod] as (a: unknown) => unknown;
      const result = await handler(args);
      return envelope(200, { ok: true, result });
    } catch (err) {
      if (err instanceof ApiError) return envelope(STATUS_OF[err.failure.code], { ok: false, error: err.failure });
      return envelope(500, { ok: false, error: { code: 'internal', message: `${method} failed: ${(err as Error).message}` } });
    }
  }

  function events(signal: AbortSignal | null | undefined): Response {
    let send: ((frame: string) => void) | null = null;
    const stop = () => {
      if (send) streams.delete(send);
      send = null;
    };
    // Registered now, in the caller's turn: an event emitted after the window's first `api.on` arrives.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (frame) => {
          try {
            controller.enqueue(encoder.encode(frame));
          } catch {
            stop();
          }
        };
        streams.add(send);
        controller.enqueue(encoder.encode(': connected\n\n'));
        signal?.addEventListener(
          'abort',
          () => {
            stop();
            try {
              controller.error(new DOMException('The stream was aborted', 'AbortError'));
            } catch {
              // Already closed.
            }
          },
          { once: true },
        );
      },
      cancel: stop,
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  }

  const loopbackFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url, 'http://127.0.0.1');
    if (url.pathname === '/api/events') return events(init.signal);
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : '';
    if (init.method !== 'POST') return envelope(405, { ok: false, error: { code: 'bad_request', message: 'API calls are POST requests' } });
    return call(method, typeof init.body === 'string' ? init.body : '');
  };

  return {
    fetch: loopbackFetch as typeof fetch,
    emit: (event, payload) => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const send of [...streams]) send(frame);
    },
    get streams() {
      return streams.size;
    },
  };
}

/** The window's API (the browser build's HTTP client) over a loopback to `handlers`. */
export function loopbackApi(loopback: Loopback): CasebookApi {
  return createHttpApi({ token: 'test-token', fetch: loopback.fetch, backoff: { initialMs: 5, maxMs: 50 } });
}
