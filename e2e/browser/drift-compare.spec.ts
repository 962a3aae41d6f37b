// Issue 12, Compare runs, in Chromium against the real browser host: the scripted OpenAI-compatible
// server first answers as a model that returns `urgency`; the inbox is run under it. Then it changes
// (re-scripted): for chosen messages it says `priority` instead of `urgency`, and it shifts two issue
// types. A comparison run under another model name (so the response cache cannot answer) is
// started from the Drift screen. The summary, the per-field counts and the issue_type matrix equal
// what the script implies (computed from the script and the messages, not read back), the table
// filters by field, transition, key and validity, and a changed message opens side by side with the
// field diff and both traces.
import { baseAnswers, DriftPage, DRIFT_MESSAGES, driftMessage, isMessage, setUpTriageWorkspace, transitionCounts } from '../support/drift-compare.js';
import { InboxPage } from '../support/inbox-page.js';
import { answerAsDefaultExcept, callApi, expect, MODEL, requestedTexts, rerunAll, RunsBar, test } from '../support/triage.js';

const MODEL_B = 'casebook-test-mini';
/** The second configuration shifts these issue types for every message that has them... */
const SHIFT = { issue_type: { billing: 'bug', how_to: 'feature_request' } };
/** ...and answers `priority` instead of `urgency` for these messages (one also shifted). */
const RENAMED = ['Double charge in March', 'Till crashes on start', 'Locked out after a password reset', 'Closing our account'].map(driftMessage);

