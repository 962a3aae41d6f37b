// Lexical precedent retrieval: BM25 over stemmed words, word bigrams and character n-grams, with
// typed-array postings. Built once per rulebook; `search` is allocation-light and deterministic
// (fixed term order, ties broken by precedent position).
import type { MessageInput, Precedent } from '../domain.js';
import { CONTEXT_WEIGHT, KIND_BIGRAM, KIND_COUNT, messageSearchText, foldForSearch, tokenize, wordFeatureKeys } from './text.js';

export interface SearchHit {
  /** Position of the precedent in the array the index was built from. */
  index: number;
  id: string;
  /** BM25 score (higher is more similar); comparable only within one index. */
  score: number;
}

/** A message as weighted index terms (term ids ascending), the way a query sees it. */
export interface TermVector {
  terms: Int32Array;
  weights: Float64Array;
}

/** BM25 parameters and feature-kind weights. Changing them changes retrieval results. */
export const BM25_K1 = 1.2;
const KIND_B = [0.75, 0.75, 0.5] as const;
/** Relative weight of each kind; character n-grams are many per word, so each counts little. */
export const KIND_WEIGHT = [1.0, 0.5, 0.15] as const;
/** Query term frequency saturation. */
const QUERY_K3 = 2;
/**
 * Pruning, which bounds search time: terms found in more than MAX_DF_RATIO of the precedents (very
 * low IDF) are ignored once there are PRUNE_MIN_DOCS of them, and at most POSTING_BUDGET postings
 * are visited per query, rarest terms first. On BANKING77 (8k precedents) a budget of 30k postings
 * changed accuracy by less than 0.3 points.
 */
const PRUNE_MIN_DOCS = 5_000;
const MAX_DF_RATIO = 0.3;
const POSTING_BUDGET = 40_000;

class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class GrowableFloat32 {
  data: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Word-pair -> term id, open addressing over typed arrays (a Map keyed by large numbers is slow).
 * Iteration order never matters: it is only looked up.
 */
class PairTable {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;
  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
  }
  private slot(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    let i = h & this.mask;
    const { keysA, keysB } = this;
    for (;;) {
      const ka = keysA[i]!;
      if (ka === -1 || (ka === a && keysB[i] === b)) return i;
      i = (i + 1) & this.mask;
    }
  }
  get(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.keysA[i] === -1 ? -1 : this.values[i]!;
  }
  /** The value for (a, b), set to `make()` if absent. */
  getOrAdd(a: number, b: number, make: () => number): number {
    let i = this.slot(a, b);
    if (this.keysA[i] !== -1) return this.values[i]!;
    if ((this.size + 1) * 2 > this.keysA.length) {
      this.grow();
      i = this.slot(a, b);
    }
    const v = make();
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.values[i] = v;
    this.size++;
    return v;
  }
  private grow(): void {
    const { keysA, keysB, values } = this;
    const cap = keysA.length * 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < keysA.length; i++) {
      if (keysA[i] === -1) continue;
      const j = this.slot(keysA[i]!, keysB[i]!);
      this.keysA[j] = keysA[i]!;
      this.keysB[j] = keysB[i]!;
      this.values[j] = values[i]!;
    }
  }
}

function idfOf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** The index terms of one word token: its stemmed word's term id (-1 when unknown) and all its term ids (word first, then character n-grams). */
interface WordEntry {
  word: number;
  ids: Int32Array;
}

/** Term weights of one message being analysed: a dense accumulator plus the list of terms touched, in first-touch order. */
class TermBag {
  tf: Float64Array;
  readonly touched = new GrowableInt32(256);
  constructor(capacity: number) {
    this.tf = new Float64Array(Math.max(16, capacity));
  }
  ensure(capacity: number): void {
    if (capacity <= this.tf.length) return;
    let cap = this.tf.length;
    while (cap < capacity) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.tf);
    this.tf = next;
  }
  add(id: number, w: number): void {
    const tf = this.tf;
    const prev = tf[id]!;
    if (prev === 0) this.touched.push(id);
    tf[id] = prev + w;
  }
}

