// Rows that could not be imported, each with its line number and the reason.
import type { ImportProblem } from '../../api/contract';

export function ImportProblems({ problems }: { problems: readonly ImportProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <section className="import-problems" data-testid="import-problems" aria-label="Problems">
      <h3>
        {problems.length.toLocaleString()} row{problems.length === 1 ? '' : 's'} will not be imported
      </h3>
      <ul>
        {problems.slice(0, 200).map((p, i) => (
          <li key={i} data-testid="import-problem" data-line={p.line}>
            <strong>Line {p.line.toLocaleString()}:</strong> {p.reason}
          </li>
        ))}
      </ul>
      {problems.length > 200 ? <p className="muted">…and {(problems.length - 200).toLocaleString()} more.</p> : null}
    </section>
  );
}
