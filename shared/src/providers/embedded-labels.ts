// Per-label centroids (Rocchio) over the precedent index, for the embedded provider: each label of a
// field is the normalised mean of its precedents' BM25 vectors, and a message scores each label by
// cosine. Combined with the kNN vote it classifies better than either alone.
import type { JsonValue, MessageInput, Precedent } from '../domain.js';
import type { PrecedentIndex } from '../retrieval/index.js';
import { KIND_WEIGHT } from '../retrieval/index.js';

/** The vote key of a label value: labels are compared as canonical JSON of scalars. */
export function labelKey(value: JsonValue | undefined): string | null {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value);
  return null;
}

export class LabelCentroids {
  /** Label keys, in order of first appearance among the precedents. */
  readonly labels: string[];
  private readonly start: Int32Array;
  private readonly label: Int32Array;
  private readonly weight: Float64Array;
  private readonly norm: Float64Array;

  private constructor(labels: string[], start: Int32Array, label: Int32Array, weight: Float64Array, norm: Float64Array) {
    this.labels = labels;
    this.start = start;
    this.label = label;
    this.weight = weight;
    this.norm = norm;
  }

  /** Centroids of `field`'s labels. `docNorm` is each precedent's vector length (see `docNorms`). */
  static build(index: PrecedentIndex, precedents: readonly Precedent[], field: string, docNorm: Float64Array): LabelCentroids {
    const labels: string[] = [];
    const ids = new Map<string, number>();
    const docLabel = new Int32Array(precedents.length).fill(-1);
    for (let d = 0; d < precedents.length; d++) {
      const key = labelKey(precedents[d]!.output[field]);
      if (key === null) continue;
      let id = ids.get(key);
      if (id === undefined) {
        id = labels.length;
        labels.push(key);
        ids.set(key, id);
      }
      docLabel[d] = id;
    }
    const c = labels.length;
    const { postStart, postDoc, postImpact } = index;
    const terms = index.termCount;
    const start = new Int32Array(terms + 1);
    const outLabel: number[] = [];
    const outWeight: number[] = [];
    const scratch = new Float64Array(c);
    const touched: number[] = [];
    for (let t = 0; t < terms; t++) {
      for (let p = postStart[t]!, end = postStart[t + 1]!; p < end; p++) {
        const d = postDoc[p]!;
        const l = docLabel[d]!;
        if (l < 0) continue;
        if (scratch[l] === 0) touched.push(l);
        scratch[l] = scratch[l]! + postImpact[p]! / docNorm[d]!;
      }
      touched.sort((a, b) => a - b);
      for (const l of touched) {
        outLabel.push(l);
        outWeight.push(scratch[l]!);
        scratch[l] = 0;
      }
      touched.length = 0;
      start[t + 1] = outLabel.length;
    }
    const weight = Float64Array.from(outWeight);
    const label = Int32Array.from(outLabel);
    const normSq = new Float64Array(c);
    for (let i = 0; i < label.length; i++) normSq[label[i]!] = normSq[label[i]!]! + weight[i]! * weight[i]!;
    const norm = normSq.map(Math.sqrt);
    return new LabelCentroids(labels, start, label, weight, norm);
  }

  /** Euclidean length of every precedent's BM25 vector (0 -> 1 to avoid dividing by zero). */
  static docNorms(index: PrecedentIndex): Float64Array {
    const normSq = new Float64Array(index.size);
    const { postDoc, postImpact } = index;
    for (let p = 0; p < postDoc.length; p++) normSq[postDoc[p]!] = normSq[postDoc[p]!]! + postImpact[p]! * postImpact[p]!;
    return normSq.map((x) => (x > 0 ? Math.sqrt(x) : 1));
  }

  /** Cosine similarity of the message to each label (same order as `labels`). */
  score(index: PrecedentIndex, message: MessageInput): Float64Array {
    const out = new Float64Array(this.labels.length);
    const { terms, weights } = index.vectorize(message);
    let qNormSq = 0;
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i]!;
      const qv = weights[i]! * index.idf[t]! * KIND_WEIGHT[index.termKind[t]! as 0 | 1 | 2];
      qNormSq += qv * qv;
      for (let j = this.start[t]!, end = this.start[t + 1]!; j < end; j++) out[this.label[j]!] = out[this.label[j]!]! + qv * this.weight[j]!;
    }
    const qNorm = Math.sqrt(qNormSq);
    for (let l = 0; l < out.length; l++) {
      const denom = qNorm * this.norm[l]!;
      out[l] = denom > 0 ? out[l]! / denom : 0;
    }
    return out;
  }
}
