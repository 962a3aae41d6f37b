// The browser host answers only the window it launched: every API call needs the per-launch token
// from the URL fragment, and calls from another Origin or to another Host are refused.
import http from 'node:http';
import { expect, test, type RunningHost } from '../support/fixtures.js';

const BACKEND_ERROR = 'Casebook cannot reach its backend';

/** A raw request to the host from Node, with exactly the headers given. */
function rawPost(host: RunningHost, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, host.origin);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

test.describe('the per-launch token', () => {
  test('without the token in the URL the app shows an error state, not a crash', async ({ page, host, inbox }) => {
    const refused: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/')) refused.push(r.status());
    });
    await page.goto(`${host.origin}/`);
    const error = page.getByTestId('error-state');
    await expect(error).toBeVisible();
    await expect(error).toContainText(BACKEND_ERROR);
    await expect(error).toContainText(/token/i);
    await expect(inbox.ready).toHaveCount(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set([401]));
    // Retrying without a token keeps failing the same, calm way.
    await page.getByTestId('retry-button').click();
    await expect(error).toContainText(BACKEND_ERROR);
    await expect(inbox.ready).toHaveCount(0);
  });

  test('a wrong token is refused the same way', async ({ page, host, inbox }) => {
    await page.goto(`${host.origin}/#token=${'x'.repeat(host.token.length)}`);
    await expect(page.getByTestId('error-state')).toContainText(BACKEND_ERROR);
    await expect(inbox.ready).toHaveCount(0);
  });

  test('with the token the app opens, and the token leaves the address bar', async ({ page, inbox }) => {
    await inbox.open();
    expect(page.url()).not.toContain('token=');
    // A reload keeps working (the token is kept for this tab's session).
    await page.reload();
    await inbox.waitReady();
  });

  test('a call from the page without the Authorization header is refused with 401', async ({ page, inbox }) => {
    await inbox.open();
    const answers = await page.evaluate(async () => {
      const call = async (headers: Record<string, string>) => {
        const r = await fetch('/api/getCounts', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
        return { status: r.status, body: (await r.json()) as { ok: boolean } };
      };
      // The token the app keeps for this tab (the e2e code is compiled without the DOM library).
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
      const token = storage.getItem('casebook.token') ?? '';
      return {
        bare: await call({}),
        wrong: await call({ authorization: 'Bearer not-the-token' }),
        right: await call({ authorization: `Bearer ${token}` }),
      };
    });
    expect(answers.bare).toEqual({ status: 401, body: { ok: false, error: expect.objectContaining({ message: 'missing or wrong token' }) } });
    expect(answers.wrong.status).toBe(401);
    // The same call with the token is answered: the refusals above were about the token alone.
    expect(answers.right.status).toBe(200);
    expect(answers.right.body).toMatchObject({ ok: true, result: { total: 140 } });
  });

  test('the event stream needs the token too', async ({ page, inbox }) => {
    await inbox.open();
    const status = await page.evaluate(async () => (await fetch('/api/events')).status);
    expect(status).toBe(401);
  });
});

test.describe('other origins and hosts', () => {
  test('a request carrying a foreign Origin is refused even with the token', async ({ host, playwright }) => {
    const request = await playwright.request.newContext();
    try {
      const call = (origin: string) =>
        request.post(`${host.origin}/api/getCounts`, { headers: { authorization: `Bearer ${host.token}`, origin }, data: {} });
      const foreign = await call('https://evil.example');
      expect(foreign.status()).toBe(403);
      expect(await foreign.json()).toMatchObject({ ok: false, error: { message: 'foreign Origin refused' } });
      expect((await call('http://localhost:1')).status()).toBe(403);
      // The app's own origin is fine.
      const own = await call(host.origin);
      expect(own.status()).toBe(200);
    } finally {
      await request.dispose();
    }
  });

  test('a page on another site cannot call the API', async ({ page, host }) => {
    // A page on another origin in the same browser, trying a simple (no preflight) and a full request.
    await page.route('http://evil.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>evil</title><p>evil</p>' }));
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${host.origin}/api/`)) statuses.push(r.status());
    });
    await page.goto('http://evil.test/');
    const outcome = await page.evaluate(
      async ({ origin, token }) => {
        const results: string[] = [];
        try {
          const r = await fetch(`${origin}/api/getCounts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
          results.push(`read:${r.status}:${await r.text()}`);
        } catch (error) {
          results.push(`blocked:${(error as Error).name}`);
        }
        try {
          await fetch(`${origin}/api/getCounts`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' });
          results.push('sent');
        } catch (error) {
          results.push(`blocked:${(error as Error).name}`);
        }
        return results;
      },
      { origin: host.origin, token: host.token },
    );
    // Even holding the token, the other site reads nothing (Chromium blocks it before or after the host
    // refuses the foreign Origin; the host's own refusal is checked above without a browser in between).
    expect(outcome[0]).toBe('blocked:TypeError');
    expect(outcome[1]).not.toMatch(/^read/);
    for (const status of statuses) expect(status).not.toBe(200);
  });

  test('a request naming another Host (DNS rebinding) is refused', async ({ host }) => {
    const foreign = await rawPost(host, '/api/getCounts', { authorization: `Bearer ${host.token}`, host: 'evil.example' });
    expect(foreign.status).toBe(421);
    const own = await rawPost(host, '/api/getCounts', { authorization: `Bearer ${host.token}` });
    expect(own.status).toBe(200);
  });

  test('the app is served with the strict Content-Security-Policy', async ({ page, host }) => {
    const response = await page.goto(`${host.origin}/`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

test.describe('a hostile web page', () => {
  test('cannot stop the host with image requests whose targets break URL parsers', async ({ page, startIsolatedHost }) => {
    const host = await startIsolatedHost({ demo: false });
    // Any site the user visits can make the browser request these: an <img> sends no Origin header.
    const targets = ['//%5B', '//[', '//[::1', '/%', '//a:b@c/'];
    await page.setContent(targets.map((t) => `<img src="${host.origin}${t}">`).join(''));
    await page.waitForTimeout(500);
    // The host still answers, and a request it cannot read is a 400 (or closed), never the end of it.
    const after = await rawPost(host, '/api/getCounts', { authorization: `Bearer ${host.token}`, host: new URL(host.origin).host });
    expect(after.status).toBe(200);
    expect(host.stderr()).not.toMatch(/Invalid URL|TypeError/);
  });
});
