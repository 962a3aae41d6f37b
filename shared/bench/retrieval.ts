// Retrieval benchmark: builds the precedent index over synthetic support messages at 1k, 10k and
// 100k precedents and times `search` (k=8) against a brute-force scan that scores every precedent.
// The data is generated from a seeded PRNG, so every run sees the same messages.
import { performance } from 'node:perf_hooks';
import type { MessageInput, Precedent } from '../src/domain.js';
import { PrecedentIndex, searchTokens } from '../src/retrieval/index.js';
import { measure, printTimings, type Timing } from './measure.js';

/** mulberry32: a small, well-mixed 32-bit PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUNCTION_WORDS = 'i my the a to and is it of in for on that this was me have with not but can you your we be at are please just still'.split(' ');
const TOPIC_SEEDS = [
  'account login password locked reset email verification code access two factor',
  'invoice billing charge charged twice refund payment card declined subscription plan',
  'order delivery shipping package tracking arrived late missing damaged address courier',
  'app crash error bug screen update install android iphone sync slow',
  'cancel cancellation renew upgrade downgrade trial pricing discount coupon',
  'data export delete privacy gdpr report download csv backup restore',
];
const NAMES = 'Ana John Maria Wei Fatima Lukas Priya Omar Sofia Kenji Amara Diego'.split(' ');
const SYLLABLES = 'ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ha he hi ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zi'.split(' ');

/** A deterministic corpus generator: a vocabulary of a few thousand words with a Zipf-like distribution, topic words and names. */
export function syntheticMessages(count: number, seed = 1): MessageInput[] {
  const rnd = seededRandom(seed);
  const vocab: string[] = [];
  const seen = new Set<string>();
  while (vocab.length < 4000) {
    const parts = 2 + Math.floor(rnd() * 3);
    let w = '';
    for (let i = 0; i < parts; i++) w += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      vocab.push(w);
    }
  }
  const topics = TOPIC_SEEDS.map((t) => t.split(' '));
  // Zipf-like: index = floor(V * u^3) favours the head of the vocabulary.
  const zipfWord = () => vocab[Math.floor(vocab.length * rnd() ** 3)]!;
  const out: MessageInput[] = [];
  for (let m = 0; m < count; m++) {
    const topic = topics[Math.floor(rnd() * topics.length)]!;
    const length = 12 + Math.floor(rnd() * 50);
    const words: string[] = [];
    if (rnd() < 0.5) words.push('Hi,');
    for (let i = 0; i < length; i++) {
      const u = rnd();
      if (u < 0.4) words.push(FUNCTION_WORDS[Math.floor(rnd() * FUNCTION_WORDS.length)]!);
      else if (u < 0.65) words.push(topic[Math.floor(rnd() * topic.length)]!);
      else words.push(zipfWord());
      if (rnd() < 0.08) words[words.length - 1] += '.';
    }
    if (rnd() < 0.6) words.push(`Thanks,\n${NAMES[Math.floor(rnd() * NAMES.length)]!}`);
    out.push({ text: words.join(' '), subject: rnd() < 0.3 ? `${topic[0]} ${topic[1]} problem` : undefined });
  }
  return out;
}

/** The baseline: score every precedent by the summed IDF of the query words it contains, then sort them all. */
class LinearScan {
  private readonly docs: Set<string>[];
  private readonly idf = new Map<string, number>();
  constructor(messages: readonly MessageInput[]) {
    this.docs = messages.map((m) => new Set(searchTokens(`${m.subject ?? ''} ${m.text}`)));
    const df = new Map<string, number>();
    for (const d of this.docs) for (const w of d) df.set(w, (df.get(w) ?? 0) + 1);
    for (const [w, f] of df) this.idf.set(w, Math.log(1 + (this.docs.length - f + 0.5) / (f + 0.5)));
  }
  search(message: MessageInput, k: number): number[] {
    const q = [...new Set(searchTokens(`${message.subject ?? ''} ${message.text}`))];
    const scores = this.docs.map((d, i) => {
      let s = 0;
      for (const w of q) if (d.has(w)) s += this.idf.get(w) ?? 0;
      return { i, s };
    });
    scores.sort((a, b) => b.s - a.s || a.i - b.i);
    return scores.slice(0, k).map((x) => x.i);
  }
}

/** Queries: corpus-like messages from another seed, some with typos. */
function queries(count: number): MessageInput[] {
  const rnd = seededRandom(99);
  return syntheticMessages(count, 7).map((m) => {
    if (rnd() < 0.5) return m;
    const chars = [...m.text];
    const at = Math.floor(rnd() * chars.length);
    chars.splice(at, 1);
    return { ...m, text: chars.join('') };
  });
}

export async function benchRetrieval(): Promise<void> {
  const sizes = [1_000, 10_000, 100_000];
  const qs = queries(300);
  const build: { size: number; ms: number; terms: number; postings: number }[] = [];
  const rows: Timing[] = [];
  for (const size of sizes) {
    const messages = syntheticMessages(size);
    const precedents: Precedent[] = messages.map((message, i) => ({
      id: `p${i}`,
      message,
      output: {},
      createdAt: '2024-01-01T00:00:00.000Z',
    }));
    const t0 = performance.now();
    const index = PrecedentIndex.build(precedents);
    build.push({ size, ms: performance.now() - t0, terms: index.termCount, postings: index.postDoc.length });
    if (size <= 10_000) {
      const scan = new LinearScan(messages);
      rows.push(await measure(`linear scan (baseline) ${size}`, (i) => scan.search(qs[i % qs.length]!, 8), { runs: size <= 1_000 ? 300 : 60, warmup: 10 }));
    }
    rows.push(await measure(`PrecedentIndex.search ${size}`, (i) => index.search(qs[i % qs.length]!, 8), { runs: 300, warmup: 30 }));
  }
  console.log('\n## Precedent index build (synthetic support messages)');
  console.log(`${'precedents'.padStart(10)}  ${'build ms'.padStart(10)}  ${'terms'.padStart(10)}  ${'postings'.padStart(11)}`);
  for (const b of build) {
    console.log(`${String(b.size).padStart(10)}  ${b.ms.toFixed(0).padStart(10)}  ${String(b.terms).padStart(10)}  ${String(b.postings).padStart(11)}`);
  }
  printTimings('Precedent search, k=8 (baseline: brute-force linear scan)', rows);
}
