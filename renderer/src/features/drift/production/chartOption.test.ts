// The production charts as data: the traceChart call for the controls, the echarts option from a
// TraceChart, and the listTraces call behind a clicked (bucket, series).
import { describe, expect, it } from 'vitest';
import type { TraceChart } from '../../../../../shared/src/api/records.js';
import { buildChartOption, bucketWindow, chartArgs, segmentArgs, seriesFilter, seriesName } from './chartOption';

const DAYS = ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z'];

const ISSUE_TYPE: TraceChart = {
  metric: 'field',
  field: 'issue_type',
  bucket: 'day',
  buckets: DAYS,
  totals: [10, 4, 8],
  series: [
    { key: 'billing', value: 'billing', points: [{ t: DAYS[0]!, count: 6, share: 0.6 }, { t: DAYS[2]!, count: 2, share: 0.25 }] },
    { key: 'refund', value: 'refund', points: [{ t: DAYS[0]!, count: 4, share: 0.4 }, { t: DAYS[1]!, count: 4, share: 1 }, { t: DAYS[2]!, count: 6, share: 0.75 }] },
  ],
  latency: null,
};

describe('chartArgs', () => {
  const now = new Date('2026-03-31T12:00:00.000Z');
  it('asks for the field, bucket and origin, from N days back (none for all time)', () => {
    expect(chartArgs({ metric: 'field', field: 'urgency', bucket: 'week', window: 7, origin: 'production' }, now)).toEqual({
      metric: 'field',
      field: 'urgency',
      bucket: 'week',
      origin: 'production',
      from: '2026-03-24T12:00:00.000Z',
    });
    expect(chartArgs({ metric: 'latency', field: 'urgency', bucket: 'hour', window: 'all', origin: 'runs' }, now)).toEqual({ metric: 'latency', bucket: 'hour', origin: 'runs' });
  });
});

describe('buildChartOption', () => {
  it('stacks one bar series per value, a count per bucket (0 where the series has no point), with a legend of the values', () => {
    const option = buildChartOption(ISSUE_TYPE, 'count');
    expect(option.legend.data).toEqual(['billing', 'refund']);
    expect(option.xAxis.data).toEqual(['2 Mar', '3 Mar', '4 Mar']);
    expect(option.series).toEqual([
      expect.objectContaining({ type: 'bar', name: 'billing', stack: 'bucket', data: [6, 0, 2] }),
      expect.objectContaining({ type: 'bar', name: 'refund', stack: 'bucket', data: [4, 4, 6] }),
    ]);
    expect(option.yAxis).toMatchObject({ name: 'traces', minInterval: 1 });
    // Names never reach the page as HTML: the tooltip is drawn as rich text.
    expect(option.tooltip.renderMode).toBe('richText');
  });

  it('as shares: percent of the bucket, stacked to 100', () => {
    const option = buildChartOption(ISSUE_TYPE, 'share');
    expect(option.series.map((s) => s.data)).toEqual([
      [60, 0, 25],
      [40, 100, 75],
    ]);
    expect(option.yAxis).toMatchObject({ name: '%', max: 100 });
  });

  it('latency: p50 and p95 lines, a gap where a bucket is empty', () => {
    const chart: TraceChart = { ...ISSUE_TYPE, metric: 'latency', field: null, series: [], latency: [{ p50: 120, p95: 900 }, { p50: null, p95: null }, { p50: 140, p95: 1200 }] };
    const option = buildChartOption(chart, 'count');
    expect(option.legend.data).toEqual(['p50', 'p95']);
    expect(option.series).toEqual([
      expect.objectContaining({ type: 'line', name: 'p50', data: [120, null, 140] }),
      expect.objectContaining({ type: 'line', name: 'p95', data: [900, null, 1200] }),
    ]);
    expect(option.yAxis.name).toBe('ms');
  });

  it('names a series by its value, not by its key (the value’s JSON): versions as vN, what was missing as such', () => {
    const chart: TraceChart = { ...ISSUE_TYPE, series: [{ key: '"billing"', value: 'billing', points: [] }, { key: 'null', value: null, points: [] }, { key: '(text)', value: '(text)', points: [] }] };
    expect(buildChartOption(chart, 'count').legend.data).toEqual(['billing', 'null', '(free text)']);
    expect(seriesName({ metric: 'version' }, { key: '3', value: 3 })).toBe('v3');
    expect(seriesName({ metric: 'version' }, { key: '(none)', value: null })).toBe('no version');
    expect(seriesName({ metric: 'model' }, { key: '(none)', value: null })).toBe('no model');
    expect(seriesName({ metric: 'invalid' }, { key: 'invalid', value: false })).toBe('invalid');
  });

  it('hour and week buckets are labelled in UTC', () => {
    const option = buildChartOption({ ...ISSUE_TYPE, bucket: 'week', buckets: ['2026-03-02T00:00:00.000Z'] }, 'count');
    expect(option.xAxis.data).toEqual(['week of 2 Mar']);
    expect(buildChartOption({ ...ISSUE_TYPE, bucket: 'hour', buckets: ['2026-03-02T14:00:00.000Z'] }, 'count').xAxis.data).toEqual(['2 Mar, 14:00']);
  });
});

