import { describe, expect, it } from 'vitest';
import type { Extraction, ExtractionSchema, Trace } from '../../../shared/src/domain.js';
import { HUMAN_PROVIDER } from './correction.js';
import { disagreements, needsReview, rankForReview, reasonText, reviewPriority, typicalTopScore, type ReviewInput, type ReviewPriority } from './review-priority.js';

const schema: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true },
    { name: 'issue_type', type: 'enum', nullable: false, values: [{ value: 'account' }, { value: 'billing' }, { value: 'bug' }] },
    { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'low' }, { value: 'high' }] },
    { name: 'repeat', type: 'boolean', nullable: false },
  ],
};

const precedents: Record<string, Extraction> = {
  a1: { name: 'Ann', issue_type: 'account', urgency: 'high', repeat: true },
  a2: { name: 'Bob', issue_type: 'account', urgency: 'high', repeat: true },
  a3: { name: 'Cy', issue_type: 'account', urgency: 'low', repeat: true },
  b1: { name: 'Di', issue_type: 'billing', urgency: 'low', repeat: false },
};
const ctx = { schema, precedentOutput: (id: string) => precedents[id] };
/** The reasons that judge (agreement with the precedents is said too, but only informs). */
const judged = (p: ReviewPriority) => p.reasons.filter((r) => r.kind !== 'precedent_agreement');

function input(output: Extraction, shown: [string, number][], opts: { valid?: boolean; k?: number; provider?: string } = {}): ReviewInput {
  const trace: Pick<Trace, 'provider' | 'precedents'> = {
    provider: { name: opts.provider ?? 'openai', model: 'm', params: { temperature: 0, seed: 7, k: opts.k ?? 8 } },
    precedents: shown.map(([id, score]) => ({ id, score })),
  };
  return { valid: opts.valid ?? true, output, trace };
}

const agreeing: Extraction = { name: 'Zed', issue_type: 'account', urgency: 'high', repeat: true };
const close: [string, number][] = [['a1', 20], ['a2', 18], ['a3', 15], ['b1', 3]];

