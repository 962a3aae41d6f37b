// For tests, until the backend of issue 12 lands: the window's API with compareRuns, getRunPair and
// startRun-with-`against` answered by an in-memory fake, everything else by the API it wraps (the real
// backend, in component tests). The fake keeps to the contract's records and failures (ApiCallError,
// as the HTTP client throws), records its calls, filters and pages the changed messages as the
// contract says (field, from/to, validityChanged; cursor and limit). Seeded with runs, it lists those
// (and the runs it started) instead of the backend's; without, the backend's.
import type { ApiFailure, ApiParsedArgs, CasebookApi, JsonValue, RunRecord } from '../../api/contract';
import { ApiCallError } from '../../api/errors';
import type { RunComparison, RunComparisonItem, RunPair } from '../../../../shared/src/api/records.js';

type Method = 'compareRuns' | 'getRunPair' | 'startRun' | 'listRuns';

export interface DriftFakeState {
  runs: RunRecord[];
  /** The comparison of any two runs: its counts and every changed message (the fake filters and pages them). */
  comparison: Omit<RunComparison, 'a' | 'b' | 'items' | 'matching' | 'nextCursor'> & { items: RunComparisonItem[] };
  pairs: Map<string, Omit<RunPair, 'runs'>>;
}

export interface DriftFake {
  api: CasebookApi;
  state: DriftFakeState;
  calls: { method: Method; args: unknown }[];
  callsOf<M extends Method>(method: M): ApiParsedArgs<M>[];
  failNext(method: Method, failure: ApiFailure): void;
}

export function runRecord(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    kind: 'extract',
    status: 'done',
    total: 140,
    done: 140,
    failed: 0,
    createdAt: '2026-03-01T10:00:00.000Z',
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:01:00.000Z',
    error: null,
    rulebook: { version: null, hash: 'sha256:1a2b3c4d5e6f' },
    provider: 'embedded',
    model: 'embedded-knn',
    ...extra,
  };
}

const same = (x: JsonValue | undefined, y: JsonValue | undefined) => JSON.stringify(x) === JSON.stringify(y);

export function createDriftFake(base: CasebookApi, seed: Partial<DriftFakeState> = {}): DriftFake {
  const state: DriftFakeState = {
    runs: seed.runs ?? [],
    comparison: seed.comparison ?? { overlap: 0, changed: 0, validity: { becameInvalid: 0, becameValid: 0 }, fields: [], unknownKeys: [], items: [] },
    pairs: seed.pairs ?? new Map(),
  };
  const calls: DriftFake['calls'] = [];
  const failures = new Map<Method, ApiFailure[]>();
  let started = 0;

  const runOf = (id: string): RunRecord => {
    const run = state.runs.find((r) => r.id === id);
    if (!run) throw new ApiCallError({ code: 'not_found', message: `no run with id ${id}` });
    return run;
  };

  const handlers = {
    async listRuns(args: ApiParsedArgs<'listRuns'>) {
      if (!seed.runs) return base.listRuns(args);
      return [...state.runs].sort((x, y) => y.createdAt.localeCompare(x.createdAt)).slice(0, args.limit);
    },
    async startRun(args: ApiParsedArgs<'startRun'>) {
      if (!args.against) return base.startRun(args);
      const run = runRecord(`compare-${++started}`, {
        kind: 'compare',
        status: 'queued',
        done: 0,
        createdAt: new Date(Date.UTC(2026, 3, 1, 10, started)).toISOString(),
        finishedAt: null,
        rulebook: { version: args.against.version === 'draft' ? null : args.against.version, hash: 'sha256:9f8e7d6c5b4a' },
        provider: args.against.provider ?? 'embedded',
        model: args.against.model ?? '',
      });
      state.runs.push(run);
      return run;
    },
    compareRuns(args: ApiParsedArgs<'compareRuns'>): RunComparison {
      const c = state.comparison;
      const matches = c.items.filter((item) => {
        if (args.validityChanged && item.a.valid === item.b.valid) return false;
        if (args.field === undefined) return true;
        if (!item.changedFields.includes(args.field)) return false;
        if (args.from !== undefined && !same(item.a.output[args.field], args.from)) return false;
        if (args.to !== undefined && !same(item.b.output[args.field], args.to)) return false;
        return true;
      });
      const start = args.cursor ? Number(args.cursor) : 0;
      const end = start + args.limit;
      return { ...c, a: runOf(args.a), b: runOf(args.b), matching: matches.length, items: matches.slice(start, end), nextCursor: end < matches.length ? String(end) : null };
    },
    getRunPair(args: ApiParsedArgs<'getRunPair'>): RunPair {
      const pair = state.pairs.get(args.messageId);
      if (!pair) throw new ApiCallError({ code: 'not_found', message: `message ${args.messageId} is in neither run` });
      return { ...pair, runs: { a: runOf(args.a), b: runOf(args.b) } };
    },
  };

  const api = new Proxy(base, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in handlers) {
        const method = prop as Method;
        return async (raw: unknown) => {
          // Defaults filled in as the contract's validators would.
          const args = method === 'compareRuns' ? { limit: 100, ...(raw as object) } : method === 'listRuns' ? { limit: 20, ...(raw as object) } : raw;
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
