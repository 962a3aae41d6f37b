// The object the preload exposes as `window.casebook`: one named function per API method and
// `on` for the contract's events, nothing else (no generic invoke, no ipcRenderer). `satisfies
// CasebookApi` makes a method missing from, or extra to, the contract a compile error.
//
// Only type imports from the contract: the sandboxed preload stays a small bundle without zod.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { ApiArgs, ApiEventName, ApiEvents, ApiFailure, ApiMethod, ApiResults, CasebookApi } from '../../shared/src/api/index.js';
import { apiChannel, eventChannel } from '../main/channels.js';
import type { ApiEnvelope } from '../main/channels.js';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/** Every event of the contract (a Record, so a new event is a compile error until listed here). */
export const BRIDGE_EVENTS: Readonly<Record<ApiEventName, true>> = { runProgress: true, importProgress: true, messagesChanged: true, menuCommand: true };

/**
 * What a failed call rejects with. Electron's contextBridge rebuilds a rejected Error in the page
 * with its message only (custom properties are dropped), so the failure travels as a plain record
 * that the bridge copies whole: `{ name: 'ApiError', message, failure }`. The renderer's
 * `toFailure` reads `.failure`.
 */
export interface BridgeFailure {
  name: 'ApiError';
  message: string;
  failure: ApiFailure;
}

const MALFORMED: ApiFailure = { code: 'internal', message: 'The backend sent an answer the window could not read.' };

export function bridgeFailure(failure: ApiFailure): BridgeFailure {
  return { name: 'ApiError', message: failure.message, failure };
}

function isEnvelope(value: unknown): value is ApiEnvelope {
  return !!value && typeof value === 'object' && typeof (value as { ok?: unknown }).ok === 'boolean';
}

export function createPreloadApi(ipc: IpcRendererLike): CasebookApi {
  async function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]> {
    const envelope: unknown = await ipc.invoke(apiChannel(method), args);
    if (!isEnvelope(envelope)) throw bridgeFailure(MALFORMED);
    if (envelope.ok) return envelope.result as ApiResults[M];
    throw bridgeFailure(envelope.error);
  }

  function on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    if (typeof event !== 'string' || !Object.prototype.hasOwnProperty.call(BRIDGE_EVENTS, event)) {
      throw new Error(`unknown Casebook event "${String(event)}"`);
    }
    if (typeof listener !== 'function') throw new Error('a listener must be a function');
    const channel = eventChannel(event);
    // The page gets the payload only, never the IPC event (it would reach ipcRenderer via `sender`).
    const relay = (_event: IpcRendererEvent, payload: ApiEvents[E]) => listener(payload);
    ipc.on(channel, relay);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, relay);
    };
  }

  const api = {
    getAppInfo: (args) => call('getAppInfo', args),
    getCounts: (args) => call('getCounts', args),
    listMessages: (args) => call('listMessages', args),
    getMessage: (args) => call('getMessage', args),
    getRulebook: (args) => call('getRulebook', args),
    getSettings: (args) => call('getSettings', args),
    updateSettings: (args) => call('updateSettings', args),
    setApiKey: (args) => call('setApiKey', args),
    previewImport: (args) => call('previewImport', args),
    importMessages: (args) => call('importMessages', args),
    acceptExtraction: (args) => call('acceptExtraction', args),
    correctExtraction: (args) => call('correctExtraction', args),
    previewRule: (args) => call('previewRule', args),
    saveRule: (args) => call('saveRule', args),
    setRuleEnabled: (args) => call('setRuleEnabled', args),
    deleteRule: (args) => call('deleteRule', args),
    restoreRule: (args) => call('restoreRule', args),
    listRules: (args) => call('listRules', args),
    listRuleMessages: (args) => call('listRuleMessages', args),
    listPrecedents: (args) => call('listPrecedents', args),
    updatePrecedent: (args) => call('updatePrecedent', args),
    deletePrecedent: (args) => call('deletePrecedent', args),
    restorePrecedent: (args) => call('restorePrecedent', args),
    startRun: (args) => call('startRun', args),
    cancelRun: (args) => call('cancelRun', args),
    resumeRun: (args) => call('resumeRun', args),
    retryRunErrors: (args) => call('retryRunErrors', args),
    getRun: (args) => call('getRun', args),
    listRuns: (args) => call('listRuns', args),
    listRunErrors: (args) => call('listRunErrors', args),
    on,
  } satisfies CasebookApi;
  return Object.freeze(api);
}