describe('reviewPriority', () => {
  it('scores an output that agrees with close precedents as nothing to look at', () => {
    const p = reviewPriority(input(agreeing, close), { ...ctx, typicalTopScore: 20 });
    expect(p.score).toBe(0);
    expect(judged(p)).toEqual([]);
    expect(p.reasons.map((r) => reasonText(r).text)).toContain('3 of 4 nearest precedents agree on issue_type');
    expect(needsReview(p)).toBe(false);
  });

  it('puts invalid output in the top band, whatever else holds', () => {
    const p = reviewPriority(input(agreeing, close, { valid: false }), ctx);
    expect(judged(p)).toEqual([{ kind: 'invalid' }]);
    expect(p.score).toBeGreaterThanOrEqual(0.6);
    const worstValid = reviewPriority(input({ ...agreeing, issue_type: 'bug', repeat: false }, close), { ...ctx, typicalTopScore: 1000 });
    expect(worstValid.score).toBeLessThan(0.6);
    expect(p.score).toBeGreaterThan(worstValid.score);
  });

  it('finds disagreement with the weighted vote of the shown precedents, on enum and boolean fields only', () => {
    const p = reviewPriority(input({ ...agreeing, issue_type: 'billing', name: 'Not a precedent name' }, close), ctx);
    expect(judged(p)).toEqual([{ kind: 'disagreement', field: 'issue_type', value: 'billing', vote: 'account', share: 0.9464, support: 3 }]);
    expect(p.score).toBeGreaterThanOrEqual(0.15);
    expect(needsReview(p)).toBe(true); // 3 precedents, 95% of the weight
    // A bare majority ranks the output up, below a clear disagreement: at a threshold of 0.6 it
    // does not send it to review on its own (the default, 0.65, does).
    const weak = reviewPriority(input({ ...agreeing, urgency: 'low' }, close), ctx);
    expect(judged(weak)).toEqual([{ kind: 'disagreement', field: 'urgency', value: 'low', vote: 'high', share: 0.6786, support: 2 }]);
    expect(weak.score).toBeGreaterThan(0);
    expect(weak.score).toBeLessThan(p.score);
    expect(needsReview(weak, 0.6)).toBe(false);
    // Two fields in dispute rank above one.
    const two = reviewPriority(input({ ...agreeing, issue_type: 'billing', repeat: false }, close), ctx);
    expect(judged(two).map((r) => r.kind)).toEqual(['disagreement', 'disagreement']);
    expect(two.score).toBeGreaterThan(p.score);
  });

  it('only counts the precedents that were shown (the first k), and a majority backed by at least two', () => {
    // With k = 1 only a1 was shown: one precedent is no vote.
    expect(judged(reviewPriority(input({ ...agreeing, issue_type: 'billing' }, close, { k: 1 }), ctx))).toEqual([]);
    // A split vote (no value has half the weight) says nothing.
    const split = disagreements({ issue_type: 'bug' }, [{ output: precedents.a1!, score: 1 }, { output: precedents.b1!, score: 1 }], ['issue_type']);
    expect(split).toEqual([]);
    // Zero scores: each precedent counts once.
    const flat = disagreements({ issue_type: 'bug' }, [{ output: precedents.a1!, score: 0 }, { output: precedents.a2!, score: 0 }, { output: precedents.b1!, score: 0 }], ['issue_type']);
    expect(flat).toEqual([{ kind: 'disagreement', field: 'issue_type', value: 'bug', vote: 'account', share: 0.6667, support: 2 }]);
    // Deleted precedents (no output any more) do not vote.
    expect(judged(reviewPriority(input({ ...agreeing, issue_type: 'billing' }, [['gone', 9], ['a1', 8]]), ctx))).toEqual([]);
  });

  it('flags no close precedent below the review threshold: none at all, or far below the typical best score', () => {
    const none = reviewPriority(input(agreeing, []), ctx);
    expect(judged(none)).toEqual([{ kind: 'no_close_precedent', topScore: null }]);
    expect(none.score).toBeGreaterThan(0);
    expect(needsReview(none)).toBe(false);
    const far = reviewPriority(input(agreeing, [['a1', 2], ['a2', 1]]), { ...ctx, typicalTopScore: 20 });
    expect(judged(far)).toEqual([{ kind: 'no_close_precedent', topScore: 2 }]);
    expect(far.score).toBeLessThan(none.score);
    expect(judged(reviewPriority(input(agreeing, [['a1', 12], ['a2', 11]]), { ...ctx, typicalTopScore: 20 }))).toEqual([]);
    // Any disagreement outranks any novelty.
    const weakest = reviewPriority(input({ ...agreeing, repeat: false }, [['a1', 1], ['a2', 1], ['b1', 1]]), ctx);
    expect(judged(weakest)[0]!.kind).toBe('disagreement');
    expect(weakest.score).toBeGreaterThan(none.score);
  });

  it('scores a human correction, or no trace, as 0', () => {
    expect(reviewPriority(input({ ...agreeing, issue_type: 'billing' }, close, { valid: false, provider: HUMAN_PROVIDER }), ctx).score).toBe(0);
    expect(reviewPriority({ valid: false, output: {}, trace: null }, ctx).score).toBe(0);
  });
});

