// The draft rulebook at a glance: its name (which can be changed here) and version, the schema it
// extracts, its precedents and model settings. The Rulebook screen's first tab.
import { useState, type FormEvent } from 'react';
import type { DraftRulebook } from '../../api/contract';
import { Chip } from '../../components/Badge';
import { useRulebook, useStores } from '../../stores';
import { EMBEDDED_ANSWERS, providerLabel } from './provider';
import { useDraftChanges } from './useDraftChanges';
import './editors.css';

/** The draft's model settings in a line; the embedded provider has no model, temperature or seed to show. */
function modelSummary(s: DraftRulebook['settings']): string {
  if (s.provider === 'embedded') return `${providerLabel(s.provider, null)} (${EMBEDDED_ANSWERS})`;
  return [providerLabel(s.provider, s.model), `temperature ${s.temperature}`, `seed ${s.seed}`, `k=${s.k}`, ...(s.maxTokens ? [`max tokens ${s.maxTokens}`] : [])].join(' · ');
}

export function RulebookSummary({ rulebook }: { rulebook: DraftRulebook }) {
  const enabledRules = rulebook.rules.filter((r) => r.enabled).length;
  useDraftChanges();
  return (
    <div data-testid="rulebook-summary">
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd>
            <RulebookName name={rulebook.name} />
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          {/* The draft has no number yet: its hash says which content it is, and how it stands against the last publish. */}
          <dd data-testid="rulebook-version">
            draft <span title={rulebook.hash} data-testid="rulebook-hash">{rulebook.hash.replace(/^sha256:/, '').slice(0, 12) || '(no fields yet)'}</span>
            {' · '}
            <span data-testid="rulebook-publish-state">
              {rulebook.published
                ? rulebook.changedSincePublished
                  ? `changed since v${rulebook.published.version}`
                  : `the same as v${rulebook.published.version}`
                : 'not published yet'}
            </span>
            {' · '}publishes as v{rulebook.version}
          </dd>
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

/** The draft's name, renamed in place (a history entry of kind "name"). */
function RulebookName({ name }: { name: string }) {
  const { rulebook: store } = useStores();
  const saving = useRulebook((s) => s.saving === 'name');
  const failure = useRulebook((s) => (s.saveError?.part === 'name' ? s.saveError.failure : null));
  const [editing, setEditing] = useState<string | null>(null);
  if (editing === null) {
    return (
      <>
        <span data-testid="rulebook-summary-name">{name}</span>{' '}
        <button type="button" className="link-button" onClick={() => setEditing(name)} data-testid="rulebook-rename">
          Rename
        </button>
      </>
    );
  }
  const trimmed = editing.trim();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!trimmed || trimmed.length > 100) return;
    if (trimmed === name || (await store.getState().updateDraft('name', { name: trimmed }))) setEditing(null);
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)} aria-label="Rename the rulebook" className="editor-bar">
      <input className="input" value={editing} maxLength={100} aria-label="Name" onChange={(e) => setEditing(e.target.value)} data-testid="rulebook-rename-input" />
      <button type="submit" className="button button-primary button-small" disabled={saving || !trimmed} data-testid="rulebook-rename-save">
        Save
      </button>
      <button type="button" className="button button-small" onClick={() => setEditing(null)}>
        Cancel
      </button>
      {failure ? (
        <span className="field-error" role="alert">
          {failure.issues?.find((i) => i.path === 'name')?.message ?? failure.message}
        </span>
      ) : null}
    </form>
  );
}
