// A person's correction stored as an extraction of its own, so the inbox shows it like any other
// (newest extraction of the message) and its history keeps what the model said before. Its trace is
// a real Trace that says plainly that no model was involved: provider `human`, the author as the
// model, no prompt, no cache, no raw answer, no rules fired.
import type { AliasRewrite, Extraction, ExtractionResult, RulebookArtifact, Trace } from '../../../shared/src/domain.js';
import { RUNTIME_VERSION } from '../../../shared/src/version.js';

import { HUMAN_PROVIDER } from '../../../shared/src/api/names.js';

export { HUMAN_PROVIDER };

export function isHumanCorrection(trace: Pick<Trace, 'provider'> | null | undefined): boolean {
  return trace?.provider.name === HUMAN_PROVIDER;
}

export interface CorrectionInput {
  output: Extraction;
  /** Alias rewrites applied to what the person entered (`login` -> `account`). */
  aliases: AliasRewrite[];
  author: string;
  /** The draft rulebook the correction was made under (it already holds the new precedent). */
  rulebook: Pick<RulebookArtifact, 'id' | 'version' | 'hash' | 'settings'>;
}

export function correctionResult(input: CorrectionInput): ExtractionResult {
  const { settings } = input.rulebook;
  const trace: Trace = {
    runtimeVersion: RUNTIME_VERSION,
    rulebook: { id: input.rulebook.id, version: input.rulebook.version, hash: input.rulebook.hash },
    provider: { name: HUMAN_PROVIDER, model: input.author, params: { temperature: settings.temperature, seed: settings.seed, k: 0 } },
    promptHash: '',
    cacheKey: '',
    precedents: [],
    guidance: [],
    rulesFired: [],
    aliases: input.aliases,
    rawOutput: null,
    cacheHit: false,
    latencyMs: 0,
    usage: null,
    attempts: 0,
  };
  return { output: input.output, valid: true, errors: [], trace };
}
