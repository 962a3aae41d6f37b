// Accuracy benchmark of the embedded provider on a labelled JSONL file (BANKING77, Bitext customer
// service): the train split is taught as precedents, the test split is extracted. Also reports
// recall@8 of retrieval and a plain TF-IDF cosine kNN baseline, in the same run.
// The parameters of the embedded provider were tuned on a held-out slice of train (every fifth
// example per label), never on the test split.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ExtractionSchema, Precedent } from '../src/domain.js';
import { DEFAULT_SETTINGS } from '../src/domain.js';
import { EMBEDDED_RETRIEVAL_DEPTH, createEmbeddedProvider } from '../src/providers/embedded.js';
import type { ProviderRequest } from '../src/providers/types.js';
import { PrecedentIndex, searchTokens } from '../src/retrieval/index.js';

interface Row {
  id: string;
  text: string;
  labels: Record<string, unknown>;
  split: string | null;
}

/** Which label to use: `intent` when present (BANKING77, Bitext), otherwise `category`. */
function labelField(rows: Row[]): string | null {
  for (const f of ['intent', 'category']) if (rows.some((r) => typeof r.labels[f] === 'string')) return f;
  return null;
}

/** The first `n` rows of each label, in file order. */
function perLabel(rows: Row[], field: string, n: number): Row[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    const l = String(r.labels[field]);
    const c = seen.get(l) ?? 0;
    seen.set(l, c + 1);
    return c < n;
  });
}

/** Baseline: TF-IDF (words, log tf) cosine nearest neighbours, top-k similarity-weighted vote. */
function tfidfKnn(train: Row[], field: string, k = 8): (text: string) => string {
  const docs = train.map((r) => {
    const tf = new Map<string, number>();
    for (const w of searchTokens(r.text)) tf.set(w, (tf.get(w) ?? 0) + 1);
    return tf;
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const w of d.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const vec = (tf: Map<string, number>) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [w, f] of tf) {
      const x = (1 + Math.log(f)) * Math.log((1 + docs.length) / (1 + (df.get(w) ?? 0)));
      v.set(w, x);
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [w, x] of v) v.set(w, x / norm);
    return v;
  };
  const vecs = docs.map(vec);
  return (text) => {
    const tf = new Map<string, number>();
    for (const w of searchTokens(text)) tf.set(w, (tf.get(w) ?? 0) + 1);
    const q = vec(tf);
    const sims = vecs.map((d, i) => {
      let s = 0;
      for (const [w, x] of q) s += x * (d.get(w) ?? 0);
      return { i, s };
    });
    sims.sort((a, b) => b.s - a.s || a.i - b.i);
    const votes = new Map<string, number>();
    for (const { i, s } of sims.slice(0, k)) {
      const l = String(train[i]!.labels[field]);
      votes.set(l, (votes.get(l) ?? 0) + s);
    }
    let best = '';
    let bestScore = -1;
    for (const [l, s] of votes) if (s > bestScore) [best, bestScore] = [l, s];
    return best;
  };
}

interface Result {
  setting: string;
  precedents: number;
  baseline: number;
  embedded: number;
  knnOnly: number;
  recall8: number;
  createMs: number;
  perMessageMs: number;
}

async function evaluate(setting: string, train: Row[], test: Row[], field: string): Promise<Result> {
  const labels = [...new Set(train.map((r) => String(r.labels[field])))].sort();
  const schema: ExtractionSchema = { fields: [{ name: field, type: 'enum', nullable: false, values: labels.map((value) => ({ value })) }] };
  const precedents: Precedent[] = train.map((r) => ({
    id: r.id,
    message: { text: r.text },
    output: { [field]: String(r.labels[field]) },
    createdAt: '2024-01-01T00:00:00.000Z',
  }));
  const t0 = performance.now();
  const index = PrecedentIndex.build(precedents);
  const withCentroids = createEmbeddedProvider({ precedents, index });
  const knnOnly = createEmbeddedProvider();
  const depth = Math.max(DEFAULT_SETTINGS.k, EMBEDDED_RETRIEVAL_DEPTH);
  // The centroids are built on first use; warm them up inside the creation time.
  const request = (text: string): ProviderRequest => ({
    messages: [],
    jsonSchema: {},
    schemaName: 'extraction',
    settings: DEFAULT_SETTINGS,
    schema,
    message: { text },
    precedents: index.search({ text }, depth).map((h) => ({ precedent: precedents[h.index]!, score: h.score })),
    rules: [],
  });
  await withCentroids.complete(request(test[0]?.text ?? ''));
  const createMs = performance.now() - t0;
  const baseline = tfidfKnn(train, field);
  let ok = 0;
  let okKnn = 0;
  let okBase = 0;
  let recall = 0;
  let ms = 0;
  for (const r of test) {
    const truth = String(r.labels[field]);
    const req = request(r.text);
    const t1 = performance.now();
    const out = JSON.parse((await withCentroids.complete(req)).raw) as Record<string, unknown>;
    ms += performance.now() - t1;
    if (out[field] === truth) ok++;
    const outKnn = JSON.parse((await knnOnly.complete(req)).raw) as Record<string, unknown>;
    if (outKnn[field] === truth) okKnn++;
    if (req.precedents.slice(0, 8).some((p) => p.precedent.output[field] === truth)) recall++;
    if (baseline(r.text) === truth) okBase++;
  }
  const n = Math.max(1, test.length);
  return {
    setting,
    precedents: train.length,
    baseline: okBase / n,
    embedded: ok / n,
    knnOnly: okKnn / n,
    recall8: recall / n,
    createMs,
    perMessageMs: ms / n,
  };
}

export async function benchAccuracy(dataPath: string | undefined): Promise<void> {
  if (!dataPath) {
    console.log('\n## Accuracy: skipped (no labelled JSONL path given; e.g. /work/shared/data/banking77/all.jsonl)');
    return;
  }
  if (!existsSync(dataPath)) {
    console.log(`\n## Accuracy: skipped (${dataPath} does not exist)`);
    return;
  }
  const rows = readFileSync(dataPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
  const field = labelField(rows);
  const train = rows.filter((r) => r.split === 'train');
  const test = rows.filter((r) => r.split === 'test');
  if (!field || train.length === 0 || test.length === 0) {
    console.log(`\n## Accuracy: skipped (${dataPath} has no intent/category label or no train and test splits)`);
    return;
  }
  const results = [
    await evaluate('full train split', train, test, field),
    await evaluate('10 per label', perLabel(train, field, 10), test, field),
  ];
  console.log(`\n## Accuracy of the embedded provider: ${dataPath} (label \`${field}\`, ${test.length} test messages)`);
  const head = ['setting', 'precedents', 'tfidf kNN (baseline)', 'embedded kNN only', 'embedded', 'recall@8', 'create ms', 'provider ms/msg'];
  const cells = results.map((r) => [
    r.setting,
    String(r.precedents),
    `${(100 * r.baseline).toFixed(1)}%`,
    `${(100 * r.knnOnly).toFixed(1)}%`,
    `${(100 * r.embedded).toFixed(1)}%`,
    `${(100 * r.recall8).toFixed(1)}%`,
    r.createMs.toFixed(0),
    r.perMessageMs.toFixed(3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  console.log(head.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : h.padStart(widths[i]!))).join('  '));
  for (const c of cells) console.log(c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  '));
}
