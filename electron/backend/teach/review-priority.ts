// "Needs review" puts first what is most likely wrong. A pure score from an extraction's output and
// trace (the backend stores 1 - score as the extraction's confidence; below the review threshold,
// DEFAULT_REVIEW_THRESHOLD = 0.6 in shared/src/api/names.ts, a message needs review). Bands:
//   1. invalid output (the schema refused it)                                   score >= 0.6
//   2. a valid answer the machine was unsure of                                 score < 0.6
//      - the embedded provider says how sure it was of each enum and boolean field (trace.confidence:
//        the winner's margin over the runner-up); the mean doubt over those fields is the score;
//      - a model says nothing of the kind: its output is compared with the vote of the precedents it
//        was shown, field by field (enum and boolean fields only: free text always differs from an
//        example); a strong consensus against it is above the review line (0.4), a bare one below;
//      - no close precedent (none retrieved, or the best one far below what is typical in this
//        workspace: BM25 scores mean something only relative to each other) adds up to 0.1.
//   An answer that is a precedent's own output (the message equals the precedent's) scores 0, and
//   so do fields an override rule set (a person's rule decided them).
// `reasonText` says each reason in words a person reads. Human corrections score 0.
import type { Extraction, ExtractionSchema, JsonValue, Trace, ValidationError } from '../../../shared/src/domain.js';
import { DEFAULT_REVIEW_THRESHOLD } from '../../../shared/src/api/names.js';
import { HUMAN_PROVIDER } from './correction.js';

