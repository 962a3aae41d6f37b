// The comparison in numbers: messages both runs extracted, how many changed, validity changes, and
// keys outside the schema (A's count → B's). Each number narrows the table to those messages; a key
// outside the schema also offers "Add as alias" (then a re-run of the messages).
import type { RunComparison } from '../../../../shared/src/api/records.js';
import type { DriftFilter } from './driftStore';
import { AddAliasButton, type Rerun } from './production/AddAliasButton';

function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (part / whole) * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

export function Summary({
  comparison,
  filter,
  onFilter,
  reruns,
}: {
  comparison: RunComparison;
  filter: DriftFilter;
  onFilter(filter: DriftFilter): void;
  /** What "Add as alias" offers to re-run once the key is an alias (without: no alias button). */
  reruns?: (key: string) => Rerun[];
}) {
  const { overlap, changed, validity, unknownKeys } = comparison;
  const none = filter.field === undefined && !filter.validityChanged;
  return (
    <section className="drift-summary" aria-label="Summary" data-testid="drift-summary">
      <div className="drift-stat" data-testid="drift-overlap">
        <span className="drift-stat-value">{overlap.toLocaleString()}</span>
        <span className="drift-stat-label">messages in both runs</span>
      </div>
      <button type="button" className={`drift-stat drift-stat-button${none ? ' is-active' : ''}`} data-testid="drift-changed" aria-pressed={none} onClick={() => onFilter({})}>
        <span className="drift-stat-value">{changed.toLocaleString()}</span>
        <span className="drift-stat-label">changed ({percent(changed, overlap)})</span>
      </button>
      <button
        type="button"
        className={`drift-stat drift-stat-button${filter.validityChanged ? ' is-active' : ''}`}
        data-testid="drift-validity"
        aria-pressed={filter.validityChanged === true}
        title="Show the messages whose validity changed"
        onClick={() => onFilter({ validityChanged: true })}
      >
        <span className="drift-stat-value">
          <span className="drift-bad" data-testid="drift-became-invalid">{validity.becameInvalid.toLocaleString()}</span>
          {' / '}
          <span className="drift-ok" data-testid="drift-became-valid">{validity.becameValid.toLocaleString()}</span>
        </span>
        <span className="drift-stat-label">became invalid / valid</span>
      </button>
      {unknownKeys.length > 0 ? (
        <div className="drift-unknown" data-testid="drift-unknown-keys">
          <span className="drift-stat-label">Keys outside the schema (A → B)</span>
          <ul>
            {unknownKeys.map((k) => (
              <li key={k.key}>
                <button
                  type="button"
                  className={`chip chip-button${filter.field === k.key ? ' is-active' : ''}`}
                  data-testid="drift-unknown-key"
                  data-key={k.key}
                  aria-pressed={filter.field === k.key}
                  onClick={() => onFilter({ field: k.key })}
                >
                  <code>{k.key}</code>: {k.a.toLocaleString()} → {k.b.toLocaleString()}
                </button>
                {reruns ? <AddAliasButton unknownKey={k.key} reruns={reruns(k.key)} /> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
