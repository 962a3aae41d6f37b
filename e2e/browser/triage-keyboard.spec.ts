// Issue 4, keyboard first: five messages reviewed with the keyboard alone. j/k move through the list,
// a accepts (and the next message opens), e edits: the focus goes to a choice field, a digit picks its
// nth value, and Ctrl+Enter in the rationale saves the correction (and the next message opens).
// Issue 10: e then a digit never types into a text field, u undoes an accept, ? lists every key.
import type { Page } from '@playwright/test';
import { DEMO_MESSAGES } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { callApi, expect, RunsBar, test, useScriptedModel } from '../support/triage.js';

/** The data-testid of the element with the focus. */
function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);
}

/** Presses Tab until the element with this test id has the focus (at most `limit` presses). */
async function tabTo(page: Page, testId: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if ((await focusedTestId(page)) === testId) return;
    await page.keyboard.press('Tab');
  }
  expect(await focusedTestId(page), `Tab reaches ${testId}`).toBe(testId);
}

test('five messages reviewed with the keyboard alone', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  await inbox.open();
  // The inbox extracted by the scripted model (a run started through the API).
  await useScriptedModel(page, model);
  await callApi(page, 'startRun', { selection: { all: true } });
  await new RunsBar(page).expectDone(DEMO_MESSAGES.length);
  await inbox.filterStatus('');
  await expect(inbox.detail).toHaveCount(0);

  // The first six rows of the list (newest first), as the list shows them.
  await expect(inbox.rows.nth(5)).toBeVisible();
  const ids = (await inbox.renderedIds()).slice(0, 6);
  const statusOf = (id: string) => inbox.row(id).locator('.badge[class*="badge-status-"]');
  for (const id of ids.slice(0, 5)) await expect(statusOf(id)).not.toHaveText(/Accepted|Corrected/);
  const expectOpen = async (id: string) => {
    await expect(inbox.detail).toHaveAttribute('data-message-id', id);
    await expect(inbox.row(id)).toHaveAttribute('aria-selected', 'true');
  };

  // j opens the first message, j the next, k goes back.
  await page.keyboard.press('j');
  await expectOpen(ids[0]!);
  await page.keyboard.press('j');
  await expectOpen(ids[1]!);
  await page.keyboard.press('k');
  await expectOpen(ids[0]!);

  // a accepts; the next message opens.
  await page.keyboard.press('a');
  await expect(statusOf(ids[0]!)).toHaveText('Accepted');
  await expectOpen(ids[1]!);
  await page.keyboard.press('a');
  await expect(statusOf(ids[1]!)).toHaveText('Accepted');
  await expectOpen(ids[2]!);

  // e edits: the first choice field (issue_type) has the focus, a digit picks another category,
  // Tab to the rationale, type it, Ctrl+Enter saves the correction.
  await expect(inbox.field('issue_type')).toBeVisible();
  const before = await inbox.fieldValue('issue_type');
  const categories = await page.getByTestId('enum-picker-issue_type').getByRole('radio').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
  const choice = categories.findIndex((c) => c !== before);
  expect(choice).toBeGreaterThanOrEqual(0);
  expect(choice).toBeLessThan(9);
  const after = categories[choice]!;
  await page.keyboard.press('e');
  await expect.poll(() => focusedTestId(page)).toBe('enum-picker-issue_type');
  await page.keyboard.press(String(choice + 1));
  await expect(inbox.field('issue_type').locator('dd')).toHaveText(after);
  await expect(page.getByTestId('field-was-issue_type')).toContainText(before);
  await tabTo(page, 'correction-rationale');
  await page.keyboard.type('Reviewed from the keyboard: the customer names the current problem.');
  await page.keyboard.press('Control+Enter');
  await expect(statusOf(ids[2]!)).toHaveText('Corrected');
  await expect(inbox.row(ids[2]!).locator('[data-field="issue_type"]')).toHaveText(after);
  await expectOpen(ids[3]!);

  await page.keyboard.press('a');
  await expect(statusOf(ids[3]!)).toHaveText('Accepted');
  await expectOpen(ids[4]!);
  await page.keyboard.press('a');
  await expect(statusOf(ids[4]!)).toHaveText('Accepted');
  await expectOpen(ids[5]!);

  // Five statuses changed, and the backend has them.
  const counts = await callApi(page, 'getCounts', {});
  expect(counts.byStatus.accepted).toBe(4);
  expect(counts.byStatus.corrected).toBe(1);
  for (const [i, id] of ids.slice(0, 5).entries()) {
    const detail = await callApi(page, 'getMessage', { id });
    expect(detail.message.status, id).toBe(i === 2 ? 'corrected' : 'accepted');
  }
  expect((await callApi(page, 'getMessage', { id: ids[2]! })).extraction?.output.issue_type).toBe(after);
  expect(await callApi(page, 'getMessage', { id: ids[5]! })).toMatchObject({ message: { status: expect.not.stringMatching(/accepted|corrected/) } });
});