describe('the embedded provider\'s margins, exact precedents, overrides and words', () => {
  const embedded = (output: Extraction, confidence: NonNullable<Trace['confidence']>, rulesFired: Trace['rulesFired'] = []): ReviewInput => ({
    valid: true,
    output,
    trace: { provider: { name: 'embedded', model: 'embedded-v1', params: { temperature: 0, seed: 7, k: 8 } }, precedents: close.map(([id, score]) => ({ id, score })), confidence, rulesFired },
  });
  const c = (field: string, value: Extraction[string], margin: number, support = 2, of = 4) => ({ field, value, margin, support, of });

  it('scores by the mean doubt of the provider\'s margins, naming the unsure fields', () => {
    const sure = reviewPriority(embedded(agreeing, [c('issue_type', 'account', 0.9), c('urgency', 'high', 0.8), c('repeat', true, 0.7)]), ctx);
    expect(sure.score).toBe(0);
    expect(sure.reasons).toEqual([]);
    const unsure = reviewPriority(embedded(agreeing, [c('issue_type', 'account', 0.02), c('urgency', 'high', 0.05), c('repeat', true, 0.01)]), ctx);
    expect(unsure.score).toBeGreaterThan(0.4);
    expect(unsure.score).toBeLessThan(0.6);
    expect(needsReview(unsure)).toBe(true);
    expect(unsure.reasons.map((r) => reasonText(r))).toContainEqual({ kind: 'vote_margin', field: 'issue_type', text: 'issue_type: vote margin 0.02 (2 of 4 nearest precedents agree on account)' });
    const half = reviewPriority(embedded(agreeing, [c('issue_type', 'account', 0.02), c('urgency', 'high', 0.9)]), ctx);
    expect(half.score).toBeGreaterThan(sure.score);
    expect(half.score).toBeLessThan(unsure.score);
  });

  it('scores a precedent\'s own answer 0, and leaves out fields an override set', () => {
    const exact = reviewPriority(embedded(agreeing, [{ ...c('issue_type', 'account', 1, 1, 1), exact: 'a1' }]), ctx);
    expect(exact).toEqual({ score: 0, reasons: [{ kind: 'exact_precedent', precedentId: 'a1' }] });
    expect(reasonText(exact.reasons[0]!).kind).toBe('exact_precedent');
    const fired = reviewPriority(
      embedded(agreeing, [c('issue_type', 'account', 0.01), c('urgency', 'high', 0.9)], [{ ruleId: 'rule-x', kind: 'override', changed: [{ field: 'issue_type', from: 'bug', to: 'account' }] }]),
      ctx,
    );
    expect(fired.score).toBe(0);
    expect(fired.reasons.map((r) => reasonText(r).text)).toEqual(['override fired: rule-x']);
  });

  it('says invalid output and no close precedent in words', () => {
    expect(reasonText({ kind: 'invalid', errors: [{ field: 'urgency', message: 'missing' }] })).toEqual({ kind: 'invalid', field: 'urgency', text: 'invalid: urgency missing' });
    expect(reasonText({ kind: 'no_close_precedent', topScore: 0.2 }).text).toBe('no precedent closer than 0.2');
    const p = reviewPriority({ ...input(agreeing, close, { valid: false }), errors: [{ path: '/urgency', message: 'missing' }] }, ctx);
    expect(reasonText(p.reasons[0]!).text).toBe('invalid: urgency missing');
  });
});

describe('ranking', () => {
  it('takes the median best score as typical and orders invalid, then disagreement, then novelty, then the rest', () => {
    expect(typicalTopScore([null, { precedents: [] }])).toBeNull();
    expect(typicalTopScore([{ precedents: [{ id: 'a', score: 3 }, { id: 'b', score: 9 }] }, { precedents: [{ id: 'a', score: 5 }] }])).toBe(7);

    const fine = input(agreeing, close);
    const lonely = input(agreeing, [['a1', 1], ['a2', 1], ['a3', 1]]);
    const disputed = input({ ...agreeing, issue_type: 'billing' }, close);
    const broken = input(agreeing, close, { valid: false });
    const ranked = rankForReview([fine, lonely, fine, disputed, broken], ctx);
    expect(ranked.map((r) => r.item)).toEqual([broken, disputed, lonely, fine, fine]);
    expect(judged(ranked[2]!.priority)[0]).toEqual({ kind: 'no_close_precedent', topScore: 1 });
  });
});
