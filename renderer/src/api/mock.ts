// An in-memory implementation of the typed API, for component tests and for running the UI without a
// backend (`vite --mode mock`). Arguments go through the contract's own validators, so a component
// that sends what the real backend would refuse fails here too.
import { ApiError, parseApiArgs } from '../../../shared/src/api/contract.js';
import type {
  ApiArgs,
  ApiEventName,
  ApiEvents,
  ApiFailure,
  ApiMethod,
  ApiParsedArgs,
  ApiResults,
  AppInfo,
  CasebookApi,
  Counts,
  DraftRulebook,
  ExtractionRecord,
  MessageRecord,
  MessageSummary,
  ProviderSettings,
  ReviewStatus,
} from './contract';
import { REVIEW_STATUSES } from './contract';
import { ApiCallError } from './errors';
import { EventHub } from './eventHub';
import { createImportHandlers } from './mockImport';
import { createRunHandlers } from './mockRuns';
import { createMockContext, type MockContext } from './mockState';
import { createTeachHandlers } from './mockTeach';

export interface MockData {
  appInfo: AppInfo;
  messages: MessageRecord[];
  /** The latest extraction per message id. */
  extractions: Map<string, ExtractionRecord>;
  rulebook: DraftRulebook;
  settings: ProviderSettings;
}

export interface MockApi extends CasebookApi {
  readonly data: MockData;
  /** Every call, in order, with its parsed arguments. */
  readonly calls: { method: ApiMethod; args: unknown }[];
  /** Push an event to the window as the backend would. */
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  /** Make the next call of `method` fail with this failure. */
  failNext(method: ApiMethod, failure: ApiFailure): void;
  /** Rules, precedents (with deleted ones), runs, and messages whose extraction fails in a run. */
  readonly state: MockContext;
}

export interface MockOptions {
  latencyMs?: number;
  /** Milliseconds per message in a run (default: latencyMs, or 0). */
  runStepMs?: number;
  /** Who corrections and imported precedents are by. */
  author?: string;
}

function filterMessages(data: MockData, args: Pick<ApiParsedArgs<'listMessages'>, 'status' | 'valid' | 'field' | 'search'>): MessageRecord[] {
  return data.messages.filter((m) => {
    const extraction = data.extractions.get(m.id) ?? null;
    if (args.status && m.status !== args.status) return false;
    if (args.valid !== undefined && (extraction === null || extraction.valid !== args.valid)) return false;
    // As the backend: a missing field counts as null.
    if (args.field && (extraction === null || (extraction.output[args.field.name] ?? null) !== args.field.value)) return false;
    if (args.search) {
      const q = args.search.toLowerCase();
      const hay = `${m.subject ?? ''}\n${m.sender ?? ''}\n${m.text}`.toLowerCase();
      if (!q.split(/\s+/).filter(Boolean).every((word) => hay.includes(word))) return false;
    }
    return true;
  });
}

export function createMockApi(data: MockData, options: MockOptions = {}): MockApi {
  const hub = new EventHub();
  const calls: { method: ApiMethod; args: unknown }[] = [];
  const failures = new Map<ApiMethod, ApiFailure[]>();
  let apiKey = '';
  const ctx = createMockContext(data, (event, payload) => hub.emit(event, payload), { runStepMs: options.runStepMs ?? options.latencyMs ?? 0, author: options.author });

  const handlers: { [M in ApiMethod]: (args: ApiParsedArgs<M>) => ApiResults[M] } = {
    getAppInfo: () => ({ ...data.appInfo, messageCount: data.messages.length }),
    getCounts: () => counts(data),
    listMessages: (args) => {
      let rows = filterMessages(data, args);
      const dir = args.sort === 'received_asc' ? 1 : -1;
      rows = rows.sort((a, b) => dir * (compare(a.receivedAt ?? '', b.receivedAt ?? '') || compare(a.id, b.id)));
      const offset = args.cursor ? Number(args.cursor) : 0;
      const page = rows.slice(offset, offset + args.limit);
      const next = offset + page.length;
      return { items: page.map((m) => summarise(m, data.extractions.get(m.id) ?? null)), nextCursor: next < rows.length ? String(next) : null, total: rows.length };
    },
    getMessage: ({ id }) => {
      const message = data.messages.find((m) => m.id === id);
      if (!message) throw new ApiCallError({ code: 'not_found', message: `no message "${id}"` });
      return { message: structuredClone(message), extraction: structuredClone(data.extractions.get(id) ?? null) };
    },
    getRulebook: () => structuredClone(data.rulebook),
    getSettings: () => ({ ...data.settings, hasApiKey: apiKey !== '' || data.settings.hasApiKey }),
    updateSettings: (args) => {
      data.settings = { ...data.settings, ...args };
      return handlers.getSettings({});
    },
    setApiKey: ({ apiKey: key }) => {
      apiKey = key;
      data.settings = { ...data.settings, hasApiKey: key !== '' };
      return { ...data.settings };
    },
    ...createTeachHandlers(ctx),
    ...createRunHandlers(ctx, (filter) => filterMessages(data, filter).map((m) => m.id)),
    ...createImportHandlers(ctx),
  };

  async function call(method: ApiMethod, raw: unknown): Promise<unknown> {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const failure = failures.get(method)?.shift();
    if (failure) throw new ApiCallError(failure);
    try {
      const args = parseApiArgs(method, raw);
      calls.push({ method, args });
      return (handlers[method] as (a: unknown) => unknown)(args);
    } catch (error) {
      if (error instanceof ApiError) throw new ApiCallError(error.failure);
      throw error;
    }
  }

  const api = {
    data,
    calls,
    state: ctx,
    on: hub.on.bind(hub),
    emit: hub.emit.bind(hub),
    failNext(method: ApiMethod, failure: ApiFailure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
  } as Record<string, unknown>;
  for (const method of Object.keys(handlers) as ApiMethod[]) {
    api[method] = (args: ApiArgs<typeof method>) => call(method, args);
  }
  return api as unknown as MockApi;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summarise(m: MessageRecord, extraction: ExtractionRecord | null): MessageSummary {
  return {
    id: m.id,
    subject: m.subject ?? null,
    sender: m.sender ?? null,
    preview: m.text.replace(/\s+/g, ' ').trim().slice(0, 160),
    receivedAt: m.receivedAt,
    status: m.status,
    output: extraction ? structuredClone(extraction.output) : null,
    valid: extraction ? extraction.valid : null,
  };
}

function counts(data: MockData): Counts {
  const byStatus = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, 0])) as Record<ReviewStatus, number>;
  let invalid = 0;
  for (const m of data.messages) {
    byStatus[m.status] += 1;
    if (data.extractions.get(m.id)?.valid === false) invalid += 1;
  }
  return { total: data.messages.length, byStatus, invalid };
}
