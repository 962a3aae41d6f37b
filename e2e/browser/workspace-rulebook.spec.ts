// Issue 9, a rulebook file: one written by the CLI (`casebook new`, then `casebook teach`), and the
// version a colleague made of it with rules added, is opened from the start screen. What it holds is
// shown first; the new workspace's draft then equals it: the same id, name, instructions, schema,
// rules, precedents and model settings. A copy changed after it was hashed opens nothing and says why.
import { nextVersion, serializeRulebook } from '../../shared/src/rulebook/index.js';
import type { Rule } from '../../shared/src/domain.js';
import { expect, test } from '../support/fixtures.js';
import { callHost, writeTaughtRulebook } from '../support/workspaces.js';

const provenance = { precedentIds: [], author: 'Ana (e2e)', createdAt: '2026-03-01T09:00:00.000Z' };
const RULES: Rule[] = [
  { id: 'rule-returns', kind: 'override', rationale: 'sending back is a return', enabled: true, provenance, when: { kind: 'contains_any', phrases: ['send back', 'send it back'] }, set: { topic: 'return' } },
  { id: 'rule-order', kind: 'guidance', rationale: 'order numbers', enabled: true, provenance, fields: ['order_number'], instruction: 'Order numbers start with ORD-; invoice numbers are not order numbers.' },
  { id: 'rule-refund', kind: 'alias', target: 'value', rationale: 'refund is payment', enabled: false, provenance, field: 'topic', from: 'refund', to: 'payment' },
];

test('a rulebook written by casebook new and teach becomes the draft of a new workspace', async ({ page, startIsolatedHost }) => {
  const { rulebook: taught } = writeTaughtRulebook();
  expect(taught.version).toBe(2);
  expect(taught.precedents).toHaveLength(3);
  // A colleague's next version: the rules they wrote.
  const file = nextVersion(taught, { rules: RULES });
  const text = serializeRulebook(file);

  const host = await startIsolatedHost({ workspace: false });
  await page.goto(host.url);
  await page.getByTestId('start-rulebook').click();

  // A copy edited after it was hashed: shown, then refused by the verification, nothing made.
  const tampered = text.replace('Read one customer message of a web shop', 'Read any message');
  await page.getByTestId('rulebook-file-input').setInputFiles({ name: 'edited.rulebook.json', mimeType: 'application/json', buffer: Buffer.from(tampered) });
  await expect(page.getByTestId('rulebook-summary')).toContainText('Order desk');
  await page.getByTestId('start-create').click();
  await expect(page.getByTestId('start-error')).toContainText('This rulebook cannot be opened: edited.rulebook.json: content was changed after it was hashed');
  expect((await callHost(host, 'getWorkspace', {})).current).toBeNull();

  await page.getByTestId('rulebook-file-input').setInputFiles({ name: 'order-desk.rulebook.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  const summary = page.getByTestId('rulebook-summary');
  await expect(summary).toContainText('Order desk');
  await expect(summary).toContainText('version 3');
  await expect(summary.getByTestId('rulebook-rules')).toHaveText('3 rules');
  await expect(summary.getByTestId('rulebook-precedents')).toHaveText('3 precedents');
  await expect(summary).toContainText('customertopicorder_number');
  await expect(page.getByTestId('start-error')).toHaveCount(0);
  await expect(page.getByTestId('start-name')).toHaveValue('Order desk');
  await page.getByTestId('start-create').click();

  await expect(page.getByTestId('rulebook-screen')).toBeVisible();
  await expect(page.getByTestId('workspace-name')).toHaveText('Order desk');
  const draft = await callHost(host, 'getRulebook', {});
  expect({ id: draft.id, name: draft.name, instructions: draft.instructions, schema: draft.schema, rules: draft.rules, settings: draft.settings }).toEqual({
    id: file.id,
    name: file.name,
    instructions: file.instructions,
    schema: file.schema,
    rules: file.rules,
    settings: file.settings,
  });
  // The same precedents, in the file's order.
  expect(draft.precedents).toEqual(file.precedents);

  // Its rules and precedents are the workspace's: listed on their screens.
  await page.getByTestId('nav-rules').click();
  await expect(page.getByTestId('rules-screen')).toContainText('Order numbers start with ORD-');
  await page.getByTestId('nav-precedents').click();
  await expect(page.getByText('Where is my parcel? Order ORD-5521 was due on Monday. Greta')).toBeVisible();
});
