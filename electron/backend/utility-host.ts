// The backend process's side of the parent-port protocol, free of Electron: it builds the
// backend (the session, which opens and switches workspaces) from the init message, answers requests one envelope each, forwards events, and keeps
// settings and the API key in memory while reporting every change to the main process, which
// persists them (electron-store, safeStorage).
import { ApiError } from '../../shared/src/api/index.js';
import type { ApiFailure } from '../../shared/src/api/index.js';
import type { Backend, SecretStore, SessionOptions, SettingsStore } from './ports.js';
import { INTERNAL_MESSAGE } from './utility-protocol.js';
import type { BackendInit, FromBackend, ToBackend } from './utility-protocol.js';

/** Electron's `process.parentPort` as this code uses it. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface ServeOptions {
  log?: (message: string, detail?: unknown) => void;
  /** Called after a shutdown request has closed the backend. */
  exit?: (code: number) => void;
}

function failureOf(error: unknown): ApiFailure | null {
  if (error instanceof ApiError) return error.failure;
  if (error && typeof error === 'object' && (error as { name?: unknown }).name === 'ApiError') {
    const failure = (error as { failure?: unknown }).failure;
    if (failure && typeof failure === 'object' && typeof (failure as ApiFailure).message === 'string') return failure as ApiFailure;
  }
  return null;
}

export function serveBackend(port: ParentPortLike, create: (options: SessionOptions) => Promise<Backend>, options: ServeOptions = {}): void {
  const log = options.log ?? ((message: string, detail?: unknown) => console.error(message, detail ?? ''));
  const send = (message: FromBackend) => port.postMessage(message);
  let backend: Backend | null = null;
  let starting: Promise<Backend | null> | null = null;

  function hostStores(init: BackendInit): { settings: SettingsStore; secrets: SecretStore } {
    const values = new Map(Object.entries(init.settings ?? {}));
    let apiKey = init.apiKey;
    const named = new Map(Object.entries(init.secrets ?? {}));
    return {
      settings: {
        get: (key) => values.get(key),
        set: (key, value) => {
          if (value === undefined) values.delete(key);
          else values.set(key, value);
          send({ type: 'settings-set', key, value });
        },
      },
      secrets: {
        storage: init.secretStorage ?? 'kept by the main process',
        getApiKey: () => apiKey,
        setApiKey: (key) => {
          apiKey = key === '' ? null : key;
          send({ type: 'secret-set', apiKey });
        },
        getSecret: (name) => named.get(name) ?? null,
        setSecret: (name, value) => {
          if (value === null) named.delete(name);
          else named.set(name, value);
          send({ type: 'named-secret-set', name, value });
        },
      },
    };
  }

  async function start(init: BackendInit): Promise<Backend | null> {
    try {
      const { settings, secrets } = hostStores(init);
      // The session: the named workspace, else the most recent, else none (the start screen).
      const created = await create({
        ...(init.workspacePath ? { workspacePath: init.workspacePath } : {}),
        openRecent: true,
        ...(init.fallbackWorkspacePath ? { fallbackWorkspacePath: init.fallbackWorkspacePath } : {}),
        workspacesDir: init.workspacesDir,
        resourcesDir: init.resourcesDir,
        demo: init.demo,
        host: 'electron',
        appVersion: init.appVersion,
        settings,
        secrets,
        emit: (event, payload) => send({ type: 'event', event, payload }),
        ...(init.nativeBinding ? { nativeBinding: init.nativeBinding } : {}),
      });
      backend = created;
      send({ type: 'ready' });
      // After 'ready': the window's calls are answered while a resumed run works.
      created.startBackgroundWork();
      return created;
    } catch (error) {
      log('casebook backend: could not start', error);
      send({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  async function answer(id: number, method: string, args: unknown): Promise<void> {
    const ready = backend ?? (starting ? await starting : null);
    if (!ready) {
      send({ type: 'response', id, ok: false, error: { code: 'unavailable', message: 'The workspace is not open.' } });
      return;
    }
    const handlers = ready.handlers as unknown as Record<string, (args: unknown) => unknown>;
    if (!Object.prototype.hasOwnProperty.call(handlers, method) || typeof handlers[method] !== 'function') {
      send({ type: 'response', id, ok: false, error: { code: 'bad_request', message: `unknown API method "${method}"` } });
      return;
    }
    try {
      const result = await handlers[method]!(args);
      send({ type: 'response', id, ok: true, result });
    } catch (error) {
      const failure = failureOf(error);
      if (!failure) log(`casebook backend: ${method} failed`, error);
      send({ type: 'response', id, ok: false, error: failure ?? { code: 'internal', message: INTERNAL_MESSAGE } });
    }
  }

  port.on('message', ({ data }) => {
    const message = data as ToBackend;
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'init':
        if (!starting) starting = start(message.init);
        break;
      case 'request':
        void answer(message.id, message.method, message.args);
        break;
      case 'shutdown':
        try {
          backend?.close();
        } catch (error) {
          log('casebook backend: close failed', error);
        }
        backend = null;
        send({ type: 'closed' });
        options.exit?.(0);
        break;
    }
  });
}
