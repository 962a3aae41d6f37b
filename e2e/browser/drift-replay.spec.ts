// Issue 12, replay and attribution, in Chromium against the real browser host:
// production (the runtime's example service) answers demo messages under published v1 with a
// scripted model in configuration A and writes its trace log; the log is imported in Drift ›
// Production. The model then changes (configuration B shifts some issue types). Drift › Replay re-runs
// the traces under the draft and the same model name: every difference is the model's, exactly the
// messages the script shifted. v2 adds an override rule (published through History's gate); a second
// replay puts the answers the rule changed down to the rulebook and the shifts still to the model.
// Drift › Regressions lists the precedents v2's rule breaks as failing since v2, passed in v1.
import type { Rule } from '../../shared/src/domain.js';
import type { DemoMessage } from '../support/demo.js';
import { DEMO_MESSAGES } from '../support/demo.js';
import { demoRightAnswers, importTraceFiles, RegressionsPage, ReplayPage, runProduction, scriptModelA } from '../support/drift-replay.js';
import { InboxPage } from '../support/inbox-page.js';
import { HistoryPage } from '../support/publish-history.js';
import { requireBuiltRuntime, tempFolder } from '../support/publish-production.js';
import { callApi, expect, test, useScriptedModel } from '../support/triage.js';

test.beforeAll(() => requireBuiltRuntime());

/** Configuration B: the same model name, some issue types answered otherwise. */
const SHIFT = { issue_type: { feature_request: 'bug', cancellation: 'other' } as Record<string, string> };

/** v2's change: a customer who cannot get past a password cannot take payments. */
const PHRASE = 'password';
const RULE: Rule = {
  id: 'rule-e2e-password-critical',
  kind: 'override',
  when: { kind: 'contains_any', phrases: [PHRASE] },
  set: { urgency: 'critical' },
  rationale: 'Locked out of the till means no sales.',
  enabled: true,
  provenance: { precedentIds: [], author: 'e2e', createdAt: '2026-11-01T00:00:00.000Z' },
};

/** Production's traffic: the first 30 demo messages with a subject of their own (the replay lists items by subject). */
function productionMessages(n: number): DemoMessage[] {
  const seen = new Set<string>();
  return DEMO_MESSAGES.filter((m) => !seen.has(m.subject) && seen.add(m.subject)).slice(0, n);
}

const mentions = (m: { subject?: string; text: string }) => `${m.subject ?? ''}\n\n${m.text}`.toLowerCase().includes(PHRASE);

/** Publish… from History: waits for the gate (every precedent replayed through the model). */
async function openGate(history: HistoryPage): Promise<void> {
  await history.open();
  await history.publishOpen.click();
  await expect(history.dialog).toBeVisible();
  await expect(history.dialog.getByTestId('gate-done')).toBeVisible({ timeout: 90_000 });
}

