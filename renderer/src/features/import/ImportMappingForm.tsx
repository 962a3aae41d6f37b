// The column-mapping step (CSV and JSONL): which column is the text, subject, sender, time and id, and
// which columns carry the right value of a schema field (a labelled history).
import type { ExtractionSchema, ImportMapping } from '../../api/contract';

const ROLES = [
  ['text', 'Text (required)'],
  ['subject', 'Subject'],
  ['sender', 'Sender'],
  ['receivedAt', 'Received at'],
  ['id', 'Id'],
] as const;

export function ImportMappingForm({ columns, mapping, schema, onChange }: { columns: string[]; mapping: ImportMapping; schema: ExtractionSchema | null; onChange: (m: ImportMapping) => void }) {
  const labels = mapping.labels ?? {};
  const roleOf = (column: string) => ROLES.find(([role]) => mapping[role] === column)?.[0];
  return (
    <fieldset className="import-mapping" data-testid="import-mapping">
      <legend>Columns</legend>
      <div className="import-mapping-roles">
        {ROLES.map(([role, label]) => (
          <label key={role} className="form-row">
            <span>{label}</span>
            <select
              className="input"
              data-testid={`mapping-${role}`}
              value={mapping[role] ?? ''}
              onChange={(e) => onChange({ ...mapping, [role]: e.target.value || null })}
            >
              <option value="">{role === 'text' ? '— choose —' : '— none —'}</option>
              {columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {schema && schema.fields.length > 0 ? (
        <div className="import-mapping-labels">
          <p className="muted">Columns holding the right value of a field (labelled history):</p>
          {columns
            .filter((c) => !roleOf(c))
            .map((c) => (
              <label key={c} className="form-row form-row-inline">
                <span>
                  <code>{c}</code> is
                </span>
                <select
                  className="input"
                  data-testid={`mapping-label-${c}`}
                  value={labels[c] ?? ''}
                  onChange={(e) => {
                    const next = { ...labels };
                    if (e.target.value) next[c] = e.target.value;
                    else delete next[c];
                    onChange({ ...mapping, labels: next });
                  }}
                >
                  <option value="">not a label</option>
                  {schema.fields.map((f) => (
                    <option key={f.name} value={f.name}>
                      {f.name}
                    </option>
                  ))}
                </select>
              </label>
            ))}
        </div>
      ) : null}
    </fieldset>
  );
}
