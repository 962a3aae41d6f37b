// Finding messages: search as you type, the status filter, and moving through the list with j / k.
import { expect, test } from '../support/fixtures.js';
import { DEMO_MESSAGES, demoMessage } from '../support/demo.js';

test.describe('finding messages', () => {
  test.beforeEach(async ({ inbox }) => {
    await inbox.open();
    await inbox.expectListedTotal(DEMO_MESSAGES.length);
  });

  test('search as you type narrows the list to the lock-out thread', async ({ inbox }) => {
    const phrase = 'locked out';
    const expected = DEMO_MESSAGES.filter((m) => `${m.subject}\n${m.text}`.toLowerCase().includes(phrase));
    expect(expected.map((m) => m.id)).toContain('demo-048');

    // Typed key by key, as a person would; the list follows without pressing Enter.
    await inbox.searchFor(phrase);
    await inbox.expectListedTotal(expected.length);
    await expect(inbox.rows).toHaveCount(expected.length);
    for (const message of expected) await expect(inbox.rows.filter({ hasText: message.subject }).filter({ hasText: message.text.slice(0, 30) })).toHaveCount(1);
    for (const row of await inbox.rows.all()) await expect(row).toContainText('Dana Okafor');

    // The "it's me again" message is among them, and opens.
    const again = demoMessage('demo-048');
    expect(again.text).toBe("It's me again. Still locked out. Billing said it wasn't them.");
    await inbox.selectMessage(again.text);
    expect(await inbox.detailText()).toBe(again.text);
    await expect(inbox.messageText).toContainText('Dana Okafor');

    // Narrowing further, then clearing, brings the whole inbox back.
    await inbox.search.press('End');
    await inbox.search.pressSequentially(' payroll', { delay: 20 });
    await inbox.expectListedTotal(1);
    await expect(inbox.rows).toHaveCount(1);
    await inbox.search.fill('');
    await inbox.expectListedTotal(DEMO_MESSAGES.length);

    // A search that matches nothing says so instead of showing an empty list.
    await inbox.searchFor('zzqx nothing matches this');
    await expect(inbox.empty).toContainText('No messages match these filters');
  });

  test('the status filter lists exactly the messages of each status', async ({ inbox }) => {
    const options = await inbox.statusFilter.locator('option').evaluateAll((els) =>
      els.map((el) => ({ value: (el as unknown as { value: string }).value, label: el.textContent ?? '' })),
    );
    expect(options.map((o) => o.value)).toEqual(['', 'queue', 'new', 'extracted', 'needs_review', 'corrected', 'accepted']);
    const countOf = (label: string) => Number(/\((\d+)(, \d+ regressions)?\)\s*$/.exec(label)?.[1] ?? NaN);
    const statuses = options.filter((o) => o.value !== '' && o.value !== 'queue');
    // The review queue: what needs review (no regressions on a fresh demo), as the header counts it.
    const queue = countOf(options.find((o) => o.value === 'queue')!.label);
    expect(queue).toBe(countOf(options.find((o) => o.value === 'needs_review')!.label));
    await expect(inbox.page.getByTestId('count-needs-review')).toHaveText(String(queue));
    // The demo is extracted by the embedded provider: every message has been through the extractor.
    expect(statuses.reduce((sum, o) => sum + countOf(o.label), 0)).toBe(DEMO_MESSAGES.length);
    expect(countOf(options.find((o) => o.value === 'new')!.label)).toBe(0);

    for (const option of statuses) {
      const count = countOf(option.label);
      const label = option.label.replace(/\s*\(\d+\)\s*$/, '');
      await inbox.filterStatus(option.value);
      if (count === 0) {
        await expect(inbox.empty, option.value).toContainText('No messages match these filters');
        continue;
      }
      await inbox.expectListedTotal(count);
      for (const row of await inbox.rows.all()) await expect(row.locator(`.badge-status-${option.value}`), option.value).toHaveText(label);
    }

    await inbox.filterStatus('');
    await inbox.expectListedTotal(DEMO_MESSAGES.length);
  });

  test('j and k move the selection through the list', async ({ inbox, page }) => {
    const ids = await inbox.renderedIds();
    expect(ids.length).toBeGreaterThan(3);
    await expect(page.getByTestId('detail-empty')).toBeVisible();

    // Shortcuts act on the page, not while typing: start from the list, not the search box.
    await inbox.list.focus();
    await page.keyboard.press('j');
    await expect(inbox.selectedRow).toHaveAttribute('data-message-id', ids[0]!);
    await expect(inbox.detail).toHaveAttribute('data-message-id', ids[0]!);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect(inbox.selectedRow).toHaveAttribute('data-message-id', ids[2]!);
    await expect(inbox.detail).toHaveAttribute('data-message-id', ids[2]!);
    await page.keyboard.press('k');
    await expect(inbox.selectedRow).toHaveAttribute('data-message-id', ids[1]!);
    await expect(inbox.detail).toHaveAttribute('data-message-id', ids[1]!);
    await expect(inbox.extraction).toBeVisible();
    // k at the top stays at the top.
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect(inbox.selectedRow).toHaveAttribute('data-message-id', ids[0]!);
    // Escape closes the message.
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('detail-empty')).toBeVisible();
    await expect(inbox.selectedRow).toHaveCount(0);
    // In the search box, j is typing, not a shortcut: it searches and selects nothing.
    await inbox.search.focus();
    await page.keyboard.press('j');
    await expect(inbox.search).toHaveValue('j');
    await expect(inbox.listMeta.or(inbox.empty)).not.toContainText(`${DEMO_MESSAGES.length} messages`);
    await expect(page.getByTestId('detail-empty')).toBeVisible();
    await expect(inbox.selectedRow).toHaveCount(0);
  });
});
