// For tests, until the backend of the rest of issue 12 lands: the window's API with the repeat runs
// (start/get/cancelConsistency), replays (start/get/cancel/listReplays) and regressionBoard answered
// by an in-memory fake, and listVersions too when seeded with versions; everything else by the API
// it wraps (the real backend, in component tests; its events, driftChanged included, pass through).
// The fake keeps to the contract's records and failures (ApiCallError, as the HTTP client throws),
// records its calls, fills in the validators' defaults, and pages items by cursor and limit.
import type { ApiFailure, ApiParsedArgs, CasebookApi } from '../../../api/contract';
import { ApiCallError } from '../../../api/errors';
import type { ConsistencyItem, ConsistencyReport, RegressionBoard, ReplayItem, ReplayReport, VersionSummary } from '../../../../../shared/src/api/records.js';
import { runRecord } from '../fakeDriftApi';

type Method = 'startConsistency' | 'getConsistency' | 'cancelConsistency' | 'startReplay' | 'getReplay' | 'cancelReplay' | 'listReplays' | 'regressionBoard' | 'listVersions';

export interface InvestigateFakeState {
  /** The report every repeat run started answers with (its status as the test sets it). */
  consistency: Omit<ConsistencyReport, 'items' | 'nextCursor'> & { items: ConsistencyItem[] };
  /** Replays by id, newest first; each with every differing item (the fake narrows and pages them). */
  replays: (Omit<ReplayReport, 'items' | 'nextCursor'> & { items: ReplayItem[] })[];
  /** The replay startReplay makes (queued, added to `replays`). */
  nextReplay: Omit<ReplayReport, 'items' | 'nextCursor'> & { items: ReplayItem[] };
  /** The board per version ("draft" or the number as text). */
  boards: Map<string, RegressionBoard>;
  /** Published versions; when absent, the backend's. */
  versions: VersionSummary[] | null;
}

export interface InvestigateFake {
  api: CasebookApi;
  state: InvestigateFakeState;
  calls: { method: Method; args: unknown }[];
  callsOf<M extends Method>(method: M): ApiParsedArgs<M>[];
  failNext(method: Method, failure: ApiFailure): void;
}

export function consistencyReport(extra: Partial<InvestigateFakeState['consistency']> = {}): InvestigateFakeState['consistency'] {
  return {
    id: 'cons-1',
    status: 'done',
    repeats: 3,
    varySeed: true,
    runs: [1, 2, 3].map((i) => runRecord(`cons-run-${i}`, { kind: 'compare', total: 4, done: 4 })),
    messages: 4,
    unstable: 0,
    fields: [],
    items: [],
    ...extra,
  };
}

export function replayReport(id: string, extra: Partial<InvestigateFakeState['nextReplay']> = {}): InvestigateFakeState['nextReplay'] {
  return {
    id,
    status: 'done',
    rulebook: { version: null, hash: 'sha256:9f8e7d6c5b4a' },
    provider: 'embedded',
    model: '',
    total: 0,
    done: 0,
    skipped: 0,
    same: 0,
    differ: 0,
    attribution: { rulebook: 0, model: 0, traffic: 0 },
    error: null,
    items: [],
    ...extra,
  };
}

export function versionSummary(version: number, extra: Partial<VersionSummary> = {}): VersionSummary {
  return {
    rulebookId: 'tidewell-support',
    version,
    hash: `sha256:${String(version).repeat(12)}`,
    parent: version > 1 ? { version: version - 1, hash: `sha256:${String(version - 1).repeat(12)}` } : null,
    publishedAt: `2026-0${Math.min(9, version)}-01T10:00:00.000Z`,
    author: 'Priya',
    note: `release ${version}`,
    labels: [],
    keyId: null,
    gate: null,
    counts: { fields: 4, rules: 3, precedents: 500 },
    ...extra,
  };
}

function page<T>(items: T[], cursor: string | null | undefined, limit: number): { items: T[]; nextCursor: string | null } {
  const start = cursor ? Number(cursor) : 0;
  const end = start + limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
}

