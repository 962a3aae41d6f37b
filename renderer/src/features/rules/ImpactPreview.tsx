// What saving a rule would change: each message whose output differs, old value beside new.
import type { RuleImpact } from '../../api/contract';
import { formatValue } from '../../components/format';

export function ImpactPreview({ impact, onOpen }: { impact: RuleImpact; onOpen?: (messageId: string) => void }) {
  return (
    <section className="impact" data-testid="impact-preview" aria-label="Impact preview">
      <p className="muted" data-testid="impact-summary">
        {impact.changed.length === 0
          ? `No message would change (${impact.checked.toLocaleString()} checked).`
          : `${impact.changed.length.toLocaleString()}${impact.truncated ? '+' : ''} of ${impact.checked.toLocaleString()} messages would change.`}
      </p>
      {impact.changed.length > 0 ? (
        <table className="table impact-table">
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Field</th>
              <th scope="col">Now</th>
              <th scope="col">With the rule</th>
            </tr>
          </thead>
          <tbody>
            {impact.changed.flatMap((m) =>
              m.fields.map((f, i) => (
                <tr key={`${m.messageId}-${f.field}`} data-testid="impact-row" data-message-id={m.messageId} data-field={f.field}>
                  {i === 0 ? (
                    <td rowSpan={m.fields.length}>
                      {onOpen ? (
                        <button type="button" className="link-button" onClick={() => onOpen(m.messageId)}>
                          {m.subject || m.messageId}
                        </button>
                      ) : (
                        <strong>{m.subject || m.messageId}</strong>
                      )}
                      <div className="muted impact-preview-text">{m.preview}</div>
                    </td>
                  ) : null}
                  <td>
                    <code>{f.field}</code>
                  </td>
                  <td className="impact-from">{f.from === null ? <span className="null-value">null</span> : formatValue(f.from)}</td>
                  <td className="impact-to">{f.to === null ? <span className="null-value">null</span> : formatValue(f.to)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      ) : null}
      {impact.truncated ? <p className="muted">The list stops at the limit; more messages would change.</p> : null}
    </section>
  );
}
