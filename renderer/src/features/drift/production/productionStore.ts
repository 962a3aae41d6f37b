// The Production tab's state: trace files imported (each file's result: imported, duplicates, bad lines
// with their numbers), the watched folder, the chart the controls ask for, the segment clicked (a
// bucket × a series) and the traces behind it a page at a time, and the trace open.
import { createStore } from 'zustand/vanilla';
import type { ApiEvents, ApiFailure, CasebookApi } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import type { TraceChart, TraceDetail, TraceImportResult, TraceSummary, TraceWatchState } from '../../../../../shared/src/api/records.js';
import { bucketLabel, chartArgs, segmentArgs, seriesName, type ChartArgs, type ChartControls, type ChartMode, type TraceListArgs } from './chartOption';

export const TRACE_PAGE = 50;

export interface TraceFile {
  name: string;
  content: string;
  encoding: 'text' | 'base64';
}

export interface ImportOutcome {
  name: string;
  result: TraceImportResult | null;
  error: ApiFailure | null;
}

export interface Segment {
  bucketIndex: number;
  seriesIndex: number | null;
  /** "issue_type = refund · 5 Mar" */
  label: string;
}

export interface ProductionState {
  controls: ChartControls;
  mode: ChartMode;
  /** The call the chart shown answered. */
  request: ChartArgs | null;
  chart: TraceChart | null;
  chartLoading: boolean;
  chartError: ApiFailure | null;

  segment: Segment | null;
  listArgs: TraceListArgs | null;
  traces: TraceSummary[];
  matching: number;
  nextCursor: string | null;
  tracesLoading: boolean;
  loadingMore: boolean;
  tracesError: ApiFailure | null;

  openSeq: number | null;
  trace: TraceDetail | null;
  traceError: ApiFailure | null;

  importing: string | null;
  imports: ImportOutcome[];

  watch: TraceWatchState | null;
  watchError: ApiFailure | null;
  watchBusy: boolean;

  setControls(controls: Partial<ChartControls>): void;
  setMode(mode: ChartMode): void;
  loadChart(): Promise<void>;
  select(bucketIndex: number, seriesIndex: number | null): Promise<void>;
  clearSelection(): void;
  loadMore(): Promise<void>;
  openTrace(seq: number): Promise<void>;
  closeTrace(): void;
  importFiles(files: TraceFile[]): Promise<void>;
  dismissImports(): void;
  loadWatch(): Promise<void>;
  watchFolder(path: string | null): Promise<void>;
  onDriftChanged(event: ApiEvents['driftChanged']): void;
}

