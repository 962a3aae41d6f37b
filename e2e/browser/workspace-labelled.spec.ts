// Issue 9: a workspace of one's own from a labelled history. From an empty start (a host with no
// workspace: the start screen), a CSV written for this test with three labelled columns is chosen;
// the proposed fields and enum values are the ones in the file; once confirmed, the inbox lists the
// messages, the Precedents screen the labelled rows, and a run extracts them (the embedded
// provider, which answers from the precedents: no model is needed).
import { expect, test } from '../support/fixtures.js';
import { InboxPage } from '../support/inbox-page.js';
import { RunsBar, rerunAll } from '../support/triage.js';
import { callHost } from '../support/workspaces.js';

// A small desk's history: the text, a subject, and three labelled columns. Team and Priority are
// enums (Priority written in two cases), Refund a number, empty where there was none.
const ROWS = [
  { subject: 'Charged twice', text: 'I was charged twice for the March invoice, please refund one', team: 'billing', priority: 'high', refund: '49' },
  { subject: 'Cannot sign in', text: 'The sign in page says my password is wrong since this morning', team: 'account', priority: 'high', refund: '' },
  { subject: 'Parcel late', text: 'My card reader parcel has not arrived after two weeks', team: 'shipping', priority: 'low', refund: '' },
  { subject: 'Refund for cancelled plan', text: 'I cancelled my plan before renewal but was billed for another year', team: 'billing', priority: 'HIGH', refund: '120' },
  { subject: 'Change email', text: 'How do I change the email address on my account?', team: 'account', priority: 'low', refund: '' },
  { subject: 'Wrong address', text: 'The reader was sent to my old shop address, can you redirect it?', team: 'shipping', priority: 'high', refund: '' },
  { subject: 'Invoice copy', text: 'Could you send me a copy of last month invoice for my accountant', team: 'billing', priority: 'low', refund: '' },
  { subject: 'Locked out', text: 'My account is locked after too many attempts and I need to take payments', team: 'account', priority: 'high', refund: '' },
  { subject: 'Damaged box', text: 'The box arrived crushed and the reader screen is cracked', team: 'shipping', priority: 'high', refund: '89' },
];
const CSV = ['Subject,Message,Team,Priority,Refund', ...ROWS.map((r) => [r.subject, `"${r.text}"`, r.team, r.priority, r.refund].join(','))].join('\n');

test('a workspace from a labelled CSV: fields and values as in the file, messages in the inbox, precedents listed, a run extracts them', async ({ page, startIsolatedHost }) => {
  const host = await startIsolatedHost({ workspace: false, demo: false });
  await page.goto(host.url);
  await expect(page.getByTestId('start-screen')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('start-labelled').click();

  const step = page.getByTestId('labelled-start');
  await step.getByTestId('labelled-file-input').setInputFiles({ name: 'desk-history.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  await expect(step.getByTestId('labelled-proposal')).toBeVisible();
  await expect(step.getByTestId('labelled-rows')).toHaveText(String(ROWS.length));
  await expect(step.getByTestId('labelled-mapping-text')).toHaveValue('Message');
  await expect(step.getByTestId('labelled-mapping-subject')).toHaveValue('Subject');

  // The proposed fields are the file's three labelled columns, with the values the file holds.
  const fields = step.getByTestId('labelled-field');
  await expect(fields).toHaveCount(3);
  const field = (column: string) => step.locator(`[data-testid="labelled-field"][data-column="${column}"]`);
  const values = (column: string) => field(column).getByTestId('labelled-value').evaluateAll((els) => els.map((el) => el.getAttribute('data-value')));
  await expect(field('Team').getByTestId('labelled-name')).toHaveValue('team');
  await expect(field('Team').getByTestId('labelled-type')).toHaveValue('enum');
  await expect.poll(() => values('Team')).toEqual(['billing', 'account', 'shipping']);
  await expect(field('Priority').getByTestId('labelled-name')).toHaveValue('priority');
  await expect(field('Priority').getByTestId('labelled-type')).toHaveValue('enum');
  await expect.poll(() => values('Priority')).toEqual(['high', 'low']);
  await expect(field('Priority').getByTestId('labelled-reasons')).toContainText('"HIGH" taken as "high"');
  await expect(field('Refund').getByTestId('labelled-name')).toHaveValue('refund');
  await expect(field('Refund').getByTestId('labelled-type')).toHaveValue('number');
  await expect(field('Refund').getByTestId('labelled-nullable')).toBeChecked();
  for (const column of ['Team', 'Priority', 'Refund']) await expect(field(column).getByTestId('labelled-include')).toBeChecked();

  // Confirmed as proposed, under a name of the person's.
  await step.getByTestId('start-name').fill('Desk history');
  await step.getByTestId('labelled-create').click();

  // The inbox lists the messages.
  const inbox = new InboxPage(page, host);
  await inbox.waitReady();
  await expect(inbox.totalCount).toHaveText(String(ROWS.length));
  await inbox.searchFor('crushed');
  await expect(inbox.rows).toHaveCount(1);
  await expect(inbox.rows.first()).toContainText('Damaged box');
  await inbox.searchFor('');
  await inbox.expectListedTotal(ROWS.length);

  // The Precedents screen lists the labelled rows, with their labels.
  await page.getByTestId('nav-precedents').click();
  await expect(page.getByTestId('precedents-screen')).toBeVisible();
  await expect(page.getByTestId('precedent-row')).toHaveCount(ROWS.length);
  const damaged = page.getByTestId('precedent-row').filter({ hasText: 'screen is cracked' });
  await expect(damaged.getByTestId('precedent-output')).toContainText('shipping');
  // Every label as the workspace keeps it (the screen shows the enum fields): Refund a number, or null.
  const stored = await callHost(host, 'listPrecedents', {});
  expect(stored.map((p) => p.output).find((o) => o.refund === 89)).toEqual({ team: 'shipping', priority: 'high', refund: 89 });
  expect(stored.filter((p) => p.output.refund === null)).toHaveLength(6);
  const schema = (await callHost(host, 'getRulebook', {})).schema;
  expect(schema.fields).toEqual([
    { name: 'team', type: 'enum', nullable: false, values: [{ value: 'billing' }, { value: 'account' }, { value: 'shipping' }] },
    { name: 'priority', type: 'enum', nullable: false, values: [{ value: 'high', aliases: ['HIGH'] }, { value: 'low' }] },
    { name: 'refund', type: 'number', nullable: true },
  ]);

  // A run extracts them under the new schema.
  await page.getByTestId('nav-inbox').click();
  await inbox.waitReady();
  await rerunAll(page);
  await new RunsBar(page).expectDone(ROWS.length);
  await inbox.selectMessage('Parcel late');
  expect(await inbox.fieldValue('team')).toBe('shipping');
  expect(await inbox.fieldValue('priority')).toBe('low');
});
