// The object the preload exposes as `window.casebook`: one named function per API method and
// `on` for the contract's events, nothing else (no generic invoke, no ipcRenderer). Both lists
// come from the names module, which the contract's types are derived from.
//
// Only type imports from the contract and the dependency-free names module: the sandboxed preload
// stays a small bundle without zod.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { ApiArgs, ApiEventName, ApiEvents, ApiFailure, ApiMethod, ApiResults, CasebookApi } from '../../shared/src/api/index.js';
import { API_EVENT_NAMES, API_METHOD_NAMES } from '../../shared/src/api/names.js';
import { apiChannel, eventChannel } from '../main/channels.js';
import type { ApiEnvelope } from '../main/channels.js';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/** Every event of the contract. */
export const BRIDGE_EVENTS: Readonly<Record<ApiEventName, true>> = Object.freeze(Object.fromEntries(API_EVENT_NAMES.map((e) => [e, true])) as Record<ApiEventName, true>);

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

  // One named function per method of the names module: the list the contract's types come from.
  const methods = Object.fromEntries(API_METHOD_NAMES.map((method) => [method, (args: ApiArgs<typeof method>) => call(method, args)]));
  const api = { ...methods, on } as CasebookApi;
  return Object.freeze(api);
}