test('two runs before and after the model changed: counts, per-field changes and the matrix equal the script; filters; side by side with the field diff and both traces', async ({ page, startIsolatedHost, model }) => {
  test.setTimeout(120_000);
  const host = await startIsolatedHost({ workspace: false });
  const { rulebook, ids } = await setUpTriageWorkspace(page, host.url, model, { plainUrgency: true });

  // What the script implies, message by message: A is the server's default answer; B shifts the
  // issue type by SHIFT and drops urgency for RENAMED (the pipeline drops the unknown `priority`).
  const base = baseAnswers(rulebook);
  const shiftOf = (v: string) => (SHIFT.issue_type as Record<string, string>)[v];
  const expected = DRIFT_MESSAGES.map((m) => {
    const a = base.get(m.subject)!;
    const renamed = RENAMED.includes(m);
    return { subject: m.subject, a, b: { issue_type: shiftOf(a.issue_type) ?? a.issue_type, urgency: renamed ? null : a.urgency }, renamed };
  });
  const shifted = expected.filter((e) => e.a.issue_type !== e.b.issue_type);
  const renamed = expected.filter((e) => e.renamed);
  const changed = expected.filter((e) => e.a.issue_type !== e.b.issue_type || e.a.urgency !== e.b.urgency);
  const subjects = (list: { subject: string }[]) => list.map((e) => e.subject);
  // The script must change something of each kind, and overlap, or the counts prove little.
  expect(shifted.length).toBeGreaterThan(2);
  expect(renamed.length).toBeGreaterThan(2);
  expect(changed.length).toBeLessThan(shifted.length + renamed.length);

  // Before: the inbox run, the server answering plainly.
  const inbox = new InboxPage(page, host);
  const runs = new RunsBar(page);
  await page.getByTestId('nav-inbox').click();
  await inbox.waitReady();
  await rerunAll(page);
  await runs.expectDone(DRIFT_MESSAGES.length);
  await expect(page.getByTestId('count-invalid')).toHaveText('0');
  const [runA] = await callApi(page, 'listRuns', {});
  expect(runA).toMatchObject({ kind: 'extract', status: 'done', model: MODEL, done: DRIFT_MESSAGES.length });

  const drift = new DriftPage(page);
  await drift.open('compare');
  await expect(page.getByTestId('drift-empty')).toBeVisible();

  // After: the model changed. What would it say? A comparison run from the Drift screen.
  const askedBefore = model.chatRequests.length;
  model.script({
    shift: SHIFT,
    answer: answerAsDefaultExcept((message, answer) => {
      if (!isMessage(RENAMED, message.text)) return answer;
      const { urgency, ...rest } = answer;
      return { ...rest, priority: urgency };
    }),
  });
  await drift.startComparisonRun(MODEL_B);
  // When it ends it becomes B, beside the inbox run as A.
  await expect(drift.pending).toHaveCount(0, { timeout: 60_000 });
  const [runB] = await callApi(page, 'listRuns', {});
  expect(runB).toMatchObject({ kind: 'compare', status: 'done', provider: 'openai', model: MODEL_B, done: DRIFT_MESSAGES.length, failed: 0 });
  await expect(drift.runA).toHaveValue(runA!.id);
  await expect(drift.runB).toHaveValue(runB!.id);
  // Every message was asked again, of model B (no cached answer from A).
  const askedB = model.chatRequests.slice(askedBefore);
  expect(askedB).toHaveLength(DRIFT_MESSAGES.length);
  for (const r of askedB) expect((r.body as { model?: string }).model).toBe(MODEL_B);
  expect(new Set(requestedTexts(model).slice(askedBefore)).size).toBe(DRIFT_MESSAGES.length);

  // Picked explicitly (swapped and back), the summary equals the script.
  await drift.pick(runB!.id, runA!.id);
  await expect(drift.becameValid).toHaveText(String(renamed.length));
  await expect(drift.becameInvalid).toHaveText('0');
  await expect(drift.cell('issue_type', 'bug', 'billing')).toBeVisible();
  await drift.pick(runA!.id, runB!.id);
  await expect(drift.overlap).toHaveText(String(DRIFT_MESSAGES.length));
  await expect(drift.changed).toHaveText(String(changed.length));
  await expect(drift.becameInvalid).toHaveText(String(renamed.length));
  await expect(drift.becameValid).toHaveText('0');
  await expect(drift.unknownKey('priority')).toHaveText(`priority: 0 → ${renamed.length}`);

  // Per field: how many changed, and old → new with counts.
  await expect(drift.field('issue_type')).toHaveAttribute('data-changed', String(shifted.length));
  await expect(drift.field('urgency')).toHaveAttribute('data-changed', String(renamed.length));
  await expect(drift.field('name')).toHaveAttribute('data-changed', '0');
  await expect(drift.field('requested_action')).toHaveAttribute('data-changed', '0');
  expect(await drift.cells('issue_type')).toEqual(transitionCounts(shifted.map((e) => [e.a.issue_type, e.b.issue_type])));
  expect(await drift.cells('urgency')).toEqual(transitionCounts(renamed.map((e) => [e.a.urgency, null])));
  const matrix = drift.field('issue_type').getByTestId('drift-matrix');
  await expect(matrix.locator('thead th').first()).toHaveText('A ↓ B →');
  expect((await matrix.locator('thead th').allTextContents()).slice(1).sort()).toEqual([...new Set(shifted.flatMap((e) => [e.a.issue_type, e.b.issue_type]))].sort());

  // The table: every changed message; then narrowed by a field, a transition, the unknown key and validity.
  await drift.expectRows(subjects(changed));
  await drift.filterField('issue_type');
  await drift.expectRows(subjects(shifted));
  for (const e of shifted) await expect(drift.row(e.subject).getByTestId('drift-row-values')).toHaveText(`${e.a.issue_type} → ${e.b.issue_type}`);
  await drift.cell('issue_type', 'billing', 'bug').click();
  await expect(drift.filterChip).toContainText('issue_type: billing → bug');
  await drift.expectRows(subjects(shifted.filter((e) => e.a.issue_type === 'billing')));
  await drift.unknownKey('priority').click();
  await drift.expectRows(subjects(renamed));
  await drift.validity.click();
  await expect(drift.filterChip).toContainText('validity changed');
  await drift.expectRows(subjects(renamed));
  for (const e of renamed) await expect(drift.row(e.subject)).toContainText('became invalid');
  await drift.clearFilter();
  await drift.expectRows(subjects(changed));

  // By keyboard: j to the first row, Enter opens it, j moves to the next message, Escape goes back.
  const order = await drift.rows.locator('.drift-row-subject').allTextContents();
  await page.keyboard.press('j');
  await expect(drift.rows.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('drift-pair-message').locator('h3')).toHaveText(order[0]!);
  await page.keyboard.press('j');
  await expect(page.getByTestId('drift-pair-message').locator('h3')).toHaveText(order[1]!);
  await expect(drift.pair).toContainText(`2 of ${changed.length}`);
  await page.keyboard.press('Escape');
  await expect(drift.pair).toHaveCount(0);
  await expect(drift.rows.nth(1)).toHaveAttribute('aria-selected', 'true');

  // One message both renamed and shifted, side by side.
  const both = expected.find((e) => e.renamed && e.a.issue_type !== e.b.issue_type)!;
  await drift.row(both.subject).click();
  await expect(drift.pair).toBeVisible();
  await expect(page.getByTestId('drift-pair-message')).toContainText(driftMessage(both.subject).text);
  // The field diff (jsondiffpatch's delta): issue_type changed, urgency only in A; nothing else.
  const diff = page.getByTestId('drift-diff-line');
  await expect(diff).toHaveCount(2);
  await expect(diff.and(page.locator('[data-kind="changed"]'))).toHaveText(`issue_type: ${both.a.issue_type} → ${both.b.issue_type}`);
  await expect(diff.and(page.locator('[data-kind="removed"]'))).toHaveText(`urgency: only in A ${both.a.urgency}`);
  const output = (field: string) => page.locator(`[data-testid="drift-output-row"][data-field="${field}"]`);
  await expect(output('issue_type')).toHaveAttribute('data-changed', 'true');
  await expect(output('urgency')).toHaveAttribute('data-changed', 'true');
  await expect(output('urgency').locator('td').nth(1)).toHaveText('absent');
  await expect(output('name')).toHaveAttribute('data-changed', 'false');
  // priority, dropped from B's output as no field, is named from B's errors: in the diff and its own row.
  await expect(page.getByTestId('drift-diff-dropped')).toHaveText('priority: answered only in B, and dropped there as no field of the schema');
  await expect(output('priority')).toHaveAttribute('data-changed', 'true');
  await expect(output('priority').locator('td').nth(1)).toHaveText('answered, dropped (no field)');
  // Both traces: each run's model, its validity, B's dropped key and missing field, B's raw answer.
  const sideA = page.getByTestId('drift-side-a');
  const sideB = page.getByTestId('drift-side-b');
  await expect(sideA.getByTestId('why-model')).toHaveText(MODEL);
  await expect(sideB.getByTestId('why-model')).toHaveText(MODEL_B);
  await expect(sideA.getByTestId('drift-side-errors')).toHaveCount(0);
  await expect(sideB.getByTestId('drift-side-errors')).toContainText('is not a field of the schema; dropped');
  await expect(sideB.getByTestId('drift-side-errors').locator('li').filter({ hasText: 'priority' })).toHaveCount(1);
  await expect(sideB.getByTestId('drift-side-errors').locator('li').filter({ hasText: 'urgency' })).toHaveCount(1);
  await sideB.locator('.why-raw summary').click();
  await expect(sideB.locator('.why-raw pre')).toContainText(`"priority":"${both.a.urgency}"`);
  await sideA.locator('.why-raw summary').click();
  await expect(sideA.locator('.why-raw pre')).toContainText(`"urgency":"${both.a.urgency}"`);

  // Open in review: the inbox's answer of record is A's (a comparison run never replaces it).
  await page.getByTestId('drift-open-in-review').click();
  await expect(inbox.detail).toHaveAttribute('data-message-id', ids.get(both.subject)!);
  expect(await inbox.fieldValue('issue_type')).toBe(both.a.issue_type);
  expect(await inbox.fieldValue('urgency')).toBe(both.a.urgency);
});
