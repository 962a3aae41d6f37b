// @vitest-environment jsdom
// Drift › Production over the real backend: most tests answer the trace methods with fakeTraceApi (chosen
// series and dates, failures, exact arguments); the last two run the real trace backend end to end
// (import with bad lines, chart, segment, watched folder). "Add as alias" from the unknown-keys chart
// and from the Compare tab's summary (previewSchemaChange and applySchemaChange reach the real backend).
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInstanceByDom } from 'echarts/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../app/App';
import { createStores } from '../../../stores';
import { startBackend } from '../../../test/backend';
import type { RunComparisonItem, TraceChart, TraceDetail, TraceSummary } from '../../../../../shared/src/api/records.js';
import { createDriftFake, runRecord } from '../fakeDriftApi';
import { createTraceFake, type TraceFakeState } from './fakeTraceApi';

// jsdom draws nothing: a 2D context that takes every call and measures text roughly, so echarts runs
// as in the window (its option parsed, its series laid out, its events) without pixels.
function stubCanvas() {
  const props: Record<string | symbol, unknown> = {};
  const ctx = new Proxy(props, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (prop === 'measureText') return (text: string) => ({ width: text.length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
      if (prop === 'getImageData' || prop === 'createImageData') return () => ({ data: new Uint8ClampedArray(4) });
      if (prop === 'createLinearGradient' || prop === 'createRadialGradient' || prop === 'createPattern') return () => ({ addColorStop: () => undefined });
      if (prop === 'getLineDash') return () => [];
      return () => undefined;
    },
    set(target, prop, value) {
      target[prop] = value;
      return true;
    },
  });
  return vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => ctx as never);
}

let canvas: ReturnType<typeof stubCanvas> | null = null;
beforeEach(() => {
  canvas = stubCanvas();
});
afterEach(() => {
  canvas?.mockRestore();
  canvas = null;
});

const EVIL = '<img src=x onerror=alert(1)>';
const DAYS = ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z'];

const ISSUE_TYPE: TraceChart = {
  metric: 'field',
  field: 'issue_type',
  bucket: 'day',
  buckets: DAYS,
  totals: [10, 4, 8],
  series: [
    { key: 'billing', value: 'billing', points: [{ t: DAYS[0]!, count: 6, share: 0.6 }, { t: DAYS[2]!, count: 2, share: 0.25 }] },
    { key: EVIL, value: EVIL, points: [{ t: DAYS[0]!, count: 4, share: 0.4 }, { t: DAYS[1]!, count: 4, share: 1 }, { t: DAYS[2]!, count: 6, share: 0.75 }] },
  ],
  latency: null,
};

const UNKNOWN: TraceChart = {
  metric: 'unknown_keys',
  field: null,
  bucket: 'day',
  buckets: DAYS,
  totals: [10, 4, 8],
  series: [{ key: 'importance', value: 'importance', points: [{ t: DAYS[1]!, count: 1, share: 0.25 }, { t: DAYS[2]!, count: 5, share: 0.625 }] }],
  latency: null,
};

function summary(seq: number, extra: Partial<TraceSummary> = {}): TraceSummary {
  return {
    seq,
    time: '2026-03-03T10:00:00.000Z',
    source: 'prod.jsonl',
    service: 'triage',
    subject: `Subject ${seq}`,
    excerpt: `Text of ${seq}`,
    output: { issue_type: 'billing', urgency: 'high' },
    valid: true,
    version: 3,
    model: 'gpt-4o-mini',
    unknownKeys: [],
    ...extra,
  };
}

async function renderProduction(seed: Partial<TraceFakeState> = {}) {
  const backend = await startBackend();
  const traces = createTraceFake(backend.api, { charts: { field: ISSUE_TYPE, unknown_keys: UNKNOWN }, ...seed });
  const stores = createStores(traces.api, { screen: 'drift' });
  // A link may name the tab (as the Rulebook screen's).
  stores.navigation.getState().go('drift', 'production');
  const user = userEvent.setup();
  render(<App stores={stores} />);
  await screen.findByTestId('drift-production');
  return { backend, traces, stores, user };
}

