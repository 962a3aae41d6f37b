// The IPC channel names between the preload bridge and the main process, and the envelope every
// API call returns. One channel per API method (`casebook:<method>`), one per event
// (`casebook:event:<name>`): there is no generic channel that takes a method name as data.
import type { ApiEventName, ApiFailure, ApiMethod } from '../../shared/src/api/index.js';

export const API_CHANNEL_PREFIX = 'casebook:';
export const EVENT_CHANNEL_PREFIX = 'casebook:event:';

export function apiChannel(method: ApiMethod): string {
  return API_CHANNEL_PREFIX + method;
}

export function eventChannel(event: ApiEventName): string {
  return EVENT_CHANNEL_PREFIX + event;
}

/** What crosses IPC for every call: never a raw thrown error. */
export type ApiEnvelope<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiFailure };
