// Which two runs are compared: A (the reference) and B (the other), Swap, and a comparison run
// started from here, with its progress until it ends (then it becomes B).
import type { RunRecord } from '../../api/contract';
import type { PendingRun } from './driftStore';
import { runLabel } from './runLabel';

export interface RunPickerProps {
  runs: RunRecord[];
  a: string | null;
  b: string | null;
  pending: PendingRun | null;
  pendingError: string | null;
  onPick(side: 'a' | 'b', runId: string): void;
  onSwap(): void;
  onNewRun(): void;
}

export function RunPicker({ runs, a, b, pending, pendingError, onPick, onSwap, onNewRun }: RunPickerProps) {
  return (
    <section className="drift-picker" aria-label="The runs compared" data-testid="drift-picker">
      <RunSelect side="a" label="A (reference)" runs={runs} value={a} onPick={onPick} />
      <button type="button" className="button button-small" data-testid="drift-swap" disabled={!a || !b} onClick={onSwap} title="A becomes B and B becomes A">
        ⇅ Swap
      </button>
      <RunSelect side="b" label="B" runs={runs} value={b} onPick={onPick} />
      <button type="button" className="button button-small" data-testid="drift-new-run" disabled={pending !== null} onClick={onNewRun}>
        New comparison run…
      </button>
      {pending ? (
        <div className="drift-pending" data-testid="drift-pending" role="status">
          <span>
            Comparison run {pending.status === 'queued' ? 'queued' : 'running'}: {(pending.done + pending.failed).toLocaleString()} of {pending.total.toLocaleString()} messages
          </span>
          <progress max={Math.max(1, pending.total)} value={pending.done + pending.failed} aria-label="Comparison run progress" />
        </div>
      ) : null}
      {pendingError ? (
        <div className="field-error" role="alert" data-testid="drift-pending-error">
          {pendingError}
        </div>
      ) : null}
    </section>
  );
}

function RunSelect({ side, label, runs, value, onPick }: { side: 'a' | 'b'; label: string; runs: RunRecord[]; value: string | null; onPick(side: 'a' | 'b', id: string): void }) {
  const known = value === null || runs.some((r) => r.id === value);
  return (
    <label className="drift-run-select">
      <span className="drift-run-side">{label}</span>
      <select className="input" value={value ?? ''} data-testid={`drift-run-${side}`} onChange={(e) => onPick(side, e.target.value)}>
        {value === null ? (
          <option value="" disabled>
            Choose a run
          </option>
        ) : null}
        {!known ? <option value={value}>run {value}</option> : null}
        {runs.map((r) => (
          <option key={r.id} value={r.id} disabled={r.status !== 'done'}>
            {runLabel(r)}
            {r.status !== 'done' ? ` (${r.status})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
