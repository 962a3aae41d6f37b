// An extraction's confidence and the reasons behind it, as stored with it and shown on its row and
// in the why panel. The score itself is review-priority.ts's (how likely the output is wrong);
// confidence is its complement. Below the review threshold a machine's answer needs a person.
import type { ExtractionResult, RulebookArtifact } from '../../../shared/src/domain.js';
import type { StoredReason } from '../../services/workspace/index.js';
import { reasonText, reviewPriority } from './review-priority.js';

export interface Assessment {
  status: 'extracted' | 'needs_review';
  /** How likely it is wrong, 0..1 (confidence is 1 minus this); null when it could not be scored. */
  reviewPriority: number | null;
  reasons: StoredReason[];
}

/** A field whose value the model gave at least this probability is no reason for doubt. */
export const LOGPROB_SURE = 0.9;

/**
 * How sure the machine was of a fresh result, and what that means for its message: invalid output,
 * or a confidence below the threshold, needs review. The rulebook's precedents say what the
 * precedents shown would have voted; the override rules that fired are reasons too (a person's rule
 * decided those fields, not the model).
 */
export function assess(result: ExtractionResult, rulebook: RulebookArtifact, threshold: number, precedentOutput: (id: string) => RulebookArtifact['precedents'][number]['output'] | undefined): Assessment {
  let score: number | null = null;
  const reasons: StoredReason[] = [];
  if (result.trace) {
    try {
      const p = reviewPriority(result, { schema: rulebook.schema, precedentOutput });
      score = p.score;
      reasons.push(...p.reasons.map(reasonText));
    } catch {
      score = null;
    }
    // The model's own doubt, where the server returned log-probabilities: confidence is never above
    // the probability of its least sure field (rules and aliases may have replaced that value: the
    // fields they set are left out).
    const setByRule = new Set(result.trace.rulesFired.flatMap((f) => f.changed.map((c) => c.field)));
    const doubts = (result.trace.logprobs ?? []).filter((p) => !setByRule.has(p.field) && p.probability < LOGPROB_SURE);
    if (doubts.length) {
      const least = doubts.reduce((a, b) => (b.probability < a.probability ? b : a));
      score = Math.max(score ?? 0, Math.round((1 - least.probability) * 1e6) / 1e6);
      for (const d of doubts.sort((a, b) => a.probability - b.probability).slice(0, 3)) {
        reasons.push({ kind: 'logprobs', field: d.field, text: `${d.field}: the model gave its answer probability ${d.probability.toFixed(2)}` });
      }
    }
  }
  if (!result.valid && !reasons.some((r) => r.kind === 'invalid')) reasons.unshift({ kind: 'invalid', text: 'invalid: the schema refuses this output' });
  const confidence = score === null ? null : 1 - score;
  const status = !result.valid || (confidence !== null && confidence < threshold) ? 'needs_review' : 'extracted';
  return { status, reviewPriority: score, reasons };
}
