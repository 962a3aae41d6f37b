// App-wide guards, installed once before any window exists: every web contents (the window, and
// anything else that might ever be created) may only navigate within the app's origin, cannot open
// windows or attach <webview>s, and every permission request or check is denied. External links
// open in the system browser only when they parse as http(s) URLs.
import type { App, Session, Shell, WebContents } from 'electron';
import { withCsp } from './csp.js';
import { externalHttpUrl, isSameOrigin } from './origin.js';

export interface GuardOptions {
  appOrigin: string;
  log?: (message: string) => void;
}

interface NavigationEvent {
  preventDefault(): void;
  url?: string;
}

/** Installs the navigation, window-open and webview guards on one web contents. */
export function guardWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>, options: GuardOptions): void {
  const log = options.log ?? (() => undefined);
  const blockForeign = (kind: string) => (event: NavigationEvent, url?: string) => {
    const target = event.url ?? url;
    if (isSameOrigin(target, options.appOrigin)) return;
    event.preventDefault();
    log(`casebook: blocked ${kind} to ${String(target).slice(0, 200)}`);
  };
  contents.on('will-navigate', blockForeign('navigation'));
  contents.on('will-redirect', blockForeign('redirect'));
  contents.on('will-frame-navigate', blockForeign('frame navigation'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('casebook: blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalHttpUrl(url);
    if (external) {
      shell.openExternal(external).catch((error: unknown) => log(`casebook: could not open ${external}: ${String(error)}`));
    } else {
      log(`casebook: refused to open ${String(url).slice(0, 200)}`);
    }
    return { action: 'deny' };
  });
}

/** Guards every web contents the app ever creates. */
export function installAppGuards(app: Pick<App, 'on'>, shell: Pick<Shell, 'openExternal'>, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, shell, options));
}

/** Denies every permission request and check (camera, notifications, clipboard read, HID...). */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Sets the CSP header on every response the session receives (the app protocol sets it too). */
export function enforceCsp(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    // Developer tools (dev builds only) bring their own policy.
    if (details.url.startsWith('devtools:')) callback({});
    else callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}
