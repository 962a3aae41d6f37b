// Issue 10, promote-to-rule defaults: on a chat transcript of the demo ("Chat with Tidewell", a
// subject twenty messages share), the Promote dialog's condition starts from the words of the
// message, never its subject or the customer's name; a rule promoted for issue_type sets issue_type
// alone, though the correction changed sentiment too; after a page reload the dialog still knows
// what the correction changed; editing the saved rule shows its impact, as a new rule's.
import type { Locator } from '@playwright/test';
import { demoMessage, DEMO_MESSAGES } from '../support/demo.js';
import { expect, test } from '../support/fixtures.js';
import { InboxPage } from '../support/inbox-page.js';
import { callApi } from '../support/triage.js';

const CHAT = demoMessage('demo-002');
const SENDER_NAME = CHAT.sender.replace(/<.*>/, '').trim().split(/\s+/);

test.beforeAll(() => {
  expect(CHAT.subject).toBe('Chat with Tidewell');
  expect(DEMO_MESSAGES.filter((m) => m.subject === CHAT.subject).length).toBeGreaterThan(10);
});

/** Phrases shown in the condition (chips) and offered (suggestions). */
async function phrasesOf(dialog: Locator): Promise<string[]> {
  const chips = await dialog.getByTestId('phrase-chip').allInnerTexts();
  const offered = await dialog.getByTestId('phrase-suggestion').allInnerTexts();
  return [...chips, ...offered].map((t) => t.replace(/[×+]/g, '').trim());
}

test('promote from a chat transcript: no subject line, no name; one field set; Set after a reload; a saved rule previews its edits', async ({ page, startIsolatedHost }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  await inbox.open();
  await inbox.searchFor('export last months');
  await inbox.selectDemoMessage(CHAT);
  const chatId = (await inbox.detail.getAttribute('data-message-id'))!;
  const before = (await callApi(page, 'getMessage', { id: chatId })).extraction!.output;

  // Correct two fields: issue_type and sentiment.
  const issueType = before.issue_type === 'feature_request' ? 'other' : 'feature_request';
  const sentiment = before.sentiment === 'positive' ? 'neutral' : 'positive';
  await page.getByTestId(`enum-option-issue_type-${issueType}`).click();
  await page.getByTestId(`enum-option-sentiment-${sentiment}`).click();
  await page.getByTestId('correction-rationale').fill('Asking for a CSV export is a feature question.');
  await page.getByTestId('correction-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Correction saved as precedent' })).toBeVisible();

  // A reload: the window forgets everything it held; promote from the stored message.
  await page.reload();
  await inbox.waitReady();
  await inbox.searchFor('export last months');
  await inbox.selectMessage(chatId);
  await page.getByTestId('review-promote').click();
  const dialog = page.getByTestId('promote-dialog');
  await expect(dialog).toBeVisible();

  // The condition: one phrase of the body; no phrase is the subject or holds the customer's name.
  const builder = dialog.getByTestId('condition-builder');
  await expect(builder.getByTestId('phrase-chip')).toHaveCount(1);
  await expect(builder.getByTestId('condition-holds')).toHaveAttribute('data-holds', 'true');
  const phrases = await phrasesOf(dialog);
  expect(phrases.length).toBeGreaterThan(0);
  for (const phrase of phrases) {
    expect(phrase.toLowerCase(), phrase).not.toContain('chat with');
    expect(phrase.toLowerCase(), phrase).not.toContain('tidewell');
    for (const part of SENDER_NAME) expect(phrase.toLowerCase().split(/\s+/), phrase).not.toContain(part.toLowerCase());
  }

  // Set survived the reload: issue_type, as corrected; sentiment offered, unticked.
  await expect(dialog.getByTestId('promote-field')).toHaveValue('issue_type');
  await expect(dialog.getByTestId('set-field-issue_type')).toBeChecked();
  await expect(dialog.getByTestId(`enum-option-set-issue_type-${issueType}`)).toHaveAttribute('aria-checked', 'true');
  await expect(dialog.getByTestId('set-field-sentiment')).not.toBeChecked();
  await expect(dialog.locator('[data-testid="set-row"][data-field="sentiment"]')).toContainText('also changed by the correction');
  await expect(dialog.getByTestId('promote-rationale')).toHaveValue('Asking for a CSV export is a feature question.');

  // The preview changes issue_type only.
  await dialog.getByTestId('promote-preview').click();
  await expect(dialog.getByTestId('impact-summary')).toBeVisible();
  const fields = await dialog.getByTestId('impact-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
  expect(fields.every((f) => f === 'issue_type')).toBe(true);
  await expect(dialog.getByTestId('promote-save')).toBeEnabled();
  await dialog.getByTestId('promote-save').click();
  await expect(dialog).toHaveCount(0);
  const toast = page.getByTestId('toast').filter({ hasText: /^Rule \S+ saved\./ });
  await expect(toast).toBeVisible();
  const ruleId = /^Rule (\S+) saved\./.exec((await toast.locator('span').first().innerText()).trim())![1]!;
  const saved = (await callApi(page, 'listRules', {})).find((r) => r.rule.id === ruleId)!.rule;
  expect(saved).toMatchObject({ kind: 'override', set: { issue_type: issueType } });
  expect(Object.keys((saved as { set: object }).set)).toEqual(['issue_type']);

  // Editing the saved rule shows its impact, as a new rule's; ticking sentiment previews again.
  await page.getByTestId('nav-rules').click();
  const row = page.locator(`[data-testid="rule-row"][data-rule-id="${ruleId}"]`);
  await row.getByTestId('rule-edit').click();
  const editor = page.getByTestId('rule-editor');
  await expect(editor.getByTestId('impact-preview')).toBeVisible();
  await expect(editor.getByTestId('set-field-issue_type')).toBeChecked();
  await expect(editor.getByTestId('set-field-sentiment')).not.toBeChecked();
  await editor.getByTestId('set-field-sentiment').click();
  await editor.getByTestId(`enum-option-set-sentiment-${sentiment}`).click();
  await expect(editor.getByTestId('rule-editor-impact')).toHaveAttribute('data-state', 'current');
  await editor.getByTestId('rule-save').click();
  await expect(editor).toHaveCount(0);
  const edited = (await callApi(page, 'listRules', {})).find((r) => r.rule.id === ruleId)!.rule;
  expect(edited).toMatchObject({ set: { issue_type: issueType, sentiment } });
});
