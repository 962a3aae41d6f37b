// Issue 4, import: a CSV with a broken row goes in through the import dialog. The problem names the
// row's line and the reason; every good row is imported and can be found in the inbox; the imported
// messages are new, and extracting them asks the model once each.
import { DEMO_MESSAGES } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { asPrompted, expect, requestedTexts, RunsBar, test, useScriptedModel } from '../support/triage.js';

const GOOD = [
  { text: 'The receipt printer at the Harbour Street shop prints blank pages since Monday', subject: 'Blank receipts' },
  { text: 'Please cancel our subscription at the end of the month, we are closing the studio', subject: 'Closing down' },
  { text: 'Could the booking page show prices in Norwegian kroner as well?', subject: 'Currency' },
  { text: 'My card reader order TW-99120 arrived with a cracked screen', subject: 'Damaged reader' },
];
// Line 1 is the header; line 3 opens a quoted field that is never closed.
const CSV = [
  'text,subject',
  `${GOOD[0]!.text},${GOOD[0]!.subject}`,
  '"The app crashes when I print the quokka report,Crash',
  `"${GOOD[1]!.text}",${GOOD[1]!.subject}`,
  `"${GOOD[2]!.text}",${GOOD[2]!.subject}`,
  `${GOOD[3]!.text},${GOOD[3]!.subject}`,
  '',
].join('\n');

test('a CSV with a broken row: the problem names its line, the good rows are in the inbox', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  await inbox.open();
  await expect(inbox.totalCount).toHaveText(String(DEMO_MESSAGES.length));

  await page.getByTestId('import-button').click();
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('import-file-input').setInputFiles({ name: 'tickets.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });

  // The preview: CSV, the rows it read, and the broken row named by its line with the reason.
  await expect(dialog.getByTestId('import-preview')).toBeVisible();
  await expect(dialog.getByTestId('import-format')).toHaveAttribute('data-format', 'csv');
  const previewProblems = dialog.getByTestId('import-preview').getByTestId('import-problem');
  await expect(previewProblems).toHaveCount(1);
  await expect(previewProblems.first()).toHaveAttribute('data-line', '3');
  await expect(previewProblems.first()).toContainText('Line 3:');
  await expect(previewProblems.first()).toContainText('broken CSV quoting');
  await expect(dialog.getByTestId('import-preview-row')).toHaveCount(GOOD.length);

  await dialog.getByTestId('import-submit').click();
  const result = dialog.getByTestId('import-result');
  await expect(result).toBeVisible();
  await expect(result.getByTestId('import-inserted')).toHaveText(String(GOOD.length));
  await expect(result.getByTestId('import-skipped')).toHaveText('0');
  await expect(result.getByTestId('import-problem')).toHaveCount(1);
  await expect(result.getByTestId('import-problem').first()).toHaveAttribute('data-line', '3');
  await expect(result.getByTestId('import-problem').first()).toContainText('broken CSV quoting');
  await dialog.getByTestId('import-done').click();
  await expect(dialog).toHaveCount(0);

  // The good rows are in the inbox; the broken one is not.
  await expect(inbox.totalCount).toHaveText(String(DEMO_MESSAGES.length + GOOD.length));
  await inbox.searchFor('Harbour Street');
  await expect(inbox.rows).toHaveCount(1);
  await expect(inbox.rows.first()).toContainText(GOOD[0]!.subject);
  await inbox.selectMessage(GOOD[0]!.subject);
  expect(await inbox.detailText()).toBe(GOOD[0]!.text);
  await inbox.searchFor('Norwegian kroner');
  await expect(inbox.rows).toHaveCount(1);
  await expect(inbox.rows.first()).toContainText(GOOD[2]!.subject);
  await inbox.searchFor('quokka');
  await expect(inbox.empty).toBeVisible();
  await inbox.searchFor('');

  // The imported messages are new; extracting them (the filter) asks the model once for each.
  await useScriptedModel(page, model);
  await inbox.filterStatus('new');
  await inbox.expectListedTotal(GOOD.length);
  await page.getByTestId('rerun-menu').locator('summary').click();
  await page.getByTestId('rerun-filter').click();
  await new RunsBar(page).expectDone(GOOD.length);
  expect(requestedTexts(model).sort()).toEqual(GOOD.map((g) => asPrompted(g.text)).sort());
  await expect(inbox.empty).toBeVisible();
});
