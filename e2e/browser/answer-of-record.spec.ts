// Issue 10, the answer of record: a person's correction survives re-running everything. The
// scripted model files "It's me again. Still locked out. Billing said it wasn't them." under billing
// (it takes the first category a message names); the lead corrects it to account; a re-run of the
// whole inbox asks the model again, which still says billing. The inbox keeps showing account, the
// message's history lists every extraction, and the disagreeing answer puts the message at the head
// of the review queue as a regression, both answers side by side, until the lead keeps theirs.
import { demoMessage, DEMO_MESSAGES } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { expect, rerunAll, RunsBar, test, useScriptedModel } from '../support/triage.js';

const STORY = demoMessage('demo-048');

test('a correction stays the answer after re-running everything; a disagreeing answer is a regression in the queue', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const runs = new RunsBar(page);
  await inbox.open();
  await useScriptedModel(page, model);
  await rerunAll(page);
  await runs.expectDone(DEMO_MESSAGES.length);

  // The lead corrects the story: billing → account.
  await inbox.searchFor('locked out');
  await inbox.selectMessage(STORY.text);
  const storyId = (await inbox.detail.getAttribute('data-message-id'))!;
  expect(await inbox.fieldValue('issue_type')).toBe('billing');
  await page.getByTestId('enum-option-issue_type-account').click();
  await page.getByTestId('correction-rationale').fill('the current problem, not the earlier contact');
  await page.getByTestId('correction-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Correction saved as precedent' })).toBeVisible();
  await expect(inbox.row(storyId).locator('[data-field="issue_type"]')).toHaveText('account');

  // Everything again: the model's answer for the story (asked again, or its cached answer when the
  // prompt did not change) still says billing.
  await rerunAll(page);
  await runs.expectDone(DEMO_MESSAGES.length);

  // The inbox still shows the person's answer, and says a later one disagrees.
  const row = inbox.row(storyId);
  await expect(row).toContainText('Corrected');
  await expect(row.locator('[data-field="issue_type"]')).toHaveText('account');
  await expect(row.getByTestId('regression-badge')).toBeVisible();
  await expect(page.getByTestId('count-regressions')).toHaveText('1');

  // The review queue puts the regression first.
  await inbox.searchFor('');
  await inbox.statusFilter.selectOption('queue');
  await expect(page.getByTestId('sort-order')).toHaveValue('confidence');
  // Once the list holds the queue (its count is the header's), scroll to its head: the list keeps
  // the open message in view, which may be further down.
  const queued = (await page.getByTestId('count-needs-review').innerText()).trim();
  await expect(inbox.listMeta).toContainText(`${queued} message`);
  await inbox.list.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(inbox.rows.first()).toHaveAttribute('data-message-id', storyId);
  await expect(inbox.rows.first().getByTestId('row-reasons')).toContainText('disagrees');

  // Opened: the record is the correction; both answers side by side; the history lists them all.
  await inbox.selectMessage(storyId);
  expect(await inbox.fieldValue('issue_type')).toBe('account');
  const regression = page.getByTestId('regression');
  await expect(regression).toContainText('issue_type');
  await expect(page.getByTestId('regression-record')).toContainText('account');
  await expect(page.getByTestId('regression-machine')).toContainText('billing');
  const history = page.getByTestId('history-row');
  // The demo's first (embedded) answer, the model's first run, the correction, the re-run's answer.
  await expect(history).toHaveCount(4);
  await expect(history.and(page.locator('[data-record="true"]'))).toHaveCount(1);
  await expect(history.and(page.locator('[data-record="true"]'))).toHaveAttribute('data-human', 'true');
  await expect(history.first()).toContainText('issue_type');

  // The lead keeps their answer: the regression is settled, the correction stays.
  await page.getByTestId('keep-record').click();
  await expect(regression).toHaveCount(0);
  await expect(page.getByTestId('count-regressions')).toHaveCount(0);
  expect(await inbox.fieldValue('issue_type')).toBe('account');
});