describe('Drift › Production', () => {
  it('has the tabs, with Production selected by the link; Compare runs is the first', async () => {
    await renderProduction();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Compare runs', 'Production', 'Consistency', 'Replay', 'Regressions']);
    expect(screen.getByTestId('tab-production').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('drift-screen')).toBeTruthy();
  });

  it('imports a trace file as its bytes (base64) and lists its bad lines with their numbers, as text', async () => {
    const bad = [
      { line: 3, message: 'not JSON: Unexpected token } in JSON at position 12' },
      { line: 7, message: `missing "time" ${EVIL}` },
    ];
    const { traces } = await renderProduction({ import: { source: 'prod.jsonl', format: 'casebook-trace', imported: 40, duplicates: 2, bad, badCount: 205, from: '2026-03-02T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' } });
    const file = new File(['{"v":1}\n'], 'prod.jsonl', { type: 'application/x-ndjson' });
    fireEvent.change(screen.getByTestId('trace-import-input'), { target: { files: [file] } });

    const result = await screen.findByTestId('trace-import-result');
    expect(traces.callsOf('importTraces')).toEqual([{ file: { name: 'prod.jsonl', content: btoa('{"v":1}\n'), encoding: 'base64' } }]);
    expect(within(result).getByTestId('trace-imported').textContent).toBe('40');
    expect(within(result).getByTestId('trace-duplicates').textContent).toBe('2');
    expect(within(result).getByTestId('trace-bad-count').textContent).toBe('205');
    const lines = within(result).getAllByTestId('trace-bad-line');
    expect(lines.map((l) => [l.getAttribute('data-line'), l.textContent])).toEqual([
      ['3', 'line 3 not JSON: Unexpected token } in JSON at position 12'],
      ['7', `line 7 missing "time" ${EVIL}`],
    ]);
    expect(result.querySelector('img')).toBeNull();
    expect(result.textContent).toContain('and 203 more bad lines');
    // The chart is asked again for what was imported.
    await waitFor(() => expect(traces.callsOf('traceChart').length).toBeGreaterThanOrEqual(2));
  });

  it('an import that fails says so for its file', async () => {
    const { traces } = await renderProduction();
    traces.failNext('importTraces', { code: 'bad_request', message: 'the file is empty' });
    fireEvent.change(screen.getByTestId('trace-import-input'), { target: { files: [new File([''], 'empty.csv')] } });
    const result = await screen.findByTestId('trace-import-result');
    expect(result.getAttribute('data-status')).toBe('failed');
    expect(result.textContent).toBe('empty.csv: the file is empty');
  });

  it('watches a folder: its files with lines and bad lines, the last error; Stop', async () => {
    const { traces, user } = await renderProduction();
    await user.type(screen.getByTestId('trace-watch-input'), '/var/log/casebook');
    traces.state.watch = { path: null, files: [{ name: 'trace-2026-03-04.jsonl', lines: 1200, bad: 3 }], lastScanAt: null, lastError: 'EACCES: trace-old.jsonl', imported: 1197 };
    await user.click(screen.getByTestId('trace-watch-start'));
    expect(await screen.findByTestId('trace-watch-path')).toHaveProperty('textContent', '/var/log/casebook');
    expect(traces.callsOf('watchTraceFolder')).toEqual([{ path: '/var/log/casebook' }]);
    const files = screen.getByTestId('trace-watch-files');
    expect(within(files).getAllByRole('row').map((r) => r.textContent)).toEqual(['FileLinesBad', 'trace-2026-03-04.jsonl1,2003']);
    expect(screen.getByTestId('trace-watch-error').textContent).toBe('Last error: EACCES: trace-old.jsonl');
    await user.click(screen.getByTestId('trace-watch-stop'));
    await screen.findByTestId('trace-watch-input');
    expect(traces.callsOf('watchTraceFolder').at(-1)).toEqual({ path: null });
  });

  it('charts the first enum field by day over 30 days; the series are drawn from the chart, and a segment lists its traces (bucket window and value), paged; a trace opens, with Open in review', async () => {
    const { backend, traces, stores, user } = await renderProduction();
    await screen.findByTestId('trace-chart');
    const request = traces.callsOf('traceChart')[0]!;
    expect(request).toMatchObject({ metric: 'field', field: 'issue_type', bucket: 'day', origin: 'production' });
    expect(Date.now() - Date.parse(request.from!)).toBeGreaterThan(29.9 * 86_400_000);
    // echarts drew it (through the stubbed canvas) with the series of the TraceChart, named for assistive tech.
    const el = screen.getByTestId('trace-chart');
    expect(el.getAttribute('aria-label')).toBe('Stacked bars of the values of issue_type per day (traces) over 3 days: 2 series.');
    const instance = getInstanceByDom(el)!;
    expect(instance).toBeTruthy();
    const drawn = instance.getOption() as { series: { type: string; name: string; data: number[]; stack: string }[]; xAxis: { data: string[] }[] };
    expect(drawn.series.map((x) => [x.type, x.name, x.data, x.stack])).toEqual([
      ['bar', 'billing', [6, 0, 2], 'bucket'],
      ['bar', EVIL, [4, 4, 6], 'bucket'],
    ]);
    expect(drawn.xAxis[0]!.data).toEqual(['2 Mar', '3 Mar', '4 Mar']);
    expect((screen.getByTestId('trace-chart-failed') as HTMLElement).hidden).toBe(true);

    // The same numbers as a table, each cell a button (the keyboard's way in).
    await user.click(screen.getByTestId('trace-table-toggle'));
    const table = screen.getByTestId('trace-chart-table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Bucket', 'Traces', 'billing', EVIL]);
    expect(table.querySelector('img')).toBeNull();
    await user.click(screen.getByTestId('trace-mode-share'));
    expect(within(table).getAllByTestId('trace-cell').map((c) => c.textContent)).toEqual(['60%', '40%', '100%', '25%', '75%']);

    const message = (await backend.api.listMessages({ limit: 1 })).items[0]!;
    traces.state.traces = Array.from({ length: 60 }, (_, i) => summary(i + 1, i === 0 ? { subject: EVIL, valid: false, unknownKeys: ['priority'] } : {}));
    const detail: TraceDetail = {
      ...summary(1, { subject: EVIL, valid: false, unknownKeys: ['priority'], output: { issue_type: 'billing', priority: 'high' } }),
      text: `Hello ${EVIL}`,
      errors: [{ path: '/urgency', message: 'is required' }],
      rulebook: { id: 'triage', version: 3, hash: 'sha256:abcdef0123456789' },
      provider: 'openai',
      latencyMs: 812,
      rulesFired: ['r-12'],
      precedents: [{ id: 'p-1', score: 0.91 }],
      messageId: message.id,
    };
    traces.state.details.set(1, detail);
    // All time (the chart's March lies outside the last 30 days of today), then a click on the bar
    // segment of the second series in the second bucket, as echarts reports it.
    await user.selectOptions(screen.getByTestId('trace-window'), 'all');
    await waitFor(() => expect(traces.callsOf('traceChart').at(-1)).toEqual({ metric: 'field', field: 'issue_type', bucket: 'day', origin: 'production' }));
    await waitFor(() => expect(getInstanceByDom(screen.getByTestId('trace-chart'))).toBeTruthy());
    act(() => {
      (getInstanceByDom(screen.getByTestId('trace-chart')) as unknown as { trigger(event: string, params: object): void }).trigger('click', { componentType: 'series', seriesIndex: 1, dataIndex: 1 });
    });
    await waitFor(() => expect(traces.callsOf('listTraces')).toHaveLength(1));
    expect(traces.callsOf('listTraces')[0]).toEqual({ origin: 'production', from: DAYS[1], to: DAYS[2], field: 'issue_type', value: EVIL, limit: 50 });
    const list = await screen.findByTestId('trace-list');
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(50));
    expect(within(list).getByTestId('trace-list-label').textContent).toBe(`issue_type = ${EVIL} · 3 Mar`);
    expect(within(list).getByTestId('trace-list-count').textContent).toBe('50 of 60');
    await user.click(within(list).getByTestId('trace-load-more'));
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(60));
    expect(traces.callsOf('listTraces')[1]).toMatchObject({ from: DAYS[1], value: EVIL, cursor: '50' });
    expect(within(list).queryByTestId('trace-load-more')).toBeNull();
    expect(list.querySelector('img')).toBeNull();

    await user.click(within(list).getAllByTestId('trace-open')[0]!);
    const dialog = await screen.findByTestId('trace-detail');
    await within(dialog).findByTestId('trace-text');
    expect(traces.callsOf('getTrace')).toEqual([{ seq: 1 }]);
    expect(within(dialog).getByTestId('trace-text').textContent).toBe(`Hello ${EVIL}`);
    expect(dialog.querySelector('img')).toBeNull();
    expect(within(dialog).getByTestId('trace-version').textContent).toBe('triage · v3 · abcdef012345');
    expect(within(dialog).getByTestId('trace-model').textContent).toBe('openai · gpt-4o-mini');
    expect(within(dialog).getByTestId('trace-latency').textContent).toBe('812 ms');
    expect(within(dialog).getByTestId('trace-errors').textContent).toContain('/urgency is required');
    expect(within(dialog).getByTestId('trace-rules').textContent).toBe('r-12');
    expect(within(dialog).getByTestId('trace-precedents').textContent).toBe('p-1 0.910');
    expect(within(dialog).getByTestId('trace-output').textContent).toContain('priority (outside the schema)high');

    await user.click(within(dialog).getByTestId('trace-open-in-review'));
    await waitFor(() => expect(stores.navigation.getState().screen).toBe('inbox'));
    expect(stores.inbox.getState().selectedId).toBe(message.id);
  });

  it('a cell of the chart’s table lists the same traces as its segment (the keyboard’s way): invalid share by week, the workspace’s runs', async () => {
    const invalid: TraceChart = { ...ISSUE_TYPE, metric: 'invalid', field: null, bucket: 'week', buckets: ['2026-03-02T00:00:00.000Z'], totals: [10], series: [{ key: 'valid', value: true, points: [{ t: '2026-03-02T00:00:00.000Z', count: 7, share: 0.7 }] }, { key: 'invalid', value: false, points: [{ t: '2026-03-02T00:00:00.000Z', count: 3, share: 0.3 }] }] };
    const { traces, user } = await renderProduction({ charts: { field: ISSUE_TYPE, invalid } });
    await screen.findByTestId('trace-chart');
    await user.selectOptions(screen.getByTestId('trace-metric'), 'invalid');
    await user.selectOptions(screen.getByTestId('trace-bucket'), 'week');
    await user.selectOptions(screen.getByTestId('trace-window'), 'all');
    await user.selectOptions(screen.getByTestId('trace-origin'), 'runs');
    await waitFor(() => expect(traces.callsOf('traceChart').at(-1)).toEqual({ metric: 'invalid', bucket: 'week', origin: 'runs' }));
    await user.click(await screen.findByTestId('trace-table-toggle'));
    const cells = within(screen.getByTestId('trace-chart-table')).getAllByTestId('trace-cell');
    expect(cells.map((c) => c.textContent)).toEqual(['7', '3']);
    cells[1]!.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(traces.callsOf('listTraces')).toEqual([{ origin: 'runs', from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', valid: false, limit: 50 }]));
    expect((await screen.findByTestId('trace-list-empty')).textContent).toContain('No traces here');
  });

  it('says when there are no traces in the window, and when the backend has none to give', async () => {
    const { traces, user } = await renderProduction({ charts: {} });
    expect((await screen.findByTestId('trace-chart-empty')).textContent).toContain('No production traces in this window');
    traces.failNext('traceChart', { code: 'unavailable', message: 'production traces are not built yet' });
    await user.selectOptions(screen.getByTestId('trace-bucket'), 'week');
    expect((await screen.findByTestId('error-state')).textContent).toContain('production traces are not built yet');
    expect(traces.callsOf('traceChart').at(-1)).toMatchObject({ bucket: 'week' });
    await user.click(screen.getByTestId('retry-button'));
    await screen.findByTestId('trace-chart-empty');
  });

  it('the unknown-keys chart lists its keys; “Add as alias” previews then applies update_field with the field’s aliases and the key (default: the field it resembles), then offers a re-run', async () => {
    const { backend, traces, user } = await renderProduction();
    await screen.findByTestId('trace-chart');
    await user.selectOptions(screen.getByTestId('trace-metric'), 'unknown_keys');
    await waitFor(() => expect(traces.callsOf('traceChart').at(-1)).toMatchObject({ metric: 'unknown_keys' }));
    expect(traces.callsOf('traceChart').at(-1)!.field).toBeUndefined();
    const key = await screen.findByTestId('trace-unknown-key');
    expect(key.textContent).toContain('importance in 6 traces');

    await user.click(within(key).getByTestId('drift-add-alias'));
    const dialog = await screen.findByTestId('drift-alias-dialog');
    expect((within(dialog).getByTestId('drift-alias-field') as HTMLSelectElement).value).toBe('urgency');
    await user.click(within(dialog).getByTestId('drift-alias-preview'));
    await within(dialog).findByTestId('drift-alias-impact');
    const change = { op: 'update_field', field: 'urgency', set: { aliases: ['priority', 'severity', 'importance'] } };
    expect(backend.api.callsOf('previewSchemaChange')).toEqual([{ change }]);
    expect(backend.api.callsOf('applySchemaChange')).toEqual([]);
    await user.click(within(dialog).getByTestId('drift-alias-apply'));
    await within(dialog).findByTestId('drift-alias-done');
    expect(backend.api.callsOf('applySchemaChange')).toEqual([{ change, confirm: false }]);
    const rulebook = await backend.api.getRulebook({});
    expect(rulebook.schema.fields.find((f) => f.name === 'urgency')!.aliases).toEqual(['priority', 'severity', 'importance']);

    await user.click(within(dialog).getByTestId('drift-alias-rerun-all'));
    await waitFor(() => expect(backend.api.callsOf('startRun')).toEqual([{ selection: { all: true } }]));
    await waitFor(() => expect(screen.queryByTestId('drift-alias-dialog')).toBeNull());
  });
});

describe('Drift › Compare runs: add a key outside the schema as an alias', () => {
  it('from the summary: applySchemaChange with the picked field, then a re-run of the changed messages with the key', async () => {
    const backend = await startBackend();
    const items: RunComparisonItem[] = [
      { messageId: 'm1', subject: 'S1', excerpt: 'T1', changedFields: ['issue_type'], a: { valid: true, output: { issue_type: 'billing' } }, b: { valid: true, output: { issue_type: 'refund' } } },
      { messageId: 'm2', subject: 'S2', excerpt: 'T2', changedFields: ['urgency', 'prio'], a: { valid: true, output: { urgency: 'high' } }, b: { valid: false, output: { prio: 'high' } } },
    ];
    const drift = createDriftFake(backend.api, {
      runs: [runRecord('run-1', { createdAt: '2026-03-01T10:00:00.000Z' }), runRecord('run-2', { createdAt: '2026-03-08T10:00:00.000Z' })],
      comparison: { overlap: 140, changed: 2, validity: { becameInvalid: 1, becameValid: 0 }, fields: [], unknownKeys: [{ key: 'prio', a: 0, b: 1 }], items },
    });
    const stores = createStores(drift.api, { screen: 'drift' });
    const user = userEvent.setup();
    render(<App stores={stores} />);
    const summary = await screen.findByTestId('drift-summary');
    await user.click(within(summary).getByTestId('drift-add-alias'));
    const dialog = await screen.findByTestId('drift-alias-dialog');
    const picker = within(dialog).getByTestId('drift-alias-field') as HTMLSelectElement;
    expect(picker.value).toBe('urgency');
    await user.selectOptions(picker, 'requested_action');
    await user.click(within(dialog).getByTestId('drift-alias-preview'));
    await user.click(await within(dialog).findByTestId('drift-alias-apply'));
    await within(dialog).findByTestId('drift-alias-done');
    expect(backend.api.callsOf('applySchemaChange')).toEqual([{ change: { op: 'update_field', field: 'requested_action', set: { aliases: ['action', 'ask', 'prio'] } }, confirm: false }]);

    await user.click(within(dialog).getByTestId('drift-alias-rerun-affected'));
    await waitFor(() => expect(drift.callsOf('startRun')).toEqual([{ selection: { ids: ['m2'] } }]));
    expect(drift.callsOf('compareRuns').at(-1)).toMatchObject({ a: 'run-1', b: 'run-2', field: 'prio', limit: 500 });
  });
});

describe('Drift › Production over the real trace backend', () => {
  it('a minimal JSONL file with broken lines: every good line imported, the others listed by number; the chart shows its values; a segment lists its traces; unknown keys offer the alias', async () => {
    const backend = await startBackend();
    const stores = createStores(backend.api, { screen: 'drift' });
    stores.navigation.getState().go('drift', 'production');
    const user = userEvent.setup();
    render(<App stores={stores} />);
    await screen.findByTestId('drift-production');
    expect((await screen.findByTestId('trace-chart-empty')).textContent).toContain('No production traces in this window');

    const day = (n: number) => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - n * 86_400_000 + 10 * 3_600_000).toISOString();
    const lines = [
      JSON.stringify({ text: 'The card reader will not pair', output: { issue_type: 'bug', urgency: 'high' }, time: day(2) }),
      '{"text": "cut off',
      JSON.stringify({ text: `Refund my last invoice ${EVIL}`, output: { issue_type: 'billing', priority: 'low' }, time: day(1) }),
      JSON.stringify({ text: 'No time here', output: { issue_type: 'billing' } }),
      JSON.stringify({ text: 'Charged twice', output: { issue_type: 'billing', urgency: 'medium' }, time: day(1) }),
    ];
    const file = new File([lines.join('\n') + '\n'], 'prod.jsonl');
    fireEvent.change(screen.getByTestId('trace-import-input'), { target: { files: [file] } });
    const result = await screen.findByTestId('trace-import-result', {}, { timeout: 5000 });
    expect(result.getAttribute('data-status')).toBe('ok');
    expect(within(result).getByTestId('trace-imported').textContent).toBe('3');
    expect(within(result).getByTestId('trace-bad-count').textContent).toBe('2');
    expect(within(result).getAllByTestId('trace-bad-line').map((l) => l.getAttribute('data-line'))).toEqual(['2', '4']);
    expect(within(result).getAllByTestId('trace-bad-line')[1]!.textContent).toBe('line 4 missing "time"');

    // The chart again, with what was imported: issue_type per day.
    const chart = await screen.findByTestId('trace-chart');
    await waitFor(() => expect(getInstanceByDom(chart)).toBeTruthy());
    const drawn = getInstanceByDom(chart)!.getOption() as { series: { name: string; data: number[] }[] };
    expect(Object.fromEntries(drawn.series.map((x) => [x.name, x.data]))).toMatchObject({ billing: [0, 2], bug: [1, 0] });

    await user.click(screen.getByTestId('trace-table-toggle'));
    const billing = within(screen.getByTestId('trace-chart-table'))
      .getAllByTestId('trace-cell')
      .find((c) => c.getAttribute('aria-label')?.startsWith('billing,'))!;
    expect(billing).toBeTruthy();
    await user.click(billing);
    const list = await screen.findByTestId('trace-list');
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(2));
    expect(list.querySelector('img')).toBeNull();
    expect(list.textContent).toContain(`Refund my last invoice ${EVIL}`);

    await user.selectOptions(screen.getByTestId('trace-metric'), 'unknown_keys');
    const key = await screen.findByTestId('trace-unknown-key');
    expect(key.getAttribute('data-key')).toBe('priority');
    expect(within(key).getByTestId('drift-add-alias')).toBeTruthy();
  });
});

