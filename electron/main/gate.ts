// The one gate every API call from the window passes through, free of Electron so it is tested
// as plain code. It refuses callers that are not the main frame of our window on the app's own
// origin, refuses names outside the contract, parses the argument with the contract's validator,
// forwards to the backend, and always answers with an envelope: a raw error never crosses IPC.
import { API_METHODS, ApiError, FAILURE_CODES, parseApiArgs } from '../../shared/src/api/index.js';
import type { ApiFailure, ApiMethod } from '../../shared/src/api/index.js';
import type { ApiEnvelope } from './channels.js';
import { isSameOrigin } from './origin.js';

export interface GateSender<F> {
  /** The frame that sent the message (Electron's `event.senderFrame`); null once it is gone. */
  frame: F | null;
  /** That frame's URL at the time of the call. */
  url: string | null | undefined;
}

export interface IpcGateOptions<F> {
  /** `scheme://host` of the app, e.g. `casebook://app`. */
  appOrigin: string;
  /** True only for the main frame of the app's window. */
  isMainFrame: (frame: F) => boolean;
  /** Runs a method with already-parsed arguments (in the backend process). */
  call: (method: ApiMethod, args: unknown) => Promise<unknown>;
  /** Where refusals and internal errors are reported (never to the window). */
  log?: (message: string, detail?: unknown) => void;
}

export interface IpcGate<F> {
  readonly methods: readonly ApiMethod[];
  handle(method: string, sender: GateSender<F>, rawArgs: unknown): Promise<ApiEnvelope>;
}

const FAILURE_CODE_SET: ReadonlySet<string> = new Set(FAILURE_CODES);
const METHODS: ReadonlySet<string> = new Set(API_METHODS);

export const INTERNAL_FAILURE: ApiFailure = {
  code: 'internal',
  message: 'Something went wrong in the backend; the details are in the application log.',
};

export const REFUSED_SENDER: ApiFailure = {
  code: 'bad_request',
  message: 'Refused: the call did not come from the Casebook window.',
};

/** Copies a failure field by field so nothing but plain, expected data goes back to the window. */
export function safeFailure(failure: ApiFailure): ApiFailure {
  if (!FAILURE_CODE_SET.has(failure.code) || typeof failure.message !== 'string') return INTERNAL_FAILURE;
  const out: ApiFailure = { code: failure.code, message: failure.message.slice(0, 2000) };
  if (Array.isArray(failure.issues)) {
    out.issues = failure.issues.slice(0, 50).map((i) => ({ path: String(i.path).slice(0, 200), message: String(i.message).slice(0, 500) }));
  }
  return out;
}

export function createIpcGate<F>(options: IpcGateOptions<F>): IpcGate<F> {
  const log = options.log ?? (() => undefined);

  function refuse(method: string, reason: string): ApiEnvelope {
    log(`casebook: refused IPC call to "${method.slice(0, 80)}": ${reason}`);
    return { ok: false, error: REFUSED_SENDER };
  }

  return {
    methods: API_METHODS,
    async handle(method, sender, rawArgs) {
      if (typeof method !== 'string' || !METHODS.has(method)) {
        return { ok: false, error: { code: 'bad_request', message: `unknown API method "${String(method).slice(0, 80)}"` } };
      }
      if (sender.frame === null || sender.frame === undefined) return refuse(method, 'the sending frame is gone');
      if (!isSameOrigin(sender.url, options.appOrigin)) return refuse(method, `foreign origin ${String(sender.url).slice(0, 200)}`);
      let mainFrame = false;
      try {
        mainFrame = options.isMainFrame(sender.frame);
      } catch {
        mainFrame = false;
      }
      if (!mainFrame) return refuse(method, 'not the main frame of the app window');

      let args: unknown;
      try {
        args = parseApiArgs(method, rawArgs);
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: safeFailure(error.failure) };
        log(`casebook: validator of ${method} threw`, error);
        return { ok: false, error: INTERNAL_FAILURE };
      }

      try {
        const result = await options.call(method as ApiMethod, args);
        return { ok: true, result };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: safeFailure(error.failure) };
        log(`casebook: ${method} failed`, error);
        return { ok: false, error: INTERNAL_FAILURE };
      }
    },
  };
}
