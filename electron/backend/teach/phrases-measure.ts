// suggestPhrases at 100,000 messages (a quick measurement, not part of the test suite): a real
// SQLite file with synthetic messages, 5% of them chat transcripts sharing one subject and 1% of
// 20,000 characters, one extraction each. Prints timings; asserts nothing. Run with
// `npx tsx electron/backend/teach/phrases-measure.ts` (CASEBOOK_MEASURE_MESSAGES to change the size).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seededRandom, syntheticMessages } from '../../../shared/bench/retrieval.js';
import type { ExtractionResult } from '../../../shared/src/domain.js';
import { openWorkspace, repositories } from '../../services/workspace/index.js';
import { SETTING_KEYS } from '../../services/workspace/settings.js';
import type { BackendContext } from '../context.js';
import { createPhraseHandlers } from './phrase-handlers.js';

const COUNT = Number(process.env.CASEBOOK_MEASURE_MESSAGES ?? 100_000);
const ISSUES = ['account', 'billing', 'shipping', 'bug', 'cancellation', 'other'];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-phrases-'));
  const ws = openWorkspace(join(dir, 'm.casebook'));
  const repos = repositories(ws);
  try {
    const rnd = seededRandom(5);
    const start = Date.UTC(2026, 0, 1);
    const long = (t: string) => (t + ' ').repeat(Math.ceil(20_000 / (t.length + 1))).slice(0, 20_000);
    const messages = syntheticMessages(COUNT, 7).map((m, i) => ({
      text: i % 100 === 0 ? long(m.text) : m.text,
      subject: i % 20 === 0 ? 'Chat with Tidewell' : (m.subject ?? null),
      sender: `Customer ${i % 5000} <c${i % 5000}@example.com>`,
      receivedAt: new Date(start + i * 60_000).toISOString(),
      source: 'measure',
    }));
    const ids: string[] = [];
    for (let i = 0; i < messages.length; i += 1000) ids.push(...repos.messages.insertMany(messages.slice(i, i + 1000)).ids);
    ws.write(() => {
      for (const id of ids) {
        const result: ExtractionResult = { output: { issue_type: ISSUES[Math.floor(rnd() * ISSUES.length)]! }, valid: true, errors: [], trace: null as unknown as ExtractionResult['trace'] };
        repos.extractions.insert({ messageId: id, result });
      }
    });
    repos.settings.set(SETTING_KEYS.draftRulebook, {
      id: 'm',
      name: 'm',
      instructions: '',
      schema: { fields: [{ name: 'issue_type', type: 'enum', nullable: false, values: ISSUES.map((value) => ({ value })) }] },
      settings: { provider: 'embedded', model: 'x', temperature: 0, seed: 1, k: 0, maxTokens: null },
    });
    const handlers = createPhraseHandlers({ repos } as unknown as BackendContext);
    const cases: [string, string][] = [
      ['a chat transcript (shared subject), newest', ids[ids.length - 20]!],
      ['an ordinary message, oldest', ids[1]!],
      ['a 20,000-character message', ids[ids.length - 100]!],
    ];
    console.log(`\n## suggestPhrases at ${COUNT.toLocaleString('en')} messages`);
    for (const [name, id] of cases) {
      const times: number[] = [];
      let phrases = 0;
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        const r = await handlers.suggestPhrases({ messageId: id, field: 'issue_type', limit: 12 });
        times.push(performance.now() - t0);
        phrases = r.phrases.length;
      }
      times.shift();
      times.sort((a, b) => a - b);
      console.log(`${name}: median ${times[2]!.toFixed(0)} ms, max ${times[4]!.toFixed(0)} ms (${phrases} phrases)`);
    }
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
