// Messages between the Electron main process and the backend's utility process, over the
// utility process's private parent port (never reachable from the window).
import type { ApiEventName, ApiFailure, ApiMethod } from '../../shared/src/api/index.js';

/** What the backend process needs to start: SessionOptions minus the host-supplied functions. */
export interface BackendInit {
  /** Named on the command line (--workspace, CASEBOOK_WORKSPACE): made when missing. */
  workspacePath?: string;
  /** Without one: the most recent workspace opens, or, when the recent list is empty, this file if it is there. */
  fallbackWorkspacePath?: string;
  /** Where new workspaces are made (userData/workspaces). */
  workspacesDir: string;
  resourcesDir: string;
  demo: boolean;
  appVersion: string;
  nativeBinding?: string;
  /** The settings as they are now; the backend process keeps a copy and reports every change. */
  settings: Record<string, unknown>;
  /** The decrypted API key, or null. Sent only here, over the private port. */
  apiKey: string | null;
  /** The decrypted named secrets (signing keys, sync tokens). Sent only here, over the private port. */
  secrets?: Record<string, string>;
  /** Where the main process keeps secrets, in honest words. */
  secretStorage?: string;
}

export type ToBackend =
  | { type: 'init'; init: BackendInit }
  | { type: 'request'; id: number; method: ApiMethod; args: unknown }
  | { type: 'shutdown' };

export type FromBackend =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ApiFailure }
  | { type: 'event'; event: ApiEventName; payload: unknown }
  | { type: 'settings-set'; key: string; value: unknown }
  | { type: 'secret-set'; apiKey: string | null }
  | { type: 'named-secret-set'; name: string; value: string | null }
  | { type: 'closed' };

export const INTERNAL_MESSAGE = 'Something went wrong in the backend; the details are in the application log.';

/**
 * The host setting that holds the recent workspaces (newest first, `{path, name, openedAt}`): the
 * backend keeps it (electron/backend/workspaces/recent.ts), the main process persists it like every
 * setting and reads it for File › Open Recent.
 */
export const RECENT_WORKSPACES_SETTING = 'workspaces.recent';