/** Maps text to term ids. While `growing`, unseen words and bigrams get new ids; afterwards they are dropped. */
class Vocabulary {
  readonly keys = new Map<string, number>();
  readonly words = new Map<string, WordEntry>();
  readonly bigrams: PairTable;
  readonly kinds = new GrowableInt32(4096);
  growing = true;
  constructor(expectedBigrams: number) {
    this.bigrams = new PairTable(expectedBigrams);
  }
  get size(): number {
    return this.kinds.length;
  }
  private newTerm = (kind: number): number => {
    const id = this.kinds.length;
    this.kinds.push(kind);
    return id;
  };
  private newBigram = (): number => this.newTerm(KIND_BIGRAM);

  private word(token: string): WordEntry {
    const known = this.words.get(token);
    if (known !== undefined) return known;
    const { keys, kinds } = wordFeatureKeys(token);
    const ids: number[] = [];
    let word = -1;
    for (let i = 0; i < keys.length; i++) {
      let id = this.keys.get(keys[i]!);
      if (id === undefined && this.growing) {
        id = this.newTerm(kinds[i]!);
        this.keys.set(keys[i]!, id);
      }
      if (id === undefined) continue;
      if (i === 0) word = id;
      ids.push(id);
    }
    const entry = { word, ids: Int32Array.from(ids) };
    // After the build the cache stays as built, so queries never grow memory.
    if (this.growing) this.words.set(token, entry);
    return entry;
  }

  /** Adds the terms of `text` to `bag`, each occurrence weighing `w`. */
  addText(text: string, w: number, bag: TermBag): void {
    const tokens = tokenize(foldForSearch(text));
    let prev = -1;
    for (let j = 0; j < tokens.length; j++) {
      const e = this.word(tokens[j]!);
      const ids = e.ids;
      if (this.growing) bag.ensure(this.kinds.length + 1);
      for (let i = 0; i < ids.length; i++) bag.add(ids[i]!, w);
      if (prev >= 0 && e.word >= 0) {
        const b = this.growing ? this.bigrams.getOrAdd(prev, e.word, this.newBigram) : this.bigrams.get(prev, e.word);
        if (b >= 0) {
          if (this.growing) bag.ensure(this.kinds.length + 1);
          bag.add(b, w);
        }
      }
      prev = e.word;
    }
  }

  /** Adds a message: subject and text at full weight, the conversation's context at CONTEXT_WEIGHT. */
  addMessage(message: MessageInput, bag: TermBag): void {
    this.addText(messageSearchText(message), 1, bag);
    for (const c of message.context ?? []) this.addText(c, CONTEXT_WEIGHT, bag);
  }
}

export class PrecedentIndex {
  private readonly ids: string[];
  private readonly vocab: Vocabulary;
  readonly termKind: Uint8Array;
  readonly idf: Float64Array;
  /** Postings of term t are postDoc/postImpact[postStart[t] .. postStart[t+1]), precedent index ascending. */
  readonly postStart: Int32Array;
  readonly postDoc: Int32Array;
  /** The term's BM25 contribution to that precedent's score (kind weight included). */
  readonly postImpact: Float32Array;
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private readonly bag: TermBag;

  private constructor(parts: {
    ids: string[];
    vocab: Vocabulary;
    termKind: Uint8Array;
    idf: Float64Array;
    postStart: Int32Array;
    postDoc: Int32Array;
    postImpact: Float32Array;
  }) {
    this.ids = parts.ids;
    this.vocab = parts.vocab;
    this.termKind = parts.termKind;
    this.idf = parts.idf;
    this.postStart = parts.postStart;
    this.postDoc = parts.postDoc;
    this.postImpact = parts.postImpact;
    this.acc = new Float64Array(parts.ids.length);
    this.touched = new Int32Array(parts.ids.length);
    this.bag = new TermBag(parts.termKind.length);
  }

  get size(): number {
    return this.ids.length;
  }

  get termCount(): number {
    return this.termKind.length;
  }

