import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, ApiError } from '../../shared/src/api/index.js';
import { INTERNAL_FAILURE, REFUSED_SENDER, createIpcGate } from './gate.js';

interface Frame {
  name: string;
}
const main: Frame = { name: 'main' };
const sub: Frame = { name: 'sub' };
const APP = 'casebook://app';

function setup(call = vi.fn(async (_method: string, args: unknown) => ({ echoed: args }))) {
  const log = vi.fn();
  const gate = createIpcGate<Frame>({ appOrigin: APP, isMainFrame: (f) => f === main, call, log });
  return { gate, call, log };
}

const fromApp = { frame: main, url: 'casebook://app/index.html' };

describe('IPC gate', () => {
  it('offers exactly the contract methods', () => {
    expect([...setup().gate.methods].sort()).toEqual([...API_METHODS].sort());
  });

  it('forwards a good call with parsed arguments (defaults applied)', async () => {
    const { gate, call } = setup();
    const answer = await gate.handle('listMessages', fromApp, { search: 'locked out' });
    expect(answer).toEqual({ ok: true, result: { echoed: { search: 'locked out', limit: 100 } } });
    expect(call).toHaveBeenCalledWith('listMessages', { search: 'locked out', limit: 100 });
  });

  it('refuses a sender from a foreign origin', async () => {
    const { gate, call, log } = setup();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'casebook://other/index.html', 'casebook://user:pw@app/', 'not a url', '', undefined]) {
      expect(await gate.handle('getAppInfo', { frame: main, url }, {})).toEqual({ ok: false, error: REFUSED_SENDER });
    }
    expect(call).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalled();
  });

  it('refuses a subframe even on the app origin, and a vanished frame', async () => {
    const { gate, call } = setup();
    expect(await gate.handle('getAppInfo', { frame: sub, url: 'casebook://app/index.html' }, {})).toEqual({ ok: false, error: REFUSED_SENDER });
    expect(await gate.handle('getAppInfo', { frame: null, url: 'casebook://app/index.html' }, {})).toEqual({ ok: false, error: REFUSED_SENDER });
    expect(call).not.toHaveBeenCalled();
  });

  it('refuses a method outside the contract', async () => {
    const { gate, call } = setup();
    for (const name of ['deleteEverything', '__proto__', 'constructor', 'toString']) {
      const answer = await gate.handle(name, fromApp, {});
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('bad_request');
    }
    expect(call).not.toHaveBeenCalled();
  });

  it('refuses bad arguments with the validator issues', async () => {
    const { gate, call } = setup();
    const answer = await gate.handle('listMessages', fromApp, { limit: 100000, extra: true });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('bad_request');
    expect(answer.error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['limit']));
    expect(answer.error.issues?.some((i) => /extra|unrecognized/i.test(i.message))).toBe(true);
    const wrongType = await gate.handle('getMessage', fromApp, 'id-1');
    expect(wrongType.ok).toBe(false);
    expect(call).not.toHaveBeenCalled();
  });

  it('passes an ApiError from the backend through, copied field by field', async () => {
    const { gate } = setup(vi.fn(async () => {
      throw new ApiError({ code: 'not_found', message: 'no message m-9', issues: [{ path: 'id', message: 'unknown' }] });
    }));
    expect(await gate.handle('getMessage', fromApp, { id: 'm-9' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no message m-9', issues: [{ path: 'id', message: 'unknown' }] },
    });
  });

  it('turns any other error into a safe internal failure and logs the real one', async () => {
    const secret = new Error('SQLITE_CORRUPT at /home/someone/private/path.sqlite');
    const { gate, log } = setup(vi.fn(async () => {
      throw secret;
    }));
    const answer = await gate.handle('getCounts', fromApp, {});
    expect(answer).toEqual({ ok: false, error: INTERNAL_FAILURE });
    expect(JSON.stringify(answer)).not.toContain('/home/someone');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('getCounts'), secret);
  });

  it('treats an isMainFrame check that throws as a refusal', async () => {
    const gate = createIpcGate<Frame>({ appOrigin: APP, isMainFrame: () => { throw new Error('destroyed'); }, call: vi.fn() });
    expect(await gate.handle('getAppInfo', fromApp, {})).toEqual({ ok: false, error: REFUSED_SENDER });
  });
});
