// What a schema change would do to what is stored, before it is saved: the counts, each precedent and
// rule with what happens to it, the old names kept as aliases, the extractions it makes stale. A change
// that removes data needs the box ticked before Save.
import { useEffect, useRef, useState } from 'react';
import type { SchemaChange, SchemaImpact } from '../../../../shared/src/api/records.js';
import { Dialog } from '../../components/Dialog';
import { formatValue } from '../../components/format';

const ACTIONS: Record<SchemaImpact['precedents'][number]['action'], string> = {
  rewritten: 'rewritten',
  value_dropped: 'value dropped',
  field_dropped: 'field dropped',
  does_not_convert: 'does not convert',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function Value({ value }: { value: unknown }) {
  return value === null || value === undefined ? <span className="null-value">null</span> : <>{formatValue(value as never)}</>;
}

export function SchemaImpactDialog({
  impact,
  busy,
  onSave,
  onCancel,
}: {
  change: SchemaChange;
  impact: SchemaImpact;
  busy: boolean;
  onSave: (confirm: boolean) => void;
  onCancel: () => void;
}) {
  const [confirmed, setConfirmed] = useState(false);
  const saveRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  // After the dialog's own focus (its effect runs first): Enter saves, or the box to tick has the focus.
  useEffect(() => {
    (impact.needsConfirmation ? confirmRef : saveRef).current?.focus();
  }, [impact.needsConfirmation]);
  const precedentIds = new Set(impact.precedents.map((p) => p.id));
  const canSave = !busy && (!impact.needsConfirmation || confirmed);
  return (
    <Dialog title="Review the change" onClose={onCancel} testId="schema-impact" wide>
      <p data-testid="schema-impact-summary">
        <strong>{impact.summary}</strong>
      </p>
      <ul className="schema-impact-counts" data-testid="schema-impact-counts">
        <li data-testid="impact-precedent-count">{plural(precedentIds.size, 'precedent')}</li>
        <li data-testid="impact-rule-count">{plural(impact.rules.length, 'rule')}</li>
        <li data-testid="impact-stale-count">{plural(impact.staleExtractions, 'extraction')} marked stale (made under the schema as it is now; re-run them to update)</li>
      </ul>
      {impact.aliasesAdded.length ? (
        <section>
          <h3>Kept as aliases, so answers in the old shape still map</h3>
          <ul data-testid="impact-aliases">
            {impact.aliasesAdded.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {impact.precedents.length ? (
        <section>
          <h3>Precedents</h3>
          <div className="schema-impact-scroll">
            <table className="table impact-table">
              <thead>
                <tr>
                  <th scope="col">Precedent</th>
                  <th scope="col">What happens</th>
                  <th scope="col">Field</th>
                  <th scope="col">Now</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                {impact.precedents.map((p) => (
                  <tr key={`${p.id}:${p.field}`} data-testid="impact-precedent" data-precedent-id={p.id} data-action={p.action}>
                    <td>
                      <span className="rule-id">{p.id}</span>
                      <div className="muted impact-preview-text">{p.preview}</div>
                    </td>
                    <td>{ACTIONS[p.action]}</td>
                    <td>
                      <code>{p.field}</code>
                    </td>
                    <td className="impact-from">
                      <Value value={p.from} />
                    </td>
                    <td className="impact-to">{p.action === 'rewritten' ? <Value value={p.to} /> : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {impact.rules.length ? (
        <section>
          <h3>Rules</h3>
          <ul className="schema-impact-rules">
            {impact.rules.map((r) => (
              <li key={r.id} data-testid="impact-rule" data-rule-id={r.id} data-action={r.action}>
                <span className="rule-id">{r.id}</span> ({r.kind}) <strong>{r.action === 'disabled' ? 'disabled' : 'rewritten'}</strong>: {r.detail}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {impact.needsConfirmation ? (
        <label className="checkbox schema-confirm">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="schema-confirm" ref={confirmRef} />
          This removes data from the precedents or sets rules aside. I understand (Undo in History takes it back).
        </label>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button button-primary" disabled={!canSave} onClick={() => onSave(confirmed)} data-testid="schema-save" ref={saveRef}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onCancel} data-testid="schema-cancel">
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
