// Page model of the inbox (in the spirit of Actual Budget's e2e/page-models): the specs say what a
// user does and sees; the test ids and the virtualized list's details live here.
import { expect, type Locator, type Page } from '@playwright/test';
import type { RunningHost } from './host.js';


export class InboxPage {
  readonly ready: Locator;
  readonly list: Locator;
  readonly rows: Locator;
  readonly selectedRow: Locator;
  readonly search: Locator;
  readonly statusFilter: Locator;
  readonly empty: Locator;
  readonly detail: Locator;
  readonly messageText: Locator;
  readonly messageBody: Locator;
  readonly messageSubject: Locator;
  readonly extraction: Locator;
  readonly why: Locator;
  readonly totalCount: Locator;
  readonly listMeta: Locator;

  constructor(
    readonly page: Page,
    readonly host: RunningHost,
  ) {
    this.ready = page.getByTestId('app-ready');
    this.list = page.getByTestId('inbox-list');
    this.rows = page.getByTestId('inbox-row');
    this.selectedRow = this.rows.and(page.locator('[aria-selected="true"]'));
    this.search = page.getByTestId('search-input');
    this.statusFilter = page.getByTestId('status-filter');
    this.empty = page.getByTestId('inbox-empty');
    this.detail = page.getByTestId('message-detail');
    this.messageText = page.getByTestId('message-text');
    this.messageBody = page.getByTestId('message-body');
    this.messageSubject = page.getByTestId('message-subject');
    this.extraction = page.getByTestId('extraction-json');
    this.why = page.getByTestId('why-panel');
    this.totalCount = page.getByTestId('count-total');
    this.listMeta = page.locator('.inbox-list-meta');
  }

  /** Opens the app (the host's URL with its token unless another URL is given) and waits until it is ready. */
  async open(url: string = this.host.url): Promise<void> {
    await this.page.goto(url);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await expect(this.ready).toBeVisible({ timeout: 30_000 });
    await expect(this.list).toBeVisible();
    await expect(this.rows.first()).toBeVisible();
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="inbox-row"][data-message-id=${JSON.stringify(id)}]`);
  }

  /** The ids of the rows currently in the DOM (the list is virtualized: only those near the view). */
  async renderedIds(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-message-id') ?? ''));
  }

  /**
   * Opens a message: by its workspace id (a row's `data-message-id`), or by text its row shows
   * (sender, subject or the start of the text).
   * The list is virtualized, so the row is brought into the DOM by scrolling the list when needed.
   */
  async selectMessage(idOrText: string | RegExp): Promise<void> {
    const target = typeof idOrText === 'string' ? this.row(idOrText).or(this.rows.filter({ hasText: idOrText })) : this.rows.filter({ hasText: idOrText });
    await this.selectRow(target);
  }

  /** Opens a message of the demo data by what its row shows: its subject and the start of its text. */
  async selectDemoMessage(message: { subject: string; text: string }): Promise<void> {
    const start = message.text.split(/\s+/).slice(0, 6).join(' ');
    await this.selectRow(this.rows.filter({ hasText: message.subject }).filter({ hasText: start }));
  }

  private async selectRow(target: Locator): Promise<void> {
    await this.scrollTo(target.first());
    const id = await target.first().getAttribute('data-message-id');
    if (!id) throw new Error('the row names no message');
    await target.first().click();
    await expect(this.row(id)).toHaveAttribute('aria-selected', 'true');
    await expect(this.detail).toHaveAttribute('data-message-id', id);
  }

  /** Scrolls the list from the top until `row` is rendered. */
  private async scrollTo(row: Locator): Promise<void> {
    if ((await row.count()) > 0) return;
    await this.list.evaluate((el) => (el.scrollTop = 0));
    for (;;) {
      if ((await row.count()) > 0) return;
      // The virtualizer renders a dozen rows beyond each edge of the view, so a step a bit longer than
      // the view skips no row.
      const moved = await this.list.evaluate((el) => {
        const before = el.scrollTop;
        el.scrollTop = before + el.clientHeight + 300;
        return el.scrollTop > before;
      });
      // Wait until the virtualizer has rendered the rows of the new position.
      await expect.poll(() => this.list.evaluate(rowsCoverView), { message: 'the list renders the rows in view' }).toBe(true);
      if (!moved) {
        await expect(row, 'the message is not in the list').not.toHaveCount(0, { timeout: 2_000 });
        return;
      }
    }
  }

  async selectedId(): Promise<string | null> {
    if ((await this.selectedRow.count()) === 0) return null;
    return this.selectedRow.first().getAttribute('data-message-id');
  }

  /** The open message's text (its body) as shown. */
  async detailText(): Promise<string> {
    return this.messageBody.innerText();
  }

  field(name: string): Locator {
    return this.page.getByTestId(`extraction-field-${name}`);
  }

  /** The shown value of one extracted field (the field's value cell). */
  async fieldValue(name: string): Promise<string> {
    return (await this.field(name).locator('dd').innerText()).trim();
  }

  /** Every extracted field shown, name to shown value. */
  async fieldValues(): Promise<Record<string, string>> {
    const fields = this.extraction.locator('[data-testid^="extraction-field-"]');
    const entries = await fields.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-testid')!.slice('extraction-field-'.length), (el.querySelector('dd') as { innerText: string } | null)?.innerText.trim() ?? ''] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Types into the search box as a user would (the inbox searches as one types, debounced). */
  async searchFor(text: string): Promise<void> {
    await this.search.fill('');
    await this.search.pressSequentially(text, { delay: 20 });
  }

  async filterStatus(status: string): Promise<void> {
    await this.statusFilter.selectOption(status);
  }

  /** The number of messages the list says match (its "N messages" line). */
  async listedTotal(): Promise<number> {
    const text = await this.listMeta.innerText();
    const m = /([\d,]+)\s+messages?/.exec(text);
    if (!m) throw new Error(`no message count in "${text}"`);
    return Number(m[1]!.replace(/,/g, ''));
  }

  async expectListedTotal(n: number): Promise<void> {
    await expect(this.listMeta).toContainText(new RegExp(`^${n.toLocaleString('en-US')} messages?\\b`));
  }
}

interface Box {
  top: number;
  bottom: number;
}
/** The parts of the list's DOM element used below (the e2e code is compiled without the DOM library). */
interface ListElement {
  scrollTop: number;
  clientHeight: number;
  scrollHeight: number;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): ArrayLike<{ getBoundingClientRect(): Box }>;
}

/** Whether the rendered rows of the virtualized list cover its visible area (runs in the page). */
function rowsCoverView(list: ListElement): boolean {
  const view = list.getBoundingClientRect();
  const rows = Array.from(list.querySelectorAll('[data-testid="inbox-row"]'), (r) => r.getBoundingClientRect());
  if (rows.length === 0) return false;
  const top = Math.min(...rows.map((r) => r.top));
  const bottom = Math.max(...rows.map((r) => r.bottom));
  const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 1;
  return top <= view.top + 1 && (bottom >= view.bottom - 1 || atEnd);
}