describe('segmentArgs: the traces behind a clicked bar segment', () => {
  it('the bucket’s window and the field’s value', () => {
    expect(segmentArgs({ metric: 'field', field: 'issue_type', bucket: 'day', origin: 'production' }, ISSUE_TYPE, 1, 1)).toEqual({
      origin: 'production',
      from: '2026-03-03T00:00:00.000Z',
      to: '2026-03-04T00:00:00.000Z',
      field: 'issue_type',
      value: 'refund',
    });
  });

  it('a week, cut to the chart’s window; the origin and source kept', () => {
    const chart: TraceChart = { ...ISSUE_TYPE, bucket: 'week', buckets: ['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z'] };
    const request = { metric: 'field' as const, field: 'issue_type', bucket: 'week' as const, origin: 'runs' as const, source: 'svc', from: '2026-03-04T12:00:00.000Z' };
    expect(segmentArgs(request, chart, 0, 0)).toEqual({ origin: 'runs', source: 'svc', from: '2026-03-04T12:00:00.000Z', to: '2026-03-09T00:00:00.000Z', field: 'issue_type', value: 'billing' });
    expect(segmentArgs(request, chart, 1, 0)).toMatchObject({ from: '2026-03-09T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
  });

  it('each metric’s series as the filter listTraces takes', () => {
    expect(seriesFilter({ metric: 'invalid', field: null }, { key: 'invalid', value: false })).toEqual({ valid: false });
    expect(seriesFilter({ metric: 'invalid', field: null }, { key: 'valid', value: true })).toEqual({ valid: true });
    expect(seriesFilter({ metric: 'unknown_keys', field: null }, { key: 'priority', value: 'priority' })).toEqual({ unknownKey: 'priority' });
    expect(seriesFilter({ metric: 'version', field: null }, { key: 'v3', value: 3 })).toEqual({ version: 3 });
    expect(seriesFilter({ metric: 'version', field: null }, { key: 'none', value: null })).toEqual({ version: 0 });
    expect(seriesFilter({ metric: 'model', field: null }, { key: 'gpt-4o-mini', value: 'gpt-4o-mini' })).toEqual({ model: 'gpt-4o-mini' });
    expect(seriesFilter({ metric: 'field', field: 'is_repeat_contact' }, { key: 'true', value: true })).toEqual({ field: 'is_repeat_contact', value: true });
    expect(seriesFilter({ metric: 'field', field: 'urgency' }, { key: 'null', value: null })).toEqual({ field: 'urgency', value: null });
  });

  it('latency: the bucket’s traces, whichever line was clicked', () => {
    const chart: TraceChart = { ...ISSUE_TYPE, metric: 'latency', field: null, bucket: 'hour', buckets: ['2026-03-02T14:00:00.000Z'], series: [], latency: [{ p50: 1, p95: 2 }] };
    expect(segmentArgs({ metric: 'latency', bucket: 'hour', origin: 'production' }, chart, 0, 1)).toEqual({ origin: 'production', from: '2026-03-02T14:00:00.000Z', to: '2026-03-02T15:00:00.000Z' });
  });

  it('bucketWindow without a chart window is the whole bucket', () => {
    expect(bucketWindow('2026-03-02T00:00:00.000Z', 'day')).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' });
  });
});