test('replay attributes a model change to the model and, after a published rule, the new differences to the rulebook; regressions say since when', async ({ page, startIsolatedHost, model }) => {
  test.setTimeout(180_000);
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const history = new HistoryPage(page);
  const replay = new ReplayPage(page);
  const tmp = tempFolder('drift-replay');
  const known = demoRightAnswers();
  scriptModelA(model, known);
  try {
    await inbox.open();
    await useScriptedModel(page, model, { concurrency: 8 });
    await page.reload();
    await inbox.waitReady();
    const precedents = await callApi(page, 'listPrecedents', {});

    // v1: the draft with model A, published through the gate (model A answers every precedent as taught).
    await openGate(history);
    await expect(history.verdict).toHaveText('The gate passed: every precedent comes out as taught.');
    await history.note.fill('model A');
    await history.confirmPublish(1);

    // Production runs v1 with model A and logs each extraction; the log is imported.
    const messages = productionMessages(30);
    const { answers, files } = await runProduction(page, { version: 1, modelUrl: model.url, dir: tmp.dir, messages });
    expect(files.length).toBeGreaterThan(0);
    await importTraceFiles(page, files, messages.length);

    // Configuration B: the provider changed the model behind the same name.
    scriptModelA(model, known, { shift: SHIFT });
    const shifted = answers.filter((a) => Object.hasOwn(SHIFT.issue_type, String(a.output.issue_type)));
    expect(shifted.length, 'some, not all, production answers are ones the script shifts').toBeGreaterThan(1);
    expect(shifted.length).toBeLessThan(answers.length);

    // Replay under the draft (= v1) and the draft's model: the shifts differ, every one the model's.
    await replay.open();
    const first = await replay.replay(messages.length);
    await expect(replay.under).toContainText('OpenAI-compatible casebook-test-1');
    await replay.expectCounts({ same: answers.length - shifted.length, differ: shifted.length, rulebook: 0, model: shifted.length, traffic: 0 });
    await replay.drill('model', shifted.length);
    expect(await replay.subjects()).toEqual(shifted.map((a) => a.message.subject));
    for (const a of shifted) {
      const item = replay.item(a.message.subject);
      await expect(item.getByTestId('replay-item-attribution')).toHaveText('Model');
      await expect(item.getByTestId('replay-item-why')).toContainText('another answer');
      await expect(item.getByTestId('replay-item-change')).toHaveCount(1);
      const from = String(a.output.issue_type);
      await expect(item.locator('[data-testid="replay-item-change"][data-field="issue_type"] td')).toHaveText([from, SHIFT.issue_type[from]!]);
    }
    await replay.drill('rulebook', 0);
    await expect(replay.report.getByTestId('replay-items-empty')).toHaveText('No difference is attributed to the rulebook.');

    // v2: the override rule, published through the gate; the precedents it breaks are regressions.
    const broken = precedents.filter((p) => mentions(p.message) && p.output.urgency !== 'critical');
    expect(broken.length, 'the rule breaks some precedents').toBeGreaterThan(0);
    await callApi(page, 'saveRule', { rule: RULE });
    await page.reload();
    await inbox.waitReady();
    await openGate(history);
    await expect(history.summary).toContainText(`${precedents.length - broken.length} passed · ${broken.length} failed · ${broken.length} regression`);
    await expect(history.failures).toHaveCount(broken.length);
    await history.note.fill('password trouble is critical');
    await history.publishAnyway.check();
    await history.overrideReason.fill('Those precedents predate the rule.');
    await history.confirmPublish(2);

    // Replay again under the draft (= v2): what the rule changed is the rulebook's; the shifts stay the model's.
    const byRule = answers.filter((a) => mentions(a.message) && a.output.urgency !== 'critical');
    expect(byRule.length, 'the rule changes some production answers').toBeGreaterThan(0);
    expect(byRule.filter((a) => shifted.includes(a)), 'the rule and the shift touch other messages').toEqual([]);
    await replay.open();
    await replay.replay(messages.length, first);
    const differ = byRule.length + shifted.length;
    await replay.expectCounts({ same: answers.length - differ, differ, rulebook: byRule.length, model: shifted.length, traffic: 0 });
    await replay.drill('rulebook', byRule.length);
    expect(await replay.subjects()).toEqual(byRule.map((a) => a.message.subject));
    for (const a of byRule) {
      const item = replay.item(a.message.subject);
      await expect(item.getByTestId('replay-item-why')).toContainText(`rule ${RULE.id} fired here, not in production`);
      await expect(item.locator('[data-testid="replay-item-change"][data-field="urgency"] td')).toHaveText([String(a.output.urgency), 'critical']);
    }
    await replay.drill('model', shifted.length);
    expect(await replay.subjects()).toEqual(shifted.map((a) => a.message.subject));
    await expect(page.getByTestId('replay-list-item')).toHaveCount(2);

    // Regressions: under v2 the broken precedents fail, since v2, having passed in v1; under v1 none fails.
    const regressions = new RegressionsPage(page);
    await regressions.open();
    await regressions.show(2, precedents.length, broken.length);
    for (const p of broken) {
      const row = regressions.row(p.id);
      await expect(row.getByTestId('regressions-since')).toHaveText('failing since v2');
      await expect(row.getByTestId('regressions-passed')).toHaveText('v1');
      await expect(row.locator('[data-testid="regressions-field"][data-field="urgency"]')).toContainText('critical');
    }
    await regressions.show(1, precedents.length, 0);
    await expect(page.getByTestId('regressions-empty')).toContainText('Every precedent passes');
  } finally {
    tmp.remove();
  }
});