export function createInvestigateFake(base: CasebookApi, seed: Partial<InvestigateFakeState> = {}): InvestigateFake {
  const state: InvestigateFakeState = {
    consistency: seed.consistency ?? consistencyReport(),
    replays: seed.replays ?? [],
    nextReplay: seed.nextReplay ?? replayReport('replay-new', { status: 'queued' }),
    boards: seed.boards ?? new Map(),
    versions: seed.versions ?? null,
  };
  const calls: InvestigateFake['calls'] = [];
  const failures = new Map<Method, ApiFailure[]>();

  const consistencyPage = (cursor: string | null | undefined, limit: number): ConsistencyReport => ({ ...state.consistency, ...page(state.consistency.items, cursor, limit) });
  const replayOf = (id: string) => {
    const r = state.replays.find((x) => x.id === id);
    if (!r) throw new ApiCallError({ code: 'not_found', message: `no replay with id ${id}` });
    return r;
  };
  const strip = (r: InvestigateFakeState['nextReplay']): ReplayReport => ({ ...r, items: [], nextCursor: null });

  const handlers = {
    startConsistency: (): ConsistencyReport => consistencyPage(null, 100),
    getConsistency: (args: ApiParsedArgs<'getConsistency'>): ConsistencyReport => {
      if (args.id !== state.consistency.id) throw new ApiCallError({ code: 'not_found', message: `no repeat run with id ${args.id}` });
      return consistencyPage(args.cursor, args.limit);
    },
    cancelConsistency: (): ConsistencyReport => {
      state.consistency = { ...state.consistency, status: 'cancelled' };
      return consistencyPage(null, 100);
    },
    startReplay: (): ReplayReport => {
      state.replays = [state.nextReplay, ...state.replays.filter((r) => r.id !== state.nextReplay.id)];
      return strip(state.nextReplay);
    },
    getReplay: (args: ApiParsedArgs<'getReplay'>): ReplayReport => {
      const r = replayOf(args.id);
      const items = args.attribution ? r.items.filter((i) => i.attribution === args.attribution) : r.items;
      return { ...r, ...page(items, args.cursor, args.limit) };
    },
    cancelReplay: (args: ApiParsedArgs<'cancelReplay'>): ReplayReport => {
      const r = replayOf(args.id);
      r.status = 'cancelled';
      return strip(r);
    },
    listReplays: (): ReplayReport[] => state.replays.map(strip),
    regressionBoard: (args: ApiParsedArgs<'regressionBoard'>): RegressionBoard => {
      const board = state.boards.get(String(args.version));
      if (!board) throw new ApiCallError({ code: 'not_found', message: `no board for ${String(args.version)}` });
      return board;
    },
    listVersions: async (args: ApiParsedArgs<'listVersions'>) => (state.versions ? state.versions : base.listVersions(args)),
  };

  const defaults: Partial<Record<Method, object>> = {
    getConsistency: { limit: 100 },
    getReplay: { limit: 100 },
    startConsistency: { repeats: 3, varySeed: true, version: 'draft' },
    startReplay: { version: 'draft', limit: 10_000 },
  };

  const api = new Proxy(base, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in handlers) {
        const method = prop as Method;
        return async (raw: unknown) => {
          const args = { ...defaults[method], ...(raw as object) };
          calls.push({ method, args });
          await Promise.resolve();
          const failure = failures.get(method)?.shift();
          if (failure) throw new ApiCallError(failure);
          const result = await (handlers[method] as (a: unknown) => unknown)(args);
          // Through JSON, as every answer of a host is.
          return JSON.parse(JSON.stringify(result)) as unknown;
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });

  return {
    api,
    state,
    calls,
    callsOf: <M extends Method>(method: M) => calls.filter((c) => c.method === method).map((c) => c.args as ApiParsedArgs<M>),
    failNext: (method, failure) => void failures.set(method, [...(failures.get(method) ?? []), failure]),
  };
}
