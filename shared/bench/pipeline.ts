// Pipeline overhead per message without a model: the embedded provider, and the openai provider
// answering from the cache (the scripted server is only asked while warming up). The baseline in
// the same run is retrieval alone, which every path pays.
import type { ExtractionSchema, Precedent, RulebookArtifact } from '../src/domain.js';
import { createExtractor } from '../src/pipeline/extractor.js';
import { MemoryCache } from '../src/pipeline/cache.js';
import type { Provider } from '../src/providers/types.js';
import { createOpenAIProvider } from '../src/providers/openai.js';
import { PrecedentIndex } from '../src/retrieval/index.js';
import { createRulebook, generateSigningKey, parseRulebook, serializeRulebook, signRulebook } from '../src/rulebook/index.js';
import { startScriptedServer } from '../testkit/scripted-server.js';
import { measure, printTimings, type Timing } from './measure.js';
import { seededRandom, syntheticMessages } from './retrieval.js';

export const benchSchema: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true },
    { name: 'issue_type', type: 'enum', nullable: false, values: ['account', 'billing', 'shipping', 'bug', 'cancellation', 'privacy'].map((value) => ({ value })) },
    { name: 'urgency', type: 'enum', nullable: false, aliases: ['priority'], values: ['low', 'medium', 'high'].map((value) => ({ value })) },
  ],
};

const TOPIC_LABEL = ['account', 'billing', 'shipping', 'bug', 'cancellation', 'privacy'];

/** A rulebook of `n` synthetic precedents; the label follows the topic words so votes mean something. */
export function syntheticRulebook(n: number): RulebookArtifact {
  const rnd = seededRandom(99);
  const precedents: Precedent[] = syntheticMessages(n, 5).map((message, i) => {
    const label = TOPIC_LABEL.find((l, t) => message.text.includes(['password', 'invoice', 'delivery', 'crash', 'cancel', 'gdpr'][t]!)) ?? TOPIC_LABEL[i % 6]!;
    return {
      id: `p${i}`,
      message,
      output: { name: null, issue_type: label, urgency: ['low', 'medium', 'high'][Math.floor(rnd() * 3)]! },
      createdAt: '2026-11-01T00:00:00.000Z',
    };
  });
  return createRulebook({ id: `bench-${n}`, name: `bench ${n}`, schema: benchSchema, precedents, createdAt: '2026-11-01T00:00:00.000Z' });
}

/** A provider that answers at once with a fixed object: what is left is the pipeline's own cost. */
const instantProvider: Provider = {
  name: 'instant',
  model: 'instant',
  identity: 'instant',
  async complete() {
    return { raw: '{"name":null,"issue_type":"billing","priority":"high"}', usage: null, model: 'instant', attempts: 1, responseFormat: 'none' };
  },
};

export async function benchPipeline(): Promise<void> {
  const server = await startScriptedServer();
  try {
    for (const n of [1_000, 10_000]) {
      const rulebook = syntheticRulebook(n);
      const index = PrecedentIndex.build(rulebook.precedents);
      const queries = syntheticMessages(200, 77);
      const rows: Timing[] = [];
      rows.push(await measure(`retrieval only, k=${rulebook.settings.k} (baseline)`, (i) => index.search(queries[i % queries.length]!, rulebook.settings.k)));
      const instant = createExtractor(rulebook, { provider: instantProvider, index, cache: false });
      rows.push(await measure('pipeline, instant provider', (i) => instant.extract(queries[i % queries.length]!)));
      const embedded = createExtractor(rulebook, { provider: { kind: 'embedded' }, index });
      rows.push(await measure('pipeline, embedded provider', (i) => embedded.extract(queries[i % queries.length]!)));
      const cached = createExtractor(rulebook, {
        provider: createOpenAIProvider({ baseURL: server.url, model: 'casebook-test-1', apiKey: 'bench' }),
        index,
        cache: new MemoryCache(),
      });
      for (const q of queries) await cached.extract(q); // warm the cache over real HTTP
      rows.push(await measure('pipeline, openai provider, cache hit', (i) => cached.extract(queries[i % queries.length]!), { warmup: 0 }));
      printTimings(`Pipeline per message at ${n.toLocaleString('en')} precedents`, rows);
    }

    const rulebook = syntheticRulebook(10_000);
    const key = generateSigningKey();
    const signed = signRulebook(rulebook, key.privateKeyPem);
    const text = serializeRulebook(signed);
    const rows: Timing[] = [];
    rows.push(await measure('JSON.parse only (baseline)', () => JSON.parse(text), { runs: 15, warmup: 2 }));
    rows.push(await measure('parse + format + hash check', () => parseRulebook(text), { runs: 15, warmup: 2 }));
    rows.push(await measure('… + signature check', () => parseRulebook(text, { publicKeys: [key.publicKeyPem] }), { runs: 15, warmup: 2 }));
    rows.push(await measure('… + build retrieval index', () => PrecedentIndex.build(parseRulebook(text).precedents), { runs: 10, warmup: 1 }));
    printTimings(`Load and verify a rulebook of 10,000 precedents (${(text.length / 1e6).toFixed(1)} MB)`, rows);
  } finally {
    await server.close();
  }
}
