// Issue 9, instructions and model settings: the instructions are edited in the Rulebook screen and
// shown in the prompt as the model will see it for the open message; the draft's model settings are
// set in its Model tab and the endpoint in Settings; the message is re-run and the scripted model
// received exactly the prompt the preview showed, new instructions and settings included.
import { demoMessage } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { expect, MODEL, RunsBar, test } from '../support/triage.js';
import type { ChatRequestBody } from '../../shared/testkit/scripted-server.js';

const INSTRUCTIONS = 'You triage support mail for Tidewell. Judge urgency by what the customer cannot do, never by their tone.';

test('instructions edited in the app reach the prompt preview, and the model with the new settings', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const runs = new RunsBar(page);
  const story = demoMessage('demo-048');
  await inbox.open();
  await inbox.selectDemoMessage(story);

  // Rulebook › Instructions: typed, kept while away on another tab, saved with Ctrl+Enter.
  await page.getByTestId('nav-rulebook').click();
  await page.getByTestId('tab-instructions').click();
  const editor = page.getByTestId('instructions-text');
  await editor.fill(INSTRUCTIONS);
  await expect(page.getByTestId('instructions-unsaved')).toBeVisible();
  await expect(page.getByTestId('instructions-count')).toContainText(`${INSTRUCTIONS.length} / 20,000 characters`);
  await page.getByTestId('tab-summary').click();
  await page.getByTestId('tab-instructions').click();
  await expect(editor).toHaveValue(INSTRUCTIONS);
  await editor.press('Control+Enter');
  await expect(page.getByTestId('instructions-status')).toHaveText('Saved.');

  // The prompt as the model will see it, for the message open in the inbox.
  await page.getByTestId('tab-prompt').click();
  const preview = page.getByTestId('prompt-preview');
  await expect(preview.getByTestId('prompt-source-message')).toContainText(story.subject);
  await expect(preview.getByTestId('prompt-provider')).toContainText('embedded — no model');
  const contents = preview.getByTestId('prompt-message-content');
  await expect(contents.first()).toContainText(INSTRUCTIONS);
  await expect(contents.last()).toContainText('Still locked out');

  // Settings: this machine's endpoint is the scripted server; from there, to the draft's Model tab.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-base-url').fill(model.url);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-form').getByRole('status')).toHaveText('Saved.');
  await page.getByTestId('settings-model-link').click();
  await expect(page.getByTestId('model-travels')).toContainText('travel in the rulebook to production');
  await page.getByTestId('model-provider').selectOption('openai');
  await page.getByTestId('model-name').fill(MODEL);
  await page.getByTestId('model-temperature').fill('0.2');
  await page.getByTestId('model-seed').fill('42');
  await page.getByTestId('model-k').fill('3');
  await page.getByTestId('model-save').click();
  await expect(page.getByTestId('model-status')).toHaveText('Saved.');
  await page.getByTestId('tab-summary').click();
  await expect(page.getByTestId('rulebook-model')).toContainText(`OpenAI-compatible · ${MODEL}`);

  // The preview follows the draft: the model now, and three examples.
  await page.getByTestId('tab-instructions').click();
  await page.getByTestId('tab-prompt').click();
  await expect(preview.getByTestId('prompt-provider')).toContainText(`OpenAI-compatible · ${MODEL}`);
  await expect(preview.getByTestId('prompt-example')).toHaveCount(3);
  const shown = await preview.getByTestId('prompt-message').evaluateAll((items) =>
    items.map((li) => ({ role: li.getAttribute('data-role'), content: li.querySelector('[data-testid="prompt-message-content"]')?.textContent ?? '' })),
  );
  const schema = JSON.parse((await preview.getByTestId('prompt-schema').textContent()) ?? 'null') as unknown;
  expect(model.chatRequests).toHaveLength(0);

  // Re-run the open message: the model receives the prompt the preview showed, with the new settings.
  await page.getByTestId('nav-inbox').click();
  await expect(inbox.detail).toBeVisible();
  await page.getByTestId('review-rerun').click();
  await runs.expectDone(1);
  expect(model.chatRequests).toHaveLength(1);
  const body = model.chatRequests[0]!.body as ChatRequestBody;
  expect(body).toMatchObject({ model: MODEL, temperature: 0.2, seed: 42 });
  expect(body.messages).toEqual(shown);
  expect(String(body.messages?.[0]?.content)).toMatch(new RegExp(`^${INSTRUCTIONS}`));
  expect(body.response_format?.json_schema?.schema).toEqual(schema);
  await expect(inbox.why.getByTestId('why-provider')).toHaveText('openai');
  await expect(inbox.why.getByTestId('why-model')).toHaveText(MODEL);
});
