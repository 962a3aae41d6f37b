// Issue 12, Consistency, in Chromium against the real browser host: the scripted OpenAI-compatible
// server answers the issue type at random for three chosen messages (its `random` option: a model
// unsure of them) and deterministically for the rest. After an inbox run (nothing waits for review),
// a repeat run of every message, 4 times with the cache bypassed, is started from Drift ›
// Consistency. It flags exactly the random messages as unstable (issue_type only), shows their
// answers side by side, and sends exactly them to the review queue with an `unstable` reason.
import { DriftPage, DRIFT_MESSAGES, driftMessage, setUpTriageWorkspace } from '../support/drift-compare.js';
import { InboxPage } from '../support/inbox-page.js';
import { asPrompted, countBy, expect, requestedTexts, rerunAll, RunsBar, test } from '../support/triage.js';

const REPEATS = 4;
const RANDOM = ['Card reader disconnects', 'Adding a second till', 'Thanks for the quick fix'].map(driftMessage);
const STABLE = DRIFT_MESSAGES.filter((m) => !RANDOM.includes(m));
const FIELDS = ['name', 'issue_type', 'urgency', 'requested_action'];

test('a repeat run flags exactly the messages the server answers at random, shows their answers side by side and queues them for review', async ({ page, startIsolatedHost, model }) => {
  test.setTimeout(120_000);
  const host = await startIsolatedHost({ workspace: false });
  model.script({ random: { texts: RANDOM.map((m) => asPrompted(m.text)), fields: ['issue_type'], seed: 7 } });
  const { ids } = await setUpTriageWorkspace(page, host.url, model);

  // The inbox run: every answer valid and sure enough, so nothing waits for review yet.
  const inbox = new InboxPage(page, host);
  await page.getByTestId('nav-inbox').click();
  await inbox.waitReady();
  await rerunAll(page);
  await new RunsBar(page).expectDone(DRIFT_MESSAGES.length);
  await expect(page.getByTestId('count-needs-review')).toHaveText('0');

  // Drift › Consistency: every message, 4 repeats, the seed varied (the default).
  const drift = new DriftPage(page);
  await drift.open('consistency');
  await expect(page.getByTestId('consistency-empty')).toBeVisible();
  await expect(page.getByTestId('consistency-scope-all')).toBeChecked();
  await expect(page.getByTestId('consistency-vary-seed')).toBeChecked();
  await expect(page.getByTestId('consistency-provider')).toHaveValue('openai');
  await page.getByTestId('consistency-repeats').fill(String(REPEATS));
  const askedBefore = model.chatRequests.length;
  await page.getByTestId('consistency-start').click();
  const report = page.getByTestId('consistency-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('consistency-progress')).toHaveCount(0);
  await expect(page.getByTestId('consistency-under')).toHaveText(/^draft [0-9a-f]{6} · OpenAI-compatible casebook-test-1 · seed varied · cache bypassed$/);

  // The cache was bypassed: each message asked once per repeat, although the inbox run cached them all.
  const asked = countBy(requestedTexts(model).slice(askedBefore));
  expect(asked).toEqual(new Map(DRIFT_MESSAGES.map((m) => [asPrompted(m.text), REPEATS])));

  // Exactly the random messages are unstable, and only in issue_type.
  await expect(page.getByTestId('consistency-messages')).toHaveText(String(DRIFT_MESSAGES.length));
  await expect(page.getByTestId('consistency-unstable')).toHaveText(String(RANDOM.length));
  await expect(drift.items).toHaveCount(DRIFT_MESSAGES.length);
  const unstable = drift.items.and(page.locator('[data-unstable="true"]'));
  await expect(unstable).toHaveCount(RANDOM.length);
  expect((await unstable.locator('.drift-row-subject').allTextContents()).sort()).toEqual(RANDOM.map((m) => m.subject).sort());
  for (const m of RANDOM) await expect(drift.item(m.subject).locator('.chip')).toHaveText(['issue_type']);
  for (const m of STABLE) await expect(drift.item(m.subject).locator('.chip')).toHaveText(['stable']);
  const n = DRIFT_MESSAGES.length;
  for (const field of FIELDS) {
    const flagged = field === 'issue_type' ? RANDOM.length : 0;
    const share = ((n - flagged) / n) * 100;
    expect(Number.isInteger(share), 'a share the panel writes without decimals').toBe(true);
    await expect(drift.consistencyField(field).getByTestId('consistency-field-unstable')).toHaveText(`${flagged} unstable`);
    await expect(drift.consistencyField(field).getByTestId('consistency-field-agreement')).toHaveText(`${share}%`);
  }

  // Their answers side by side: a column per repeat; issue_type differs between them, nothing else does.
  for (const m of RANDOM) {
    await drift.item(m.subject).click();
    const detail = page.getByTestId('consistency-detail');
    await expect(detail).toHaveAttribute('data-message-id', ids.get(m.subject)!);
    const table = page.getByTestId('consistency-repeats-table');
    await expect(table.locator('thead th')).toHaveText(['Field', ...Array.from({ length: REPEATS }, (_, i) => `Repeat ${i + 1}`)]);
    const row = (field: string) => table.locator(`[data-testid="consistency-repeat-row"][data-field="${field}"]`);
    await expect(row('issue_type')).toHaveAttribute('data-differs', 'true');
    for (const field of FIELDS.filter((f) => f !== 'issue_type')) await expect(row(field)).toHaveAttribute('data-differs', 'false');
    await expect(row('urgency').getByTestId('consistency-repeat-cell')).toHaveText(Array(REPEATS).fill(m.urgency));
    const values = await row('issue_type').getByTestId('consistency-repeat-cell').allTextContents();
    expect(values).toHaveLength(REPEATS);
    expect(new Set(values).size, `issue_type of "${m.subject}" across the repeats: ${values.join(', ')}`).toBeGreaterThan(1);
    await page.getByTestId('consistency-detail-close').click();
    await expect(report).toBeVisible();
  }
  // A stable message: every repeat the same, the answer the text names.
  const stable = STABLE[0]!;
  await drift.item(stable.subject).click();
  await expect(page.locator('[data-testid="consistency-repeat-row"][data-field="issue_type"] [data-testid="consistency-repeat-cell"]')).toHaveText(Array(REPEATS).fill(stable.issue_type));
  await expect(page.locator('[data-testid="consistency-repeat-row"][data-differs="true"]')).toHaveCount(0);
  await page.getByTestId('consistency-detail-close').click();

  // The review queue holds exactly the random messages, each with its unstable reason.
  await expect(page.getByTestId('count-needs-review')).toHaveText(String(RANDOM.length));
  await drift.item(RANDOM[0]!.subject).click();
  await page.getByTestId('consistency-open-in-review').click();
  await expect(inbox.detail).toHaveAttribute('data-message-id', ids.get(RANDOM[0]!.subject)!);
  await expect(inbox.why.locator('[data-testid="why-reasons"] li[data-kind="unstable"]')).toHaveText([new RegExp(`^unstable: issue_type differed across ${REPEATS} repeats \\(.+, .+\\)$`)]);
  await inbox.filterStatus('queue');
  await expect(inbox.rows).toHaveCount(RANDOM.length);
  expect((await inbox.renderedIds()).sort()).toEqual(RANDOM.map((m) => ids.get(m.subject)!).sort());
});
