// Issue 9, the start: a first run of `npm run web` (no --workspace, an empty data directory) opens no
// workspace, and the window shows the ways to start. The "support triage" template, chosen with the
// keyboard, makes a workspace whose Rulebook screen shows its fields; the next start of the host
// opens it again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/fixtures.js';
import { callHost } from '../support/workspaces.js';

const FIELDS = ['name', 'issue_type', 'urgency', 'requested_action'];

test('first run: the start screen; the support triage template opens on the Rulebook screen with its fields, and again at the next start', async ({ page, startIsolatedHost }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'casebook-e2e-start-'));
  try {
    const first = await startIsolatedHost({ workspace: false, dataDir });
    await page.goto(first.url);
    const start = page.getByTestId('start-screen');
    await expect(start).toBeVisible();
    await expect(start.getByRole('heading', { name: 'Welcome to Casebook' })).toBeVisible();
    await expect(page.getByTestId('nav-inbox')).toHaveCount(0);
    await expect(start.getByRole('group', { name: 'Ways to start' }).getByRole('button')).toHaveText([/Explore the demo/, /Start from a template/, /Start from a labelled history/, /Open a rulebook file/]);

    // By keyboard: the template way, then the form (the support triage template is chosen first).
    await page.getByTestId('start-template').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('start-template')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('template-support_triage').getByRole('radio')).toBeChecked();
    await expect(page.getByTestId('template-support_triage')).toContainText(FIELDS.join(''));
    await expect(page.getByTestId('start-name')).toHaveValue('Support triage');
    await expect(page.getByTestId('start-where')).toHaveText(`Saved as ${path.join(dataDir, 'workspaces')}/support-triage.casebook`);
    await page.getByTestId('start-name').focus();
    await page.keyboard.press('Enter');

    const rulebook = page.getByTestId('rulebook-screen');
    await expect(rulebook).toBeVisible();
    for (const field of FIELDS) await expect(rulebook).toContainText(field);
    await expect(page.getByTestId('workspace-name')).toHaveText('Support triage');
    await expect(page).toHaveTitle('Support triage — Casebook');
    const made = await callHost(first, 'getRulebook', {});
    expect(made.schema.fields.map((f) => f.name)).toEqual(FIELDS);
    expect(made.schema.fields.find((f) => f.name === 'urgency')?.values?.map((v) => v.value)).toEqual(['low', 'medium', 'high', 'critical']);
    await first.stop();

    // The next start of the host opens it: no start screen.
    const second = await startIsolatedHost({ workspace: false, dataDir });
    await page.goto(second.url);
    await expect(page.getByTestId('workspace-name')).toHaveText('Support triage');
    await expect(page.getByTestId('workspace-path')).toHaveText(path.join(dataDir, 'workspaces', 'support-triage.casebook'));
    await expect(page.getByTestId('start-screen')).toHaveCount(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
