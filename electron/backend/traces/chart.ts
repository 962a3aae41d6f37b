// Trace charts (issue 12): per bucket (hour, day or week, UTC; weeks start on Monday), counts and
// shares of a field's values, of valid and invalid outputs, of unknown keys, rulebook versions and
// models, and latency percentiles, summed from hour counts.
import type { JsonValue } from '../../../shared/src/domain.js';
import type { TraceChart, TraceSeries } from '../../../shared/src/api/index.js';
import { HOUR_MS, hourStart, latencyOfBucket, NONE_KEY, TEXT_KEY, type BucketMetric, type BucketSource } from '../../services/workspace/traceStore.js';

export type TraceBucket = TraceChart['bucket'];
export type TraceMetric = TraceChart['metric'];

/** The first hour of the bucket holding `hour`. */
export function bucketStart(hour: number, bucket: TraceBucket): number {
  if (bucket === 'hour') return hour;
  const day = Math.floor(hour / 24);
  if (bucket === 'day') return day * 24;
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  return (day - (((day + 3) % 7) + 7) % 7) * 24;
}

export function nextBucket(start: number, bucket: TraceBucket): number {
  return start + (bucket === 'hour' ? 1 : bucket === 'day' ? 24 : 168);
}

export interface ChartRequest {
  metric: TraceMetric;
  field?: string | undefined;
  bucket: TraceBucket;
  from?: string | undefined;
  to?: string | undefined;
  source?: string | undefined;
}

/** The hours a window covers: from its start's hour to the hour after its end (to excluded). */
export function windowHours(req: { from?: string | undefined; to?: string | undefined }, span: { lo: number; hi: number } | null): { lo: number; hi: number } | null {
  const lo = req.from ? Math.floor(Date.parse(req.from) / HOUR_MS) : span?.lo;
  const hi = req.to ? Math.ceil(Date.parse(req.to) / HOUR_MS) : span ? span.hi + 1 : undefined;
  if (lo === undefined || hi === undefined || hi <= lo) return null;
  return { lo, hi };
}

const seriesValue = (metric: TraceMetric, key: string): JsonValue => {
  if (metric === 'field') return key === TEXT_KEY ? TEXT_KEY : (JSON.parse(key) as JsonValue);
  if (metric === 'version') return key === NONE_KEY ? null : Number(key);
  if (metric === 'model') return key === NONE_KEY ? null : key;
  if (metric === 'invalid') return key === 'true';
  return key;
};

/**
 * A chart from hour counts. `knownKeys`: the draft's field names (for `unknown_keys`).
 * Buckets run from the first to the last holding traces in the window.
 */
export function buildChart(src: BucketSource, req: ChartRequest, span: { lo: number; hi: number } | null, knownKeys: ReadonlySet<string>): TraceChart {
  const empty: TraceChart = { metric: req.metric, field: req.field ?? null, bucket: req.bucket, buckets: [], totals: [], series: [], latency: req.metric === 'latency' ? [] : null };
  const hours = windowHours(req, span);
  if (!hours) return empty;
  const totalRows = src.rows('total', '', hours.lo, hours.hi, req.source);
  if (totalRows.length === 0) return empty;
  let first = Infinity;
  let last = -Infinity;
  for (const r of totalRows) {
    if (r.hour < first) first = r.hour;
    if (r.hour > last) last = r.hour;
  }
  const starts: number[] = [];
  const index = new Map<number, number>();
  for (let b = bucketStart(first, req.bucket); b <= last; b = nextBucket(b, req.bucket)) {
    index.set(b, starts.length);
    starts.push(b);
  }
  const at = (hour: number) => index.get(bucketStart(hour, req.bucket))!;
  const totals = starts.map(() => 0);
  for (const r of totalRows) totals[at(r.hour)]! += r.n;

  const chart: TraceChart = { ...empty, buckets: starts.map(hourStart), totals };
  if (req.metric === 'latency') {
    const hist = starts.map(() => new Map<string, number>());
    for (const r of src.rows('latency', '', hours.lo, hours.hi, req.source)) {
      if (r.key === 'null') continue;
      const h = hist[at(r.hour)]!;
      h.set(r.key, (h.get(r.key) ?? 0) + r.n);
    }
    chart.latency = hist.map((h) => {
      const entries = [...h].map(([k, n]) => [Number(k), n] as const).sort((a, b) => a[0] - b[0]);
      const total = entries.reduce((s, [, n]) => s + n, 0);
      if (total === 0) return { p50: null, p95: null };
      const pct = (p: number) => {
        const rank = Math.ceil(p * total);
        let seen = 0;
        for (const [k, n] of entries) {
          seen += n;
          if (seen >= rank) return latencyOfBucket(String(k));
        }
        return latencyOfBucket(String(entries[entries.length - 1]![0]));
      };
      return { p50: pct(0.5), p95: pct(0.95) };
    });
    return chart;
  }

  const metric: BucketMetric = req.metric === 'invalid' ? 'valid' : req.metric === 'unknown_keys' ? 'key' : req.metric;
  const rows = src.rows(metric, req.metric === 'field' ? req.field ?? '' : '', hours.lo, hours.hi, req.source);
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    if (req.metric === 'unknown_keys' && knownKeys.has(r.key)) continue;
    let counts = byKey.get(r.key);
    if (!counts) byKey.set(r.key, (counts = starts.map(() => 0)));
    counts[at(r.hour)]! += r.n;
  }
  if (req.metric === 'invalid') for (const k of ['true', 'false']) if (!byKey.has(k)) byKey.set(k, starts.map(() => 0));
  const series: (TraceSeries & { sum: number })[] = [...byKey].map(([key, counts]) => ({
    key: req.metric === 'invalid' ? (key === 'true' ? 'valid' : 'invalid') : key,
    value: seriesValue(req.metric, key),
    points: counts.map((count, i) => ({ t: chart.buckets[i]!, count, share: totals[i] ? count / totals[i]! : 0 })),
    sum: counts.reduce((s, n) => s + n, 0),
  }));
  series.sort((a, b) => (req.metric === 'invalid' ? (a.key === 'invalid' ? 1 : -1) : b.sum - a.sum || (a.key < b.key ? -1 : 1)));
  chart.series = series.map(({ sum: _sum, ...s }) => s);
  return chart;
}
