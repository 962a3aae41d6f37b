// Issue 10, the review screen's layout: the message and its extraction side by side, each scrolling on
// its own, so the message stays in view while the extraction is edited and the rationale typed; at
// 1024×700 the extraction form is not clipped and the list is still there to use.
import type { Locator } from '@playwright/test';
import { demoMessage } from '../support/demo.js';
import { expect, test } from '../support/fixtures.js';

const WIDTH = 1024;
const HEIGHT = 700;
test.use({ viewport: { width: WIDTH, height: HEIGHT } });

/** Every element `locator` finds lies inside the viewport horizontally (left ≥ 0, right ≤ the width). */
async function expectInsideHorizontally(locator: Locator, what: string): Promise<number> {
  const boxes = await locator.evaluateAll((els) =>
    els.map((el) => {
      const r = (el as unknown as { getBoundingClientRect(): { left: number; right: number; width: number } }).getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width, id: (el as unknown as { getAttribute(n: string): string | null }).getAttribute('data-testid') };
    }),
  );
  expect(boxes.length, `${what}: some are shown`).toBeGreaterThan(0);
  for (const b of boxes) {
    expect(b.width, `${what} ${b.id}: has a width`).toBeGreaterThan(0);
    expect(b.left, `${what} ${b.id}: left edge in view`).toBeGreaterThanOrEqual(0);
    expect(b.right, `${what} ${b.id}: right edge in view`).toBeLessThanOrEqual(WIDTH);
  }
  return boxes.length;
}

test('at 1024×700 the extraction form is whole and the message stays in view while the extraction scrolls', async ({ inbox, page }) => {
  await inbox.open();
  const priya = demoMessage('demo-001');
  await inbox.selectDemoMessage(priya);
  const form = page.getByTestId('extraction-form');
  await expect(form).toBeVisible();

  // The list is still there, narrower, with its rows readable.
  const list = await inbox.list.boundingBox();
  expect(list!.width).toBeGreaterThanOrEqual(200);
  await expect(inbox.rows.first()).toBeVisible();

  // Every field row and every control of the form lies inside the window horizontally.
  await expectInsideHorizontally(form.locator('[data-testid^="extraction-field-"]'), 'field');
  await expectInsideHorizontally(form.locator('input, [role="radiogroup"], [role="radio"], [role="switch"], button'), 'control');
  await expectInsideHorizontally(page.getByTestId('review-actions').locator('button'), 'review button');
  await expectInsideHorizontally(page.getByTestId('correction-rationale'), 'rationale');
  // Nothing in the extraction column is wider than the column (no hidden horizontal overflow).
  const column = page.getByTestId('detail-extraction-column');
  const overflow = await column.evaluate((el) => (el as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth - (el as unknown as { clientWidth: number }).clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);

  // The extraction column scrolls on its own: to its bottom, and the message is still in view.
  const scrolled = await column.evaluate((el) => {
    const c = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
    c.scrollTop = c.scrollHeight;
    return { top: c.scrollTop, room: c.scrollHeight - c.clientHeight };
  });
  expect(scrolled.room, 'the extraction is taller than the window at 700 px').toBeGreaterThan(0);
  expect(scrolled.top).toBeGreaterThan(0);
  await expect(inbox.messageSubject).toBeInViewport();
  await expect(inbox.messageBody).toBeInViewport();

  // Editing a field and typing the rationale: the message stays where it was.
  const subjectBefore = await inbox.messageSubject.boundingBox();
  await page.getByTestId('enum-picker-issue_type').getByRole('radio').last().click();
  const rationale = page.getByTestId('correction-rationale');
  await rationale.click();
  await rationale.pressSequentially('The customer names the current problem.');
  await expect(inbox.messageSubject).toBeInViewport();
  expect((await inbox.messageSubject.boundingBox())!.y).toBeCloseTo(subjectBefore!.y, 0);
  // The page itself never scrolls sideways.
  const pageOverflow = await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return d.scrollWidth - d.clientWidth;
  });
  expect(pageOverflow).toBeLessThanOrEqual(0);
});
