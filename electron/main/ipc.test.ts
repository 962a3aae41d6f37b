import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { API_METHODS } from '../../shared/src/api/index.js';
import { bindApiHandlers } from './ipc.js';

type Handler = (event: unknown, args: unknown) => Promise<unknown>;

function frame(processId: number, routingId: number, url: string, parent: unknown = null) {
  return { processId, routingId, url, parent };
}

function setup() {
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: vi.fn((channel: string, h: Handler) => handlers.set(channel, h)), removeHandler: vi.fn((channel: string) => handlers.delete(channel)) };
  const mainFrame = frame(1, 7, 'casebook://app/index.html');
  const webContents = { mainFrame };
  const win = { webContents, isDestroyed: () => false };
  const call = vi.fn(async () => 'done');
  const unbind = bindApiHandlers(ipcMain, { appOrigin: 'casebook://app', getWindow: () => win as never, call });
  return { handlers, ipcMain, webContents, mainFrame, call, unbind };
}

describe('IPC binding', () => {
  it('registers one casebook:<method> handler per API method and nothing else', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `casebook:${m}`).sort());
  });

  it('forwards a call from the main frame of the window', async () => {
    const { handlers, webContents, mainFrame, call } = setup();
    const answer = await handlers.get('casebook:getMessage')!({ sender: webContents, senderFrame: frame(1, 7, mainFrame.url) }, { id: 'm-1' });
    expect(answer).toEqual({ ok: true, result: 'done' });
    expect(call).toHaveBeenCalledWith('getMessage', { id: 'm-1' });
  });

  it('refuses a subframe, another web contents, a foreign URL and a vanished frame', async () => {
    const { handlers, webContents, mainFrame, call } = setup();
    const h = handlers.get('casebook:getAppInfo')!;
    const refused = [
      { sender: webContents, senderFrame: frame(1, 9, 'casebook://app/index.html', mainFrame) },
      { sender: { other: true }, senderFrame: frame(1, 7, 'casebook://app/index.html') },
      { sender: webContents, senderFrame: frame(1, 7, 'https://evil.example/') },
      { sender: webContents, senderFrame: null },
    ];
    for (const event of refused) expect(await h(event, {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(call).not.toHaveBeenCalled();
  });

  it('removes its handlers', () => {
    const { handlers, unbind } = setup();
    unbind();
    expect(handlers.size).toBe(0);
  });
});
