// Issue 9, schema editing: rename an enum value that precedents and an override rule use. The impact
// preview counts them; after saving, the precedents and the rule use the new name, an answer in the
// old shape from the scripted OpenAI-compatible server still maps to it, and Undo in History gives
// back the draft exactly as it was.
import type { Page } from '@playwright/test';
import { demoMessage } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { answerAsDefaultExcept, asPrompted, callApi, expect, RunsBar, test, useScriptedModel } from '../support/triage.js';

async function openFields(page: Page): Promise<void> {
  await page.getByTestId('nav-rulebook').click();
  await expect(page.getByTestId('rulebook-screen')).toBeVisible();
  await page.getByTestId('tab-fields').click();
  await expect(page.getByTestId('schema-editor')).toBeVisible();
}

const fieldCard = (page: Page, name: string) => page.locator(`[data-testid="schema-field-card"][data-field="${name}"]`);

test('rename an enum value used by precedents and an override rule; old answers still map; Undo restores it exactly', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const runs = new RunsBar(page);
  // The model answers in the old shape for one message: urgency "high", a value the schema will no longer have.
  const oldShaped = demoMessage('demo-001');
  model.script({ answer: answerAsDefaultExcept((message, answer) => (message.text === asPrompted(oldShaped.text) ? { ...answer, urgency: 'high' } : answer)) });

  await inbox.open();
  await useScriptedModel(page, model);
  const before = await callApi(page, 'getRulebook', {});
  const usingHigh = before.precedents.filter((p) => p.output.urgency === 'high');
  expect(usingHigh.length).toBeGreaterThan(0);
  expect(before.rules.find((r) => r.id === 'rule-demo-chargeback')).toMatchObject({ set: { urgency: 'high' } });

  // Rulebook › Fields: urgency › high › rename to "urgent".
  await openFields(page);
  const urgency = fieldCard(page, 'urgency');
  await urgency.getByTestId('field-edit').click();
  const high = urgency.locator('[data-testid="enum-value"][data-value="high"]');
  await high.getByTestId('value-edit').click();
  await high.getByTestId('value-rename-input').fill('urgent');
  await high.getByTestId('value-rename').click();

  // The impact preview counts the precedents and the rule, and keeps the old name as an alias.
  const impact = page.getByTestId('schema-impact');
  await expect(impact).toBeVisible();
  await expect(impact.getByTestId('impact-precedent-count')).toHaveText(`${usingHigh.length} precedents`);
  await expect(impact.getByTestId('impact-rule-count')).toHaveText('1 rule');
  await expect(impact.getByTestId('impact-precedent')).toHaveCount(usingHigh.length);
  await expect(impact.locator('[data-testid="impact-rule"][data-rule-id="rule-demo-chargeback"]')).toContainText('rewritten');
  await expect(impact.getByTestId('impact-aliases')).toContainText('value "high" → "urgent" (urgency)');
  await impact.getByTestId('schema-save').click();
  await expect(impact).toHaveCount(0);
  await expect(urgency.locator('[data-testid="enum-value"][data-value="urgent"]')).toBeVisible();

  // The precedents and the rule use the new name.
  const after = await callApi(page, 'getRulebook', {});
  for (const p of usingHigh) expect(after.precedents.find((x) => x.id === p.id)!.output.urgency).toBe('urgent');
  expect(after.precedents.some((p) => p.output.urgency === 'high')).toBe(false);
  expect(after.rules.find((r) => r.id === 'rule-demo-chargeback')).toMatchObject({ set: { issue_type: 'billing', urgency: 'urgent' } });

  // An answer in the old shape still maps: the message re-run, the model says "high", the output says "urgent".
  await page.getByTestId('nav-inbox').click();
  await inbox.selectDemoMessage(oldShaped);
  const id = await inbox.selectedId();
  await page.keyboard.press('r');
  await runs.expectDone(1);
  const requested = model.chatRequests.at(-1)!.body as { messages: { content: unknown }[] };
  expect(JSON.stringify(requested)).toContain('urgent');
  await expect.poll(async () => inbox.fieldValue('urgency')).toBe('urgent');
  const detail = await callApi(page, 'getMessage', { id: id! });
  expect(detail.extraction).toMatchObject({ valid: true, stale: false, output: expect.objectContaining({ urgency: 'urgent' }) });
  expect(detail.extraction!.trace.aliases).toContainEqual({ target: 'value', field: 'urgency', from: 'high', to: 'urgent' });

  // Undo in History: the draft is exactly as it was.
  await openFields(page);
  await page.getByTestId('tab-history').click();
  const newest = page.getByTestId('history-entry').first();
  await expect(newest.getByTestId('history-summary')).toHaveText(/^Rename the value "high" of "urgency" to "urgent"/);
  await newest.getByTestId('history-undo').click();
  await expect(page.getByTestId('history-entry').first()).toHaveAttribute('data-kind', 'undo');
  await expect(page.getByTestId('history-undo')).toHaveCount(1); // the model settings change before it is the newest undoable now
  expect(await callApi(page, 'getRulebook', {})).toEqual(before);
});
