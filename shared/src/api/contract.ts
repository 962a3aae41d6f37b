// The one typed API between the window and the backend. Every method is named here with its
// argument validator and result type. The Electron preload and the browser host's HTTP adapter
// both implement exactly this; the renderer cannot tell them apart. Arguments are `unknown` until
// the backend has parsed them with these validators.
import { z } from 'zod';
import type { AppInfo, Counts, DraftRulebook, MessageDetail, MessagePage, ProviderSettings } from './records.js';
import { REVIEW_STATUSES } from './records.js';

const id = z.string().min(1).max(200);
const text = (max: number) => z.string().max(max);

export const listMessagesArgs = z
  .object({
    status: z.enum(REVIEW_STATUSES as [string, ...string[]]).optional(),
    valid: z.boolean().optional(),
    field: z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), value: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]) }).strict().optional(),
    search: text(500).optional(),
    sort: z.enum(['received_desc', 'received_asc']).default('received_desc'),
    cursor: text(500).nullable().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

export const apiArgs = {
  getAppInfo: z.object({}).strict(),
  getCounts: z.object({}).strict(),
  listMessages: listMessagesArgs,
  getMessage: z.object({ id }).strict(),
  getRulebook: z.object({}).strict(),
  getSettings: z.object({}).strict(),
  updateSettings: z
    .object({
      provider: z.enum(['embedded', 'openai']).optional(),
      baseURL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
      model: text(200).optional(),
      k: z.number().int().min(0).max(50).optional(),
      concurrency: z.number().int().min(1).max(32).optional(),
    })
    .strict(),
  /** Write-only: the key is stored encrypted in the backend and never returned. */
  setApiKey: z.object({ apiKey: z.string().max(500) }).strict(),
} as const;

export interface ApiResults {
  getAppInfo: AppInfo;
  getCounts: Counts;
  listMessages: MessagePage;
  getMessage: MessageDetail;
  getRulebook: DraftRulebook;
  getSettings: ProviderSettings;
  updateSettings: ProviderSettings;
  setApiKey: ProviderSettings;
}

export type ApiMethod = keyof typeof apiArgs;
export const API_METHODS = Object.keys(apiArgs) as ApiMethod[];
/** What a caller passes (defaults may be left out). */
export type ApiArgs<M extends ApiMethod> = z.input<(typeof apiArgs)[M]>;
/** What a handler receives, after parsing. */
export type ApiParsedArgs<M extends ApiMethod> = z.output<(typeof apiArgs)[M]>;

/** Events the backend pushes to the window (progress of long work). */
export interface ApiEvents {
  runProgress: { runId: string; done: number; failed: number; total: number; ratePerSecond: number; etaSeconds: number | null; status: string };
  messagesChanged: { reason: string };
}
export type ApiEventName = keyof ApiEvents;
export const API_EVENTS: readonly ApiEventName[] = ['runProgress', 'messagesChanged'];

/** The API as the renderer sees it: one named async function per method, and event subscription. */
export type CasebookApi = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResults[M]> } & {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

/** The backend's side: one handler per method, receiving parsed arguments. */
export type ApiHandlers = { [M in ApiMethod]: (args: ApiParsedArgs<M>) => Promise<ApiResults[M]> | ApiResults[M] };

/** An API failure as it crosses the boundary: a code the UI can act on and a message a person can read. */
export interface ApiFailure {
  code: 'bad_request' | 'not_found' | 'conflict' | 'unavailable' | 'internal';
  message: string;
  /** For bad_request: which argument was wrong. */
  issues?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
    this.name = 'ApiError';
  }
}

/**
 * Parses a method's raw argument. Throws ApiError('bad_request') naming each wrong argument.
 * Unknown methods are refused too: the gate never dispatches a name outside the contract.
 */
export function parseApiArgs<M extends ApiMethod>(method: M, raw: unknown): ApiParsedArgs<M>;
export function parseApiArgs(method: string, raw: unknown): unknown;
export function parseApiArgs(method: string, raw: unknown): unknown {
  if (!Object.prototype.hasOwnProperty.call(apiArgs, method)) {
    throw new ApiError({ code: 'bad_request', message: `unknown API method "${method}"` });
  }
  const schema = apiArgs[method as ApiMethod];
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(arguments)', message: i.message }));
    throw new ApiError({ code: 'bad_request', message: `${method}: invalid arguments: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues });
  }
  return result.data;
}
