// The draft's instructions, edited, with the prompt as the model will see it one tab away (issue 9).
// PLACEHOLDER while issue 9 is built.
import type { DraftRulebook } from '../../api/contract';

export function InstructionsEditor(_props: { rulebook: DraftRulebook }) {
  return <p className="muted">Coming with issue 9.</p>;
}
