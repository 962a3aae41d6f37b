// Issue 4, runs: the workspace is pointed at the scripted OpenAI-compatible server from the Settings
// screen and the Rulebook's Model tab, and an extraction run over the whole inbox shows a progress bar that reaches the end, the
// header counts follow, and the server was asked once per message.
import { DEMO_MESSAGES, demoMessage } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { answerAsDefaultExcept, asPrompted, countBy, expect, MODEL, requestedTexts, rerunAll, RunsBar, test } from '../support/triage.js';

test('a run over the inbox with the scripted model: progress to the end, header counts, one request per message', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const runs = new RunsBar(page);
  // The model answers as the scripted default, except for one message, whose answer names a category
  // the schema does not know: that extraction is invalid, so the header's counts have to move.
  const odd = demoMessage('demo-001');
  model.script({
    latencyMs: 20,
    answer: answerAsDefaultExcept((message, answer) => (message.text === asPrompted(odd.text) ? { ...answer, issue_type: 'not_a_category' } : answer)),
  });

  await inbox.open();
  await expect(inbox.totalCount).toHaveText(String(DEMO_MESSAGES.length));
  await expect(page.getByTestId('count-invalid')).toHaveText('0');
  await expect(runs.bar).toHaveCount(0);

  // Settings: this machine's OpenAI-compatible endpoint is the scripted server; the provider and
  // model are the draft rulebook's, in its Model tab.
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-form')).toBeVisible();
  await page.getByTestId('settings-base-url').fill(model.url);
  await page.getByTestId('settings-concurrency').fill('4');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-form').getByRole('status')).toHaveText('Saved.');
  await page.getByTestId('settings-model-link').click();
  await page.getByTestId('model-provider').selectOption('openai');
  await page.getByTestId('model-name').fill(MODEL);
  await page.getByTestId('model-save').click();
  await expect(page.getByTestId('model-status')).toHaveText('Saved.');
  expect(model.chatRequests).toHaveLength(0);

  // Re-run every message from the inbox.
  await page.getByTestId('nav-inbox').click();
  await expect(inbox.list).toBeVisible();
  await rerunAll(page);
  await expect(runs.bar).toBeVisible();
  await expect(runs.progress).toHaveAttribute('data-total', String(DEMO_MESSAGES.length));
  await runs.expectDone(DEMO_MESSAGES.length);

  // The header counts follow the run: the one invalid answer is counted and sent to review, where
  // the queue (least confident first) puts it at the top.
  await expect(page.getByTestId('count-invalid')).toHaveText('1');
  await expect(inbox.totalCount).toHaveText(String(DEMO_MESSAGES.length));
  await inbox.filterStatus('queue');
  await expect(page.getByTestId('sort-order')).toHaveValue('confidence');
  await expect(inbox.rows.first()).toContainText(odd.subject);
  await inbox.filterStatus('');

  // One request per message, each message once.
  const asked = countBy(requestedTexts(model));
  expect(model.chatRequests).toHaveLength(DEMO_MESSAGES.length);
  expect([...asked.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(asked.keys())).toEqual(new Set(DEMO_MESSAGES.map((m) => asPrompted(m.text))));
  for (const request of model.chatRequests) expect((request.body as { model?: string }).model).toBe(MODEL);

  // The messages now carry the scripted model's answers: the why panel names the endpoint's model.
  await inbox.selectDemoMessage(odd);
  await expect(inbox.why.getByTestId('why-provider')).toHaveText('openai');
  await expect(inbox.why.getByTestId('why-model')).toHaveText(MODEL);
  expect(await inbox.fieldValue('issue_type')).toContain('not_a_category');
});
