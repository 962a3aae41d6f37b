// @vitest-environment jsdom
// Drift › Production over the real backend. Once per file a production log is imported into a copy of
// the demo (days relative to today, so the default 30-day window holds most of it, and one trace six
// weeks old): issue_type billing or an HTML value per day in known numbers, minimal JSONL lines and
// runtime trace lines whose errors name the `priority` key the runtime dropped (the draft no longer
// has it as an alias of urgency). The chart, its table, the list behind a segment or a cell, a
// trace's detail and "Add as alias" run on those traces. "Add as alias" from the Compare tab's
// summary is in DriftScreen.test.tsx.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInstanceByDom } from 'echarts/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../app/App';
import { createStores } from '../../../stores';
import { startBackend, type TestBackend } from '../../../test/backend';
import { preparedWorkspace } from '../../../test/prepared';
import { DEMO } from '../../../test/workspaces';

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
const DAY_MS = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
/** The start of the day `n` days ago (UTC, as the buckets are). */
const dayStart = (n: number) => new Date(TODAY - n * DAY_MS).toISOString();
/** A time on that day: 10:00 plus `minute` minutes. */
const at = (n: number, minute = 0) => new Date(TODAY - n * DAY_MS + 10 * 3_600_000 + minute * 60_000).toISOString();
const dayLabel = (n: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric' }).format(new Date(dayStart(n)));
/** How the runtime names a key it dropped from an answer (its trace's errors). */
const DROPPED = 'is not a field of the schema; dropped';
const RULEBOOK = { id: 'triage', version: 3, hash: 'sha256:abcdef0123456789' };
/** The message a production trace links to (imported into the workspace with the same text). */
const LINKED = { subject: EVIL, text: `Hello ${EVIL}, the reader rejects every card since this morning.` };

const minimal = (text: string, output: Record<string, unknown>, time: string, extra: Record<string, unknown> = {}) => JSON.stringify({ text, output, time, ...extra });
/** Production said the billing answers were valid (a partial output is not checked against the draft then). */
const VALID = { valid: true };
const runtime = (text: string, output: Record<string, unknown>, time: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, time, message: { subject: null, text }, output, valid: false, errors: [{ path: '/priority', message: DROPPED }], rulebook: RULEBOOK, provider: 'openai', model: 'gpt-4o-mini', latencyMs: 640, ...extra });

/**
 * The production log, per day ago: 45 (outside the last 30 days) billing 1; 3: billing 6, EVIL 4;
 * 2: EVIL 60 (the newest a runtime trace with every detail, linked to a message); 1: billing 2, EVIL 6
 * (runtime traces that dropped `priority`). `priority` is named in 7 traces' errors.
 */
const PROD = [
  minimal('An invoice from last quarter', { issue_type: 'billing', urgency: 'low' }, at(45), VALID),
  ...Array.from({ length: 6 }, (_, i) => minimal(`Invoice question ${i}`, { issue_type: 'billing', urgency: 'low' }, at(3, i), VALID)),
  ...Array.from({ length: 4 }, (_, i) => minimal(`Odd answer ${i}`, { issue_type: EVIL, urgency: 'low' }, at(3, 10 + i))),
  ...Array.from({ length: 59 }, (_, i) => minimal(`Segment trace ${i}`, { issue_type: EVIL, urgency: 'low' }, at(2, i))),
  JSON.stringify({
    v: 1,
    time: at(2, 100),
    message: LINKED,
    output: { issue_type: EVIL, importance: 'high' },
    valid: false,
    errors: [
      { path: '/urgency', message: 'is required' },
      { path: '/priority', message: DROPPED },
    ],
    rulebook: RULEBOOK,
    provider: 'openai',
    model: 'gpt-4o-mini',
    latencyMs: 812,
    rulesFired: ['r-12'],
    precedents: [{ id: 'p-1', score: 0.91 }],
  }),
  ...Array.from({ length: 2 }, (_, i) => minimal(`Charged twice ${i}`, { issue_type: 'billing', urgency: 'high' }, at(1, i), VALID)),
  ...Array.from({ length: 6 }, (_, i) => runtime(`Drifted answer ${i}`, { issue_type: EVIL }, at(1, 10 + i))),
];
let linkedMessageId = '';

