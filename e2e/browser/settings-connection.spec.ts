// Settings › Test connection in Chromium, against the scripted OpenAI-compatible server over HTTP:
// it reports what the server supports; against a closed port it fails within seconds, saying so.
import { createServer } from 'node:net';
import { InboxPage } from '../support/inbox-page.js';
import { expect, MODEL, test, useScriptedModel } from '../support/triage.js';

async function closedPortURL(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

test('Test connection reports the scripted server: JSON schema yes, logprobs yes; a closed port fails within seconds', async ({ page, startIsolatedHost, model }) => {
  const host = await startIsolatedHost();
  const inbox = new InboxPage(page, host);
  model.script({ logprobs: true });
  await inbox.open();
  await useScriptedModel(page, model);

  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-base-url')).toHaveValue(model.url);
  await expect(page.getByTestId('connection-model')).toHaveText(MODEL);
  await page.getByTestId('connection-test-button').click();
  const report = page.getByTestId('connection-report');
  await expect(report).toHaveAttribute('data-ok', 'true');
  await expect(report.getByTestId('connection-json-schema')).toHaveText('yes');
  await expect(report.getByTestId('connection-logprobs')).toHaveText('yes');
  await expect(report.getByTestId('connection-answered-model')).toHaveText(MODEL);
  expect(model.chatRequests).toHaveLength(1);

  // A server without log-probabilities: logprobs no, the rest as before.
  model.script({ logprobs: 'reject' });
  await page.getByTestId('connection-test-button').click();
  await expect(report.getByTestId('connection-logprobs')).toHaveText('no');
  await expect(report.getByTestId('connection-json-schema')).toHaveText('yes');

  // Nothing listening: a clear failure, within seconds.
  const closed = await closedPortURL();
  await page.getByTestId('settings-base-url').fill(closed);
  const t0 = Date.now();
  await page.getByTestId('connection-test-button').click();
  await expect(report.getByTestId('connection-headline')).toHaveText(`Failed: nothing is listening at ${closed} (connection refused)`, { timeout: 5000 });
  expect(Date.now() - t0).toBeLessThan(5000);
  await expect(report).toHaveAttribute('data-ok', 'false');
});
