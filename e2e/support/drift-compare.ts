// Support for the Drift journeys (issue 12): a small support-triage workspace whose messages each
// name one issue type and one urgency (so the scripted server's default answer is known from the
// text), the expectations a script implies, and the Drift screen's Compare runs and Consistency tabs
// as a page model.
import { expect, type Locator, type Page } from '@playwright/test';
import type { DraftRulebook } from '../../shared/src/api/records.js';
import { pickEnum } from '../../shared/testkit/answer.js';
import type { ScriptedServer } from '../../shared/testkit/scripted-server.js';
import { asPrompted, callApi, useScriptedModel } from './triage.js';
import { WorkspacesPage } from './workspaces.js';

export interface DriftMessage {
  subject: string;
  text: string;
  /** What the text names (the scripted default answers it; checked against pickEnum by `baseAnswers`). */
  issue_type: string;
  urgency: string;
}

/** Twelve messages, each naming exactly one issue type and one urgency of the support-triage template. */
export const DRIFT_MESSAGES: readonly DriftMessage[] = [
  { subject: 'Double charge in March', text: 'Billing: the March invoice charged our card twice. Urgency high, our finance team closes the month on Friday.', issue_type: 'billing', urgency: 'high' },
  { subject: 'Receipt without VAT number', text: 'Billing: the receipts for our plan lack our VAT number. Medium urgency, the accountant can wait a few days.', issue_type: 'billing', urgency: 'medium' },
  { subject: 'Price of the yearly plan', text: 'Billing question about the price of the yearly plan; low urgency, just curious.', issue_type: 'billing', urgency: 'low' },
  { subject: 'Exporting the weekly report', text: 'How to export the weekly sales report as a spreadsheet? Low urgency.', issue_type: 'how_to', urgency: 'low' },
  { subject: 'Adding a second till', text: 'How to add a second till to the same shop? Medium urgency, we open the new counter next week.', issue_type: 'how_to', urgency: 'medium' },
  { subject: 'Till crashes on start', text: 'Bug: the till app crashes on start since this morning and no sale can be rung up. Critical, the whole shop is stopped.', issue_type: 'bug', urgency: 'critical' },
  { subject: 'Card reader disconnects', text: 'Bug report: the card reader disconnects every hour. High urgency, customers wait at the counter.', issue_type: 'bug', urgency: 'high' },
  { subject: 'Locked out after a password reset', text: "Account access: I reset my password and cannot sign in since. High urgency, I cannot open the till. I'm Ben Okafor.", issue_type: 'account_access', urgency: 'high' },
  { subject: 'Dark mode for the back office', text: 'Feature request: a dark mode for the back office screens. Low urgency.', issue_type: 'feature_request', urgency: 'low' },
  { subject: 'Closing our account', text: 'Cancellation: we are closing the shop and want to end the subscription. Medium urgency, please confirm by email.', issue_type: 'cancellation', urgency: 'medium' },
  { subject: 'Thanks for the quick fix', text: "Other: just a thank-you note for yesterday's quick fix. Low urgency.", issue_type: 'other', urgency: 'low' },
  { subject: 'Stock numbers below zero', text: 'Bug: stock numbers turn negative after a return is booked. Medium urgency, we count by hand meanwhile.', issue_type: 'bug', urgency: 'medium' },
];

export function driftMessage(subject: string): DriftMessage {
  const m = DRIFT_MESSAGES.find((x) => x.subject === subject);
  if (!m) throw new Error(`no drift message "${subject}"`);
  return m;
}

/** The messages of this set whose prompted text is `text` (the scripted server sees the prompt's text). */
export function isMessage(messages: readonly DriftMessage[], text: string): boolean {
  return messages.some((m) => asPrompted(m.text) === text);
}

/**
 * The scripted server's default answer for each message's enum fields, computed with its own
 * pickEnum over the draft's enum values; refuses a message whose text names something else than the
 * table says (so the table cannot silently disagree with the server).
 */
