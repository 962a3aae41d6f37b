// Issue 4, runs survive a restart: a run over the inbox is cancelled halfway, the host is stopped
// (SIGTERM) and a new host is started on the same workspace and data directory, with the same scripted
// server as the model. The runs bar offers to resume the cancelled run; resumed, it goes to the end,
// and no message was extracted twice: the server was asked for each message exactly once across both
// hosts, and the run counts every message done once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_MESSAGES } from '../support/demo.js';
import type { RunningHost } from '../support/host.js';
import { InboxPage } from '../support/inbox-page.js';
import { asPrompted, callApi, countBy, expect, requestedTexts, rerunAll, RunsBar, test, useScriptedModel } from '../support/triage.js';

const TOTAL = DEMO_MESSAGES.length;

test('a run cancelled halfway resumes after a restart and extracts no message twice', async ({ page, startIsolatedHost, model }) => {
  test.setTimeout(120_000);
  // The data directory outlives the first host: this test owns it (and stops its hosts before removing it).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'casebook-e2e-restart-'));
  const hosts: RunningHost[] = [];
  try {
    // Slow enough to catch the run halfway: 140 messages, two at a time, 150 ms each.
    model.script({ latencyMs: 150 });
    const first = await startIsolatedHost({ dataDir });
    hosts.push(first);
    let inbox = new InboxPage(page, first);
    const runs = new RunsBar(page);
    await inbox.open();
    await useScriptedModel(page, model, { concurrency: 2 });
    await rerunAll(page);
    await expect(runs.progress).toHaveAttribute('data-status', 'running');
    await expect(runs.progress).toHaveAttribute('data-total', String(TOTAL));
    const runId = (await runs.bar.getAttribute('data-run-id'))!;
    expect(runId).toBeTruthy();

    // Cancel once a fifth of the inbox is done.
    await expect.poll(async () => Number(await runs.progress.getAttribute('data-done')), { timeout: 30_000 }).toBeGreaterThanOrEqual(TOTAL / 5);
    await runs.cancel.click();
    await expect(runs.progress).toHaveAttribute('data-status', 'cancelled');
    await expect(runs.resume).toBeVisible();
    await expect(runs.cancel).toHaveCount(0);
    // The extractions in flight when it was cancelled finish and are stored: wait until every request
    // the server received has been answered and counted, so nothing is in flight when the host stops.
    await expect
      .poll(
        async () => {
          const run = await callApi(page, 'getRun', { runId });
          const answered = model.chatRequests.every((r) => r.outcome !== undefined);
          return answered && run.done + run.failed === model.chatRequests.length;
        },
        { message: 'the run stores every answer the server gave', timeout: 15_000 },
      )
      .toBe(true);
    const cancelled = await callApi(page, 'getRun', { runId });
    expect(cancelled).toMatchObject({ id: runId, status: 'cancelled', total: TOTAL, failed: 0 });
    expect(cancelled.done).toBeGreaterThan(0);
    expect(cancelled.done).toBeLessThan(TOTAL);
    const askedBeforeRestart = model.chatRequests.length;
    expect(askedBeforeRestart).toBe(cancelled.done);

    // Stop the host (SIGTERM) and start a new one on the same workspace file and data directory.
    await page.goto('about:blank');
    await first.stop();
    const second = await startIsolatedHost({ dataDir });
    hosts.push(second);
    expect(second.workspacePath).toBe(first.workspacePath);
    expect(second.origin).not.toBe(first.origin);
    inbox = new InboxPage(page, second);
    await inbox.open();
    await expect(inbox.totalCount).toHaveText(String(TOTAL));

    // A cancelled run waits for Resume: the bar shows it as it was left, and the server heard nothing.
    await expect(runs.bar).toHaveAttribute('data-run-id', runId);
    await expect(runs.progress).toHaveAttribute('data-status', 'cancelled');
    await expect(runs.progress).toHaveAttribute('data-done', String(cancelled.done));
    await expect(runs.resume).toBeVisible();
    expect(model.chatRequests).toHaveLength(askedBeforeRestart);

    await runs.resume.click();
    await runs.expectDone(TOTAL, 90_000);
    await expect(runs.bar).toHaveAttribute('data-run-id', runId);

    // No message was extracted twice: each message's text was requested once across both hosts.
    const asked = countBy(requestedTexts(model));
    const twice = [...asked.entries()].filter(([, n]) => n > 1).map(([text]) => text.slice(0, 60));
    expect(twice, 'messages the model was asked for more than once').toEqual([]);
    expect(model.chatRequests).toHaveLength(TOTAL);
    expect(new Set(asked.keys())).toEqual(new Set(DEMO_MESSAGES.map((m) => asPrompted(m.text))));
    const resumed = await callApi(page, 'getRun', { runId });
    expect(resumed).toMatchObject({ id: runId, status: 'done', total: TOTAL, done: TOTAL, failed: 0 });
    // One run, the same one, resumed (not a second run over the rest).
    const listed = await callApi(page, 'listRuns', { limit: 20 });
    expect(listed.map((r) => r.id)).toEqual([runId]);
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
