// Issue 12, production traces, in Chromium against the real browser host:
// 1. a support desk's workspace (the support triage template, without `priority` among urgency's
//    aliases) is published and served by the runtime's example service, whose model (the scripted
//    server) drifts between two weeks: last week it answers `urgency`, this week `priority` for four
//    messages and account_access for three billing ones. Last week's trace log imported as a file and
//    this week's folder watched: the charts by week show issue_type's shift, the rise of invalid
//    answers and of the unknown key `priority`; the later week's point of each lists exactly the
//    affected messages; "Add as alias" for priority (→ urgency) then a re-run makes them valid;
// 2. a trace file with broken lines, unknown versions and missing fields imports every good line and
//    lists the others by line number, as text; importing it again stores nothing twice.
// The example service needs shared/dist (npm run build -w @casebook/runtime).
import path from 'node:path';
import {
  DAY_MS,
  DESK,
  deskJsonl,
  deskModel,
  movedEarlier,
  PRIORITY_IDS,
  ProductionTab,
  publishForService,
  runProductionPeriod,
  SHIFTED_IDS,
  weekLabel,
  type ChartTableRows,
} from '../support/drift-traces.js';
import { requireBuiltRuntime, tempFolder } from '../support/publish-production.js';
import { callApi, expect, rerunAll, RunsBar, test, useScriptedModel } from '../support/triage.js';
import { WorkspacesPage } from '../support/workspaces.js';

test.beforeAll(() => requireBuiltRuntime());

const textsOf = (ids: readonly string[]) => DESK.filter((m) => ids.includes(m.id)).map((m) => m.text);

/** issue_type per week as the model was scripted: the desk's values, and in week 2 the shifted ones. */
function issueTypeCounts(period: 1 | 2): Record<string, number> {
  const counts: Record<string, number> = { billing: 0, bug: 0, how_to: 0, feature_request: 0, account_access: 0 };
  for (const m of DESK) {
    const value = period === 2 && SHIFTED_IDS.includes(m.id) ? 'account_access' : m.issue_type;
    counts[value]! += 1;
  }
  return counts;
}

