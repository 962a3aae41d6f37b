// Starting a workspace from a labelled history: pick the file, map its text column, confirm the
// field proposed for each labelled column (issue 9). PLACEHOLDER while issue 9 is built.
export interface LabelledStartProps {
  /** Called when the person cancels (back to the four ways to start). */
  onCancel: () => void;
  /** Called once the workspace is made and open. */
  onCreated: () => void;
}

export function LabelledStart({ onCancel }: LabelledStartProps) {
  return (
    <div>
      <p className="muted">Coming with issue 9.</p>
      <button type="button" className="button" onClick={onCancel}>
        Back
      </button>
    </div>
  );
}
