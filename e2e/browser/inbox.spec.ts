// The first journey: the app opens on the demo workspace, the inbox lists the demo messages, and a
// message shows beside its extracted JSON and the "why" of the extraction.
import { expect, test } from '../support/fixtures.js';
import { DEMO_MESSAGES, demoMessage } from '../support/demo.js';

test.describe('inbox on the demo workspace', () => {
  test.beforeEach(async ({ inbox }) => {
    await inbox.open();
  });

  test('opens on the demo workspace with its messages listed', async ({ inbox, page }) => {
    expect(DEMO_MESSAGES).toHaveLength(140);
    await expect(inbox.totalCount).toHaveText('140');
    await inbox.expectListedTotal(140);
    // The list is virtualized: some rows are in the DOM, far fewer than 140, each naming its message.
    const ids = await inbox.renderedIds();
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.length).toBeLessThan(140);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toBe('');
    // Newest first: the latest demo message heads the list.
    const newest = [...DEMO_MESSAGES].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0]!;
    await expect(inbox.rows.first()).toContainText(newest.subject);
    await expect(page.getByTestId('detail-empty')).toBeVisible();
  });

  test('a message shows its text beside its extracted JSON and the why panel', async ({ inbox }) => {
    const priya = demoMessage('demo-001');
    await inbox.selectDemoMessage(priya);
    await expect(inbox.messageSubject).toHaveText(priya.subject);
    await expect(inbox.messageText).toContainText(priya.sender);
    expect(await inbox.detailText()).toBe(priya.text);

    // The JSON beside it: the starter schema's fields with values.
    await expect(inbox.extraction).toBeVisible();
    await expect(inbox.field('issue_type')).toBeVisible();
    await expect(inbox.field('urgency')).toBeVisible();
    const fields = await inbox.fieldValues();
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['name', 'issue_type', 'urgency']));
    for (const name of ['issue_type', 'urgency']) {
      expect(fields[name], name).toMatch(/\S/);
      expect(fields[name], name).not.toBe('missing');
    }

    // The raw JSON tab holds the same output as JSON.
    await inbox.extraction.getByRole('tab', { name: 'Raw JSON' }).click();
    const raw = JSON.parse(await inbox.page.getByTestId('extraction-raw').innerText()) as Record<string, unknown>;
    expect(String(raw.issue_type)).toBe(fields.issue_type);
    expect(String(raw.urgency)).toBe(fields.urgency);

    // Why: the embedded provider, the draft it ran under (its hash; still the draft as it is), the
    // confidence and its reasons, the precedents it was shown.
    await expect(inbox.why).toBeVisible();
    await expect(inbox.why.getByTestId('why-provider')).toHaveText('embedded');
    await expect(inbox.why.getByTestId('why-rulebook')).toHaveText(/^[0-9a-f]{12} the draft as it is now$/);
    await expect(inbox.why.getByTestId('why-confidence-value')).toHaveText(/^\d{1,3}%$/);
    await expect(inbox.why.getByRole('heading', { name: 'Precedents shown' })).toBeVisible();
    await expect(inbox.why.getByTestId('why-precedents').locator('li').first()).toBeVisible();
  });
});
