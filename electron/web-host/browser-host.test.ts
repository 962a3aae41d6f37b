// The browser host as `npm run web` starts it, over HTTP on a real data directory: a first run opens
// no workspace (the window's start screen), a workspace made from the window is open at once and is
// the one the next start opens; --workspace FILE behaves as before; an earlier version's default
// workspace is found on a first run.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESOURCES, tempFolder, type TempFolder } from '../backend/test-support.js';
import { legacyWorkspacePath, startBrowserHost, type BrowserHost } from './browser-host.js';

const TOKEN = 'browser-host-test';
let folder: TempFolder;
const running: BrowserHost[] = [];

beforeEach(() => {
  folder = tempFolder('casebook-browser-host-');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
  folder.cleanup();
});

async function start(over: { workspace?: string; demo?: boolean; dataDir?: string } = {}): Promise<BrowserHost> {
  const host = await startBrowserHost({
    dataDir: over.dataDir ?? join(folder.dir, 'data'),
    ...(over.workspace ? { workspace: over.workspace } : {}),
    demo: over.demo ?? false,
    rendererDir: join(folder.dir, 'no-renderer'),
    resourcesDir: RESOURCES,
    appVersion: '0.0.0-test',
    token: TOKEN,
  });
  running.push(host);
  return host;
}

function api<T>(host: BrowserHost, method: string, args: unknown = {}): Promise<{ status: number; body: { ok: boolean; result?: T; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.host.port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { host: `127.0.0.1:${host.host.port}`, origin: host.host.origin, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(args));
  });
}

/** Collects the server-sent events of the host until `stop()`. */
function listen(host: BrowserHost): { frames: string[]; stop(): void } {
  const frames: string[] = [];
  const req = http.get({ host: '127.0.0.1', port: host.host.port, path: '/api/events', headers: { host: `127.0.0.1:${host.host.port}`, authorization: `Bearer ${TOKEN}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (c: string) => frames.push(c));
  });
  req.on('error', () => undefined);
  return { frames, stop: () => req.destroy() };
}

describe('the browser host without --workspace', () => {
  it('opens no workspace on a first run; one made from the window is open at once, announced, and opened by the next start', async () => {
    const dataDir = join(folder.dir, 'data');
    const first = await start();
    expect(await first.workspacePath()).toBeNull();
    expect((await api(first, 'getAppInfo')).body.result).toMatchObject({ workspacePath: null, messageCount: 0 });
    const counts = await api(first, 'getCounts');
    expect(counts.status).toBe(503);
    expect(counts.body.error).toEqual({ code: 'unavailable', message: 'no workspace is open' });
    expect((await api<{ folder: string }>(first, 'getWorkspace')).body.result!.folder).toBe(join(dataDir, 'workspaces'));

    const events = listen(first);
    await new Promise((r) => setTimeout(r, 100));
    const made = await api<{ workspace: { current: { path: string } } }>(first, 'createWorkspace', { name: 'Support desk', start: { kind: 'template', template: 'support_triage' } });
    expect(made.status).toBe(200);
    const path = join(dataDir, 'workspaces', 'support-desk.casebook');
    expect(made.body.result!.workspace.current.path).toBe(path);
    await expect.poll(() => events.frames.join('')).toContain(`event: workspaceChanged\ndata: ${JSON.stringify({ path, name: 'Support desk' })}`);
    events.stop();
    expect((await api(first, 'getCounts')).status).toBe(200);
    await first.close();
    running.length = 0;

    const second = await start();
    expect(await second.workspacePath()).toBe(path);
  });

  it('opens the workspace an earlier version made by default, when the recent list is empty', async () => {
    const dataDir = join(folder.dir, 'data');
    const made = await start({ workspace: folder.path('seed.casebook') });
    await made.close();
    running.length = 0;
    const other = join(folder.dir, 'other-data');
    mkdirSync(other);
    copyFileSync(folder.path('seed.casebook'), legacyWorkspacePath(other));
    const host = await start({ dataDir: other });
    expect(await host.workspacePath()).toBe(legacyWorkspacePath(other));
    expect(existsSync(join(dataDir, 'workspaces'))).toBe(false);
  });
});

describe('the browser host with --workspace FILE', () => {
  it('opens that file, made when missing (empty with --no-demo), and lists it as recent', async () => {
    const file = folder.path('named.casebook');
    const host = await start({ workspace: file, demo: false });
    expect(existsSync(file)).toBe(true);
    expect(await host.workspacePath()).toBe(file);
    const state = await api<{ recent: { path: string }[] }>(host, 'getWorkspace');
    expect(state.body.result!.recent.map((r) => r.path)).toEqual([file]);
    expect((await api<{ total: number }>(host, 'getCounts')).body.result!.total).toBe(0);
  });
});