const workspace = preparedWorkspace(async ({ handlers: h }) => {
  // A draft without `priority` among urgency's aliases: the key the runtime dropped can be added.
  const urgency = (await h.getRulebook({})).schema.fields.find((f) => f.name === 'urgency')!;
  await h.applySchemaChange({ change: { op: 'update_field', field: 'urgency', set: { aliases: (urgency.aliases ?? []).filter((a) => a !== 'priority') } }, confirm: true });
  await h.importMessages({ file: { name: 'linked.jsonl', content: JSON.stringify({ ...LINKED, receivedAt: at(20) }) + '\n' }, asPrecedents: false });
  linkedMessageId = (await h.listMessages({ limit: 500 })).items.find((m) => m.subject === EVIL)!.id;
  const imported = await h.importTraces({ file: { name: 'prod.jsonl', content: PROD.join('\n') + '\n' } });
  expect(imported).toMatchObject({ imported: PROD.length, badCount: 0 });
});

async function renderProduction(options: { backend?: TestBackend } = {}) {
  const backend = options.backend ?? (await startBackend({ from: workspace() }));
  const stores = createStores(backend.api, { screen: 'drift' });
  // A link may name the tab (as the Rulebook screen's).
  stores.navigation.getState().go('drift', 'production');
  const user = userEvent.setup();
  render(<App stores={stores} />);
  await screen.findByTestId('drift-production');
  return { backend, api: backend.api, stores, user };
}

type Drawn = { series: { type: string; name: string; data: number[]; stack: string }[]; xAxis: { data: string[] }[] };
const drawn = () => getInstanceByDom(screen.getByTestId('trace-chart'))!.getOption() as Drawn;

