import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => new Map<string, unknown>());
const ipcRenderer = vi.hoisted(() => ({ invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer,
}));

import { API_EVENTS, API_METHODS } from '../../shared/src/api/index.js';
import type { CasebookApi } from '../../shared/src/api/index.js';
import { BRIDGE_EVENTS, createPreloadApi } from './api.js';
import type { IpcRendererLike } from './api.js';

function fakeIpc(answer: (channel: string, args: unknown) => unknown) {
  const emitter = new EventEmitter();
  const ipc = {
    invoke: vi.fn(async (channel: string, args: unknown) => answer(channel, args)),
    on: vi.fn((channel: string, listener: (...a: unknown[]) => void) => emitter.on(channel, listener)),
    removeListener: vi.fn((channel: string, listener: (...a: unknown[]) => void) => emitter.removeListener(channel, listener)),
  };
  return { emitter, ipc: ipc as typeof ipc & IpcRendererLike };
}

describe('preload bridge', () => {
  it('exposes window.casebook with exactly the API methods plus on, and no invoke', async () => {
    await import('./preload.js');
    expect([...exposed.keys()]).toEqual(['casebook']);
    const api = exposed.get('casebook') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'on'].sort());
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('send');
    expect(Object.values(api)).not.toContain(ipcRenderer);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('lists every contract event', () => {
    expect(Object.keys(BRIDGE_EVENTS).sort()).toEqual([...API_EVENTS].sort());
  });

  it('calls the method\'s own channel and resolves the result', async () => {
    const { ipc } = fakeIpc(() => ({ ok: true, result: { id: 'm-1' } }));
    const api: CasebookApi = createPreloadApi(ipc);
    await expect(api.getMessage({ id: 'm-1' })).resolves.toEqual({ id: 'm-1' });
    expect(ipc.invoke).toHaveBeenCalledWith('casebook:getMessage', { id: 'm-1' });
  });

  it('rejects with a record carrying the whole failure (it survives the context bridge)', async () => {
    const failure = { code: 'bad_request', message: 'listMessages: invalid arguments', issues: [{ path: 'limit', message: 'too big' }] };
    const { ipc } = fakeIpc(() => ({ ok: false, error: failure }));
    const error = await createPreloadApi(ipc).listMessages({ limit: 9999 }).catch((e: unknown) => e);
    expect(error).toEqual({ name: 'ApiError', message: failure.message, failure });
    const { ipc: broken } = fakeIpc(() => 'garbage');
    await expect(createPreloadApi(broken).getCounts({})).rejects.toMatchObject({ failure: { code: 'internal' } });
  });

  it('subscribes to contract events only, passes the payload alone, and unsubscribes', () => {
    const { ipc, emitter } = fakeIpc(() => null);
    const api = createPreloadApi(ipc);
    const listener = vi.fn();
    const off = api.on('runProgress', listener);
    expect(ipc.on).toHaveBeenCalledWith('casebook:event:runProgress', expect.any(Function));
    const payload = { runId: 'r1', done: 1, failed: 0, total: 2, ratePerSecond: 1, etaSeconds: 1, status: 'running' };
    emitter.emit('casebook:event:runProgress', { sender: ipcRenderer }, payload);
    expect(listener).toHaveBeenCalledWith(payload);
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    off();
    emitter.emit('casebook:event:runProgress', {}, payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ipc.removeListener).toHaveBeenCalledTimes(1);
    expect(() => api.on('ipc-internal' as never, vi.fn())).toThrow(/unknown Casebook event/);
    expect(() => api.on('__proto__' as never, vi.fn())).toThrow(/unknown Casebook event/);
  });
});
