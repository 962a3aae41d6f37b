import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { CONTENT_SECURITY_POLICY, withCsp } from './csp.js';
import { externalHttpUrl, isSameOrigin } from './origin.js';
import { denyAllPermissions, enforceCsp, guardWebContents, installAppGuards } from './security.js';

type OpenHandler = (details: { url: string }) => { action: string };

class FakeContents extends EventEmitter {
  openHandler: OpenHandler | null = null;
  setWindowOpenHandler(handler: OpenHandler) {
    this.openHandler = handler;
  }
}

function navEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

function guarded() {
  const contents = new FakeContents();
  const shell = { openExternal: vi.fn(async () => undefined) };
  guardWebContents(contents as never, shell, { appOrigin: 'casebook://app' });
  return { contents, shell };
}

describe('URL checks', () => {
  it('knows the app origin', () => {
    expect(isSameOrigin('casebook://app/index.html')).toBe(true);
    expect(isSameOrigin('CASEBOOK://APP/#/inbox')).toBe(true);
    expect(isSameOrigin('casebook://app.evil.example/')).toBe(false);
    expect(isSameOrigin('casebook://evil@app/')).toBe(false);
    expect(isSameOrigin('https://app/')).toBe(false);
    expect(isSameOrigin('file:///index.html')).toBe(false);
    expect(isSameOrigin(undefined)).toBe(false);
  });

  it('hands only parsed http(s) URLs to the system browser', () => {
    expect(externalHttpUrl('https://example.com/docs?a=1')).toBe('https://example.com/docs?a=1');
    expect(externalHttpUrl('http://example.com')).toBe('http://example.com/');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'casebook://app/', 'smb://host/share', 'https://user:pw@example.com/', 'https://', 'no scheme', '']) {
      expect(externalHttpUrl(bad)).toBeNull();
    }
  });
});

describe('navigation and window guards', () => {
  it('blocks navigation and redirects to a foreign URL, allows the app origin', () => {
    const { contents } = guarded();
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      const foreign = navEvent('https://evil.example/phish');
      contents.emit(name, foreign, foreign.url);
      expect(foreign.preventDefault).toHaveBeenCalled();
      const own = navEvent('casebook://app/index.html#/rules');
      contents.emit(name, own, own.url);
      expect(own.preventDefault).not.toHaveBeenCalled();
    }
  });

  it('blocks navigation to file: and javascript: URLs', () => {
    const { contents } = guarded();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'about:blank']) {
      const event = navEvent(url);
      contents.emit('will-navigate', event, url);
      expect(event.preventDefault).toHaveBeenCalled();
    }
  });

  it('denies every window.open and opens only http(s) externally', () => {
    const { contents, shell } = guarded();
    expect(contents.openHandler!({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/help');
    shell.openExternal.mockClear();
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'casebook://app/index.html', 'data:text/html,hi']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('prevents <webview> attachment', () => {
    const { contents } = guarded();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('guards every web contents the app creates', () => {
    const app = new EventEmitter();
    installAppGuards(app as never, { openExternal: vi.fn() }, { appOrigin: 'casebook://app' });
    const contents = new FakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-redirect')).toBe(1);
    expect(contents.openHandler).not.toBeNull();
  });
});

describe('session policy', () => {
  it('denies every permission request and check', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
    denyAllPermissions(session as never);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (c: unknown, p: string, cb: (ok: boolean) => void) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(check({}, 'media', 'casebook://app', {})).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(device({})).toBe(false);
  });

  it('sets the strict CSP on every response, replacing any other', () => {
    const onHeadersReceived = vi.fn();
    enforceCsp({ webRequest: { onHeadersReceived } } as never);
    const listener = onHeadersReceived.mock.calls[0]![0] as (details: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
    const callback = vi.fn();
    listener({ url: 'casebook://app/index.html', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, callback);
    const headers = callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>;
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
  });

  it('is the strict policy', () => {
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(withCsp(undefined)['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });
});
