// The test transport behaves like the hosts: the contract's validators parse every argument before
// the backend sees it, results and failures cross as JSON, a failure is the ApiCallError http.ts
// makes of the host's answer, and the backend's events reach `api.on` listeners.
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiHandlers } from '../../../shared/src/api/contract.js';
import { ApiCallError } from '../api/errors';
import { startBackend } from './backend';
import { createLoopback, loopbackApi } from './transport';

describe('the renderer tests’ transport to the real backend', () => {
  it('pages with a cursor and filters as the backend does', async () => {
    const { api } = await startBackend();
    const first = await api.listMessages({ limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.total).toBe(141);
    const second = await api.listMessages({ limit: 100, cursor: first.nextCursor });
    expect(second.items).toHaveLength(41);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((m) => m.id)).size).toBe(141);
    const invalid = await api.listMessages({ valid: false });
    expect(invalid.items.map((m) => m.valid)).toEqual([false]);
  });

  it("refuses what the contract's validators refuse, before the backend sees it, as http.ts reports it", async () => {
    const { api } = await startBackend();
    const tooMany = await api.listMessages({ limit: 10_000 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(ApiCallError);
    expect((tooMany as ApiCallError).failure).toMatchObject({ code: 'bad_request', issues: [{ path: 'limit' }] });
    expect(api.calls).toEqual([]);
    await expect(api.getMessage({ id: 'nope' })).rejects.toMatchObject({ failure: { code: 'not_found', message: 'no message with id nope' } });
    expect(api.callsOf('getMessage')).toEqual([{ id: 'nope' }]);
  });

  it('sends results and failures through JSON, and reports a crash in a handler as the host does', async () => {
    const handlers = {
      getAppInfo: () => ({ version: '1', at: new Date('2026-03-01T00:00:00.000Z'), gone: undefined }),
      getCounts: () => {
        throw new ApiError({ code: 'conflict', message: 'busy', issues: [{ path: 'x', message: 'y' }] });
      },
      getSettings: () => {
        throw new TypeError('boom');
      },
    } as unknown as ApiHandlers;
    const api = loopbackApi(createLoopback(handlers));
    expect(await api.getAppInfo({})).toEqual({ version: '1', at: '2026-03-01T00:00:00.000Z' });
    await expect(api.getCounts({})).rejects.toEqual(new ApiCallError({ code: 'conflict', message: 'busy', issues: [{ path: 'x', message: 'y' }] }));
    const crash = await api.getSettings({}).catch((e: unknown) => e);
    expect((crash as ApiCallError).failure).toEqual({ code: 'internal', message: 'getSettings failed: boom' });
  });

  it("delivers the backend's events to api.on listeners, from the first listener on", async () => {
    const { api } = await startBackend();
    const changed: string[] = [];
    const progress = vi.fn();
    const off = api.on('messagesChanged', (e) => changed.push(e.reason));
    api.on('importProgress', progress);
    await api.importMessages({ file: { name: 'one.jsonl', content: '{"text":"Hello there"}\n' } });
    await vi.waitFor(() => expect(changed).toEqual(['import']));
    expect(progress).toHaveBeenCalledWith({ name: 'one.jsonl', processed: 1, total: 1 });
    off();
    api.emit('messagesChanged', { reason: 'after' });
    await new Promise((r) => setTimeout(r, 20));
    expect(changed).toEqual(['import']);
  });

  it('fails or holds the next call of a method when a test asks', async () => {
    const { api } = await startBackend();
    api.failNext('getCounts', { code: 'unavailable', message: 'The workspace is busy' });
    await expect(api.getCounts({})).rejects.toMatchObject({ failure: { code: 'unavailable', message: 'The workspace is busy' } });
    expect((await api.getCounts({})).total).toBe(141);

    const release = api.hold('getCounts');
    let answered = false;
    const held = api.getCounts({}).then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    release();
    await held;
    expect(answered).toBe(true);
  });
});
