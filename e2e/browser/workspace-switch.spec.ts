// Issue 9, switching: a host on the demo workspace; a second workspace made from the header (New
// workspace…, the support triage template) gets its own messages through the import dialog; the
// switcher goes back and forth, and each workspace shows only its own messages.
import { DEMO_MESSAGES } from '../support/demo.js';
import { InboxPage } from '../support/inbox-page.js';
import { expect, test } from '../support/fixtures.js';
import { WorkspacesPage } from '../support/workspaces.js';

const OWN = [
  { text: 'The staff rota page shows last week again since this morning', subject: 'Rota stuck' },
  { text: 'Could you add a dark theme to the rota planner?', subject: 'Dark theme' },
];

test('two workspaces: switching shows each one its own messages', async ({ page, startIsolatedHost }) => {
  test.setTimeout(150_000);
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  const workspaces = new WorkspacesPage(page);
  await inbox.open();
  await expect(inbox.totalCount).toHaveText(String(DEMO_MESSAGES.length));
  await expect(page.getByTestId('workspace-name')).toHaveText('Tidewell support triage');

  // A second workspace from the header: it opens empty, on its Rulebook screen.
  await workspaces.newWorkspace();
  await expect(page.getByTestId('start-cancel')).toHaveText('Back to Tidewell support triage');
  await workspaces.fromTemplate('support_triage', 'Rota team');
  await expect(page.getByTestId('rulebook-screen')).toBeVisible();
  await expect(page.getByTestId('workspace-name')).toHaveText('Rota team');
  await page.getByTestId('nav-inbox').click();
  await expect(inbox.totalCount).toHaveText('0');

  // Its own messages, through the import dialog.
  await page.getByTestId('import-button').click();
  const dialog = page.getByTestId('import-dialog');
  const jsonl = OWN.map((m) => JSON.stringify(m)).join('\n') + '\n';
  await dialog.getByTestId('import-file-input').setInputFiles({ name: 'rota.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl) });
  await dialog.getByTestId('import-submit').click();
  await expect(dialog.getByTestId('import-inserted')).toHaveText(String(OWN.length));
  await dialog.getByTestId('import-done').click();
  await expect(inbox.totalCount).toHaveText(String(OWN.length));
  await expect(inbox.rows).toHaveCount(OWN.length);

  // Back to the demo: its messages, none of the rota team's.
  await workspaces.switchTo('Tidewell support triage');
  await expect(inbox.totalCount).toHaveText(String(DEMO_MESSAGES.length));
  await inbox.searchFor('rota');
  await expect(inbox.rows).toHaveCount(0);

  // And again to the rota team: only its two.
  await workspaces.switchTo('Rota team');
  await expect(inbox.totalCount).toHaveText(String(OWN.length));
  await expect(inbox.rows).toHaveCount(OWN.length);
  await expect(inbox.rows.filter({ hasText: 'Rota stuck' })).toHaveCount(1);
  await inbox.searchFor('locked out');
  await expect(inbox.rows).toHaveCount(0);
});