export function baseAnswers(rulebook: DraftRulebook): Map<string, { issue_type: string; urgency: string }> {
  const values = (field: string) => rulebook.schema.fields.find((f) => f.name === field)?.values?.map((v) => v.value) ?? [];
  const out = new Map<string, { issue_type: string; urgency: string }>();
  for (const m of DRIFT_MESSAGES) {
    const answer = { issue_type: pickEnum(values('issue_type'), m.text) as string, urgency: pickEnum(values('urgency'), m.text) as string };
    expect(answer, `what the scripted server answers for "${m.subject}"`).toEqual({ issue_type: m.issue_type, urgency: m.urgency });
    out.set(m.subject, answer);
  }
  return out;
}

/** Counts of `from → to` pairs, keyed by the JSON of both (as the matrix's cells name them). */
export function transitionCounts(pairs: readonly [unknown, unknown][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [from, to] of pairs) {
    const key = `${JSON.stringify(from)}→${JSON.stringify(to)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * A support-triage workspace made from the start screen (the host started without one), holding
 * DRIFT_MESSAGES, with the workspace pointed at the scripted server. With `plainUrgency`, `priority`
 * is no longer an alias of `urgency` (the template has it), so an answer saying `priority` keeps a key
 * outside the schema. Returns the draft and the workspace's message id per subject.
 */
export async function setUpTriageWorkspace(page: Page, url: string, server: ScriptedServer, opts: { plainUrgency?: boolean } = {}): Promise<{ rulebook: DraftRulebook; ids: Map<string, string> }> {
  await page.goto(url);
  await expect(page.getByTestId('start-screen')).toBeVisible({ timeout: 30_000 });
  await new WorkspacesPage(page).fromTemplate('support_triage', 'Till support');
  await expect(page.getByTestId('workspace-name')).toHaveText('Till support');

  if (opts.plainUrgency) {
    const urgency = (await callApi(page, 'getRulebook', {})).schema.fields.find((f) => f.name === 'urgency')!;
    expect(urgency.aliases).toContain('priority');
    await callApi(page, 'applySchemaChange', { change: { op: 'update_field', field: 'urgency', set: { aliases: (urgency.aliases ?? []).filter((a) => a !== 'priority') } }, confirm: false });
  }
  const content = DRIFT_MESSAGES.map((m) => JSON.stringify({ subject: m.subject, text: m.text, sender: 'shop@example.com' })).join('\n') + '\n';
  const imported = await callApi(page, 'importMessages', { file: { name: 'till-support.jsonl', content, format: 'jsonl' }, asPrecedents: false });
  expect(imported).toMatchObject({ inserted: DRIFT_MESSAGES.length, skipped: 0, problems: [] });
  await useScriptedModel(page, server, { concurrency: 4 });

  const rulebook = await callApi(page, 'getRulebook', {});
  const list = await callApi(page, 'listMessages', { limit: 100 });
  const ids = new Map(list.items.map((m) => [m.subject ?? '', m.id]));
  expect(ids.size).toBe(DRIFT_MESSAGES.length);
  return { rulebook, ids };
}

/** The subjects of a list of rows, sorted (rows come in message id order, not the table's). */
export async function sortedSubjects(rows: Locator, subject = '.drift-row-subject'): Promise<string[]> {
  return (await rows.locator(subject).allTextContents()).sort();
}

/** The Drift screen. */
export class DriftPage {
  readonly screen: Locator;
  // Compare runs
  readonly runA: Locator;
  readonly runB: Locator;
  readonly swap: Locator;
  readonly newRun: Locator;
  readonly pending: Locator;
  readonly overlap: Locator;
  readonly changed: Locator;
  readonly validity: Locator;
  readonly becameInvalid: Locator;
  readonly becameValid: Locator;
  readonly rows: Locator;
  readonly matching: Locator;
  readonly filterChip: Locator;
  readonly pair: Locator;
  // Consistency
  readonly consistency: Locator;
  readonly items: Locator;

  constructor(readonly page: Page) {
    this.screen = page.getByTestId('drift-screen');
    this.runA = page.getByTestId('drift-run-a');
    this.runB = page.getByTestId('drift-run-b');
    this.swap = page.getByTestId('drift-swap');
    this.newRun = page.getByTestId('drift-new-run');
    this.pending = page.getByTestId('drift-pending');
    this.overlap = page.getByTestId('drift-overlap').locator('.drift-stat-value');
    this.changed = page.getByTestId('drift-changed').locator('.drift-stat-value');
    this.validity = page.getByTestId('drift-validity');
    this.becameInvalid = page.getByTestId('drift-became-invalid');
    this.becameValid = page.getByTestId('drift-became-valid');
    this.rows = page.getByTestId('drift-row');
    this.matching = page.getByTestId('drift-matching');
    this.filterChip = page.getByTestId('drift-filter-chip');
    this.pair = page.getByTestId('drift-pair');
    this.consistency = page.getByTestId('consistency-panel');
    this.items = page.getByTestId('consistency-item');
  }

  async open(tab: 'compare' | 'consistency' = 'compare'): Promise<void> {
    await this.page.getByTestId('nav-drift').click();
    await expect(this.screen).toBeVisible();
    await this.page.getByTestId(`tab-${tab}`).click();
    await expect(this.page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
  }

  // ---- Compare runs -------------------------------------------------------------------------

  /** New comparison run…: the draft, the OpenAI-compatible provider, this model. */
  async startComparisonRun(model: string): Promise<void> {
    await this.newRun.click();
    const dialog = this.page.getByTestId('drift-new-run-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('drift-new-run-version')).toHaveValue('draft');
    await dialog.getByTestId('drift-new-run-provider').selectOption('openai');
    await dialog.getByTestId('drift-new-run-model').fill(model);
    await dialog.getByTestId('drift-new-run-start').click();
    await expect(dialog).toHaveCount(0);
  }

  /** Picks the runs compared, A (the reference) and B, by id. */
  async pick(a: string, b: string): Promise<void> {
    await this.runA.selectOption(a);
    await this.runB.selectOption(b);
    await expect(this.runA).toHaveValue(a);
    await expect(this.runB).toHaveValue(b);
  }

  field(name: string): Locator {
    return this.page.locator(`[data-testid="drift-field"][data-field=${JSON.stringify(name)}]`);
  }

  /** A field's matrix cell (A's value → B's), by the values' JSON as the cells name them. */
  cell(field: string, from: unknown, to: unknown): Locator {
    return this.field(field).locator(`[data-testid="drift-matrix-cell"][data-from=${JSON.stringify(JSON.stringify(from))}][data-to=${JSON.stringify(JSON.stringify(to))}]`);
  }

  /** Every cell of a field's matrix as `from→to` (values' JSON) to its count. */
  async cells(field: string): Promise<Map<string, number>> {
    const pairs = await this.field(field)
      .getByTestId('drift-matrix-cell')
      .evaluateAll((cells) => cells.map((c) => [`${c.getAttribute('data-from')}→${c.getAttribute('data-to')}`, Number(c.textContent)] as const));
    return new Map(pairs);
  }

  unknownKey(key: string): Locator {
    return this.page.locator(`[data-testid="drift-unknown-key"][data-key=${JSON.stringify(key)}]`);
  }

  /** Narrows the table to a field (its name in Changes per field). */
  async filterField(name: string): Promise<void> {
    await this.field(name).getByTestId('drift-field-filter').click();
    await expect(this.filterChip).toContainText(name);
  }

  async clearFilter(): Promise<void> {
    await this.page.getByTestId('drift-filter-clear').click();
    await expect(this.filterChip).toHaveCount(0);
  }

  /** Waits until the changed table lists exactly these subjects (any order). */
  async expectRows(subjects: readonly string[]): Promise<void> {
    const n = subjects.length;
    await expect(this.matching).toHaveText(`${n} message${n === 1 ? '' : 's'}`);
    await expect(this.rows).toHaveCount(n);
    expect(await sortedSubjects(this.rows)).toEqual([...subjects].sort());
  }

  row(subject: string): Locator {
    return this.rows.filter({ has: this.page.locator('.drift-row-subject', { hasText: subject }) });
  }

  // ---- Consistency --------------------------------------------------------------------------

  item(subject: string): Locator {
    return this.items.filter({ has: this.page.locator('.drift-row-subject', { hasText: subject }) });
  }

  consistencyField(name: string): Locator {
    return this.page.locator(`[data-testid="consistency-field"][data-field=${JSON.stringify(name)}]`);
  }
}
