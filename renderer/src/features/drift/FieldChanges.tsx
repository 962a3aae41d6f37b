// Changes per field: how many messages changed each field, and for enum and boolean fields a matrix
// of A's value (rows) against B's (columns) with counts. The diagonal (no change) is greyed. A field
// narrows the table to that field; a cell to that one transition.
import type { JsonValue } from '../../api/contract';
import type { FieldChangeCount } from '../../../../shared/src/api/records.js';
import type { DriftFilter, FilterValue } from './driftStore';
import { valueText } from './runLabel';

const keyOf = (v: JsonValue): string => JSON.stringify(v);

/** The values of a field's transitions, in order of first appearance (most frequent first), rows and columns alike. */
export function matrixValues(field: FieldChangeCount): JsonValue[] {
  const seen = new Map<string, JsonValue>();
  for (const t of field.transitions) {
    if (!seen.has(keyOf(t.from))) seen.set(keyOf(t.from), t.from);
    if (!seen.has(keyOf(t.to))) seen.set(keyOf(t.to), t.to);
  }
  return [...seen.values()];
}

function isPrimitive(v: JsonValue): v is FilterValue {
  return v === null || typeof v !== 'object';
}

export function FieldChanges({ fields, filter, onFilter }: { fields: FieldChangeCount[]; filter: DriftFilter; onFilter(filter: DriftFilter): void }) {
  const changed = fields.filter((f) => f.changed > 0);
  return (
    <section className="drift-fields" aria-label="Changes per field" data-testid="drift-fields">
      <h3>Changes per field</h3>
      {changed.length === 0 ? <p className="muted">No field changed.</p> : null}
      <ul className="drift-field-list">
        {fields.map((f) => (
          <li key={f.field} data-testid="drift-field" data-field={f.field} data-changed={f.changed}>
            <button
              type="button"
              className={`link-button drift-field-name${filter.field === f.field && !('from' in filter) ? ' is-active' : ''}`}
              data-testid="drift-field-filter"
              disabled={f.changed === 0}
              onClick={() => onFilter({ field: f.field })}
            >
              <code>{f.field}</code>
            </button>{' '}
            <span className={f.changed ? '' : 'muted'}>{f.changed.toLocaleString()} changed</span>
            {f.transitions.length > 0 ? <Matrix field={f} filter={filter} onFilter={onFilter} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Matrix({ field, filter, onFilter }: { field: FieldChangeCount; filter: DriftFilter; onFilter(filter: DriftFilter): void }) {
  const values = matrixValues(field);
  const counts = new Map(field.transitions.map((t) => [`${keyOf(t.from)}→${keyOf(t.to)}`, t.count]));
  const active = (from: JsonValue, to: JsonValue) => filter.field === field.field && 'from' in filter && keyOf(filter.from as JsonValue) === keyOf(from) && keyOf(filter.to as JsonValue) === keyOf(to);
  return (
    <div className="drift-matrix-scroll">
      <table className="drift-matrix" data-testid="drift-matrix" data-field={field.field} aria-label={`${field.field}: A's value (rows) → B's value (columns)`}>
        <thead>
          <tr>
            <th scope="col" className="drift-matrix-corner">
              A ↓ B →
            </th>
            {values.map((v) => (
              <th key={keyOf(v)} scope="col" title={valueText(v)}>
                {valueText(v)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {values.map((from) => (
            <tr key={keyOf(from)}>
              <th scope="row" title={valueText(from)}>
                {valueText(from)}
              </th>
              {values.map((to) => {
                if (keyOf(from) === keyOf(to)) return <td key={keyOf(to)} className="drift-matrix-diagonal" aria-label="unchanged" />;
                const count = counts.get(`${keyOf(from)}→${keyOf(to)}`) ?? 0;
                if (count === 0 || !isPrimitive(from) || !isPrimitive(to)) return <td key={keyOf(to)} className="drift-matrix-empty">{count || ''}</td>;
                return (
                  <td key={keyOf(to)}>
                    <button
                      type="button"
                      className={`drift-matrix-cell${active(from, to) ? ' is-active' : ''}`}
                      data-testid="drift-matrix-cell"
                      data-from={keyOf(from)}
                      data-to={keyOf(to)}
                      aria-label={`${field.field}: ${valueText(from)} → ${valueText(to)}, ${count} messages`}
                      onClick={() => onFilter({ field: field.field, from, to })}
                    >
                      {count.toLocaleString()}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
