// The draft's model settings (provider, model, temperature, seed, k, max tokens), edited (issue 9).
// PLACEHOLDER while issue 9 is built.
import type { DraftRulebook } from '../../api/contract';

export function ModelSettingsEditor(_props: { rulebook: DraftRulebook }) {
  return <p className="muted">Coming with issue 9.</p>;
}
