// What the regression gate found: passes, failures and regressions (precedents that passed under the
// last published version and fail now), regressions first and marked, each with its fields' expected
// and actual values. Everything here came from precedents and providers: shown as text only.
import type { JsonValue } from '../../api/contract';
import { TableHead } from '../../components/TableHead';
import type { GateFailure, GateReport } from '../../../../shared/src/api/records.js';

/** Regressions first; otherwise the order the backend gave. */
export function orderFailures(failures: readonly GateFailure[]): GateFailure[] {
  return [...failures.filter((f) => f.regression), ...failures.filter((f) => !f.regression)];
}

function show(value: JsonValue): string {
  return value === undefined ? '(missing)' : JSON.stringify(value);
}

export function GateSummary({ report }: { report: GateReport }) {
  return (
    <p className="gate-summary" data-testid="gate-summary">
      <span className="gate-pass">{report.passed.toLocaleString()} passed</span>
      {' · '}
      <span className={report.failed > 0 ? 'gate-fail' : undefined}>{report.failed.toLocaleString()} failed</span>
      {' · '}
      <span className={report.regressions > 0 ? 'gate-fail' : undefined}>
        {report.regressions.toLocaleString()} regression{report.regressions === 1 ? '' : 's'}
      </span>
      {' · '}
      <span className="muted">
        {report.total.toLocaleString()} precedents replayed, {report.cached.toLocaleString()} from the cache
        {report.baseline ? `; regressions judged against v${report.baseline.version}` : '; nothing published yet to judge regressions against'}
      </span>
    </p>
  );
}

export function GateFailures({ report }: { report: GateReport }) {
  const failures = orderFailures(report.failures);
  if (failures.length === 0) return null;
  return (
    <div className="gate-failures" data-testid="gate-failures">
      {report.failed > failures.length ? (
        <p className="muted">
          The first {failures.length.toLocaleString()} of {report.failed.toLocaleString()} failures:
        </p>
      ) : null}
      <ol>
        {failures.map((f) => (
          <li key={f.precedentId} className={`gate-failure${f.regression ? ' is-regression' : ''}`} data-testid="gate-failure" data-precedent-id={f.precedentId} data-regression={f.regression}>
            <div className="gate-failure-head">
              {f.regression ? (
                <span className="badge badge-invalid" title="It passed under the last published version: this draft broke it">
                  Regression
                </span>
              ) : (
                <span className="badge">Failure</span>
              )}{' '}
              <code>{f.precedentId}</code> <span className="gate-excerpt">{f.excerpt}</span>
            </div>
            {f.fields.length > 0 ? (
              <table className="table gate-fields">
                <TableHead columns={['Field', 'Expected', 'Actual']} />
                <tbody>
                  {f.fields.map((d) => (
                    <tr key={d.field} data-testid="gate-field">
                      <td>
                        <code>{d.field}</code>
                      </td>
                      <td className="gate-expected">{show(d.expected)}</td>
                      <td className="gate-actual">{show(d.actual)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {f.errors.length > 0 ? (
              <ul className="gate-errors">
                {f.errors.map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
