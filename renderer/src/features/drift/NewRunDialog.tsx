// "What would model B say?": a comparison run of the inbox's messages (all, or those the inbox's filter
// shows) under a chosen version (the draft or a published one), provider and model. Its answers are
// kept beside the inbox's; it never changes the answer of record.
import { useEffect, useState, type FormEvent } from 'react';
import type { VersionSummary } from '../../../../shared/src/api/records.js';
import { Dialog } from '../../components/Dialog';
import { hasActiveFilters } from '../../stores/inbox';
import { useInbox, useRulebook, useStores } from '../../stores';
import { filterSelection } from '../inbox/InboxToolbar';
import type { Against, Selection } from './driftStore';

export function NewRunDialog({ onClose, onStart }: { onClose(): void; onStart(selection: Selection, against: Against): Promise<boolean> }) {
  const { api } = useStores();
  const settings = useRulebook((s) => s.rulebook?.settings);
  const filters = useInbox((s) => s.filters);
  const total = useInbox((s) => s.total);
  const filtered = hasActiveFilters(filters);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [version, setVersion] = useState<string>('draft');
  const [provider, setProvider] = useState<'embedded' | 'openai'>(settings?.provider === 'openai' ? 'openai' : 'embedded');
  const [model, setModel] = useState(settings?.model ?? '');
  const [scope, setScope] = useState<'all' | 'filter'>('all');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.listVersions({}).then(
      (list) => live && setVersions(list),
      () => live && setVersions([]),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const against: Against = { version: version === 'draft' ? 'draft' : Number(version), provider };
    if (provider === 'openai' && model.trim()) against.model = model.trim();
    const selection: Selection = scope === 'filter' && filtered ? filterSelection(filters) : { all: true };
    const ok = await onStart(selection, against);
    setBusy(false);
    if (ok) onClose();
  };

  return (
    <Dialog title="New comparison run" onClose={onClose} testId="drift-new-run-dialog">
      <form className="form" onSubmit={(e) => void submit(e)}>
        <p className="muted">What would another version, provider or model say? Its answers are kept beside the inbox’s and never replace them; when it ends it becomes run B.</p>
        <label className="form-row">
          <span>Rulebook</span>
          <select className="input" value={version} data-testid="drift-new-run-version" onChange={(e) => setVersion(e.target.value)}>
            <option value="draft">The draft</option>
            {(versions ?? []).map((v) => (
              <option key={v.version} value={String(v.version)}>
                v{v.version}
                {v.labels.length ? ` (${v.labels.join(', ')})` : ''}
                {v.note ? ` — ${v.note.slice(0, 60)}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="form-row">
          <span>Provider</span>
          <select className="input" value={provider} data-testid="drift-new-run-provider" onChange={(e) => setProvider(e.target.value === 'openai' ? 'openai' : 'embedded')}>
            <option value="embedded">Embedded (no model)</option>
            <option value="openai">OpenAI-compatible</option>
          </select>
        </label>
        {provider === 'openai' ? (
          <label className="form-row">
            <span>Model</span>
            <input className="input" value={model} maxLength={200} data-testid="drift-new-run-model" placeholder="gpt-4o-mini" onChange={(e) => setModel(e.target.value)} />
          </label>
        ) : null}
        <fieldset className="form-row">
          <legend>Messages</legend>
          <label className="checkbox">
            <input type="radio" name="drift-scope" checked={scope === 'all'} onChange={() => setScope('all')} /> All messages
          </label>
          <label className="checkbox">
            <input type="radio" name="drift-scope" checked={scope === 'filter'} disabled={!filtered} data-testid="drift-new-run-filtered" onChange={() => setScope('filter')} /> The messages the inbox’s filter shows
            {filtered && total !== null ? ` (${total.toLocaleString()})` : filtered ? '' : ' (no filter set)'}
          </label>
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || (provider === 'openai' && !model.trim())} data-testid="drift-new-run-start">
            Start the run
          </button>
        </div>
      </form>
    </Dialog>
  );
}