export function createProductionStore(api: CasebookApi, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  let chartGeneration = 0;
  let listGeneration = 0;
  let traceGeneration = 0;
  return createStore<ProductionState>()((set, get) => ({
    controls: { metric: 'field', field: null, bucket: 'day', window: 30, origin: 'production' },
    mode: 'count',
    request: null,
    chart: null,
    chartLoading: false,
    chartError: null,
    segment: null,
    listArgs: null,
    traces: [],
    matching: 0,
    nextCursor: null,
    tracesLoading: false,
    loadingMore: false,
    tracesError: null,
    openSeq: null,
    trace: null,
    traceError: null,
    importing: null,
    imports: [],
    watch: null,
    watchError: null,
    watchBusy: false,

    setControls(controls) {
      set({ controls: { ...get().controls, ...controls } });
      void get().loadChart();
    },

    setMode(mode) {
      set({ mode });
    },

    async loadChart() {
      const { controls } = get();
      // A field's chart waits for its field.
      if (controls.metric === 'field' && !controls.field) return;
      const me = ++chartGeneration;
      listGeneration++;
      const request = chartArgs(controls, now());
      set({ chartLoading: true, chartError: null, segment: null, listArgs: null, traces: [], matching: 0, nextCursor: null, tracesError: null, tracesLoading: false, loadingMore: false });
      try {
        const chart = await api.traceChart(request);
        if (me !== chartGeneration) return;
        set({ chart, request, chartLoading: false });
      } catch (error) {
        if (me !== chartGeneration) return;
        set({ chart: null, request: null, chartLoading: false, chartError: toFailure(error) });
      }
    },

    async select(bucketIndex, seriesIndex) {
      const { chart, request } = get();
      if (!chart || !request || chart.buckets[bucketIndex] === undefined) return;
      const listArgs = { ...segmentArgs(request, chart, bucketIndex, seriesIndex), limit: TRACE_PAGE };
      const series = seriesIndex === null || chart.metric === 'latency' ? null : chart.series[seriesIndex];
      const what = series ? (chart.metric === 'field' ? `${chart.field ?? ''} = ${seriesName(chart, series)}` : seriesName(chart, series)) : 'all traces';
      const label = `${what} · ${bucketLabel(chart.buckets[bucketIndex]!, chart.bucket)}`;
      const me = ++listGeneration;
      set({ segment: { bucketIndex, seriesIndex: series ? seriesIndex : null, label }, listArgs, traces: [], matching: 0, nextCursor: null, tracesLoading: true, tracesError: null, loadingMore: false });
      try {
        const page = await api.listTraces(listArgs);
        if (me !== listGeneration) return;
        set({ traces: page.items, matching: page.matching, nextCursor: page.nextCursor, tracesLoading: false });
      } catch (error) {
        if (me !== listGeneration) return;
        set({ tracesLoading: false, tracesError: toFailure(error) });
      }
    },

    clearSelection() {
      listGeneration++;
      set({ segment: null, listArgs: null, traces: [], matching: 0, nextCursor: null, tracesLoading: false, loadingMore: false, tracesError: null });
    },

    async loadMore() {
      const { listArgs, nextCursor, loadingMore } = get();
      if (!listArgs || !nextCursor || loadingMore) return;
      const me = listGeneration;
      set({ loadingMore: true });
      try {
        const page = await api.listTraces({ ...listArgs, cursor: nextCursor });
        if (me !== listGeneration) return;
        set({ traces: [...get().traces, ...page.items], matching: page.matching, nextCursor: page.nextCursor, loadingMore: false });
      } catch (error) {
        if (me !== listGeneration) return;
        set({ loadingMore: false, tracesError: toFailure(error) });
      }
    },

    async openTrace(seq) {
      const me = ++traceGeneration;
      set({ openSeq: seq, trace: null, traceError: null });
      try {
        const trace = await api.getTrace({ seq });
        if (me === traceGeneration) set({ trace });
      } catch (error) {
        if (me === traceGeneration) set({ traceError: toFailure(error) });
      }
    },

    closeTrace() {
      traceGeneration++;
      set({ openSeq: null, trace: null, traceError: null });
    },

    async importFiles(files) {
      const outcomes: ImportOutcome[] = [];
      for (const file of files) {
        set({ importing: file.name });
        try {
          const result = await api.importTraces({ file: { name: file.name, content: file.content, encoding: file.encoding } });
          outcomes.push({ name: file.name, result, error: null });
        } catch (error) {
          outcomes.push({ name: file.name, result: null, error: toFailure(error) });
        }
        set({ imports: [...outcomes] });
      }
      set({ importing: null });
      if (outcomes.some((o) => o.result && o.result.imported > 0)) void get().loadChart();
    },

    dismissImports() {
      set({ imports: [] });
    },

    async loadWatch() {
      try {
        set({ watch: await api.getTraceWatch({}), watchError: null });
      } catch (error) {
        set({ watchError: toFailure(error) });
      }
    },

    async watchFolder(path) {
      set({ watchBusy: true, watchError: null });
      try {
        set({ watch: await api.watchTraceFolder({ path }), watchBusy: false });
      } catch (error) {
        set({ watchBusy: false, watchError: toFailure(error) });
      }
    },

    onDriftChanged(event) {
      if (event.kind !== 'traces') return;
      void get().loadWatch();
      // New traces: the chart again (the traces listed stay until the person picks again).
      if (!get().chartLoading && get().segment === null) void get().loadChart();
    },
  }));
}
