// Production traces for the drift journeys (issue 12): a support desk's messages with the answers a
// scripted model gives them in two periods (in the second, `priority` instead of `urgency` for some
// and another issue_type for others), the workspace's draft published as the rulebook the runtime's
// example service loads, the trace log that service writes, and the Drift › Production tab as a page model.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { Answerer } from '../../shared/testkit/scripted-server.js';
import { startExampleService } from './publish-production.js';
import { asPrompted, callApi } from './triage.js';

export interface DeskMessage {
  id: string;
  subject: string;
  text: string;
  issue_type: string;
  urgency: string;
}

/** What the model answers in the first period (the support triage template's fields). */
export const DESK: readonly DeskMessage[] = [
  { id: 't01', subject: 'Charged twice', text: 'You charged my card twice for the March invoice. Please refund one of them.', issue_type: 'billing', urgency: 'high' },
  { id: 't02', subject: 'VAT number', text: 'Can you add our VAT number to the invoices from now on?', issue_type: 'billing', urgency: 'low' },
  { id: 't03', subject: 'Plan price', text: 'Why did the price of the team plan go up this month?', issue_type: 'billing', urgency: 'medium' },
  { id: 't04', subject: 'Receipt missing', text: 'I paid yesterday but never got a receipt by email.', issue_type: 'billing', urgency: 'low' },
  { id: 't05', subject: 'Export crashes', text: 'The CSV export crashes every time I pick more than one month.', issue_type: 'bug', urgency: 'medium' },
  { id: 't06', subject: 'Sync broken', text: 'Nothing syncs between the tablet and the till since the update.', issue_type: 'bug', urgency: 'critical' },
  { id: 't07', subject: 'Blank page', text: 'The reports page stays blank in Firefox.', issue_type: 'bug', urgency: 'medium' },
  { id: 't08', subject: 'Wrong totals', text: 'Daily totals on the dashboard are off by a few cents.', issue_type: 'bug', urgency: 'high' },
  { id: 't09', subject: 'Discount codes', text: 'How do I make a discount code that works only once?', issue_type: 'how_to', urgency: 'low' },
  { id: 't10', subject: 'Add a user', text: 'Where do I invite a new colleague to our account?', issue_type: 'how_to', urgency: 'low' },
  { id: 't11', subject: 'Opening hours', text: 'How can I show our opening hours on the receipt?', issue_type: 'how_to', urgency: 'low' },
  { id: 't12', subject: 'Dark mode', text: 'Any chance of a dark mode for the evening shift?', issue_type: 'feature_request', urgency: 'low' },
];

/** Second period: these come back with `priority` instead of `urgency`. */
export const PRIORITY_IDS: readonly string[] = ['t01', 't05', 't06', 't10'];
/** Second period: these billing messages come back as account_access. */
export const SHIFTED_IDS: readonly string[] = ['t02', 't03', 't04'];

const deskByText = new Map(DESK.map((m) => [asPrompted(m.text), m]));

/** The scripted model of a period: every field of the template, answered from DESK (and drifted in period 2). */
export function deskModel(period: 1 | 2): Answerer {
  return (_body, message) => {
    const m = deskByText.get(message.text);
    if (!m) throw new Error(`the desk model was asked about a message it does not know: ${message.text.slice(0, 80)}`);
    const drifted = period === 2;
    const issue_type = drifted && SHIFTED_IDS.includes(m.id) ? 'account_access' : m.issue_type;
    const urgencyKey = drifted && PRIORITY_IDS.includes(m.id) ? 'priority' : 'urgency';
    return { name: null, issue_type, [urgencyKey]: m.urgency, requested_action: null };
  };
}

/** The desk's messages as a JSONL file for importMessages. */
export function deskJsonl(): string {
  return DESK.map((m) => JSON.stringify({ id: m.id, subject: m.subject, text: m.text })).join('\n') + '\n';
}

/**
 * Publishes the draft as it is (the regression gate first, as Publish… does) and writes the version
 * and the active public key into `dir`, as History's Export buttons save them. Returns both paths.
 */
export async function publishForService(page: Page, dir: string): Promise<{ rulebook: string; publicKey: string; version: number }> {
  const gate = await callApi(page, 'startGate', {});
  await expect.poll(async () => (await callApi(page, 'getGate', { gateId: gate.id })).status, { timeout: 30_000 }).toBe('done');
  const published = await callApi(page, 'publishDraft', { gateId: gate.id, note: 'for the example service' });
  const version = published.version;
  const artifact = await callApi(page, 'exportVersion', { version });
  const key = await callApi(page, 'exportPublicKey', {});
  const rulebook = path.join(dir, artifact.name);
  const publicKey = path.join(dir, key.name);
  writeFileSync(rulebook, artifact.content);
  writeFileSync(publicKey, key.content);
  return { rulebook, publicKey, version };
}

/**
 * One period of production: the example service on `rulebook`, its trace log in `traceDir`, its model
 * the endpoint at `modelUrl`; every desk message extracted once, then the service stopped (which
 * flushes the log). A fresh process per period, so no answer comes from the previous period's cache.
 */
