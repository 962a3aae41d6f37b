// The main-process client and the utility-process host wired together in memory: the same
// messages Electron would carry over the utility process's parent port.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { ApiError, type ApiHandlers } from '../../shared/src/api/index.js';
import type { Backend, SessionOptions } from '../backend/ports.js';
import { serveBackend } from '../backend/utility-host.js';
import { BackendProcess } from './backend-process.js';
import type { ChildProcessLike } from './backend-process.js';

class FakeChild extends EventEmitter implements ChildProcessLike {
  readonly port = new EventEmitter();
  killed = false;
  constructor(create: (options: SessionOptions) => Promise<Backend>) {
    super();
    serveBackend(
      { on: (event, listener) => this.port.on(event, listener), postMessage: (message) => queueMicrotask(() => this.emit('message', structuredClone(message))) },
      create,
      { log: () => undefined, exit: (code) => queueMicrotask(() => this.emit('exit', code)) },
    );
  }
  postMessage(message: unknown): void {
    queueMicrotask(() => this.port.emit('message', { data: structuredClone(message) }));
  }
  kill(): boolean {
    this.killed = true;
    queueMicrotask(() => this.emit('exit', 9));
    return true;
  }
}

function fakeBackend(options: SessionOptions): Backend {
  return {
    startBackgroundWork: () => undefined,
    handlers: {
      getAppInfo: () => ({ version: options.appVersion, runtimeVersion: 'r', host: options.host, workspacePath: options.workspacePath ?? null, messageCount: 3 }),
      getCounts: async () => {
        options.emit('messagesChanged', { reason: 'test' });
        return { total: 3 } as never;
      },
      listMessages: async () => {
        throw new Error('SQLITE_BUSY: database is locked at /secret/path');
      },
      getMessage: async ({ id }) => {
        throw new ApiError({ code: 'not_found', message: `no message ${id}` });
      },
      getRulebook: async () => ({}) as never,
      getSettings: async () => ({ provider: String(options.settings.get('provider') ?? 'embedded'), hasApiKey: options.secrets.getApiKey() !== null }) as never,
      updateSettings: async (args) => {
        for (const [key, value] of Object.entries(args)) options.settings.set(key, value);
        return {} as never;
      },
      setApiKey: async ({ apiKey }) => {
        options.secrets.setApiKey(apiKey);
        return { hasApiKey: apiKey !== '' } as never;
      },
    } as Partial<ApiHandlers> as ApiHandlers, // only the methods these tests call
    close: vi.fn(),
  };
}

function setup(create: (options: SessionOptions) => Promise<Backend> = async (o) => fakeBackend(o)) {
  const children: FakeChild[] = [];
  const settingsData: Record<string, unknown> = { provider: 'openai' };
  const settings = {
    get: (key: string) => settingsData[key],
    set: vi.fn((key: string, value: unknown) => {
      settingsData[key] = value;
    }),
    snapshot: () => ({ ...settingsData }),
  };
  let key: string | null = 'sk-initial';
  const named = new Map<string, string>();
  const secrets = {
    storage: 'test',
    getApiKey: vi.fn(() => key),
    setApiKey: vi.fn((k: string | null) => { key = k; }),
    getSecret: vi.fn((n: string) => named.get(n) ?? null),
    setSecret: vi.fn((n: string, v: string | null) => void (v === null ? named.delete(n) : named.set(n, v))),
    snapshot: () => Object.fromEntries(named),
  };
  const onEvent = vi.fn();
  const created = vi.fn(create);
  const backend = new BackendProcess({
    fork: () => {
      const child = new FakeChild(created);
      children.push(child);
      return child;
    },
    init: () => ({ workspacePath: '/tmp/ws.sqlite', workspacesDir: '/tmp/workspaces', resourcesDir: '/res', demo: true, appVersion: '9.9.9' }),
    settings,
    secrets,
    onEvent,
    log: () => undefined,
  });
  return { backend, children, settings, secrets, onEvent, created, getKey: () => key };
}

describe('backend utility process', () => {
  it('starts the backend with the options, the settings and the key, and answers calls', async () => {
    const { backend, created, children } = setup();
    expect(await backend.call('getAppInfo', {})).toMatchObject({ version: '9.9.9', host: 'electron', workspacePath: '/tmp/ws.sqlite' });
    expect(await backend.call('getSettings', {})).toEqual({ provider: 'openai', hasApiKey: true });
    expect(created).toHaveBeenCalledTimes(1);
    expect(children).toHaveLength(1);
    expect(created.mock.calls[0]![0]).toMatchObject({ workspacePath: '/tmp/ws.sqlite', resourcesDir: '/res', demo: true, host: 'electron' });
  });

  it('relays events from the backend', async () => {
    const { backend, onEvent } = setup();
    await backend.call('getCounts', {});
    expect(onEvent).toHaveBeenCalledWith('messagesChanged', { reason: 'test' });
  });

  it('rejects with the ApiError of a handler, and a safe internal failure for anything else', async () => {
    const { backend } = setup();
    await expect(backend.call('getMessage', { id: 'm-1' })).rejects.toMatchObject({ failure: { code: 'not_found', message: 'no message m-1' } });
    const error = await backend.call('listMessages', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).failure.code).toBe('internal');
    expect(JSON.stringify((error as ApiError).failure)).not.toContain('/secret/path');
  });

  it('persists settings and the key the backend changes, in the main process', async () => {
    const { backend, settings, secrets, getKey } = setup();
    await backend.call('updateSettings', { model: 'gpt-y' });
    expect(settings.set).toHaveBeenCalledWith('model', 'gpt-y');
    await backend.call('setApiKey', { apiKey: 'sk-new' });
    expect(secrets.setApiKey).toHaveBeenCalledWith('sk-new');
    expect(getKey()).toBe('sk-new');
    // The answer to the window says whether a key exists, never the key.
    expect(JSON.stringify(await backend.call('getSettings', {}))).not.toContain('sk-new');
  });

  it('reports a backend that cannot open the workspace as unavailable, without details', async () => {
    const { backend } = setup(async () => {
      throw new Error('The module was compiled against a different Node.js version (NODE_MODULE_VERSION 115)');
    });
    const error = (await backend.call('getCounts', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.failure.code).toBe('unavailable');
    expect(error.failure.message).not.toContain('NODE_MODULE_VERSION');
  });

  it('fails pending calls when the process dies and restarts it on the next call', async () => {
    const { backend, children } = setup(async (o) => {
      const b = fakeBackend(o);
      b.handlers.getRulebook = () => new Promise(() => undefined);
      return b;
    });
    await backend.start();
    const pending = backend.call('getRulebook', {});
    await new Promise((r) => setTimeout(r, 5));
    children[0]!.emit('exit', 139);
    await expect(pending).rejects.toMatchObject({ failure: { code: 'unavailable' } });
    expect(await backend.call('getAppInfo', {})).toMatchObject({ version: '9.9.9' });
    expect(children).toHaveLength(2);
  });

  it('closes the backend on stop', async () => {
    const closes: Array<() => void> = [];
    const { backend, children } = setup(async (o) => {
      const b = fakeBackend(o);
      closes.push(b.close);
      return b;
    });
    await backend.start();
    await backend.stop();
    expect(closes[0]).toHaveBeenCalled();
    expect(children[0]!.killed).toBe(false);
  });
});
