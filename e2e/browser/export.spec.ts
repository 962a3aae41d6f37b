// Export from the inbox toolbar in Chromium: the current filter as JSON Lines and as CSV is
// downloaded with one row per message the filter lists (the backend test carries the round trip
// into a new workspace); Precedents › Export downloads every precedent.
import { readFile } from 'node:fs/promises';
import Papa from 'papaparse';
import { expect, test } from '../support/fixtures.js';

test('exports the current filter as JSONL and CSV, and the precedents', async ({ page, inbox }) => {
  await inbox.open();
  await inbox.filterStatus('extracted');

  const download = async (testId: string) => {
    await page.getByTestId('export-menu').locator('summary').click();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return { name: file.suggestedFilename(), content: await readFile((await file.path())!, 'utf8') };
  };

  const jsonl = await download('export-filter-jsonl');
  expect(jsonl.name).toMatch(/-messages-\d{4}-\d{2}-\d{2}\.jsonl$/);
  const lines = jsonl.content.trimEnd().split('\n').map((l) => JSON.parse(l) as { status: string; output: unknown });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.status === 'extracted' && l.output !== null)).toBe(true);
  // One line per message the inbox lists for the filter.
  await expect.poll(() => inbox.listedTotal()).toBe(lines.length);

  const csv = await download('export-filter-csv');
  expect(csv.name).toMatch(/\.csv$/);
  const rows = Papa.parse<Record<string, string>>(csv.content, { header: true, skipEmptyLines: true });
  expect(rows.errors).toEqual([]);
  expect(rows.data).toHaveLength(lines.length);
  expect(rows.meta.fields?.slice(0, 6)).toEqual(['id', 'receivedAt', 'sender', 'subject', 'text', 'status']);

  await page.getByTestId('nav-precedents').click();
  const [precedents] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-precedents-jsonl').click()]);
  const content = await readFile((await precedents.path())!, 'utf8');
  expect(content.trimEnd().split('\n').length).toBeGreaterThan(0);
});
