// `npx tsx electron/backend/export/measure-100k.ts [N]`: the demo workspace grown to N messages
// (100,000 by default), each with an answer of record, then exported whole as JSONL and CSV, and
// the JSONL re-imported into a fresh workspace with the same schema. Prints time and size; asserts nothing.
import { rmSync } from 'node:fs';
import { SETTING_KEYS } from '../../services/workspace/index.js';
import { result } from '../../services/workspace/test-helpers.js';
import { readDraft } from '../draft.js';
import { backendOptions, openContext, tempFolder } from '../test-support.js';
import { createBackend } from '../service.js';
import { exportMessages } from './messages.js';

const n = Number(process.argv[2] ?? 100_000);
const folder = tempFolder('casebook-export-100k-');
const path = folder.path('big.casebook');
(await createBackend(backendOptions(path))).close();
const h = openContext(path);
const { repos, transaction } = h.ctx;
const have = repos.messages.count();
const t0 = performance.now();
const BATCH = 5000;
// Answers shaped as the demo's own (valid for its schema), one per demo answer in turn.
const demoAnswers = repos.messages.ids().map((id) => repos.extractions.get(repos.messages.get(id)!.latestExtractionId!)!.output).filter((o) => o['order_id'] === null);
for (let at = have; at < n; at += BATCH) {
  transaction(() => {
    const made = repos.messages.insertMany(
      Array.from({ length: Math.min(BATCH, n - at) }, (_, i) => ({
        text: `Message ${at + i}: my invoice, "order" #${at + i}, was charged twice,\nplease refund. Thanks`,
        subject: `Refund ${at + i}`,
        sender: `Customer ${at + i} <c${at + i}@example.com>`,
        receivedAt: new Date(Date.UTC(2025, 0, 1) + (at + i) * 60_000).toISOString(),
      })),
    );
    for (const [i, messageId] of made.ids.entries()) {
      repos.extractions.insert({ messageId, result: result({ ...demoAnswers[(at + i) % demoAnswers.length]!, name: `Customer ${at + i}` }) });
    }
  });
}
console.log(`grew to ${repos.messages.count().toLocaleString('en-US')} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

for (const format of ['jsonl', 'csv'] as const) {
  const t = performance.now();
  const file = await exportMessages(repos, { selection: { all: true }, format });
  const ms = performance.now() - t;
  console.log(`${format}: ${file.count.toLocaleString('en-US')} rows, ${(Buffer.byteLength(file.content) / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(2)} s; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
  if (format === 'jsonl') {
    const target = openContext(folder.path());
    target.ctx.repos.settings.set(SETTING_KEYS.draftRulebook, readDraft(repos));
    const t2 = performance.now();
    const imported = await target.call('importMessages', { file: { name: file.name, content: file.content }, asPrecedents: true }).catch((e: Error) => e.message);
    console.log(`  re-import: ${typeof imported === 'string' ? imported : `${imported.inserted} messages, ${imported.precedents} precedents, ${imported.problems.length} problems ${JSON.stringify(imported.problems.slice(0, 2))}`} in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    target.close();
  }
}
h.close();
rmSync(folder.dir, { recursive: true, force: true });