  static build(precedents: readonly Precedent[]): PrecedentIndex {
    const n = precedents.length;
    const vocab = new Vocabulary(n * 16);
    const bag = new TermBag(4096);
    let df = new Int32Array(4096);
    const docStart = new Int32Array(n + 1);
    const fwdTerm = new GrowableInt32(n * 64);
    const fwdTf = new GrowableFloat32(n * 64);
    const docLen = [new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
    const kinds = vocab.kinds;

    for (let d = 0; d < n; d++) {
      bag.touched.length = 0;
      vocab.addMessage(precedents[d]!.message, bag);
      if (vocab.size > df.length) {
        const next = new Int32Array(Math.max(df.length * 2, vocab.size));
        next.set(df);
        df = next;
      }
      // First-touch order is a pure function of the text, so the postings never depend on anything else.
      const touched = bag.touched.data;
      const tf = bag.tf;
      docStart[d] = fwdTerm.length;
      for (let i = 0, m = bag.touched.length; i < m; i++) {
        const t = touched[i]!;
        const f = tf[t]!;
        tf[t] = 0;
        fwdTerm.push(t);
        fwdTf.push(f);
        const lens = docLen[kinds.data[t]! as 0 | 1 | 2];
        lens[d] = lens[d]! + f;
        df[t]!++;
      }
    }
    docStart[n] = fwdTerm.length;
    vocab.growing = false;

    const termCount = vocab.size;
    const termKind = new Uint8Array(termCount);
    for (let t = 0; t < termCount; t++) termKind[t] = kinds.data[t]!;
    const idf = new Float64Array(termCount);
    const postStart = new Int32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) {
      idf[t] = idfOf(n, df[t]!);
      postStart[t + 1] = postStart[t]! + df[t]!;
    }
    const avgLen = new Float64Array(KIND_COUNT);
    for (let k = 0; k < KIND_COUNT; k++) {
      let sum = 0;
      const lens = docLen[k as 0 | 1 | 2];
      for (let d = 0; d < n; d++) sum += lens[d]!;
      avgLen[k] = n > 0 && sum > 0 ? sum / n : 1;
    }
    const total = fwdTerm.length;
    const postDoc = new Int32Array(total);
    const postImpact = new Float32Array(total);
    const cursor = postStart.slice(0, termCount);
    const norm = new Float64Array(KIND_COUNT);
    const kindScale = new Float64Array(KIND_COUNT);
    for (let k = 0; k < KIND_COUNT; k++) kindScale[k] = KIND_WEIGHT[k as 0 | 1 | 2] * (BM25_K1 + 1);
    for (let d = 0; d < n; d++) {
      for (let k = 0; k < KIND_COUNT; k++) {
        const b = KIND_B[k as 0 | 1 | 2];
        norm[k] = BM25_K1 * (1 - b + (b * docLen[k as 0 | 1 | 2][d]!) / avgLen[k]!);
      }
      for (let i = docStart[d]!, end = docStart[d + 1]!; i < end; i++) {
        const t = fwdTerm.data[i]!;
        const f = fwdTf.data[i]!;
        const k = termKind[t]!;
        const p = cursor[t]!++;
        postDoc[p] = d;
        postImpact[p] = (kindScale[k]! * idf[t]! * f) / (f + norm[k]!);
      }
    }
    return new PrecedentIndex({
      ids: precedents.map((p) => p.id),
      vocab,
      termKind,
      idf,
      postStart,
      postDoc,
      postImpact,
    });
  }

  /** The id of the precedent at `index`. */
  idAt(index: number): string {
    const id = this.ids[index];
    if (id === undefined) throw new RangeError(`no precedent at ${index}`);
    return id;
  }

