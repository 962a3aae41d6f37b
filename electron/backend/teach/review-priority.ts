// "Needs review" puts first what is most likely wrong. A pure score from an extraction's output and
// trace, in three bands that never overlap:
//   1. invalid output (the schema refused it)                                   score >= 0.6
//   2. the output disagrees with the vote of the precedents it was shown, field by field (enum and
//      boolean fields only: free text always differs from an example)          0.15 <= score < 0.6
//   3. no close precedent: none was retrieved, or the best one scored far below what is typical in
//      this workspace (retrieval scores are BM25, meaningful only relative to each other) score <= 0.1
// `needsReview` (what ExtractionService's review check uses) is stricter than the ranking: invalid,
// or a disagreement with a strong consensus.
// Human corrections score 0: a person already decided.
import type { Extraction, ExtractionSchema, JsonValue, Trace } from '../../../shared/src/domain.js';
import { HUMAN_PROVIDER } from './correction.js';

export interface ReviewInput {
  valid: boolean;
  output: Extraction;
  trace: Pick<Trace, 'provider' | 'precedents'> | null;
}

export interface ReviewContext {
  /** Which fields vote: the enum and boolean fields of this schema. */
  schema: ExtractionSchema;
  /** The output of a precedent by id; undefined when it is gone (deleted since). */
  precedentOutput: (id: string) => Extraction | undefined;
  /**
   * A typical best retrieval score in this workspace (see `typicalTopScore`); without it, only "no
   * precedent at all" counts as no close precedent.
   */
  typicalTopScore?: number | null;
}

export type ReviewReason =
  | { kind: 'invalid' }
  | {
      kind: 'disagreement';
      field: string;
      value: JsonValue | null;
      /** What the precedents' weighted majority says. */
      vote: JsonValue;
      /** The majority's share of the vote (by retrieval score), 0.5..1. */
      share: number;
      /** How many precedents voted for it. */
      support: number;
    }
  | { kind: 'no_close_precedent'; topScore: number | null };

export interface ReviewPriority {
  /** 0..1; higher is more likely wrong. */
  score: number;
  reasons: ReviewReason[];
}

const W_INVALID = 0.6;
const W_DISAGREE = 0.3;
const W_NOVEL = 0.1;
/** A vote counts when at least this many precedents back a majority of at least half the weight. */
export const MIN_SUPPORT = 2;
const MIN_SHARE = 0.5;
/** The best precedent is "not close" below this fraction of the typical best score. */
const CLOSE_FRACTION = 0.5;
/**
 * When a valid output is sent to review on its own (not only ranked): a disagreement with a strong
 * consensus. A weaker majority still ranks; on the demo's 13 precedents, with 8 shown, a bare
 * majority is close to the overall prior and would flag a quarter of the inbox.
 */
export const STRONG_SHARE = 0.75;
export const STRONG_SUPPORT = 3;

const key = (v: JsonValue | undefined) => JSON.stringify(v ?? null);

function votingFields(schema: ExtractionSchema): string[] {
  return schema.fields.filter((f) => f.type === 'enum' || f.type === 'boolean').map((f) => f.name);
}

/** The disagreements between an output and the weighted vote of the precedents shown with it. */
export function disagreements(output: Extraction, shown: readonly { output: Extraction; score: number }[], fields: readonly string[]): Extract<ReviewReason, { kind: 'disagreement' }>[] {
  if (shown.length < MIN_SUPPORT) return [];
  // Scores weigh the vote; when every score is zero (or negative), each precedent counts once.
  const useScores = shown.some((p) => p.score > 0);
  const weight = (p: { score: number }) => (useScores ? Math.max(0, p.score) : 1);
  const out: Extract<ReviewReason, { kind: 'disagreement' }>[] = [];
  for (const field of fields) {
    const tally = new Map<string, { value: JsonValue; weight: number; support: number }>();
    let total = 0;
    for (const p of shown) {
      if (!Object.prototype.hasOwnProperty.call(p.output, field)) continue;
      const value = p.output[field]!;
      const t = tally.get(key(value)) ?? { value, weight: 0, support: 0 };
      t.weight += weight(p);
      t.support += 1;
      tally.set(key(value), t);
      total += weight(p);
    }
    if (total <= 0) continue;
    let best: { value: JsonValue; weight: number; support: number } | undefined;
    for (const t of tally.values()) if (!best || t.weight > best.weight) best = t;
    if (!best || best.support < MIN_SUPPORT) continue;
    const share = best.weight / total;
    if (share < MIN_SHARE || key(best.value) === key(output[field])) continue;
    out.push({ kind: 'disagreement', field, value: output[field] ?? null, vote: best.value, share: Math.round(share * 1e4) / 1e4, support: best.support });
  }
  return out;
}

