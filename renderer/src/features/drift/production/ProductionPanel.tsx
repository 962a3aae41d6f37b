// The Drift screen's Production tab: import trace files or watch a folder of them, chart the traces
// (or the workspace's own runs) over time by hour, day or week (a field's values, the invalid share,
// unknown keys, rulebook versions, models, latency), click a bar segment to list its traces, open one.
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { useRulebook, useStores } from '../../../stores';
import { buildChartOption, isEmptyChart, METRIC_LABELS, type ChartControls, type Metric, type WindowDays } from './chartOption';
import { ChartTable, UnknownKeyList } from './ChartTable';
import { TraceDetailDialog, TraceList } from './TraceList';
import { TraceImport, TraceWatch } from './TraceSources';
import type { ProductionState } from './productionStore';
import './production.css';

// echarts loads with the first chart, not with the app.
const TraceChartView = lazy(() => import('./TraceChartView').then((m) => ({ default: m.TraceChartView })));

const METRICS = Object.keys(METRIC_LABELS) as Metric[];
const WINDOWS: { value: WindowDays; label: string }[] = [
  { value: 7, label: 'Last 7 days' },
  { value: 30, label: 'Last 30 days' },
  { value: 90, label: 'Last 90 days' },
  { value: 'all', label: 'All time' },
];