describe('Drift › Production', () => {
  it('has the tabs, with Production selected by the link; Compare runs is the first', async () => {
    await renderProduction();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Compare runs', 'Production', 'Consistency', 'Replay', 'Regressions']);
    expect(screen.getByTestId('tab-production').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('drift-screen')).toBeTruthy();
  });

  it('imports a trace file as its bytes (base64) and lists its bad lines with their numbers, as text', async () => {
    const { api } = await renderProduction();
    await screen.findByTestId('trace-chart');
    // Two lines already imported, one good new one, then bad lines: a time with HTML in it and 205 not JSON.
    const lines = [PROD[1]!, PROD[2]!, minimal('A new one', { issue_type: 'billing' }, at(1, 30)), minimal('Bad time', { issue_type: 'billing' }, EVIL), ...Array.from({ length: 205 }, () => '{"text": "cut off')];
    const content = lines.join('\n') + '\n';
    fireEvent.change(screen.getByTestId('trace-import-input'), { target: { files: [new File([content], 'prod.jsonl', { type: 'application/x-ndjson' })] } });

    const result = await screen.findByTestId('trace-import-result', {}, { timeout: 5000 });
    expect(api.callsOf('importTraces')).toEqual([{ file: { name: 'prod.jsonl', content: Buffer.from(content).toString('base64'), encoding: 'base64' } }]);
    expect(result.getAttribute('data-status')).toBe('ok');
    expect(within(result).getByTestId('trace-imported').textContent).toBe('1');
    expect(within(result).getByTestId('trace-duplicates').textContent).toBe('2');
    expect(within(result).getByTestId('trace-bad-count').textContent).toBe('206');
    const bad = within(result).getAllByTestId('trace-bad-line');
    // The first 200 are listed.
    expect(bad).toHaveLength(200);
    expect([bad[0]!.getAttribute('data-line'), bad[0]!.textContent]).toEqual(['4', `line 4 bad time ${JSON.stringify(EVIL)} (ISO 8601 expected)`]);
    expect(bad[1]!.getAttribute('data-line')).toBe('5');
    expect(bad[1]!.textContent).toMatch(/^line 5 not JSON: /);
    expect(result.querySelector('img')).toBeNull();
    expect(result.textContent).toContain('and 6 more bad lines');
    // The chart is asked again for what was imported.
    await waitFor(() => expect(api.callsOf('traceChart').length).toBeGreaterThanOrEqual(2));
    await waitFor(() => expect(Object.fromEntries(drawn().series.map((x) => [x.name, x.data]))).toEqual({ billing: [6, 0, 3], [EVIL]: [4, 60, 6] }));
  });

  it('an import that fails says so for its file', async () => {
    await renderProduction();
    fireEvent.change(screen.getByTestId('trace-import-input'), { target: { files: [new File([''], 'empty.csv')] } });
    const result = await screen.findByTestId('trace-import-result', {}, { timeout: 5000 });
    expect(result.getAttribute('data-status')).toBe('failed');
    expect(result.textContent).toMatch(/^empty\.csv: .*the file is empty$/);
  });

  it('charts the first enum field by day over 30 days; the series are drawn from the chart, and a segment lists its traces (bucket window and value), paged; a trace opens, with Open in review', async () => {
    const { api, stores, user } = await renderProduction();
    await screen.findByTestId('trace-chart', {}, { timeout: 5000 });
    const request = api.callsOf('traceChart')[0]!;
    expect(request).toMatchObject({ metric: 'field', field: 'issue_type', bucket: 'day', origin: 'production' });
    expect(Date.now() - Date.parse(request.from!)).toBeGreaterThan(29.9 * DAY_MS);
    // echarts drew it (through the stubbed canvas) with the series of the chart, named for assistive tech.
    const el = screen.getByTestId('trace-chart');
    expect(el.getAttribute('aria-label')).toBe('Stacked bars of the values of issue_type per day (traces) over 3 days: 2 series.');
    expect(getInstanceByDom(el)).toBeTruthy();
    const series = drawn().series;
    expect(series.every((x) => x.type === 'bar' && x.stack === 'bucket')).toBe(true);
    // The trace of six weeks ago is outside the window.
    expect(Object.fromEntries(series.map((x) => [x.name, x.data]))).toEqual({ billing: [6, 0, 2], [EVIL]: [4, 60, 6] });
    expect(drawn().xAxis[0]!.data).toEqual([dayLabel(3), dayLabel(2), dayLabel(1)]);
    expect((screen.getByTestId('trace-chart-failed') as HTMLElement).hidden).toBe(true);

    // The same numbers as a table, each cell a button (the keyboard's way in).
    await user.click(screen.getByTestId('trace-table-toggle'));
    const table = screen.getByTestId('trace-chart-table');
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers.slice(0, 2)).toEqual(['Bucket', 'Traces']);
    expect(headers.slice(2).sort()).toEqual(['billing', EVIL].sort());
    expect(table.querySelector('img')).toBeNull();
    await user.click(screen.getByTestId('trace-mode-share'));
    const cells = within(table).getAllByTestId('trace-cell');
    expect(Object.fromEntries(cells.map((c) => [c.getAttribute('aria-label')!.replace(/: \d+ traces$/, ''), c.textContent]))).toEqual({
      [`billing, ${dayLabel(3)}`]: '60%',
      [`${EVIL}, ${dayLabel(3)}`]: '40%',
      [`${EVIL}, ${dayLabel(2)}`]: '100%',
      [`billing, ${dayLabel(1)}`]: '25%',
      [`${EVIL}, ${dayLabel(1)}`]: '75%',
    });

    // All time (the trace of six weeks ago too), then a click on the bar segment of EVIL two days ago, as echarts reports it.
    await user.selectOptions(screen.getByTestId('trace-window'), 'all');
    await waitFor(() => expect(api.callsOf('traceChart').at(-1)).toEqual({ metric: 'field', field: 'issue_type', bucket: 'day', origin: 'production' }));
    await waitFor(() => expect(drawn().xAxis[0]!.data[0]).toBe(dayLabel(45)));
    expect(drawn().xAxis[0]!.data).toHaveLength(45);
    const seriesIndex = drawn().series.findIndex((x) => x.name === EVIL);
    const dataIndex = drawn().xAxis[0]!.data.indexOf(dayLabel(2));
    act(() => {
      (getInstanceByDom(screen.getByTestId('trace-chart')) as unknown as { trigger(event: string, params: object): void }).trigger('click', { componentType: 'series', seriesIndex, dataIndex });
    });
    await waitFor(() => expect(api.callsOf('listTraces')).toHaveLength(1));
    expect(api.callsOf('listTraces')[0]).toEqual({ origin: 'production', from: dayStart(2), to: dayStart(1), field: 'issue_type', value: EVIL, limit: 50 });
    const list = await screen.findByTestId('trace-list');
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(50));
    expect(within(list).getByTestId('trace-list-label').textContent).toBe(`issue_type = ${EVIL} · ${dayLabel(2)}`);
    expect(within(list).getByTestId('trace-list-count').textContent).toBe('50 of 60');
    await user.click(within(list).getByTestId('trace-load-more'));
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(60));
    expect(api.callsOf('listTraces')[1]).toMatchObject({ from: dayStart(2), value: EVIL, cursor: expect.any(String) });
    expect(within(list).queryByTestId('trace-load-more')).toBeNull();
    expect(list.querySelector('img')).toBeNull();

    // Newest first: the runtime trace with every detail.
    const first = within(list).getAllByTestId('trace-row')[0]!;
    await user.click(within(first).getByTestId('trace-open'));
    const dialog = await screen.findByTestId('trace-detail');
    await within(dialog).findByTestId('trace-text');
    expect(api.callsOf('getTrace')).toEqual([{ seq: Number(first.getAttribute('data-seq')) }]);
    expect(within(dialog).getByTestId('trace-text').textContent).toBe(LINKED.text);
    expect(dialog.querySelector('img')).toBeNull();
    expect(within(dialog).getByTestId('trace-version').textContent).toBe('triage · v3 · abcdef012345');
    expect(within(dialog).getByTestId('trace-model').textContent).toBe('openai · gpt-4o-mini');
    expect(within(dialog).getByTestId('trace-latency').textContent).toBe('812 ms');
    expect(within(dialog).getByTestId('trace-errors').textContent).toContain('/urgency is required');
    expect(within(dialog).getByTestId('trace-errors').textContent).toContain(`/priority ${DROPPED}`);
    expect(within(dialog).getByTestId('trace-rules').textContent).toBe('r-12');
    expect(within(dialog).getByTestId('trace-precedents').textContent).toBe('p-1 0.910');
    expect(within(dialog).getByTestId('trace-output').textContent).toContain('importance (outside the schema)high');

    await user.click(within(dialog).getByTestId('trace-open-in-review'));
    await waitFor(() => expect(stores.navigation.getState().screen).toBe('inbox'));
    expect(stores.inbox.getState().selectedId).toBe(linkedMessageId);
  });

  it('a cell of the chart’s table lists the same traces as its segment (the keyboard’s way): invalid share by week, production', async () => {
    const { api, user } = await renderProduction();
    await screen.findByTestId('trace-chart', {}, { timeout: 5000 });
    await user.selectOptions(screen.getByTestId('trace-metric'), 'invalid');
    await user.selectOptions(screen.getByTestId('trace-bucket'), 'week');
    await user.selectOptions(screen.getByTestId('trace-window'), 'all');
    await waitFor(() => expect(api.callsOf('traceChart').at(-1)).toEqual({ metric: 'invalid', bucket: 'week', origin: 'production' }));
    await user.click(await screen.findByTestId('trace-table-toggle'));
    // Invalid: the EVIL answers (not a value of issue_type) and the runtime's; valid: the billing ones, six weeks ago included.
    const table = await screen.findByTestId('trace-chart-table');
    await waitFor(() => expect(within(table).getAllByTestId('trace-cell').map((c) => c.getAttribute('aria-label')).join()).toContain('invalid'));
    const cells = within(table).getAllByTestId('trace-cell');
    const sum = (name: string) => cells.filter((c) => c.getAttribute('aria-label')!.startsWith(`${name},`)).reduce((n, c) => n + Number(c.textContent), 0);
    expect(sum('valid')).toBe(9);
    expect(sum('invalid')).toBe(4 + 60 + 6);
    const invalid = cells.filter((c) => c.getAttribute('aria-label')!.startsWith('invalid,')).at(-1)!;
    invalid.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(api.callsOf('listTraces')).toHaveLength(1));
    const args = api.callsOf('listTraces')[0]!;
    expect(args).toMatchObject({ origin: 'production', valid: false, limit: 50 });
    expect(Date.parse(args.to!) - Date.parse(args.from!)).toBeLessThanOrEqual(7 * DAY_MS);
    const list = await screen.findByTestId('trace-list');
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(Math.min(50, Number(invalid.textContent))));
    expect(list.textContent).toContain('Drifted answer');
    expect(list.textContent).not.toContain('Charged twice');
  });

  it('with the workspace’s runs: the demo’s extractions, the invalid ones behind a cell', async () => {
    const { api, user } = await renderProduction();
    await screen.findByTestId('trace-chart', {}, { timeout: 5000 });
    await user.selectOptions(screen.getByTestId('trace-metric'), 'invalid');
    await user.selectOptions(screen.getByTestId('trace-bucket'), 'week');
    await user.selectOptions(screen.getByTestId('trace-window'), 'all');
    await user.selectOptions(screen.getByTestId('trace-origin'), 'runs');
    await waitFor(() => expect(api.callsOf('traceChart').at(-1)).toEqual({ metric: 'invalid', bucket: 'week', origin: 'runs' }));
    await user.click(await screen.findByTestId('trace-table-toggle'));
    const cells = within(await screen.findByTestId('trace-chart-table')).getAllByTestId('trace-cell');
    // The one invalid answer of the template's runs: the scripted model's urgency "sofort" for Lena's message.
    const invalid = cells.filter((c) => c.getAttribute('aria-label')!.startsWith('invalid,'));
    expect(invalid.map((c) => c.textContent)).toEqual(['1']);
    invalid[0]!.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(api.callsOf('listTraces')).toHaveLength(1));
    const list = await screen.findByTestId('trace-list');
    expect(api.callsOf('listTraces')[0]).toMatchObject({ origin: 'runs', valid: false, limit: 50 });
    await waitFor(() => expect(within(list).getAllByTestId('trace-row')).toHaveLength(1));
    expect(within(list).getByTestId('trace-row').textContent).toContain(DEMO.lena.subject);
    expect(within(list).getByTestId('trace-row').textContent).toContain(`urgency: ${DEMO.lena.invalidUrgency}`);
  });

  it('says when there are no traces in the window, and when the backend has none to give', async () => {
    // The demo as it is: no production traces.
    const { api, user } = await renderProduction({ backend: await startBackend() });
    expect((await screen.findByTestId('trace-chart-empty')).textContent).toContain('No production traces in this window');
    api.failNext('traceChart', { code: 'unavailable', message: 'the trace store is busy' });
    await user.selectOptions(screen.getByTestId('trace-bucket'), 'week');
    expect((await screen.findByTestId('error-state')).textContent).toContain('the trace store is busy');
    expect(api.callsOf('traceChart').at(-1)).toMatchObject({ bucket: 'week' });
    await user.click(screen.getByTestId('retry-button'));
    await screen.findByTestId('trace-chart-empty');
  });

  it('the unknown-keys chart lists its keys (a key the runtime dropped, named in its errors); “Add as alias” previews then applies update_field with the field’s aliases and the key (default: the field it resembles), then offers a re-run', async () => {
    const { api, user } = await renderProduction();
    await screen.findByTestId('trace-chart', {}, { timeout: 5000 });
    await user.selectOptions(screen.getByTestId('trace-metric'), 'unknown_keys');
    await waitFor(() => expect(api.callsOf('traceChart').at(-1)).toMatchObject({ metric: 'unknown_keys' }));
    expect(api.callsOf('traceChart').at(-1)!.field).toBeUndefined();
    await waitFor(() => expect(screen.getAllByTestId('trace-unknown-key').map((k) => [k.getAttribute('data-key'), k.textContent!.match(/in (\d+) traces/)![1]])).toEqual([
      ['priority', '7'],
      ['importance', '1'],
    ]));
    const key = screen.getAllByTestId('trace-unknown-key')[0]!;

    await user.click(within(key).getByTestId('drift-add-alias'));
    const dialog = await screen.findByTestId('drift-alias-dialog');
    expect((within(dialog).getByTestId('drift-alias-field') as HTMLSelectElement).value).toBe('urgency');
    expect(within(dialog).queryByTestId('drift-alias-already')).toBeNull();
    await user.click(within(dialog).getByTestId('drift-alias-preview'));
    await within(dialog).findByTestId('drift-alias-impact');
    const before = (await api.getRulebook({})).schema.fields.find((f) => f.name === 'urgency')!.aliases ?? [];
    expect(before).not.toContain('priority');
    const change = { op: 'update_field', field: 'urgency', set: { aliases: [...before, 'priority'] } };
    expect(api.callsOf('previewSchemaChange')).toEqual([{ change }]);
    expect(api.callsOf('applySchemaChange')).toEqual([]);
    await user.click(within(dialog).getByTestId('drift-alias-apply'));
    await within(dialog).findByTestId('drift-alias-done');
    expect(api.callsOf('applySchemaChange')).toEqual([{ change, confirm: false }]);
    const rulebook = await api.getRulebook({});
    expect(rulebook.schema.fields.find((f) => f.name === 'urgency')!.aliases).toEqual([...before, 'priority']);

    await user.click(within(dialog).getByTestId('drift-alias-rerun-all'));
    await waitFor(() => expect(api.callsOf('startRun')).toEqual([{ selection: { all: true } }]));
    await waitFor(() => expect(screen.queryByTestId('drift-alias-dialog')).toBeNull());
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
  it('watches a folder of trace files: each file with its lines and bad lines, the last error; Stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-traces-'));
    const time = new Date(Date.now() - 86_400_000).toISOString();
    writeFileSync(join(dir, 'traces.jsonl'), [JSON.stringify({ text: 'Hello', output: { issue_type: 'bug' }, time }), 'not json', JSON.stringify({ text: 'Again', output: { issue_type: 'billing' }, time })].join('\n') + '\n');
    // A folder named like a trace file (read after traces.jsonl): reading it fails, and the scan says so.
    mkdirSync(join(dir, 'unreadable.jsonl'));
    const { backend, api, user } = await renderProduction({ backend: await startBackend() });
    backend.afterClose(() => rmSync(dir, { recursive: true, force: true }));
    await user.type(await screen.findByTestId('trace-watch-input'), dir);
    await user.click(screen.getByTestId('trace-watch-start'));
    expect((await screen.findByTestId('trace-watch-path')).textContent).toBe(dir);
    expect(api.callsOf('watchTraceFolder')).toEqual([{ path: dir }]);
    const files = await screen.findByTestId('trace-watch-files', {}, { timeout: 8000 });
    await waitFor(() => expect(within(files).getAllByRole('row').map((r) => r.textContent)).toEqual(['FileLinesBad', 'traces.jsonl31', 'unreadable.jsonl00']), { timeout: 8000 });
    expect((await screen.findByTestId('trace-watch-error', {}, { timeout: 8000 })).textContent).toMatch(/^Last error: .*EISDIR/);
    await user.click(screen.getByTestId('trace-watch-stop'));
    await screen.findByTestId('trace-watch-input');
    expect(api.callsOf('watchTraceFolder').at(-1)).toEqual({ path: null });
  });
});
