// The production charts as data, kept pure so they can be tested without a canvas: the traceChart call
// the controls ask for, the echarts option drawn from a TraceChart (stacked bars of counts or shares
// per bucket, or latency as p50/p95 lines), and the listTraces call behind a clicked bar segment
// (the bucket's window and the series' filter).
import type { ApiArgs, JsonValue } from '../../../api/contract';
import type { TraceChart } from '../../../../../shared/src/api/records.js';

export type Metric = TraceChart['metric'];
export type Bucket = TraceChart['bucket'];
export type Origin = 'production' | 'runs';
/** Days back from now, or everything. */
export type WindowDays = 7 | 30 | 90 | 'all';
export type ChartMode = 'count' | 'share';

export interface ChartControls {
  metric: Metric;
  /** For the `field` metric. */
  field: string | null;
  bucket: Bucket;
  window: WindowDays;
  origin: Origin;
}

export const METRIC_LABELS: Record<Metric, string> = {
  field: 'A field’s values',
  invalid: 'Invalid share',
  unknown_keys: 'Unknown keys',
  version: 'Rulebook versions',
  model: 'Models',
  latency: 'Latency',
};

export const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

export type ChartArgs = ApiArgs<'traceChart'>;
export type TraceListArgs = ApiArgs<'listTraces'>;

/** The traceChart call for the controls, `now` fixing where "the last N days" start. */
export function chartArgs(c: ChartControls, now: Date): ChartArgs {
  const args: ChartArgs = { metric: c.metric, bucket: c.bucket, origin: c.origin };
  if (c.metric === 'field' && c.field) args.field = c.field;
  if (c.window !== 'all') args.from = new Date(now.getTime() - c.window * 86_400_000).toISOString();
  return args;
}

const utc = {
  hour: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  day: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric' }),
  year: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }),
};

/** A bucket's start as its axis label (UTC, as the buckets are): "5 Mar, 14:00", "5 Mar", "week of 2 Mar". */
export function bucketLabel(t: string, bucket: Bucket): string {
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) return t;
  if (bucket === 'hour') return utc.hour.format(date);
  if (bucket === 'day') return utc.day.format(date);
  return `week of ${utc.day.format(date)}`;
}