export function reviewPriority(input: ReviewInput, ctx: ReviewContext): ReviewPriority {
  const { trace } = input;
  if (!trace || trace.provider.name === HUMAN_PROVIDER) return { score: 0, reasons: [] };
  const reasons: ReviewReason[] = [];
  let score = 0;

  if (!input.valid) {
    reasons.push({ kind: 'invalid' });
    score += W_INVALID;
  }

  const k = Math.max(0, trace.provider.params.k);
  const shown = trace.precedents
    .slice(0, k)
    .map((p) => ({ output: ctx.precedentOutput(p.id), score: p.score }))
    .filter((p): p is { output: Extraction; score: number } => p.output !== undefined);
  const disagree = disagreements(input.output, shown, votingFields(ctx.schema));
  if (disagree.length) {
    reasons.push(...disagree);
    const strongest = Math.max(...disagree.map((d) => d.share));
    // More fields in dispute is more likely wrong, but never leaves the band.
    score += W_DISAGREE * Math.min(1, strongest + 0.05 * (disagree.length - 1));
  }

  const top = trace.precedents.length ? Math.max(...trace.precedents.map((p) => p.score)) : null;
  let novelty = 0;
  if (top === null) novelty = 1;
  else if (ctx.typicalTopScore && ctx.typicalTopScore > 0 && top < CLOSE_FRACTION * ctx.typicalTopScore) {
    novelty = 1 - top / (CLOSE_FRACTION * ctx.typicalTopScore);
  }
  if (novelty > 0) {
    reasons.push({ kind: 'no_close_precedent', topScore: top });
    score += W_NOVEL * novelty;
  }
  return { score: Math.round(score * 1e6) / 1e6, reasons };
}

/** Whether a person should look: invalid output, or a disagreement with a strong consensus of the precedents shown. */
export const needsReview = (p: ReviewPriority) =>
  p.reasons.some((r) => r.kind === 'invalid' || (r.kind === 'disagreement' && r.share >= STRONG_SHARE && r.support >= STRONG_SUPPORT));

/** The median best retrieval score over some traces (the newest extractions, say), or null when none retrieved anything. */
export function typicalTopScore(traces: readonly (Pick<Trace, 'precedents'> | null)[]): number | null {
  const tops = traces
    .filter((t): t is Pick<Trace, 'precedents'> => !!t && t.precedents.length > 0)
    .map((t) => Math.max(...t.precedents.map((p) => p.score)))
    .sort((a, b) => a - b);
  if (tops.length === 0) return null;
  const mid = tops.length >> 1;
  return tops.length % 2 ? tops[mid]! : (tops[mid - 1]! + tops[mid]!) / 2;
}

/** Items ordered for "needs review": highest score first, the given order kept among equals. */
export function rankForReview<T extends ReviewInput>(items: readonly T[], ctx: Omit<ReviewContext, 'typicalTopScore'>): { item: T; priority: ReviewPriority }[] {
  const typical = typicalTopScore(items.map((i) => i.trace));
  return items
    .map((item, i) => ({ item, i, priority: reviewPriority(item, { ...ctx, typicalTopScore: typical }) }))
    .sort((a, b) => b.priority.score - a.priority.score || a.i - b.i)
    .map(({ item, priority }) => ({ item, priority }));
}

/** A reason in words a person reads. */
export function reasonText(reason: ReviewReason): { kind: string; text: string; field?: string } {
  switch (reason.kind) {
    case 'invalid':
      return { kind: 'invalid', text: 'invalid' };
    case 'disagreement':
      return { kind: 'disagreement', field: reason.field, text: `${reason.field}: ${reason.support} nearest precedents say ${JSON.stringify(reason.vote)}` };
    case 'no_close_precedent':
      return { kind: 'no_close_precedent', text: 'no close precedent' };
  }
}
