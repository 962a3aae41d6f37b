// Labels (production, staging and any the team adds) and the version each points at. Moving a label
// is how a version is promoted or rolled back; every move is recorded with who, when and why, and
// the history is listed below.
import { useState, type FormEvent } from 'react';
import type { ApiFailure } from '../../api/contract';
import { formatDateTime } from '../../components/format';
import { Dialog } from '../../components/Dialog';
import { FailureAlert, FormActions } from '../../components/FormActions';
import { ErrorState, Loading } from '../../components/States';
import { TableHead } from '../../components/TableHead';
import { useBusyAction } from '../../components/useBusyAction';
import { useStores } from '../../stores';
import { LABEL_PATTERN } from '../../../../shared/src/api/names.js';
import type { LabelRecord, LabelsState, VersionSummary } from '../../../../shared/src/api/records.js';

/** What moving `label` from `from` (0: unset) to `to` is, in a sentence. */
export function moveSentence(label: string, from: number, to: number): string {
  if (!from) return `Point ${label} at v${to}`;
  if (to < from) return `Roll back ${label} from v${from} to v${to}`;
  if (to > from) return `Promote ${label} from v${from} to v${to}`;
  return `${label} already points at v${to}`;
}

export function LabelsPanel({
  labels,
  failure,
  versions,
  onChanged,
  onRetry,
}: {
  labels: LabelsState | null;
  failure: ApiFailure | null;
  versions: VersionSummary[];
  onChanged: (state: LabelsState) => void;
  onRetry: () => void;
}) {
  const [moving, setMoving] = useState<LabelRecord | null>(null);
  const [removing, setRemoving] = useState<LabelRecord | null>(null);
  const [adding, setAdding] = useState(false);
  // A dialog's answer: the dialog closes and the new state goes up.
  const closeThen = (close: () => void) => (state: LabelsState) => {
    close();
    onChanged(state);
  };
  if (!labels && failure) return <ErrorState title="The labels could not be loaded" failure={failure} onRetry={onRetry} />;
  if (!labels) return <Loading label="Loading labels…" />;
  const noVersions = versions.length === 0;
  return (
    <div className="labels" data-testid="labels-panel">
      <FailureAlert failure={failure} prefix="The labels may be out of date: " />
      <table className="table" data-testid="labels-table">
        <TableHead columns={['Label', 'Points at', 'Set', { ariaLabel: 'Actions' }]} />
        <tbody>
          {labels.labels.map((l) => (
            <tr key={l.label} data-testid="label-row" data-label={l.label}>
              <td>
                <strong>{l.label}</strong>
              </td>
              <td data-testid="label-version">{l.version ? `v${l.version}` : <span className="muted">not set</span>}</td>
              <td className="muted">{l.version ? `${formatDateTime(l.setAt)}${l.setBy ? ` by ${l.setBy}` : ''}` : '—'}</td>
              <td className="row-actions">
                <button type="button" className="button button-small" disabled={noVersions} onClick={() => setMoving(l)} data-testid={`label-move-${l.label}`}>
                  Move…
                </button>
                {l.version ? (
                  <button type="button" className="button button-small button-danger" onClick={() => setRemoving(l)} data-testid={`label-remove-${l.label}`}>
                    Remove…
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="button" disabled={noVersions} onClick={() => setAdding(true)} data-testid="label-add">
          Add a label…
        </button>
        {noVersions ? <span className="muted">Publish a version first: a label points at one.</span> : null}
      </div>

      <h3>Label history</h3>
      {labels.moves.length === 0 ? (
        <p className="muted" data-testid="label-history-empty">
          No label has been moved yet.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="label-history">
            <TableHead columns={['Label', 'From → to', 'Who', 'When', 'Why']} />
            <tbody>
              {labels.moves.map((m, i) => (
                <tr key={i} data-testid="label-move-row">
                  <td>{m.label}</td>
                  <td>
                    {m.from === null ? 'new' : `v${m.from}`} → {m.to === null ? 'removed' : `v${m.to}`}
                    {m.from !== null && m.to !== null && m.to < m.from ? <span className="chip chip-warn">rollback</span> : null}
                  </td>
                  <td>{m.by ?? '—'}</td>
                  <td>{formatDateTime(m.at)}</td>
                  <td className="cell-text">{m.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {moving ? (
        <MoveLabelDialog
          label={moving.label}
          current={moving.version}
          versions={versions}
          onClose={() => setMoving(null)}
          onDone={closeThen(() => setMoving(null))}
        />
      ) : null}
      {adding ? (
        <MoveLabelDialog
          label={null}
          current={0}
          versions={versions}
          taken={labels.labels.map((l) => l.label)}
          onClose={() => setAdding(false)}
          onDone={closeThen(() => setAdding(false))}
        />
      ) : null}
      {removing ? (
        <RemoveLabelDialog
          label={removing}
          onClose={() => setRemoving(null)}
          onDone={closeThen(() => setRemoving(null))}
        />
      ) : null}
    </div>
  );
}

/** Moves a label (or, with `label` null, adds one): a version and a reason. */
export function MoveLabelDialog({
  label,
  current,
  versions,
  taken = [],
  onClose,
  onDone,
}: {
  label: string | null;
  current: number;
  versions: VersionSummary[];
  taken?: string[];
  onClose: () => void;
  onDone: (state: LabelsState) => void;
}) {
  const { api } = useStores();
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const [name, setName] = useState(label ?? '');
  const [target, setTarget] = useState<number>(sorted.find((v) => v.version !== current)?.version ?? sorted[0]?.version ?? 1);
  const [reason, setReason] = useState('');
  const { busy, failure, run } = useBusyAction();
  const labelName = (label ?? name).trim();
  const nameProblem =
    label !== null ? null : !labelName ? 'Give the label a name.' : !LABEL_PATTERN.test(labelName) ? 'A label is 1-64 lower-case letters, digits, “.”, “_” or “-”, starting with a letter or digit.' : taken.includes(labelName) ? `${labelName} exists already: move it instead.` : null;
  const sentence = moveSentence(labelName || 'the label', current, target);
  const rollback = current > 0 && target < current;
  const same = current === target;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (nameProblem || same) return;
    void run(async () => onDone(await api.setLabel({ label: labelName, version: target, reason: reason.trim() })));
  }

  return (
    <Dialog title={label ? `Move ${label}` : 'Add a label'} onClose={onClose} testId="move-label-dialog">
      <form onSubmit={submit}>
        {label === null ? (
          <label className="form-row">
            <span>Name</span>
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="canary" autoComplete="off" spellCheck={false} data-testid="label-name" />
            {name && nameProblem ? <span className="field-error">{nameProblem}</span> : null}
          </label>
        ) : null}
        <label className="form-row">
          <span>Version</span>
          <select className="input" value={target} onChange={(e) => setTarget(Number(e.target.value))} data-testid="label-target">
            {sorted.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
                {v.note ? ` — ${v.note.slice(0, 60)}` : ''}
                {v.version === current ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
        <p className={rollback ? 'move-sentence is-rollback' : 'move-sentence'} data-testid="move-sentence">
          {sentence}
          {rollback ? ': a rollback. Services following this label load the older version.' : '.'}
        </p>
        <label className="form-row">
          <span>Reason (recorded)</span>
          <textarea className="input" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="label-reason" />
        </label>
        <FormActions
          failure={failure}
          failureTestId="label-error"
          label={rollback ? 'Roll back' : label ? 'Move' : 'Add'}
          busyLabel="Saving…"
          busy={busy}
          disabled={same || nameProblem !== null}
          tone={rollback ? 'danger' : 'primary'}
          testId="label-confirm"
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

function RemoveLabelDialog({ label, onClose, onDone }: { label: LabelRecord; onClose: () => void; onDone: (state: LabelsState) => void }) {
  const { api } = useStores();
  const [reason, setReason] = useState('');
  const { busy, failure, run } = useBusyAction();
  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => onDone(await api.removeLabel({ label: label.label, reason: reason.trim() })));
  }
  return (
    <Dialog title={`Remove ${label.label}`} onClose={onClose} testId="remove-label-dialog">
      <form onSubmit={submit}>
        <p>
          {label.label} points at v{label.version}. Removed, it points at no version; the move is recorded in the label history.
        </p>
        <label className="form-row">
          <span>Reason (recorded)</span>
          <textarea className="input" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="label-remove-reason" />
        </label>
        <FormActions failure={failure} label="Remove" busyLabel="Removing…" busy={busy} tone="danger" testId="label-remove-confirm" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