export interface ReviewInput {
  valid: boolean;
  output: Extraction;
  trace: (Pick<Trace, 'provider' | 'precedents'> & Partial<Pick<Trace, 'confidence' | 'rulesFired'>>) | null;
  /** Why the output is invalid (the schema's complaints), for the reasons' words. */
  errors?: readonly ValidationError[];
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
  | { kind: 'invalid'; errors?: { field: string; message: string }[] }
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
  | { kind: 'no_close_precedent'; topScore: number | null }
  /** The embedded provider's own margin for a field it was unsure of. */
  | { kind: 'vote_margin'; field: string; value: JsonValue; margin: number; support: number; of: number }
  /** How many of the precedents shown agree with a model's answer for a field. */
  | { kind: 'precedent_agreement'; field: string; value: JsonValue; support: number; of: number }
  /** The message equals a precedent's: its output is that precedent's. */
  | { kind: 'exact_precedent'; precedentId: string }
  | { kind: 'override_fired'; ruleId: string; fields: string[] };

export interface ReviewPriority {
  /** 0..1; higher is more likely wrong. */
  score: number;
  reasons: ReviewReason[];
}

const W_INVALID = 0.6;
/** A disagreement scores W_DISAGREE_BASE + W_DISAGREE * share: a strong one (share 0.75) crosses 0.4. */
const W_DISAGREE_BASE = 0.14;
const W_DISAGREE = 0.36;
const W_NOVEL = 0.1;
/** The highest score of a valid answer. */
const VALID_MAX = 0.59;
/** The embedded provider's margin at which a field counts as sure (doubt 0). */
export const SURE_MARGIN = 0.6;
/** Score of a valid embedded answer with every field in doubt (mean doubt 1). */
const W_DOUBT = 0.59;
/** A field's doubt at which it is named among the reasons. */
const DOUBT_REASON = 0.5;
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
    const errors = (input.errors ?? []).slice(0, 3).map((e) => ({ field: e.path.replace(/^\//, '').split('/')[0] ?? '', message: e.message }));
    reasons.push(errors.length ? { kind: 'invalid', errors } : { kind: 'invalid' });
    score += W_INVALID;
  }
  const overridden = new Set<string>();
  for (const f of trace.rulesFired ?? []) {
    const fields = f.changed.map((c) => c.field);
    for (const field of fields) overridden.add(field);
    reasons.push({ kind: 'override_fired', ruleId: f.ruleId, fields });
  }

  const exact = trace.confidence?.find((c) => c.exact);
  if (exact?.exact) {
    reasons.unshift({ kind: 'exact_precedent', precedentId: exact.exact });
    return { score: Math.round(score * 1e6) / 1e6, reasons };
  }

  const k = Math.max(0, trace.provider.params.k);
  const shown = trace.precedents
    .slice(0, k)
    .map((p) => ({ output: ctx.precedentOutput(p.id), score: p.score }))
    .filter((p): p is { output: Extraction; score: number } => p.output !== undefined);
  const fields = votingFields(ctx.schema).filter((f) => !overridden.has(f));
  let valid = 0;

  const sure = (trace.confidence ?? []).filter((c) => fields.includes(c.field) && key(c.value) === key(input.output[c.field]));
  if (sure.length) {
    // The embedded provider's own margins.
    const doubts = sure.map((c) => ({ c, doubt: 1 - Math.min(1, Math.max(0, c.margin) / SURE_MARGIN) }));
    valid += W_DOUBT * (doubts.reduce((a, d) => a + d.doubt, 0) / doubts.length);
    for (const { c } of doubts.filter((d) => d.doubt >= DOUBT_REASON).sort((a, b) => b.doubt - a.doubt).slice(0, 3)) {
      reasons.push({ kind: 'vote_margin', field: c.field, value: c.value, margin: c.margin, support: c.support, of: c.of });
    }
  } else {
    const disagree = disagreements(input.output, shown, fields);
    if (disagree.length) {
      reasons.push(...disagree);
      const strongest = Math.max(...disagree.map((d) => d.share));
      // More fields in dispute is more likely wrong, but never leaves the band.
      valid += W_DISAGREE_BASE + W_DISAGREE * Math.min(1, strongest + 0.05 * (disagree.length - 1));
    }
    if (shown.length) {
      const disputed = new Set(disagree.map((d) => d.field));
      for (const field of fields) {
        if (disputed.has(field)) continue;
        const withField = shown.filter((p) => Object.prototype.hasOwnProperty.call(p.output, field));
        const support = withField.filter((p) => key(p.output[field]) === key(input.output[field])).length;
        if (withField.length) reasons.push({ kind: 'precedent_agreement', field, value: input.output[field] ?? null, support, of: withField.length });
      }
    }
  }

  const top = trace.precedents.length ? Math.max(...trace.precedents.map((p) => p.score)) : null;
  let novelty = 0;
  if (top === null) novelty = 1;
  else if (ctx.typicalTopScore && ctx.typicalTopScore > 0 && top < CLOSE_FRACTION * ctx.typicalTopScore) {
    novelty = 1 - top / (CLOSE_FRACTION * ctx.typicalTopScore);
  }
  if (novelty > 0) {
    reasons.push({ kind: 'no_close_precedent', topScore: top });
    valid += W_NOVEL * novelty;
  }
  score += Math.min(VALID_MAX, valid);
  return { score: Math.round(score * 1e6) / 1e6, reasons };
}

/** Whether a person should look: invalid output, a disagreement with a strong consensus of the precedents shown, or a confidence (1 - score) below the threshold. */
export const needsReview = (p: ReviewPriority, threshold = DEFAULT_REVIEW_THRESHOLD) =>
  p.reasons.some((r) => r.kind === 'invalid' || (r.kind === 'disagreement' && r.share >= STRONG_SHARE && r.support >= STRONG_SUPPORT)) || 1 - p.score < threshold;

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

const fmt = (x: number) => String(Math.round(x * 100) / 100);
const show = (v: JsonValue | null) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A reason in words a person reads; `kind` is stable (for tests and icons). */
export function reasonText(reason: ReviewReason): { kind: string; text: string; field?: string } {
  switch (reason.kind) {
    case 'invalid': {
      const e = reason.errors?.[0];
      if (!e) return { kind: 'invalid', text: 'invalid: the schema refuses this output' };
      return { kind: 'invalid', text: `invalid: ${e.field ? `${e.field} ` : ''}${e.message}`, ...(e.field ? { field: e.field } : {}) };
    }
    case 'disagreement':
      return { kind: 'disagreement', field: reason.field, text: `${reason.field}: ${reason.support} nearest precedents (${Math.round(reason.share * 100)}% of the vote) say ${show(reason.vote)}, not ${show(reason.value)}` };
    case 'no_close_precedent':
      return { kind: 'no_close_precedent', text: reason.topScore === null ? 'no precedent retrieved' : `no precedent closer than ${fmt(reason.topScore)}` };
    case 'vote_margin':
      return { kind: 'vote_margin', field: reason.field, text: `${reason.field}: vote margin ${fmt(reason.margin)} (${reason.support} of ${reason.of} nearest precedents agree on ${show(reason.value)})` };
    case 'precedent_agreement':
      return { kind: 'precedent_agreement', field: reason.field, text: `${reason.support} of ${reason.of} nearest precedents agree on ${reason.field}` };
    case 'exact_precedent':
      return { kind: 'exact_precedent', text: `same message as precedent ${reason.precedentId}: its answer` };
    case 'override_fired':
      return { kind: 'override_fired', text: `override fired: ${reason.ruleId}`, ...(reason.fields.length === 1 ? { field: reason.fields[0]! } : {}) };
  }
}
