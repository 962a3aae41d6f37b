// Rules of the draft rulebook: what each does, why it exists, where it came from (its precedents,
// author and time), which messages it affected (expanded; each opens in the inbox), whether it is on.
// Search, edit, disable, delete with Undo.
import { Fragment, useEffect, useState } from 'react';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { formatDateTime } from '../../components/format';
import { useNavigation, useRulebook, useRules, useStores } from '../../stores';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { describeRule } from './describeRule';
import { RuleAffected } from './RuleAffected';
import { RuleEditor } from './RuleEditor';

export function RulesScreen() {
  const { rules, navigation } = useStores();
  useRulebookLoaded();
  const rulebook = useRulebook((s) => s.rulebook);
  const records = useRules((s) => s.records);
  const error = useRules((s) => s.error);
  const readOnly = useRules((s) => s.readOnly);
  const focusId = useNavigation((s) => s.focusId);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  // The rule whose affected messages are shown: the one a link arrived at, or the one opened here.
  const [expanded, setExpanded] = useState<string | null>(focusId);
  const [arrivedAt, setArrivedAt] = useState(focusId);
  if (focusId !== arrivedAt) {
    setArrivedAt(focusId);
    if (focusId) setExpanded(focusId);
  }

  useEffect(() => {
    void rules.getState().load();
  }, [rules]);
  useEffect(() => {
    if (focusId && records) [...document.querySelectorAll('[data-rule-id]')].find((el) => el.getAttribute('data-rule-id') === focusId)?.scrollIntoView?.({ block: 'center' });
  }, [focusId, records]);

  if (error && !records) return <ErrorState title="The rules could not be loaded" failure={error} onRetry={() => void rules.getState().load()} />;
  if (!records) return <Loading label="Loading rules…" />;
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = records.filter((r) => {
    const hay = [r.rule.id, r.rule.kind, describeRule(r.rule), r.rule.rationale, r.rule.provenance.author, ...r.rule.provenance.precedentIds].join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  return (
    <div className="page" data-testid="rules-screen">
      <header className="page-header">
        <h2>Rules</h2>
        <p className="muted">
          {records.length} rule{records.length === 1 ? '' : 's'}
          {rulebook ? ` in ${rulebook.name} (draft v${rulebook.version})` : ''}
          {readOnly ? ' · read-only: the workspace cannot be written' : ''}
        </p>
        <input type="search" className="input page-search" placeholder="Search rules" aria-label="Search rules" data-testid="rule-search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </header>
      {records.length === 0 ? (
        <EmptyState title="No rules yet">Rules are made from corrections: an instruction for the model, an override, or an alias. Press p on a message to promote one.</EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title="No rule matches the search" testId="rules-empty" />
      ) : (
        <table className="table" data-testid="rules-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">What it does</th>
              <th scope="col">Rationale</th>
              <th scope="col">Enabled</th>
              <th scope="col">Where it came from</th>
              {readOnly ? null : <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map(({ rule, setAside }) => (
              <Fragment key={rule.id}>
                <tr data-testid="rule-row" data-rule-id={rule.id} className={[rule.enabled ? '' : 'is-disabled', focusId === rule.id ? 'is-focused' : ''].join(' ').trim() || undefined}>
                  <td>
                    <span className={`badge badge-kind-${rule.kind}`}>{rule.kind}</span>
                    <div className="muted rule-id">{rule.id}</div>
                  </td>
                  <td>
                    {describeRule(rule)}
                    {setAside ? (
                      <div className="field-error" data-testid="rule-set-aside">
                        Set aside by a schema change: {setAside}. Edit it to fit the schema.
                      </div>
                    ) : null}
                  </td>
                  <td>{rule.rationale}</td>
                  <td>
                    {readOnly ? (
                      rule.enabled ? 'Yes' : <span className="muted">No</span>
                    ) : (
                      <label className="checkbox">
                        <input type="checkbox" checked={rule.enabled} disabled={setAside !== null && !rule.enabled} data-testid="rule-toggle" aria-label={`Enable ${rule.id}`} onChange={(e) => void rules.getState().setEnabled(rule.id, e.target.checked)} />{' '}
                        {rule.enabled ? 'Yes' : <span className="muted">No</span>}
                      </label>
                    )}
                  </td>
                  <td className="muted" data-testid="rule-provenance">
                    {rule.provenance.author} · {formatDateTime(rule.provenance.createdAt)}
                    {rule.provenance.precedentIds.length ? (
                      <div>
                        from{' '}
                        {rule.provenance.precedentIds.map((id, i) => (
                          <Fragment key={id}>
                            {i ? ', ' : ''}
                            <button type="button" className="link-button" data-testid="rule-precedent-link" onClick={() => navigation.getState().go('precedents', id)}>
                              {id}
                            </button>
                          </Fragment>
                        ))}
                      </div>
                    ) : (
                      <div>no precedent</div>
                    )}
                    <button
                      type="button"
                      className="link-button"
                      data-testid="rule-affected-toggle"
                      aria-expanded={expanded === rule.id}
                      onClick={() => setExpanded(expanded === rule.id ? null : rule.id)}
                    >
                      {expanded === rule.id ? 'Hide affected messages' : 'Affected messages'}
                    </button>
                  </td>
                  {readOnly ? null : (
                    <td className="row-actions">
                      <button type="button" className="button button-small" data-testid="rule-edit" onClick={() => setEditing(editing === rule.id ? null : rule.id)}>
                        Edit
                      </button>
                      <button type="button" className="button button-small button-danger" data-testid="rule-delete" onClick={() => void rules.getState().remove(rule.id)}>
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
                {expanded === rule.id ? (
                  <tr className="affected-row">
                    <td colSpan={6}>
                      <RuleAffected ruleId={rule.id} />
                    </td>
                  </tr>
                ) : null}
                {editing === rule.id ? (
                  <tr className="editor-row">
                    <td colSpan={6}>
                      <RuleEditor rule={rule} schema={rulebook?.schema ?? null} onDone={() => setEditing(null)} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
