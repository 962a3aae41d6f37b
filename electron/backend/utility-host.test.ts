import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import type { Backend } from './ports.js';
import { serveBackend } from './utility-host.js';

function harness(create: () => Promise<Backend>) {
  const port = new EventEmitter();
  const sent: unknown[] = [];
  const exit = vi.fn();
  serveBackend({ on: (e, l) => port.on(e, l), postMessage: (m) => sent.push(m) }, create, { log: () => undefined, exit });
  const post = (data: unknown) => port.emit('message', { data });
  return { post, sent, exit };
}

const backend = (): Backend => ({ handlers: { getAppInfo: async () => ({ version: '1' }) } as never, startBackgroundWork: vi.fn(), close: vi.fn() });

describe('backend utility host', () => {
  it('answers unavailable to a request before init', async () => {
    const { post, sent } = harness(async () => backend());
    post({ type: 'request', id: 1, method: 'getAppInfo', args: {} });
    await vi.waitFor(() => expect(sent).toEqual([{ type: 'response', id: 1, ok: false, error: { code: 'unavailable', message: 'The workspace is not open.' } }]));
  });

  it('refuses a method the backend does not have, even inherited ones', async () => {
    const { post, sent } = harness(async () => backend());
    post({ type: 'init', init: { workspacePath: 'w', workspacesDir: 'ws', resourcesDir: 'r', demo: false, appVersion: '1', settings: {}, apiKey: null } });
    post({ type: 'request', id: 2, method: 'toString', args: {} });
    post({ type: 'request', id: 3, method: 'getAppInfo', args: {} });
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    expect(sent).toContainEqual({ type: 'ready' });
    expect(sent).toContainEqual({ type: 'response', id: 2, ok: false, error: { code: 'bad_request', message: 'unknown API method "toString"' } });
    expect(sent).toContainEqual({ type: 'response', id: 3, ok: true, result: { version: '1' } });
  });

  it('starts the session: the workspace named, else the most recent one, else the earlier default file', async () => {
    const create = vi.fn(async () => backend());
    const { post, sent } = harness(create);
    post({ type: 'init', init: { fallbackWorkspacePath: '/u/workspace.casebook.sqlite', workspacesDir: '/u/workspaces', resourcesDir: 'r', demo: true, appVersion: '1', settings: {}, apiKey: null } });
    await vi.waitFor(() => expect(sent).toContainEqual({ type: 'ready' }));
    const options = (create.mock.calls[0] as unknown[])[0] as Record<string, unknown>;
    expect(options).toMatchObject({ openRecent: true, fallbackWorkspacePath: '/u/workspace.casebook.sqlite', workspacesDir: '/u/workspaces', host: 'electron' });
    expect(options).not.toHaveProperty('workspacePath');
  });

  it('starts the background work (resumed runs) only after it has said it is ready', async () => {
    const b = backend();
    const { post, sent } = harness(async () => b);
    vi.mocked(b.startBackgroundWork).mockImplementation(() => expect(sent).toContainEqual({ type: 'ready' }));
    post({ type: 'init', init: { workspacePath: 'w', workspacesDir: 'ws', resourcesDir: 'r', demo: false, appVersion: '1', settings: {}, apiKey: null } });
    await vi.waitFor(() => expect(b.startBackgroundWork).toHaveBeenCalledTimes(1));
  });

  it('closes the backend and exits on shutdown', async () => {
    const b = backend();
    const { post, sent, exit } = harness(async () => b);
    post({ type: 'init', init: { workspacePath: 'w', workspacesDir: 'ws', resourcesDir: 'r', demo: false, appVersion: '1', settings: {}, apiKey: null } });
    await vi.waitFor(() => expect(sent).toContainEqual({ type: 'ready' }));
    post({ type: 'shutdown' });
    expect(b.close).toHaveBeenCalled();
    expect(sent).toContainEqual({ type: 'closed' });
    expect(exit).toHaveBeenCalledWith(0);
  });
});
