// The fields of the draft schema, edited: add, rename, reorder, remove; types, values, aliases; each change previewed with its impact, then applied (issue 9).
// PLACEHOLDER while issue 9 is built.
import type { DraftRulebook } from '../../api/contract';

export function SchemaEditor(_props: { rulebook: DraftRulebook }) {
  return <p className="muted">Coming with issue 9.</p>;
}
