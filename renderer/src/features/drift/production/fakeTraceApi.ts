// For tests of what the real trace backend cannot easily be made to answer (a chart with chosen
// series and dates, hundreds of bad lines, a failing import, a folder with a last error, the exact
// arguments of each call): the window's API with importTraces, watchTraceFolder, getTraceWatch,
// traceChart, listTraces and getTrace answered from what the test seeds, everything else by the API
// it wraps (the real backend). Records each call with the contract's defaults filled in; answers go
// through JSON, as a host's do; a failure can be queued per method (ApiCallError, as the HTTP client
// throws). The journeys over the real trace backend are in ProductionPanel.test.tsx too.
import type { ApiFailure, ApiParsedArgs, CasebookApi } from '../../../api/contract';
import { ApiCallError } from '../../../api/errors';
import type { TraceChart, TraceDetail, TraceImportResult, TraceSummary, TraceWatchState } from '../../../../../shared/src/api/records.js';

type Method = 'importTraces' | 'watchTraceFolder' | 'getTraceWatch' | 'traceChart' | 'listTraces' | 'getTrace';

export interface TraceFakeState {
  /** The answer to any import (per file name, else `import`). */
  imports: Map<string, TraceImportResult>;
  import: TraceImportResult;
  watch: TraceWatchState;
  /** The chart for a metric (the request's field and bucket are copied in). */
  charts: Partial<Record<TraceChart['metric'], TraceChart>>;
  /** Every trace listTraces pages through (the fake does not filter: the test checks the arguments). */
  traces: TraceSummary[];
  details: Map<number, TraceDetail>;
}

export interface TraceFake {
  api: CasebookApi;
  state: TraceFakeState;
  callsOf<M extends Method>(method: M): ApiParsedArgs<M>[];
  failNext(method: Method, failure: ApiFailure): void;
}

const DEFAULTS: Partial<Record<Method, object>> = {
  traceChart: { origin: 'production', bucket: 'day' },
  listTraces: { origin: 'production', limit: 100 },
};

export function emptyChart(metric: TraceChart['metric'] = 'field'): TraceChart {
  return { metric, field: null, bucket: 'day', buckets: [], totals: [], series: [], latency: metric === 'latency' ? [] : null };
}

export function createTraceFake(base: CasebookApi, seed: Partial<TraceFakeState> = {}): TraceFake {
  const state: TraceFakeState = {
    imports: seed.imports ?? new Map(),
    import: seed.import ?? { source: 'traces.jsonl', format: 'casebook-trace', imported: 0, duplicates: 0, bad: [], badCount: 0, from: null, to: null },
    watch: seed.watch ?? { path: null, files: [], lastScanAt: null, lastError: null, imported: 0 },
    charts: seed.charts ?? {},
    traces: seed.traces ?? [],
    details: seed.details ?? new Map(),
  };
  const calls: { method: Method; args: unknown }[] = [];
  const failures = new Map<Method, ApiFailure[]>();

  const handlers: { [M in Method]: (args: ApiParsedArgs<M>) => unknown } = {
    importTraces: (args) => state.imports.get(args.file.name) ?? { ...state.import, source: args.source ?? args.file.name },
    watchTraceFolder: (args) => {
      state.watch = args.path === null ? { ...state.watch, path: null } : { ...state.watch, path: args.path, lastScanAt: '2026-03-10T10:00:00.000Z' };
      return state.watch;
    },
    getTraceWatch: () => state.watch,
    traceChart: (args) => {
      const chart = state.charts[args.metric] ?? emptyChart(args.metric);
      return { ...chart, metric: args.metric, field: args.field ?? null, bucket: args.bucket };
    },
    listTraces: (args) => {
      const start = args.cursor ? Number(args.cursor) : 0;
      const end = start + args.limit;
      return { items: state.traces.slice(start, end), matching: state.traces.length, nextCursor: end < state.traces.length ? String(end) : null };
    },
    getTrace: (args) => {
      const detail = state.details.get(args.seq);
      if (!detail) throw new ApiCallError({ code: 'not_found', message: `no trace ${args.seq}` });
      return detail;
    },
  };

  const api = new Proxy(base, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in handlers) {
        const method = prop as Method;
        return async (raw: unknown) => {
          const args = { ...DEFAULTS[method], ...(raw as object) };
          calls.push({ method, args });
          await Promise.resolve();
          const failure = failures.get(method)?.shift();
          if (failure) throw new ApiCallError(failure);
          const result = (handlers[method] as (a: unknown) => unknown)(args);
          return JSON.parse(JSON.stringify(result)) as unknown;
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });

  return {
    api,
    state,
    callsOf: <M extends Method>(method: M) => calls.filter((c) => c.method === method).map((c) => c.args as ApiParsedArgs<M>),
    failNext: (method, failure) => void failures.set(method, [...(failures.get(method) ?? []), failure]),
  };
}
