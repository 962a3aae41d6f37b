// The backend runs in an Electron utility process so imports, runs and SQLite work never block the
// window or the main process. This client forks it, sends it its options (and the API key) over
// the private parent port, matches responses to requests, relays events, persists the settings and
// key the backend changes, and restarts the process on the next call if it died.
import { API_EVENTS, ApiError } from '../../shared/src/api/index.js';
import type { ApiEventName, ApiMethod } from '../../shared/src/api/index.js';
import type { SecretStore, SettingsStore } from '../backend/ports.js';
import type { BackendInit, FromBackend, ToBackend } from '../backend/utility-protocol.js';

/** The part of Electron's UtilityProcess used here. */
export interface ChildProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface BackendProcessOptions {
  fork: () => ChildProcessLike;
  /** Options for a fresh start (read again on every restart). */
  init: () => Omit<BackendInit, 'settings' | 'apiKey' | 'secrets' | 'secretStorage'>;
  settings: SettingsStore & { snapshot(): Record<string, unknown> };
  /** The host's secrets; `snapshot` gives every named secret, decrypted, for the backend process's start. */
  secrets: SecretStore & { snapshot(): Record<string, string> };
  onEvent: (event: ApiEventName, payload: unknown) => void;
  log?: (message: string, detail?: unknown) => void;
  /** How many unexpected exits are restarted before calls fail for good. */
  maxRestarts?: number;
}

const EVENTS: ReadonlySet<string> = new Set(API_EVENTS);

const unavailable = (message: string) => new ApiError({ code: 'unavailable', message });

export class BackendProcess {
  private child: ChildProcessLike | null = null;
  private ready: Promise<void> | null = null;
  private pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private restarts = 0;
  private stopping = false;
  private failedForGood: string | null = null;
  private readonly log: (message: string, detail?: unknown) => void;

  constructor(private readonly options: BackendProcessOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Forks the process (once) and resolves when its backend is ready. */
  start(): Promise<void> {
    if (this.failedForGood) return Promise.reject(unavailable(this.failedForGood));
    if (this.ready) return this.ready;
    this.stopping = false;
    const child = this.options.fork();
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (raw) => this.receive(raw as FromBackend, resolve, reject));
      child.on('exit', (code) => this.exited(child, code, reject));
    });
    // Never an unhandled rejection: callers see the failure through call().
    this.ready.catch(() => undefined);
    const message: ToBackend = {
      type: 'init',
      init: {
        ...this.options.init(),
        settings: this.options.settings.snapshot(),
        apiKey: this.options.secrets.getApiKey(),
        secrets: this.options.secrets.snapshot(),
        secretStorage: this.options.secrets.storage,
      },
    };
    child.postMessage(message);
    return this.ready;
  }

  /** Runs one API method (arguments already parsed) in the backend process. */
  async call(method: ApiMethod, args: unknown): Promise<unknown> {
    await this.start();
    const child = this.child;
    if (!child) throw unavailable('The backend is not running.');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToBackend = { type: 'request', id, method, args };
      try {
        child.postMessage(message);
      } catch (error) {
        this.pending.delete(id);
        reject(error);
      }
    });
  }

  /** Asks the backend to close the workspace, then ends the process. */
  async stop(timeoutMs = 3000): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, timeoutMs);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        child.postMessage({ type: 'shutdown' } satisfies ToBackend);
      } catch {
        child.kill();
      }
    });
  }

  private receive(message: FromBackend, resolve: () => void, reject: (error: unknown) => void): void {
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'ready':
        this.restarts = 0;
        resolve();
        break;
      case 'init-failed':
        this.log(`casebook: the backend could not open the workspace: ${message.message}`);
        this.failedForGood = 'The workspace could not be opened; the details are in the application log.';
        reject(unavailable(this.failedForGood));
        break;
      case 'response': {
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new ApiError(message.error));
        break;
      }
      case 'event':
        if (EVENTS.has(message.event)) this.options.onEvent(message.event, message.payload);
        break;
      case 'settings-set':
        if (typeof message.key === 'string') this.options.settings.set(message.key, message.value);
        break;
      case 'secret-set':
        this.options.secrets.setApiKey(typeof message.apiKey === 'string' ? message.apiKey : null);
        break;
      case 'named-secret-set':
        if (typeof message.name === 'string') this.options.secrets.setSecret(message.name, typeof message.value === 'string' ? message.value : null);
        break;
      case 'closed':
        break;
    }
  }

  private exited(child: ChildProcessLike, code: number, reject: (error: unknown) => void): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = null;
    const error = unavailable(this.stopping ? 'The backend has stopped.' : 'The backend stopped unexpectedly; try again.');
    reject(error);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    if (this.stopping) return;
    this.log(`casebook: the backend process exited with code ${code}`);
    this.restarts += 1;
    if (this.restarts > (this.options.maxRestarts ?? 3)) {
      this.failedForGood = 'The backend keeps stopping; restart Casebook. The details are in the application log.';
    }
  }
}
