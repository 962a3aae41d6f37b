// What the backend needs from its host, as interfaces: the Electron shell and the browser host
// each supply their own (electron-store and safeStorage there; conf and the environment here).
import type { ApiEventName, ApiEvents, ApiHandlers } from '../../shared/src/api/index.js';

/** Small persistent settings (not workspace data). */
export interface SettingsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Where the OpenAI-compatible provider's API key lives. It never reaches the renderer. */
export interface SecretStore {
  getApiKey(): string | null;
  /** Stores the key (encrypted where the platform allows); null or '' removes it. */
  setApiKey(key: string | null): void;
  /**
   * Other secrets by name: a workspace's signing keys (`signing-key:<keyId>`, PKCS#8 PEM) and sync
   * targets' bearer tokens (`sync-token:<targetId>`). Kept like the API key; never sent to the window.
   */
  getSecret(name: string): string | null;
  /** Stores a named secret; null removes it. */
  setSecret(name: string, value: string | null): void;
  /** Where this host keeps secrets, in honest words for the window (e.g. "encrypted with the OS keychain"). */
  readonly storage: string;
}

export type EmitEvent = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

export interface BackendOptions {
  /** The workspace's SQLite file; created (with the demo data unless `demo` is false) when missing. */
  workspacePath: string;
  /** `resources/` (the demo seed data lives in `resources/demo`). */
  resourcesDir: string;
  demo: boolean;
  host: 'electron' | 'web';
  appVersion: string;
  settings: SettingsStore;
  secrets: SecretStore;
  emit: EmitEvent;
  /** Where better-sqlite3's native addon for this process lives, when not the default (Electron's ABI). */
  nativeBinding?: string;
}

export interface Backend {
  handlers: ApiHandlers;
  /**
   * Starts the work that goes on by itself: runs left queued or running by a crash or a restart
   * resume. A host calls it once it answers calls (the browser host once it listens), so a long
   * resumed run never keeps the window waiting for the host to start.
   */
  startBackgroundWork(): void;
  close(): void;
}

/**
 * What a host starts the backend with: its options without a fixed workspace, and which workspace
 * (if any) is open from the start. The backend is a session: it opens, makes and switches
 * workspaces while the host runs (electron/backend/workspaces/session.ts).
 */
export interface SessionOptions extends Omit<BackendOptions, 'workspacePath'> {
  /** Open from the start; made when missing (with the demo unless `demo` is false). */
  workspacePath?: string | null;
  /** Without `workspacePath`: open the newest workspace of the recent list whose file is still there. */
  openRecent?: boolean;
  /**
   * Without `workspacePath`, and when the recent list is empty: open this file if it exists (the
   * workspace an earlier version made by default, so an upgrade finds it).
   */
  fallbackWorkspacePath?: string;
  /** Where new workspaces are made unless a path is given (the host's `<data dir>/workspaces`). */
  workspacesDir?: string;
}
