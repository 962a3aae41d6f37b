// The draft rulebook at a glance: its name and version, the schema it extracts, its precedents and
// model settings, read-only. The Rulebook screen's first tab.
import type { DraftRulebook } from '../../api/contract';
import { Chip } from '../../components/Badge';
import { EMBEDDED_ANSWERS, providerLabel } from './provider';

/** The draft's model settings in a line; the embedded provider has no model, temperature or seed to show. */
function modelSummary(s: DraftRulebook['settings']): string {
  if (s.provider === 'embedded') return `${providerLabel(s.provider, null)} (${EMBEDDED_ANSWERS})`;
  return [providerLabel(s.provider, s.model), `temperature ${s.temperature}`, `seed ${s.seed}`, `k=${s.k}`, ...(s.maxTokens ? [`max tokens ${s.maxTokens}`] : [])].join(' · ');
}

export function RulebookSummary({ rulebook }: { rulebook: DraftRulebook }) {
  const enabledRules = rulebook.rules.filter((r) => r.enabled).length;
  return (
    <div data-testid="rulebook-summary">
      <dl className="facts">
        <div>
          <dt>Version</dt>
          <dd data-testid="rulebook-version">{rulebook.version}</dd>
        </div>
        <div>
          <dt>Fields</dt>
          <dd>{rulebook.schema.fields.length}</dd>
        </div>
        <div>
          <dt>Precedents</dt>
          <dd data-testid="rulebook-precedent-count">{rulebook.precedents.length}</dd>
        </div>
        <div>
          <dt>Rules</dt>
          <dd>
            {rulebook.rules.length} ({enabledRules} enabled)
          </dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd data-testid="rulebook-model">{modelSummary(rulebook.settings)}</dd>
        </div>
      </dl>
      {rulebook.instructions ? (
        <section>
          <h3>Instructions</h3>
          <p className="prose">{rulebook.instructions}</p>
        </section>
      ) : null}
      <section>
        <h3>Schema</h3>
        <table className="table" data-testid="schema-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Type</th>
              <th scope="col">Null allowed</th>
              <th scope="col">Values</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {rulebook.schema.fields.map((f) => (
              <tr key={f.name} data-testid="schema-field" data-field={f.name}>
                <td>
                  <code>{f.name}</code>
                  {f.aliases?.length ? <div className="muted">also {f.aliases.join(', ')}</div> : null}
                </td>
                <td>{f.type}</td>
                <td>{f.nullable ? 'yes' : 'no'}</td>
                <td>
                  <span className="chips">
                    {(f.values ?? []).map((v) => (
                      <Chip key={v.value} title={v.description}>
                        {v.value}
                      </Chip>
                    ))}
                  </span>
                </td>
                <td>{f.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
