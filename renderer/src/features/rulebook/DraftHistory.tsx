// The draft's change history: who changed what and when, with Undo for the newest change (issue 9).
// PLACEHOLDER while issue 9 is built.
export function DraftHistory() {
  return <p className="muted">Coming with issue 9.</p>;
}
