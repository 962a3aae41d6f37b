// Messages are untrusted. The demo carries a few hostile ones (HTML with event handlers, <script>,
// javascript: links, <svg onload>): each must show as the literal text it is, and nothing in it may run.
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import { demoMessage, demoMessagesContaining } from '../support/demo.js';

/** Markup that would do something if it were ever parsed as HTML. */
const ACTIVE_ELEMENTS = 'img, script, svg, iframe, object, embed, a[href], textarea, form, link, style';

async function armTraps(page: Page): Promise<string[]> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  // A side-effect marker: alert/confirm/prompt record their calls on window before anything else
  // sees them, so a payload that ran leaves a trace even if no dialog would show.
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __casebookXss: string[] } & Record<string, unknown>;
    w.__casebookXss = [];
    for (const name of ['alert', 'confirm', 'prompt']) {
      const original = w[name] as (...args: unknown[]) => unknown;
      w[name] = (...args: unknown[]) => {
        w.__casebookXss.push(`${name}(${args.map(String).join(', ')})`);
        return original.apply(globalThis, args);
      };
    }
  });
  return dialogs;
}

const hostile = [
  { markup: '<img src=x onerror=', message: demoMessage('demo-067') },
  { markup: '<img src=x onerror=', message: demoMessage('demo-052') },
  { markup: '<script>', message: demoMessage('demo-033') },
  { markup: '<a href="javascript:', message: demoMessage('demo-092') },
  { markup: '<svg onload=', message: demoMessage('demo-124') },
];

test.describe('hostile messages show as inert text', () => {
  test('the demo carries the hostile messages these tests open', () => {
    for (const { markup, message } of hostile) expect(demoMessagesContaining(markup).map((m) => m.id)).toContain(message.id);
  });

  test('the traps catch a payload that does run (control)', async ({ page, inbox }) => {
    const dialogs = await armTraps(page);
    await inbox.open();
    await page.evaluate(() => (globalThis as unknown as { alert(message: string): void }).alert('probe'));
    expect(dialogs).toEqual(['alert: probe']);
    expect(await page.evaluate(() => (globalThis as unknown as { __casebookXss: string[] }).__casebookXss)).toEqual(['alert(probe)']);
  });

  for (const { markup, message } of hostile) {
    test(`${message.id} (${markup}) shows verbatim and runs nothing`, async ({ page, inbox }) => {
      const dialogs = await armTraps(page);
      await inbox.open();
      await inbox.selectDemoMessage(message);

      // The text is there verbatim, markup and all.
      await expect(inbox.messageSubject).toHaveText(message.subject);
      expect(await inbox.detailText()).toBe(message.text);
      await expect(inbox.messageBody).toContainText(markup);

      // ...and nothing in it became an element.
      expect(await inbox.messageText.locator(ACTIVE_ELEMENTS).count()).toBe(0);
      expect(await page.locator('#root').locator('img, script, iframe, object, embed').count()).toBe(0);
      // The row's preview is text too.
      expect(await inbox.list.locator(ACTIVE_ELEMENTS).count()).toBe(0);

      // Nothing ran: no dialog, no trace on window.
      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => (globalThis as unknown as { __casebookXss: string[] }).__casebookXss)).toEqual([]);
    });
  }
});
