// Issue 9, schema editing: remove a field, add a field; the extractions made before are marked stale
// (in the inbox's rows, the open message and a filter, shown as they were), and re-running the stale
// ones clears the marks.
import type { Page } from '@playwright/test';
import { DEMO_MESSAGES } from '../support/demo.js';
import { expect, RunsBar, test } from '../support/triage.js';
import { InboxPage } from '../support/inbox-page.js';

async function openFields(page: Page): Promise<void> {
  await page.getByTestId('nav-rulebook').click();
  await page.getByTestId('tab-fields').click();
  await expect(page.getByTestId('schema-editor')).toBeVisible();
}

test('remove a field and add one: the extractions are marked stale, and a re-run of the stale ones clears them', async ({ page, startIsolatedHost }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const runs = new RunsBar(page);
  await inbox.open();
  await expect(page.getByTestId('stale-badge')).toHaveCount(0);

  // Remove "sentiment": the preview says what happens; Save waits for the box to be ticked.
  await openFields(page);
  await page.locator('[data-testid="schema-field-card"][data-field="sentiment"]').getByTestId('field-remove').click();
  const impact = page.getByTestId('schema-impact');
  await expect(impact.getByTestId('impact-stale-count')).toHaveText(new RegExp(`^${DEMO_MESSAGES.length} extractions marked stale`));
  await expect(impact.getByTestId('schema-save')).toBeDisabled();
  await impact.getByTestId('schema-confirm').check();
  await impact.getByTestId('schema-save').click();
  await expect(page.locator('[data-testid="schema-field-card"][data-field="sentiment"]')).toHaveCount(0);
  await expect(page.getByTestId('schema-stale-count')).toHaveText(String(DEMO_MESSAGES.length));

  // Add "channel".
  await page.getByTestId('add-field').click();
  await page.getByTestId('new-field-name').fill('channel');
  await page.getByTestId('new-field-type').selectOption('enum');
  await page.getByTestId('new-field-values').fill('email, chat, phone');
  await page.getByTestId('add-field-submit').click();
  await page.getByTestId('schema-impact').getByTestId('schema-save').click();
  await expect(page.locator('[data-testid="schema-field-card"][data-field="channel"]')).toBeVisible();

  // The inbox marks them; the filter lists them; the open one is shown as it was.
  await page.getByTestId('nav-inbox').click();
  await expect(inbox.rows.first().getByTestId('stale-badge')).toBeVisible();
  await page.getByTestId('stale-filter').selectOption('true');
  await inbox.expectListedTotal(DEMO_MESSAGES.length);
  await inbox.rows.first().click();
  await expect(page.getByTestId('stale-notice')).toContainText('Made under an earlier schema: shown as it was; re-run to update.');
  await expect(inbox.field('sentiment')).toContainText('not in the schema now');
  await expect(inbox.field('sentiment')).not.toHaveClass(/has-error/);

  // Re-run the stale ones: one action.
  await page.getByTestId('rerun-menu').locator('summary').click();
  await page.getByTestId('rerun-stale-menu').click();
  await runs.expectDone(DEMO_MESSAGES.length);
  await expect(inbox.empty).toBeVisible();
  await page.getByTestId('stale-filter').selectOption('');
  await expect(inbox.rows.first()).toBeVisible();
  await expect(page.getByTestId('stale-badge')).toHaveCount(0);
  await inbox.rows.first().click();
  await expect(page.getByTestId('stale-notice')).toHaveCount(0);
  await expect(inbox.field('sentiment')).toHaveCount(0);
});