test('traces of two weeks from the example service: the shift of issue_type and the rise of priority by week, its point lists exactly the affected messages, and Add as alias then a re-run makes them valid', async ({
  page,
  startIsolatedHost,
  model,
}) => {
  test.setTimeout(180_000);
  const host = await startIsolatedHost({ workspace: false, demo: false });
  const tmp = tempFolder('drift-traces');
  try {
    // A desk's workspace from the support triage template, with its twelve messages.
    await page.goto(host.url);
    await expect(page.getByTestId('start-screen')).toBeVisible({ timeout: 30_000 });
    await new WorkspacesPage(page).fromTemplate('support_triage', 'Drift desk');
    await expect(page.getByTestId('rulebook-screen')).toBeVisible();
    expect(await callApi(page, 'importMessages', { file: { name: 'desk.jsonl', content: deskJsonl() } })).toMatchObject({ inserted: DESK.length, problems: [] });
    // The template already maps priority to urgency; this desk's rulebook never did.
    const urgency = (await callApi(page, 'getRulebook', {})).schema.fields.find((f) => f.name === 'urgency')!;
    expect(urgency.aliases).toContain('priority');
    await callApi(page, 'applySchemaChange', { change: { op: 'update_field', field: 'urgency', set: { aliases: urgency.aliases!.filter((a) => a !== 'priority') } } });
    await useScriptedModel(page, model);

    // Published as v1 and served by the example service: last week with the model as it was, this week drifted.
    model.script({ answer: deskModel(1) });
    const served = await publishForService(page, tmp.dir);
    const service = { rulebook: served.rulebook, publicKey: served.publicKey, modelUrl: model.url };
    const liveLastWeek = await runProductionPeriod({ ...service, traceDir: path.join(tmp.dir, 'service-1'), name: 'desk-service' });
    const lastWeekFile = movedEarlier(liveLastWeek, 7, path.join(tmp.dir, 'copied'));
    model.script({ answer: deskModel(2) });
    const thisWeekDir = path.join(tmp.dir, 'service-2');
    await runProductionPeriod({ ...service, traceDir: thisWeekDir, name: 'desk-service' });
    expect(model.chatRequests).toHaveLength(2 * DESK.length);
    const thisWeek = weekLabel(new Date());
    const lastWeek = weekLabel(new Date(Date.now() - 7 * DAY_MS));
    expect(lastWeek).not.toBe(thisWeek);

    // The workspace's own run with the drifted model: the four answers with priority are invalid.
    await page.reload();
    await expect(page.getByTestId('app-ready')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('nav-inbox').click();
    const runs = new RunsBar(page);
    await rerunAll(page);
    await runs.expectDone(DESK.length);
    await expect(page.getByTestId('count-invalid')).toHaveText(String(PRIORITY_IDS.length));

    // Drift › Production: last week's log as a file, this week's folder watched.
    const production = new ProductionTab(page);
    await production.open();
    await production.importFiles([lastWeekFile]);
    const imported = production.importResults.filter({ hasText: path.basename(lastWeekFile) });
    await expect(imported).toHaveAttribute('data-status', 'ok');
    await expect(imported.getByTestId('trace-imported')).toHaveText(String(DESK.length));
    await expect(imported.getByTestId('trace-bad-count')).toHaveText('0');
    await production.watch(thisWeekDir);
    await expect(production.panel.getByTestId('trace-watch-files').locator('tbody tr')).toHaveText([new RegExp(`^casebook-trace-\\d{4}-\\d{2}-\\d{2}\\.jsonl${DESK.length}0$`)]);

    // issue_type by week: three billing answers became account_access.
    await production.chartOf({ metric: 'field', field: 'issue_type', bucket: 'week', window: 'all' });
    await expect(production.chart.locator('canvas').first()).toBeVisible();
    await expect(production.chart).toHaveAttribute('aria-label', /^Stacked bars of the values of issue_type per week \(traces\) over 2 weeks/);
    const issueTypes: ChartTableRows = { [lastWeek]: { total: DESK.length, counts: issueTypeCounts(1) }, [thisWeek]: { total: DESK.length, counts: issueTypeCounts(2) } };
    await expect.poll(() => production.readTable()).toEqual(issueTypes);

    // Invalid answers by week: none, then the four with priority; the later week's bar lists exactly them.
    await production.chartOf({ metric: 'invalid' });
    await expect
      .poll(() => production.readTable())
      .toEqual({
        [lastWeek]: { total: DESK.length, counts: { valid: DESK.length, invalid: 0 } },
        [thisWeek]: { total: DESK.length, counts: { valid: DESK.length - PRIORITY_IDS.length, invalid: PRIORITY_IDS.length } },
      });
    await production.cell('invalid', thisWeek, PRIORITY_IDS.length).click();
    await expect(production.traceList.getByTestId('trace-list-label')).toHaveText(`invalid · ${thisWeek}`);
    await expect(production.traceList.getByTestId('trace-list-count')).toHaveText(`${PRIORITY_IDS.length} of ${PRIORITY_IDS.length}`);
    expect((await production.listedTexts()).sort()).toEqual(textsOf(PRIORITY_IDS).sort());

    // The unknown key priority by week: absent, then in the four; its later point lists exactly them.
    await production.chartOf({ metric: 'unknown_keys' });
    await expect
      .poll(() => production.readTable())
      .toEqual({
        [lastWeek]: { total: DESK.length, counts: { priority: 0 } },
        [thisWeek]: { total: DESK.length, counts: { priority: PRIORITY_IDS.length } },
      });
    await production.cell('priority', thisWeek, PRIORITY_IDS.length).click();
    await expect(production.traceList.getByTestId('trace-list-label')).toHaveText(`priority · ${thisWeek}`);
    await expect(production.traceList.getByTestId('trace-list-count')).toHaveText(`${PRIORITY_IDS.length} of ${PRIORITY_IDS.length}`);
    expect((await production.listedTexts()).sort()).toEqual(textsOf(PRIORITY_IDS).sort());
    await expect(production.traceRows.locator('.trace-output')).toHaveText(Array(PRIORITY_IDS.length).fill(/outside the schema: priority$/));

    // Add as alias: priority → urgency (the guess), previewed, applied; then every message re-run.
    const key = production.panel.locator('[data-testid="trace-unknown-key"][data-key="priority"]');
    await expect(key).toContainText(`in ${PRIORITY_IDS.length} traces`);
    await key.getByTestId('drift-add-alias').click();
    const dialog = page.getByTestId('drift-alias-dialog');
    await expect(dialog.getByTestId('drift-alias-field')).toHaveValue('urgency');
    await dialog.getByTestId('drift-alias-preview').click();
    await expect(dialog.getByTestId('drift-alias-impact')).toBeVisible();
    await dialog.getByTestId('drift-alias-apply').click();
    await expect(dialog.getByTestId('drift-alias-done')).toBeVisible();
    const before = (await runs.bar.getAttribute('data-run-id'))!;
    await dialog.getByTestId('drift-alias-rerun-all').click();
    await expect(dialog).toHaveCount(0);
    await expect(runs.bar).not.toHaveAttribute('data-run-id', before);
    await runs.expectDone(DESK.length);
    await expect(page.getByTestId('count-invalid')).toHaveText('0');

    // Each affected message's answer of record is valid now, urgency mapped from the model's priority.
    expect((await callApi(page, 'getRulebook', {})).schema.fields.find((f) => f.name === 'urgency')!.aliases).toContain('priority');
    const messages = (await callApi(page, 'listMessages', { limit: 100 })).items;
    for (const m of DESK.filter((d) => PRIORITY_IDS.includes(d.id))) {
      const message = messages.find((x) => x.subject === m.subject);
      expect(message, m.id).toBeDefined();
      expect(message!.valid, m.id).toBe(true);
      expect(message!.output).toMatchObject({ urgency: m.urgency });
      expect(message!.output).not.toHaveProperty('priority');
    }
    await production.open();
    await production.panel.getByTestId('trace-watch-stop').click();
    await expect(production.panel.getByTestId('trace-watch-input')).toBeVisible();
  } finally {
    tmp.remove();
  }
});

// One line per case, numbered as the file numbers them (line 7 is blank: skipped, not bad).
const RUNTIME_LINE = {
  v: 1,
  time: '2026-11-02T11:00:00Z',
  service: 'till-support',
  messageId: 'r-1',
  message: { subject: 'Till frozen', text: 'The till froze during the lunch rush' },
  output: { issue_type: 'bug', urgency: 'critical' },
  valid: true,
  errors: [],
  rulebook: { id: 'till', version: 5, hash: 'sha256:abc' },
  provider: 'openai',
  model: 'gpt-4o-mini',
  latencyMs: 812,
  cached: false,
  rulesFired: [],
};
const BAD_INPUT: { line: string; good?: string; bad?: string | RegExp }[] = [
  { line: JSON.stringify({ text: 'My card reader is offline', output: { issue_type: 'bug', urgency: 'high' }, time: '2026-11-02T09:14:00Z', version: 3, model: 'gpt-4o-mini' }), good: 'My card reader is offline' },
  { line: '<b>{"text": "half a line", "output": {</b>', bad: /^line 2 not JSON: .*<b>/ },
  { line: JSON.stringify({ message: 'Where is my refund?', output: { issue_type: 'billing', urgency: 'low' }, time: '2026-11-02T10:00:00Z' }), good: 'Where is my refund?' },
  { line: JSON.stringify({ ...RUNTIME_LINE, v: 2, messageId: 'r-2' }), bad: 'line 4 unknown trace format version 2 (this Casebook reads version 1)' },
  { line: JSON.stringify({ text: 'Version from the future', output: { issue_type: 'other' }, time: '2026-11-02T10:05:00Z', version: 'latest' }), bad: 'line 5 bad version "latest" (a whole number expected)' },
  // A version this workspace never published is still a good line: production may run one.
  { line: JSON.stringify({ text: 'Printer prints blank receipts', output: { issue_type: 'bug', urgency: 'medium' }, time: '2026-11-02T10:10:00Z', version: 7 }), good: 'Printer prints blank receipts' },
  { line: '' },
  { line: JSON.stringify({ text: 'No output was logged', time: '2026-11-02T10:20:00Z' }), bad: 'line 8 missing "output"' },
  { line: JSON.stringify({ text: 'No time was logged', output: { issue_type: 'other' } }), bad: 'line 9 missing "time"' },
  { line: JSON.stringify({ output: { issue_type: 'other' }, time: '2026-11-02T10:30:00Z' }), bad: 'line 10 missing "text" (or "message")' },
  { line: JSON.stringify(RUNTIME_LINE), good: 'The till froze during the lunch rush' },
  { line: JSON.stringify({ ...RUNTIME_LINE, messageId: 'r-3', rulebook: undefined }), bad: 'line 12 missing "rulebook"' },
  { line: JSON.stringify({ text: 'Sometime', output: { issue_type: 'other' }, time: 'last Tuesday' }), bad: 'line 13 bad time "last Tuesday" (ISO 8601 expected)' },
];

test('a trace file with broken lines, unknown versions and missing fields: every good line is imported, the others listed by line number', async ({ page, startIsolatedHost }) => {
  const host = await startIsolatedHost({ demo: false });
  await page.goto(host.url);
  await expect(page.getByTestId('app-ready')).toBeVisible({ timeout: 30_000 });
  const production = new ProductionTab(page);
  await production.open();

  const file = { name: 'till-traces.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(BAD_INPUT.map((l) => l.line).join('\n') + '\n') };
  const good = BAD_INPUT.filter((l) => l.good).map((l) => l.good!);
  const bad = BAD_INPUT.filter((l) => l.bad).map((l) => l.bad!);
  await production.importFiles([file]);
  const result = production.importResults;
  await expect(result).toHaveAttribute('data-status', 'ok');
  await expect(result).toContainText('till-traces.jsonl (minimal JSONL)');
  await expect(result.getByTestId('trace-imported')).toHaveText(String(good.length));
  await expect(result.getByTestId('trace-duplicates')).toHaveText('0');
  await expect(result.getByTestId('trace-bad-count')).toHaveText(String(bad.length));
  await expect(result.getByTestId('trace-bad-line')).toHaveText(bad);
  // The broken line's own text is shown as text: no element made from it.
  await expect(result.getByTestId('trace-bad-lines').locator('b')).toHaveCount(0);

  // What was stored: exactly the good lines, each with its version (or none).
  const stored = await callApi(page, 'listTraces', { source: 'till-traces.jsonl', limit: 50 });
  expect(stored.matching).toBe(good.length);
  expect(stored.items.map((t) => t.excerpt).sort()).toEqual([...good].sort());
  await production.chartOf({ metric: 'version', bucket: 'week', window: 'all' });
  await expect.poll(() => production.readTable()).toEqual({ 'week of 2 Nov': { total: good.length, counts: { v3: 1, v5: 1, v7: 1, 'no version': 1 } } });

  // The same file again: nothing stored twice, the same bad lines listed.
  await production.panel.getByTestId('trace-import').getByRole('button', { name: 'Dismiss' }).click();
  await expect(result).toHaveCount(0);
  await production.importFiles([file]);
  await expect(result.getByTestId('trace-imported')).toHaveText('0');
  await expect(result.getByTestId('trace-duplicates')).toHaveText(String(good.length));
  await expect(result.getByTestId('trace-bad-line')).toHaveText(bad);
  expect((await callApi(page, 'listTraces', { source: 'till-traces.jsonl', limit: 50 })).matching).toBe(good.length);
});
