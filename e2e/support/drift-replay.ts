// Support for the replay and regressions journeys (issue 12): a scripted model that answers the
// demo as its team taught it (configuration A), a production service run through the runtime's
// example service writing its trace log, and page models of Drift › Replay and Drift › Regressions.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { ScriptedServer } from '../../shared/testkit/scripted-server.js';
import type { DemoMessage } from './demo.js';
import { ROOT } from './host.js';
import { startExampleService } from './publish-production.js';
import { answerAsDefaultExcept, asPrompted, callApi } from './triage.js';

type Output = Record<string, unknown>;

const readJsonl = <T>(file: string): T[] =>
  readFileSync(path.join(ROOT, 'resources', 'demo', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);

/**
 * The demo's right answers by text as prompted: its messages' labels (resources/demo/labels.jsonl)
 * and its precedents' outputs. A model that gives them passes the publish gate and answers
 * production's messages as the team would.
 */
export function demoRightAnswers(): Map<string, Output> {
  const known = new Map<string, Output>();
  const labels = new Map(readJsonl<{ id: string; output: Output }>('labels.jsonl').map((l) => [l.id, l.output]));
  for (const m of readJsonl<{ id: string; text: string }>('messages.jsonl')) {
    const output = labels.get(m.id);
    if (output) known.set(asPrompted(m.text).trim(), output);
  }
  for (const p of readJsonl<{ text: string; output: Output }>('precedents.jsonl')) known.set(asPrompted(p.text).trim(), p.output);
  return known;
}

/** Configuration A: the right answer for every demo message and precedent, the server's default for anything else. */
export function scriptModelA(model: ScriptedServer, known: Map<string, Output>, extra: { shift?: Record<string, Record<string, string>> } = {}): void {
  model.script({ answer: answerAsDefaultExcept((message, answer) => ({ ...(known.get(message.text.trim()) ?? answer) })), ...extra });
}

export interface ProductionAnswer {
  message: DemoMessage;
  output: Output;
}

/**
 * Production under a published version: the runtime's example service loads it (verified with the
 * workspace's public key), asks `modelUrl`, and writes its trace log to `traceDir`. Each message is
 * sent once, in order; the service is stopped (its log flushed) before this returns. Returns what
 * production answered and the trace files written.
 */
export async function runProduction(page: Page, opts: { version: number; modelUrl: string; dir: string; messages: readonly DemoMessage[] }): Promise<{ answers: ProductionAnswer[]; files: string[] }> {
  const artifact = await callApi(page, 'exportVersion', { version: opts.version });
  const key = await callApi(page, 'exportPublicKey', {});
  const rulebook = path.join(opts.dir, `v${opts.version}.json`);
  const publicKey = path.join(opts.dir, key.name);
  writeFileSync(rulebook, artifact.content);
  writeFileSync(publicKey, key.content);
  const traceDir = path.join(opts.dir, 'traces');
  const service = await startExampleService({ rulebook, publicKey, name: 'triage-service', traceDir, env: { OPENAI_BASE_URL: opts.modelUrl } });
  const answers: ProductionAnswer[] = [];
  try {
    for (const message of opts.messages) {
      const res = await service.extract({ id: message.id, subject: message.subject, text: message.text });
      expect(res.status, `production answered ${message.id}: ${JSON.stringify(res.body)}\n${service.output()}`).toBe(200);
      expect(res.body.rulebook).toMatchObject({ version: opts.version });
      answers.push({ message, output: res.body.output as Output });
    }
  } finally {
    await service.stop();
  }
  const files = readdirSync(traceDir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(traceDir, f));
  return { answers, files };
}

/** Drift › Production: imports trace files with Import trace files… and waits for each file's result. */
export async function importTraceFiles(page: Page, files: string[], lines: number): Promise<void> {
  await page.getByTestId('nav-drift').click();
  await page.getByTestId('tab-production').click();
  await page.getByTestId('trace-import-input').setInputFiles(files);
  const results = page.getByTestId('trace-import-result');
  await expect(results).toHaveCount(files.length, { timeout: 30_000 });
  const imported = await results.getByTestId('trace-imported').allTextContents();
  expect(imported.reduce((n, t) => n + Number(t.replace(/,/g, '')), 0)).toBe(lines);
  await expect(results.getByTestId('trace-bad-count')).toHaveText(files.map(() => '0'));
}

export type Cause = 'rulebook' | 'model' | 'traffic';

/** Drift › Replay. */
export class ReplayPage {
  readonly panel: Locator;
  readonly report: Locator;
  readonly under: Locator;
  readonly items: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('replay-panel');
    this.report = this.panel.getByTestId('replay-report');
    this.under = this.report.getByTestId('replay-under');
    this.items = this.report.getByTestId('replay-item');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-drift').click();
    await this.page.getByTestId('tab-replay').click();
    await expect(this.panel).toBeVisible();
  }

  /** Start with the form as it is (the last 7 days, the draft, the draft's provider and model); waits until every trace is replayed. Returns the replay's id. */
  async replay(total: number, before: string | null = null): Promise<string> {
    await this.panel.getByTestId('replay-start').click();
    if (before) await expect(this.report).not.toHaveAttribute('data-replay-id', before);
    await expect(this.under).toHaveText(new RegExp(`^Under .* · ${total} of ${total} traces replayed$`), { timeout: 60_000 });
    await expect(this.panel.getByTestId('replay-progress')).toHaveCount(0);
    return (await this.report.getAttribute('data-replay-id'))!;
  }

  count(cause: Cause): Locator {
    return this.report.getByTestId(`replay-attribution-${cause}`).getByTestId('replay-attribution-count');
  }

  /** The counts as the panel shows them: same, differ, and each cause. */
  async expectCounts(counts: { same: number; differ: number; rulebook: number; model: number; traffic: number }): Promise<void> {
    await expect(this.report.getByTestId('replay-same')).toHaveText(String(counts.same));
    await expect(this.report.getByTestId('replay-differ').locator('.drift-stat-value')).toHaveText(String(counts.differ));
    for (const cause of ['rulebook', 'model', 'traffic'] as const) await expect(this.count(cause)).toHaveText(String(counts[cause]));
  }

  /** Drills into one cause's bucket; its items are listed. */
  async drill(cause: Cause, expected: number): Promise<void> {
    const button = this.report.getByTestId(`replay-attribution-${cause}`);
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
    await expect(this.report.getByTestId('replay-filter-chip')).toBeVisible();
    await expect(this.items).toHaveCount(expected);
  }

  item(subject: string): Locator {
    return this.items.filter({ has: this.page.locator('.drift-row-subject', { hasText: new RegExp(`^${escapeRegExp(subject)}$`) }) });
  }

  /** The subjects of the items listed, in order. */
  async subjects(): Promise<string[]> {
    return this.items.locator('.drift-row-subject').allTextContents();
  }
}

/** Drift › Regressions. */
export class RegressionsPage {
  readonly panel: Locator;
  readonly summary: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('regressions-panel');
    this.summary = this.panel.getByTestId('regressions-summary');
    this.rows = this.panel.getByTestId('regressions-row');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-drift').click();
    await this.page.getByTestId('tab-regressions').click();
    await expect(this.panel).toBeVisible();
  }

  /** Replays the precedents under `version` (the board is made when the version is picked). */
  async show(version: number | 'draft', total: number, failing: number): Promise<void> {
    await this.panel.getByTestId('regressions-version').selectOption(String(version));
    const under = version === 'draft' ? 'the draft' : `v${version}`;
    const counted = `${failing} precedent${failing === 1 ? '' : 's'} of ${total} fail under ${under}`;
    await expect(this.summary).toHaveText(new RegExp(`^${escapeRegExp(counted)}( \\([\\d.]+%\\))?\\.$`), { timeout: 60_000 });
    await expect(this.rows).toHaveCount(failing);
  }

  row(precedentId: string): Locator {
    return this.panel.locator(`[data-testid="regressions-row"][data-precedent-id="${precedentId}"]`);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
