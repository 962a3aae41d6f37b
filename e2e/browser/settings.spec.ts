// Settings: only this machine's (endpoint, key, runs); the draft's provider is the embedded one, shown
// as no model. The OpenAI-compatible provider's key, given to the host in OPENAI_API_KEY, never
// reaches the window: not on any screen, not in any API answer.
import type { Response } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import { SCREENS } from '../support/screens.js';

const SECRET = 'sk-e2e-secret';

// This file gets a host of its own, started with the key in its environment.
test.use({ hostOptions: { env: { OPENAI_API_KEY: SECRET } } });

test('settings show the embedded provider and never the API key', async ({ page, inbox }) => {
  const bodies: Promise<{ url: string; body: string }>[] = [];
  page.on('response', (response: Response) => {
    // Every answer of the host but the open-ended event stream, read in full.
    if (response.url().endsWith('/api/events')) return;
    bodies.push(response.text().then((body) => ({ url: response.url(), body }), (error: Error) => ({ url: response.url(), body: `unreadable: ${error.message}` })));
  });

  await inbox.open();
  // Open a message too: its trace names the provider that extracted it.
  await inbox.selectMessage(/./);
  await expect(inbox.why.getByTestId('why-provider')).toHaveText('embedded');
  await expect(inbox.why.getByTestId('why-model')).toHaveText(/^no model/);

  await page.getByTestId('nav-settings').click();
  const settings = page.getByTestId('settings-screen');
  await expect(settings).toBeVisible();
  // Only this machine's settings; the draft's provider is named as what it is, and where to change it.
  await expect(page.getByTestId('settings-provider')).toHaveCount(0);
  await expect(page.getByTestId('settings-draft-provider')).toHaveText('embedded — no model');
  await expect(page.getByTestId('settings-model-link')).toBeVisible();
  // The host did receive the key (so there was something to leak), and says only that one is stored,
  // and where: in the browser host's memory, not encrypted.
  await expect(page.getByTestId('api-key-status')).toContainText('A key is stored');
  await expect(page.getByTestId('api-key-status')).toContainText('memory only');
  await expect(page.getByTestId('api-key-status')).not.toContainText('encrypted');
  await expect(page.getByTestId('api-key-input')).toHaveValue('');
  await expect(page.getByTestId('api-key-input')).toHaveAttribute('type', 'password');

  // Visit every screen; on each, neither the page nor any field holds the key.
  for (const screen of SCREENS) {
    await page.getByTestId(`nav-${screen.id}`).click();
    await expect(page.getByTestId(screen.ready)).toBeVisible();
    expect(await page.content(), screen.id).not.toContain(SECRET);
    expect(await page.locator('body').innerText(), screen.id).not.toContain(SECRET);
    const values = await page.locator('input, textarea, select').evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value));
    for (const value of values) expect(value, screen.id).not.toContain(SECRET);
  }
  const storage = await page.evaluate(() => {
    const g = globalThis as unknown as { localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null }; sessionStorage: typeof g.localStorage };
    const dump = (s: typeof g.localStorage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) ?? '')}`).join('\n');
    return `${dump(g.localStorage)}\n${dump(g.sessionStorage)}`;
  });
  expect(storage).not.toContain(SECRET);

  // Every answer the window received, API calls and files alike, is free of the key.
  const seen = await Promise.all(bodies);
  const api = seen.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
  expect(api.map((r) => new URL(r.url).pathname)).toEqual(expect.arrayContaining(['/api/getSettings', '/api/getAppInfo', '/api/listMessages', '/api/getMessage']));
  for (const { url, body } of seen) expect(body, url).not.toContain(SECRET);
  expect(seen.find((r) => r.url.endsWith('/api/getSettings'))?.body).toContain('"hasApiKey":true');
});