/** The bucket's time window, [from, to), within the chart's own window. */
export function bucketWindow(t: string, bucket: Bucket, within: { from?: string; to?: string } = {}): { from: string; to: string } {
  const start = new Date(t).getTime();
  let from = start;
  let to = start + BUCKET_MS[bucket];
  const lo = within.from ? Math.max(from, new Date(within.from).getTime()) : from;
  const hi = within.to ? Math.min(to, new Date(within.to).getTime()) : to;
  // A bucket outside the chart's window (it should not be there) keeps its own.
  if (lo < hi) [from, to] = [lo, hi];
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** A series' value as the filter listTraces takes for the chart's metric. */
export function seriesFilter(chart: Pick<TraceChart, 'metric' | 'field'>, series: { key: string; value: JsonValue }): Partial<TraceListArgs> {
  const { key, value } = series;
  switch (chart.metric) {
    case 'field':
      return chart.field ? { field: chart.field, value: typeof value === 'object' && value !== null ? JSON.stringify(value) : value } : {};
    case 'invalid':
      // The series are the invalid traces and the valid ones ("invalid"/"valid", or the validity as a boolean).
      if (/^invalid$/i.test(key)) return { valid: false };
      if (/^valid$/i.test(key)) return { valid: true };
      return typeof value === 'boolean' ? { valid: value } : {};
    case 'unknown_keys':
      return { unknownKey: typeof value === 'string' && value !== '' ? value : key };
    case 'version':
      // A trace logged without a version (or under the draft) counts as version 0.
      return { version: typeof value === 'number' ? value : 0 };
    case 'model':
      return { model: typeof value === 'string' ? value : '' };
    case 'latency':
      return {};
  }
}

/**
 * The listTraces call behind a clicked segment: bucket `bucketIndex` of the chart (its window, inside
 * the chart's own), narrowed to series `seriesIndex` (none for latency, whose lines are the bucket's
 * traces), with the same origin and source as the chart.
 */
export function segmentArgs(request: ChartArgs, chart: TraceChart, bucketIndex: number, seriesIndex: number | null): TraceListArgs {
  const t = chart.buckets[bucketIndex];
  if (t === undefined) throw new Error(`no bucket ${bucketIndex}`);
  const args: TraceListArgs = { origin: request.origin ?? 'production', ...bucketWindow(t, chart.bucket, { from: request.from, to: request.to }) };
  if (request.source) args.source = request.source;
  const series = seriesIndex === null ? undefined : chart.series[seriesIndex];
  if (series && chart.metric !== 'latency') Object.assign(args, seriesFilter(chart, series));
  return args;
}

/**
 * A series as people read it: a field's value as text (`billing`, `true`, `null`; free text as one
 * series), a version as `v3`, what was missing as such. The backend's key is the value's JSON.
 */
export function seriesName(chart: Pick<TraceChart, 'metric'>, series: { key: string; value: JsonValue }): string {
  const { key, value } = series;
  switch (chart.metric) {
    case 'field':
      if (key === '(text)' && value === '(text)') return '(free text)';
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'version':
      return typeof value === 'number' ? `v${value}` : value === null ? 'no version' : key;
    case 'model':
      return typeof value === 'string' ? value : value === null ? 'no model' : key;
    case 'unknown_keys':
      return typeof value === 'string' && value !== '' ? value : key;
    default:
      return key;
  }
}

/** Per series, its count (or share, 0..1) in each bucket, 0 where it has no point. */
export function seriesValues(chart: TraceChart, index: number, mode: ChartMode): number[] {
  const series = chart.series[index];
  if (!series) return [];
  const byT = new Map(series.points.map((p) => [p.t, p]));
  return chart.buckets.map((t) => {
    const p = byT.get(t);
    return p ? (mode === 'share' ? p.share : p.count) : 0;
  });
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Plain data for echarts (no functions: it serialises as it is, and tests compare it). */
export interface ChartOption {
  animation: boolean;
  aria: { enabled: boolean; label: { description: string } };
  color?: string[];
  tooltip: { trigger: 'item' | 'axis'; renderMode: 'richText'; confine: boolean };
  legend: { type: 'scroll'; top: number; left: number; right: number; data: string[] };
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'axisLabel' };
  xAxis: { type: 'category'; data: string[]; axisLabel: { hideOverlap: boolean } };
  yAxis: { type: 'value'; name: string; max?: number; minInterval?: number };
  series: ({ type: 'bar'; name: string; stack: string; data: number[]; emphasis: { focus: 'series' }; barMaxWidth: number } | { type: 'line'; name: string; data: (number | null)[]; connectNulls: boolean; showSymbol: boolean })[];
}

/** What the chart shows, in one sentence (its accessible name; the table holds the numbers). */
export function describeChart(chart: TraceChart, mode: ChartMode): string {
  const what = chart.metric === 'field' ? `the values of ${chart.field ?? 'a field'}` : METRIC_LABELS[chart.metric].toLowerCase();
  const span = `${chart.buckets.length} ${chart.bucket}${chart.buckets.length === 1 ? '' : 's'}`;
  if (chart.metric === 'latency') return `Latency per ${chart.bucket} (p50 and p95 in ms) over ${span}.`;
  const shown = mode === 'share' ? 'share of the traces' : 'traces';
  return `Stacked bars of ${what} per ${chart.bucket} (${shown}) over ${span}: ${chart.series.length} ${chart.series.length === 1 ? 'series' : 'series'}.`;
}

/**
 * The echarts option for a chart: latency as its p50 and p95 lines; everything else as bars stacked
 * per bucket, one series per value (version, model, key), counts or (`share`) percent of the bucket.
 * Names are drawn on the canvas and the tooltip is rich text, so no value reaches the page as HTML.
 */
export function buildChartOption(chart: TraceChart, mode: ChartMode): ChartOption {
  const labels = chart.buckets.map((t) => bucketLabel(t, chart.bucket));
  const base = {
    animation: false,
    aria: { enabled: true, label: { description: describeChart(chart, mode) } },
    tooltip: { trigger: 'item' as const, renderMode: 'richText' as const, confine: true },
    // The axis labels inside the grid's rect (what `containLabel` did before echarts 6).
    grid: { left: 8, right: 16, top: 52, bottom: 8, outerBoundsMode: 'same' as const, outerBoundsContain: 'axisLabel' as const },
    xAxis: { type: 'category' as const, data: labels, axisLabel: { hideOverlap: true } },
  };
  if (chart.metric === 'latency') {
    const latency = chart.latency ?? chart.buckets.map(() => ({ p50: null, p95: null }));
    return {
      ...base,
      tooltip: { ...base.tooltip, trigger: 'axis' },
      legend: { type: 'scroll', top: 0, left: 8, right: 8, data: ['p50', 'p95'] },
      yAxis: { type: 'value', name: 'ms' },
      series: [
        { type: 'line', name: 'p50', data: latency.map((l) => l.p50), connectNulls: false, showSymbol: true },
        { type: 'line', name: 'p95', data: latency.map((l) => l.p95), connectNulls: false, showSymbol: true },
      ],
    };
  }
  return {
    ...base,
    legend: { type: 'scroll', top: 0, left: 8, right: 8, data: chart.series.map((s) => seriesName(chart, s)) },
    yAxis: mode === 'share' ? { type: 'value', name: '%', max: 100 } : { type: 'value', name: 'traces', minInterval: 1 },
    series: chart.series.map((s, i) => ({
      type: 'bar',
      name: seriesName(chart, s),
      stack: 'bucket',
      data: seriesValues(chart, i, mode).map((v) => (mode === 'share' ? round(v * 100) : v)),
      emphasis: { focus: 'series' },
      barMaxWidth: 48,
    })),
  };
}

/** Whether a chart has anything to draw. */
export function isEmptyChart(chart: TraceChart): boolean {
  return chart.buckets.length === 0 || chart.totals.every((n) => n === 0);
}
