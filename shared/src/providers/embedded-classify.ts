// Per-field text classification for the embedded provider: a complement naive Bayes (Rennie et
// al. 2003) over the words of every precedent, each labelled with its value of the field, plus one
// small document per enum value made of its name, aliases and description (so a value no precedent
// has yet still has words). Features are folded words (lightly stemmed), their first five letters
// (so `cancel`, `cancelar`, `cancellare` meet), pairs of adjacent words ("how do", "would be"),
// whether it asks a question, and character pairs of Japanese and Chinese text.
// Function words of the languages language-id.ts knows are left out. Deterministic: the model is a
// pure function of the precedents and the field, built once per field.
import type { FieldSpec, MessageInput, Precedent, Rule } from '../domain.js';
import { foldForSearch, stem, tokenize } from '../retrieval/index.js';
import { STOPWORDS } from '../retrieval/text.js';
import { isFunctionWord } from './language-id.js';
import { pairConcept, wordConcepts } from './concepts.js';

/** Smoothing of the complement counts. */
const ALPHA = 0.5;
/** Weight of a value's own words (name, aliases, description) against one precedent. */
const VALUE_DOC_WEIGHT = 1.5;
/** How sharply the scores become shares (a softmax temperature on the normalised weights). */
const SHARPNESS = 8;

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/u;

/** The classifier's features of a text (a set: each counts once). */
export function classifierFeatures(text: string): Set<string> {
  const out = new Set<string>();
  const tokens = tokenize(foldForSearch(text));
  let prev: string | null = null;
  for (const token of tokens) {
    if (CJK.test(token)) {
      const cps = Array.from(token);
      for (let i = 0; i + 1 < cps.length; i++) out.add(`j:${cps[i]}${cps[i + 1]}`);
      prev = null;
      continue;
    }
    // Word pairs keep what single words lose: "how do", "would be", "not working".
    if (prev !== null && !/^\d+$/.test(token)) {
      out.add(`b:${prev} ${token}`);
      const phrase = pairConcept(prev, token);
      if (phrase) out.add(`c:${phrase}`);
    }
    // The same support notion in any language the lexicon knows (concepts.ts).
    if (token.length >= 3) for (const c of wordConcepts(token)) out.add(`c:${c}`);
    prev = /^\d+$/.test(token) ? null : token;
    if (token.length < 2 || /^\d+$/.test(token) || STOPWORDS.has(token) || isFunctionWord(token)) continue;
    out.add(`w:${stem(token)}`);
    if (token.length >= 6) out.add(`p:${token.slice(0, 5)}`);
  }
  if (/[?？]/.test(text)) out.add('x:question');
  return out;
}

/** The text a message is classified by: its subject and body. */
export const classifierText = (m: MessageInput) => (m.subject ? `${m.subject}\n${m.text}` : m.text);

export class FieldClassifier {
  /** The values, in schema order (enum) or first appearance (boolean: "true", "false"). */
  readonly labels: string[];
  private readonly weights: Map<string, Float64Array>;

  private constructor(labels: string[], weights: Map<string, Float64Array>) {
    this.labels = labels;
    this.weights = weights;
  }

  /**
   * A classifier of `field` over `precedents` (their outputs' values as canonical JSON keys: `"bug"`,
   * `true`). Enum values get their own words too. Null when fewer than two labels have any words.
   */
  static build(field: FieldSpec, precedents: readonly Precedent[], rules: readonly Rule[] = []): FieldClassifier | null {
    const labels: string[] = field.type === 'enum' ? (field.values ?? []).map((v) => JSON.stringify(v.value)) : ['true', 'false'];
    const index = new Map(labels.map((l, i) => [l, i]));
    const docs: { label: number; features: Set<string>; weight: number }[] = [];
    for (const p of precedents) {
      const l = index.get(JSON.stringify(p.output[field.name] ?? null));
      if (l === undefined) continue;
      docs.push({ label: l, features: classifierFeatures(classifierText(p.message)), weight: 1 });
    }
    if (field.type === 'enum') {
      for (const v of field.values ?? []) {
        const ruleAliases = rules.filter((r) => r.kind === 'alias' && r.target === 'value' && r.enabled && r.field === field.name && r.to === v.value).map((r) => (r.kind === 'alias' ? r.from : ''));
        const text = [v.value.replace(/[_-]+/g, ' '), ...(v.aliases ?? []), ...ruleAliases, v.description ?? ''].join('. ');
        docs.push({ label: index.get(JSON.stringify(v.value))!, features: classifierFeatures(text), weight: VALUE_DOC_WEIGHT });
      }
    }
    const c = labels.length;
    const perLabel = new Set(docs.filter((d) => d.features.size > 0).map((d) => d.label));
    if (perLabel.size < 2) return null;
    // count[f][l]: weighted documents of label l with feature f.
    const count = new Map<string, Float64Array>();
    const total = new Float64Array(c);
    for (const d of docs) {
      for (const f of d.features) {
        let row = count.get(f);
        if (!row) count.set(f, (row = new Float64Array(c)));
        row[d.label] = row[d.label]! + d.weight;
        total[d.label] = total[d.label]! + d.weight;
      }
    }
    const vocab = count.size;
    const all = total.reduce((a, b) => a + b, 0);
    // Complement weights w[f][l] = log((count of f outside l + a) / (all outside l + a V)), then
    // each label's weights normalised by their sum of absolute values (weight normalisation).
    const weights = new Map<string, Float64Array>();
    const norm = new Float64Array(c);
    const sums = new Float64Array(c);
    for (const row of count.values()) for (let l = 0; l < c; l++) sums[l] = sums[l]! + row[l]!;
    for (const [f, row] of count) {
      const w = new Float64Array(c);
      let rowAll = 0;
      for (let l = 0; l < c; l++) rowAll += row[l]!;
      for (let l = 0; l < c; l++) {
        w[l] = Math.log((rowAll - row[l]! + ALPHA) / (all - sums[l]! + ALPHA * vocab));
        norm[l] = norm[l]! + Math.abs(w[l]!);
      }
      weights.set(f, w);
    }
    for (const w of weights.values()) for (let l = 0; l < c; l++) w[l] = norm[l]! > 0 ? w[l]! / norm[l]! : 0;
    return new FieldClassifier(labels, weights);
  }

  /**
   * Shares of each label (same order as `labels`, summing to 1) for a text; all equal when no
   * feature of the text is known.
   */
  shares(text: string): Float64Array {
    const c = this.labels.length;
    const score = new Float64Array(c);
    let known = 0;
    for (const f of classifierFeatures(text)) {
      const w = this.weights.get(f);
      if (!w) continue;
      known++;
      // Complement NB: the label whose complement explains the text worst wins.
      for (let l = 0; l < c; l++) score[l] = score[l]! - w[l]!;
    }
    const out = new Float64Array(c);
    if (known === 0) return out.fill(1 / c);
    let max = -Infinity;
    for (let l = 0; l < c; l++) max = Math.max(max, score[l]!);
    // Scores are tiny after weight normalisation; scale by the vocabulary seen so shares separate.
    const scale = (SHARPNESS * this.weights.size) / Math.max(1, Math.sqrt(known));
    let sum = 0;
    for (let l = 0; l < c; l++) {
      out[l] = Math.exp((score[l]! - max) * scale);
      sum += out[l]!;
    }
    for (let l = 0; l < c; l++) out[l] = out[l]! / sum;
    return out;
  }
}
