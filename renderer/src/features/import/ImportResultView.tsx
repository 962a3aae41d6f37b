import type { ImportResult } from '../../api/contract';
import { ImportProblems } from './ImportProblems';

export function ImportResultView({ name, result }: { name: string; result: ImportResult }) {
  return (
    <section className="import-result" data-testid="import-result" data-name={name} aria-label={`Imported ${name}`}>
      <h3>{name}</h3>
      <dl className="facts">
        <div>
          <dt>Imported</dt>
          <dd data-testid="import-inserted">{result.inserted.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Duplicates skipped</dt>
          <dd data-testid="import-skipped">{result.skipped.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Precedents made</dt>
          <dd data-testid="import-precedents">{result.precedents.toLocaleString()}</dd>
        </div>
      </dl>
      <ImportProblems problems={result.problems} />
    </section>
  );
}
