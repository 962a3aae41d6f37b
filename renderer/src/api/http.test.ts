import { describe, expect, it, vi } from 'vitest';
import { ApiCallError } from './errors';
import { createHttpApi } from './http';

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('HTTP adapter', () => {
  it('POSTs /api/<method> with the arguments as JSON and the bearer token, and unwraps the result', async () => {
    const fetch = vi.fn(async () => json({ ok: true, result: { items: [], nextCursor: null, total: 0 } }));
    const api = createHttpApi({ token: 'tok-123', fetch });
    const page = await api.listMessages({ status: 'new', limit: 50 });
    expect(page).toEqual({ items: [], nextCursor: null, total: 0 });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/listMessages');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok-123');
    expect(JSON.parse(init.body as string)).toEqual({ status: 'new', limit: 50 });
  });

  it('throws an ApiCallError carrying the failure of {ok:false}', async () => {
    const failure = { code: 'bad_request', message: 'listMessages: invalid arguments: limit: too big', issues: [{ path: 'limit', message: 'too big' }] };
    const api = createHttpApi({ token: 't', fetch: async () => json({ ok: false, error: failure }, 400) });
    const error = await api.listMessages({ limit: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).failure).toEqual(failure);
    expect((error as ApiCallError).message).toBe(failure.message);
  });

  it('turns a refused token, a body that is not JSON, and a network failure into readable failures', async () => {
    const refused = createHttpApi({ token: 'wrong', fetch: async () => new Response('forbidden', { status: 401 }) });
    await expect(refused.getAppInfo({})).rejects.toMatchObject({ failure: { code: 'unavailable', message: expect.stringContaining('token') } });

    const down = createHttpApi({ token: 't', fetch: async () => { throw new TypeError('Failed to fetch'); } });
    await expect(down.getCounts({})).rejects.toMatchObject({ failure: { code: 'unavailable', message: expect.stringContaining('Failed to fetch') } });

    const garbled = createHttpApi({ token: 't', fetch: async () => new Response('<html>', { status: 502 }) });
    await expect(garbled.getCounts({})).rejects.toMatchObject({ failure: { code: 'unavailable' } });
  });

  it('sends no Authorization header without a token', async () => {
    const fetch = vi.fn(async () => json({ ok: true, result: {} }));
    await createHttpApi({ token: null, fetch }).getSettings({});
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('follows GET /api/events as server-sent events with the token, and reconnects after a drop', async () => {
    const encoder = new TextEncoder();
    let connections = 0;
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      expect(url).toBe('/api/events');
      expect((init?.headers as Record<string, string>).authorization).toBe('Bearer tok');
      connections += 1;
      if (connections === 1) return new Response('nope', { status: 503 });
      const n = connections;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          // Split mid-message to prove the parser buffers across chunks.
          controller.enqueue(encoder.encode(': hello\n\nevent: messagesChanged\ndata: {"reason":'));
          controller.enqueue(encoder.encode(`"import-${n}"}\n\nevent: unknownEvent\ndata: {}\n\n`));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const api = createHttpApi({ token: 'tok', fetch: fetch as unknown as typeof globalThis.fetch, backoff: { initialMs: 5, maxMs: 20 } });
    const seen: string[] = [];
    const off = api.on('messagesChanged', (e) => seen.push(e.reason));
    // The first attempt is refused (503); each later connection delivers one event and closes, and the adapter reconnects.
    await vi.waitFor(() => expect(seen.slice(0, 2)).toEqual(['import-2', 'import-3']), { timeout: 2000 });
    off();
    // With no listener left, the stream stops.
    const after = connections;
    await new Promise((r) => setTimeout(r, 80));
    expect(connections).toBeLessThanOrEqual(after + 1);
  });
});