export function ProductionPanel({ store }: { store: StoreApi<ProductionState> }) {
  const { api, navigation, inbox } = useStores();
  const s = useStore(
    store,
    useShallow((x) => ({
      controls: x.controls,
      mode: x.mode,
      chart: x.chart,
      chartLoading: x.chartLoading,
      chartError: x.chartError,
      segment: x.segment,
      traces: x.traces,
      matching: x.matching,
      nextCursor: x.nextCursor,
      tracesLoading: x.tracesLoading,
      loadingMore: x.loadingMore,
      tracesError: x.tracesError,
      openSeq: x.openSeq,
      trace: x.trace,
      traceError: x.traceError,
      importing: x.importing,
      imports: x.imports,
      watch: x.watch,
      watchError: x.watchError,
      watchBusy: x.watchBusy,
    })),
  );
  const fields = useRulebook((r) => r.rulebook?.schema.fields ?? null);
  const [showTable, setShowTable] = useState(false);

  // A field's chart needs a field: the first enum field of the schema (or its first field) to start.
  useEffect(() => {
    const { controls } = store.getState();
    if (controls.field || !fields?.length) return;
    const first = fields.find((f) => f.type === 'enum') ?? fields[0]!;
    store.getState().setControls({ field: first.name });
  }, [fields, store]);

  useEffect(() => {
    const st = store.getState();
    if (!st.chart && !st.chartLoading && !st.chartError) void st.loadChart();
    void st.loadWatch();
    return api.on('driftChanged', (event) => store.getState().onDriftChanged(event));
  }, [api, store]);

  const option = useMemo(() => (s.chart ? buildChartOption(s.chart, s.mode) : null), [s.chart, s.mode]);
  const set = (c: Partial<ChartControls>) => store.getState().setControls(c);
  const c = s.controls;

  const openInReview = (messageId: string) => {
    store.getState().closeTrace();
    navigation.getState().go('inbox');
    inbox.getState().select(messageId);
  };

  return (
    <div className="production" data-testid="drift-production">
      <div className="production-sources">
        <TraceImport importing={s.importing} imports={s.imports} onImport={(files) => void store.getState().importFiles(files)} onDismiss={() => store.getState().dismissImports()} />
        <TraceWatch watch={s.watch} error={s.watchError} busy={s.watchBusy} onWatch={(path) => void store.getState().watchFolder(path)} />
      </div>

      <form className="production-controls" aria-label="Chart" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Metric</span>
          <select className="input" value={c.metric} data-testid="trace-metric" onChange={(e) => set({ metric: e.target.value as Metric })}>
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        {c.metric === 'field' ? (
          <label>
            <span>Field</span>
            <select className="input" value={c.field ?? ''} data-testid="trace-field" onChange={(e) => set({ field: e.target.value })}>
              {c.field === null ? <option value="">…</option> : null}
              {(fields ?? []).map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          <span>By</span>
          <select className="input" value={c.bucket} data-testid="trace-bucket" onChange={(e) => set({ bucket: e.target.value as ChartControls['bucket'] })}>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
            <option value="week">Week</option>
          </select>
        </label>
        <label>
          <span>Window</span>
          <select className="input" value={String(c.window)} data-testid="trace-window" onChange={(e) => set({ window: e.target.value === 'all' ? 'all' : (Number(e.target.value) as WindowDays) })}>
            {WINDOWS.map((w) => (
              <option key={w.value} value={String(w.value)}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Traces of</span>
          <select className="input" value={c.origin} data-testid="trace-origin" onChange={(e) => set({ origin: e.target.value === 'runs' ? 'runs' : 'production' })}>
            <option value="production">Production</option>
            <option value="runs">This workspace’s runs</option>
          </select>
        </label>
        {c.metric !== 'latency' ? (
          <fieldset className="production-mode">
            <legend>Show</legend>
            <label className="checkbox">
              <input type="radio" name="trace-mode" checked={s.mode === 'count'} data-testid="trace-mode-count" onChange={() => store.getState().setMode('count')} /> Counts
            </label>
            <label className="checkbox">
              <input type="radio" name="trace-mode" checked={s.mode === 'share'} data-testid="trace-mode-share" onChange={() => store.getState().setMode('share')} /> Shares
            </label>
          </fieldset>
        ) : null}
      </form>

      {s.chartError ? (
        <ErrorState
          title={s.chartError.code === 'unavailable' ? 'Production traces are not available here yet' : 'The chart could not be made'}
          failure={s.chartError}
          onRetry={() => void store.getState().loadChart()}
        />
      ) : c.metric === 'field' && !c.field ? (
        fields && fields.length === 0 ? (
          <EmptyState title="The schema has no fields to chart" testId="trace-no-fields">
            Add a field in Rulebook › Fields.
          </EmptyState>
        ) : (
          <Loading label="Loading the schema…" />
        )
      ) : !s.chart || !option ? (
        <Loading label="Making the chart…" />
      ) : isEmptyChart(s.chart) ? (
        <EmptyState title={c.origin === 'production' ? 'No production traces in this window' : 'No extractions in this window'} testId="trace-chart-empty">
          {c.origin === 'production' ? 'Import the trace log the runtime writes, or watch its folder; or pick a longer window.' : 'Run the inbox’s messages, or pick a longer window.'}
        </EmptyState>
      ) : (
        <div className="production-chart" aria-busy={s.chartLoading}>
          <Suspense fallback={<Loading label="Loading the chart…" />}>
            <TraceChartView option={option} onSegment={(b, series) => void store.getState().select(b, series)} />
          </Suspense>
          <p className="muted production-hint">Click a bar segment (or a cell of the table) to list its traces.</p>
          <button type="button" className="button button-small" aria-expanded={showTable} data-testid="trace-table-toggle" onClick={() => setShowTable((v) => !v)}>
            {showTable ? 'Hide the table' : 'Show as a table'}
          </button>
          {showTable ? <ChartTable chart={s.chart} mode={s.mode} selected={s.segment} onSegment={(b, series) => void store.getState().select(b, series)} /> : null}
          {s.chart.metric === 'unknown_keys' ? <UnknownKeyList chart={s.chart} /> : null}
        </div>
      )}

      {s.segment ? (
        <TraceList
          label={s.segment.label}
          items={s.traces}
          matching={s.matching}
          loading={s.tracesLoading}
          loadingMore={s.loadingMore}
          error={s.tracesError}
          hasMore={s.nextCursor !== null}
          onOpen={(seq) => void store.getState().openTrace(seq)}
          onLoadMore={() => void store.getState().loadMore()}
          onClear={() => store.getState().clearSelection()}
          onRetry={() => void store.getState().select(s.segment!.bucketIndex, s.segment!.seriesIndex)}
        />
      ) : null}

      {s.openSeq !== null ? (
        <TraceDetailDialog
          trace={s.trace}
          error={s.traceError}
          onClose={() => store.getState().closeTrace()}
          onRetry={() => void store.getState().openTrace(s.openSeq!)}
          onOpenInReview={openInReview}
        />
      ) : null}
    </div>
  );
}
