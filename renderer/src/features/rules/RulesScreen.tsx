// Rules of the draft rulebook: what each does, why it exists, whether it is on.
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { formatDateTime } from '../../components/format';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { describeRule } from './describeRule';

export function RulesScreen() {
  const { rulebook, error, load } = useRulebookLoaded();
  if (error) return <ErrorState title="The rules could not be loaded" failure={error} onRetry={() => void load()} />;
  if (!rulebook) return <Loading label="Loading rules…" />;
  return (
    <div className="page" data-testid="rules-screen">
      <header className="page-header">
        <h2>Rules</h2>
        <p className="muted">
          {rulebook.rules.length} rule{rulebook.rules.length === 1 ? '' : 's'} in {rulebook.name} (draft v{rulebook.version})
        </p>
      </header>
      {rulebook.rules.length === 0 ? (
        <EmptyState title="No rules yet">Rules are made from corrections: an instruction for the model, an override, or an alias.</EmptyState>
      ) : (
        <table className="table" data-testid="rules-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">What it does</th>
              <th scope="col">Rationale</th>
              <th scope="col">Enabled</th>
              <th scope="col">Made</th>
            </tr>
          </thead>
          <tbody>
            {rulebook.rules.map((rule) => (
              <tr key={rule.id} data-testid="rule-row" data-rule-id={rule.id} className={rule.enabled ? undefined : 'is-disabled'}>
                <td>
                  <span className={`badge badge-kind-${rule.kind}`}>{rule.kind}</span>
                </td>
                <td>{describeRule(rule)}</td>
                <td>{rule.rationale}</td>
                <td>{rule.enabled ? 'Yes' : <span className="muted">No</span>}</td>
                <td className="muted">
                  {rule.provenance.author} · {formatDateTime(rule.provenance.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