export async function runProductionPeriod(opts: { rulebook: string; publicKey: string; traceDir: string; modelUrl: string; name: string }): Promise<string[]> {
  const service = await startExampleService({ rulebook: opts.rulebook, publicKey: opts.publicKey, name: opts.name, traceDir: opts.traceDir, env: { OPENAI_BASE_URL: opts.modelUrl } });
  try {
    for (const m of DESK) {
      const res = await service.extract({ id: m.id, subject: m.subject, text: m.text });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  } finally {
    await service.stop();
  }
  return readdirSync(opts.traceDir).map((name) => path.join(opts.traceDir, name));
}

export const DAY_MS = 86_400_000;

/**
 * The trace log's lines with their `time` moved `days` earlier, written as that day's log file in
 * `outDir`. The runtime writes the current time into each line and the example service (a child
 * process) takes no clock, so an earlier week is made by rewriting the time, as a log copied from
 * last week's server would read; nothing else in a line changes.
 */
export function movedEarlier(files: readonly string[], days: number, outDir: string): string {
  const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== ''));
  expect(lines.length).toBeGreaterThan(0);
  const moved = lines.map((l) => {
    const line = JSON.parse(l) as { time: string };
    return JSON.stringify({ ...line, time: new Date(Date.parse(line.time) - days * DAY_MS).toISOString() });
  });
  const first = JSON.parse(moved[0]!) as { time: string };
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `casebook-trace-${first.time.slice(0, 10)}.jsonl`);
  writeFileSync(file, moved.join('\n') + '\n');
  return file;
}

const dayLabel = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric' });

/** How the chart labels the week (Monday, UTC) holding `time`: "week of 23 Nov". */
export function weekLabel(time: string | Date): string {
  const t = new Date(time);
  const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  return `week of ${dayLabel.format(new Date(monday))}`;
}

/** A chart's table as read on the page: per bucket label, its total and each series' count. */
export type ChartTableRows = Record<string, { total: number; counts: Record<string, number> }>;

/** Drift › Production. */
export class ProductionTab {
  readonly panel: Locator;
  readonly chart: Locator;
  readonly table: Locator;
  readonly traceList: Locator;
  readonly traceRows: Locator;
  readonly importResults: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('drift-production');
    this.chart = page.getByTestId('trace-chart');
    this.table = page.getByTestId('trace-chart-table');
    this.traceList = page.getByTestId('trace-list');
    this.traceRows = page.getByTestId('trace-row');
    this.importResults = page.getByTestId('trace-import-result');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-drift').click();
    await expect(this.page.getByTestId('drift-screen')).toBeVisible();
    await this.page.getByTestId('tab-production').click();
    await expect(this.panel).toBeVisible();
  }

  /** Import trace files… with files from disk or made in the test. */
  async importFiles(files: string[] | { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
    await this.panel.getByTestId('trace-import-input').setInputFiles(files);
  }

  /** Watch a folder, by its full path; waits until the watched path is shown. */
  async watch(folder: string): Promise<void> {
    await this.panel.getByTestId('trace-watch-input').fill(folder);
    await this.panel.getByTestId('trace-watch-start').click();
    await expect(this.panel.getByTestId('trace-watch-path')).toHaveText(folder);
  }

  /** Picks the chart (metric, field, bucket, window) and waits for its table. */
  async chartOf(opts: { metric: string; field?: string; bucket?: 'hour' | 'day' | 'week'; window?: '7' | '30' | '90' | 'all' }): Promise<void> {
    await this.panel.getByTestId('trace-metric').selectOption(opts.metric);
    if (opts.field) await this.panel.getByTestId('trace-field').selectOption(opts.field);
    if (opts.bucket) await this.panel.getByTestId('trace-bucket').selectOption(opts.bucket);
    if (opts.window) await this.panel.getByTestId('trace-window').selectOption(opts.window);
    await expect(this.chart).toBeVisible();
    const toggle = this.panel.getByTestId('trace-table-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect(this.table).toBeVisible();
  }

  /** The table's numbers (a series without traces in a bucket reads 0). */
  async readTable(): Promise<ChartTableRows> {
    const headers = (await this.table.locator('thead th').allTextContents()).map((h) => h.trim());
    if (headers[0] !== 'Bucket' || headers[1] !== 'Traces') throw new Error(`not the chart's table: ${headers.join(', ')}`);
    const series = headers.slice(2);
    const out: ChartTableRows = {};
    for (const row of await this.table.locator('tbody tr').all()) {
      const bucket = (await row.locator('th').textContent())!.trim();
      const cells = (await row.locator('td').allTextContents()).map((c) => Number(c.trim().replace(/,/g, '')));
      out[bucket] = { total: cells[0]!, counts: Object.fromEntries(series.map((s, i) => [s, cells[i + 1]!])) };
    }
    return out;
  }

  /** The table cell of a series in a bucket, as a button that lists its traces. */
  cell(series: string, bucket: string, count: number): Locator {
    return this.table.getByRole('button', { name: `${series}, ${bucket}: ${count} traces`, exact: true });
  }

  /** The listed traces' message texts (their excerpts), in the order shown. */
  async listedTexts(): Promise<string[]> {
    return (await this.traceRows.locator('.trace-excerpt').allTextContents()).map((t) => t.trim());
  }
}