describe('Drift › Production: a watched folder, over the real trace backend', () => {
  it('watches a folder of trace files: each file with its lines and bad lines; Stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-traces-'));
    const time = new Date(Date.now() - 86_400_000).toISOString();
    writeFileSync(join(dir, 'traces.jsonl'), [JSON.stringify({ text: 'Hello', output: { issue_type: 'bug' }, time }), 'not json', JSON.stringify({ text: 'Again', output: { issue_type: 'billing' }, time })].join('\n') + '\n');
    const backend = await startBackend();
    backend.afterClose(() => rmSync(dir, { recursive: true, force: true }));
    const stores = createStores(backend.api, { screen: 'drift' });
    stores.navigation.getState().go('drift', 'production');
    const user = userEvent.setup();
    render(<App stores={stores} />);
    await screen.findByTestId('drift-production');
    await user.type(await screen.findByTestId('trace-watch-input'), dir);
    await user.click(screen.getByTestId('trace-watch-start'));
    expect((await screen.findByTestId('trace-watch-path')).textContent).toBe(dir);
    const files = await screen.findByTestId('trace-watch-files', {}, { timeout: 8000 });
    await waitFor(() => expect(within(files).getAllByRole('row').map((r) => r.textContent)).toEqual(['FileLinesBad', 'traces.jsonl31']), { timeout: 8000 });
    await user.click(screen.getByTestId('trace-watch-stop'));
    await screen.findByTestId('trace-watch-input');
  });
});