test('e then 4 changes an enum, never a text field; a then u restores the status; ? lists every key', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  await inbox.open();
  await useScriptedModel(page, model);
  const priya = DEMO_MESSAGES.find((m) => m.id === 'demo-001')!;
  await inbox.selectDemoMessage(priya);
  const id = (await inbox.selectedId())!;
  // r extracts the open message (the scripted model answers).
  await page.keyboard.press('r');
  await new RunsBar(page).expectDone(1);
  await expect(inbox.field('issue_type')).toBeVisible();
  const texts = () => page.getByTestId('extraction-form').locator('input[type="text"], input:not([type])').evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value));
  const textsBefore = await texts();
  const name = await inbox.fieldValue('name');
  const values = await page.getByTestId('enum-picker-issue_type').getByRole('radio').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));

  // e, then 4: the first enum field takes the fourth value; no text field changed.
  await page.keyboard.press('e');
  await page.keyboard.press('4');
  await expect(inbox.field('issue_type').locator('dd')).toHaveText(values[3]!);
  await expect(inbox.field('name').locator('dd')).toHaveText(name);
  expect(await texts()).toEqual(textsBefore);
  expect(await focusedTestId(page)).toBe('enum-picker-issue_type');
  // The last edited field is remembered: urgency edited, reset, e goes back to urgency.
  await page.getByTestId('enum-picker-urgency').getByRole('radio', { checked: false }).first().click();
  await page.getByTestId('correction-reset').click();
  await page.getByTestId('message-text').click();
  await page.keyboard.press('e');
  await expect.poll(() => focusedTestId(page)).toBe('enum-picker-urgency');
  await page.keyboard.press('2');
  await expect(inbox.field('urgency').locator('dd')).toHaveText('medium');
  expect(await texts()).toEqual(textsBefore);
  await page.getByTestId('correction-reset').click();

  // ? lists the review keys, the digits and Ctrl+Enter among them.
  await page.getByTestId('message-text').click();
  await page.keyboard.press('?');
  const dialog = page.getByTestId('shortcuts-dialog');
  await expect(dialog).toBeVisible();
  for (const text of ['1–9', 'Choose the nth value', 'Ctrl+Enter', 'Save the correction', 'Ctrl+Z', 'Undo the last accept', 'Accept the extraction', 'Next message', 'Go to Rules']) {
    await expect(dialog).toContainText(text);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // a accepts (a toast offers undo); u takes it back. (Priya's is the list's oldest, so no next message opens.)
  const before = (await callApi(page, 'getMessage', { id })).message.status;
  expect(before).not.toBe('accepted');
  await page.keyboard.press('a');
  await expect(inbox.row(id).locator('.badge[class*="badge-status-"]')).toHaveText('Accepted');
  expect((await callApi(page, 'getMessage', { id })).message.status).toBe('accepted');
  await expect(page.getByTestId('toast').filter({ hasText: 'Accepted — press U to undo' })).toBeVisible();
  await page.keyboard.press('u');
  await expect(inbox.detail).toHaveAttribute('data-message-id', id);
  await expect(inbox.row(id).locator('.badge[class*="badge-status-"]')).not.toHaveText('Accepted');
  expect((await callApi(page, 'getMessage', { id })).message.status).toBe(before);
  // And Ctrl+Z undoes an accept as well.
  await page.keyboard.press('a');
  await expect(inbox.row(id).locator('.badge[class*="badge-status-"]')).toHaveText('Accepted');
  await page.keyboard.press('Control+z');
  await expect(inbox.row(id).locator('.badge[class*="badge-status-"]')).not.toHaveText('Accepted');
  expect((await callApi(page, 'getMessage', { id })).message.status).toBe(before);
});