  /**
   * The known index terms of a message with saturated query weights, in first-occurrence order.
   * Terms the index has never seen are dropped (they cannot match anything).
   */
  vectorize(message: MessageInput): TermVector {
    const bag = this.bag;
    bag.touched.length = 0;
    this.vocab.addMessage(message, bag);
    const m = bag.touched.length;
    const terms = bag.touched.data.slice(0, m);
    const weights = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const t = terms[i]!;
      const f = bag.tf[t]!;
      bag.tf[t] = 0;
      weights[i] = (f * (QUERY_K3 + 1)) / (f + QUERY_K3);
    }
    return { terms, weights };
  }

  /** The `k` precedents most similar to `message`, best first; equal scores in precedent order. */
  search(message: MessageInput, k: number): SearchHit[] {
    const n = this.ids.length;
    const want = Math.min(Math.floor(k), n);
    if (!(want > 0)) return [];
    const { terms, weights } = this.vectorize(message);
    const m = terms.length;
    if (m === 0) return [];
    const { postStart, postDoc, postImpact, acc, touched } = this;

    // Rarest terms first (ties by term id), so the posting budget drops only the least informative ones.
    // Sort keys pack (df, position) into one number: df < 2^31, position < 2^21.
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const t = terms[i]!;
      keys[i] = (postStart[t + 1]! - postStart[t]!) * 2097152 + i;
    }
    keys.sort();
    const prune = n >= PRUNE_MIN_DOCS;
    const maxDf = prune ? Math.floor(n * MAX_DF_RATIO) : n;
    let budget = POSTING_BUDGET;
    let touchedCount = 0;
    for (let j = 0; j < m; j++) {
      const i = keys[j]! % 2097152;
      const t = terms[i]!;
      const start = postStart[t]!;
      const end = postStart[t + 1]!;
      const len = end - start;
      if (len > maxDf || len > budget) break;
      budget -= len;
      const w = weights[i]!;
      // Every impact is > 0, so a zero accumulator means "not touched yet".
      for (let p = start; p < end; p++) {
        const d = postDoc[p]!;
        const s = acc[d]!;
        if (s === 0) touched[touchedCount++] = d;
        acc[d] = s + w * postImpact[p]!;
      }
    }
    return this.collectTop(want, touchedCount);
  }

  /** Partial top-k over the touched accumulator entries, then resets them. */
  private collectTop(k: number, touchedCount: number): SearchHit[] {
    const { acc, touched } = this;
    const heapDoc = new Int32Array(k);
    const heapScore = new Float64Array(k);
    let size = 0;
    // `a` ranks below `b`: lower score, or equal score and later precedent.
    const below = (sa: number, da: number, sb: number, db: number): boolean => sa < sb || (sa === sb && da > db);
    const siftDown = (): void => {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && below(heapScore[l]!, heapDoc[l]!, heapScore[m]!, heapDoc[m]!)) m = l;
        if (r < size && below(heapScore[r]!, heapDoc[r]!, heapScore[m]!, heapDoc[m]!)) m = r;
        if (m === i) return;
        const ts = heapScore[i]!;
        const td = heapDoc[i]!;
        heapScore[i] = heapScore[m]!;
        heapDoc[i] = heapDoc[m]!;
        heapScore[m] = ts;
        heapDoc[m] = td;
        i = m;
      }
    };
    for (let j = 0; j < touchedCount; j++) {
      const d = touched[j]!;
      const s = acc[d]!;
      acc[d] = 0;
      if (size < k) {
        let i = size++;
        heapScore[i] = s;
        heapDoc[i] = d;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!below(heapScore[i]!, heapDoc[i]!, heapScore[parent]!, heapDoc[parent]!)) break;
          const ts = heapScore[i]!;
          const td = heapDoc[i]!;
          heapScore[i] = heapScore[parent]!;
          heapDoc[i] = heapDoc[parent]!;
          heapScore[parent] = ts;
          heapDoc[parent] = td;
          i = parent;
        }
      } else if (below(heapScore[0]!, heapDoc[0]!, s, d)) {
        heapScore[0] = s;
        heapDoc[0] = d;
        siftDown();
      }
    }
    const hits: SearchHit[] = [];
    for (let i = 0; i < size; i++) hits.push({ index: heapDoc[i]!, id: this.ids[heapDoc[i]!]!, score: heapScore[i]! });
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    return hits;
  }
}

/** Word tokens of a text after the same normalisation retrieval uses (for callers' heuristics). */
export function searchTokens(text: string): string[] {
  return tokenize(foldForSearch(text));
}

