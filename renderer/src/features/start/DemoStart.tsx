// Exploring the demo: the demo's messages, rulebook, rules and precedents, extracted by the embedded
// provider as the workspace is made (a few seconds), then the inbox.
import { useState } from 'react';
import { Loading } from '../../components/States';
import { StartFailure } from './StartFailure';
import { useCreateWorkspace } from './useCreateWorkspace';
import { WorkspacePlace, type Place } from './WorkspacePlace';

export function DemoStart({ folder, onCancel }: { folder: string; onCancel: () => void }) {
  const [place, setPlace] = useState<Place>({ name: 'Demo', path: '' });
  const { busy, failure, create } = useCreateWorkspace();
  return (
    <form
      className="start-step"
      data-testid="start-demo-step"
      onSubmit={(e) => {
        e.preventDefault();
        if (place.name.trim()) void create({ name: place.name.trim(), start: { kind: 'demo' }, path: place.path }, 'inbox');
      }}
    >
      <p className="muted">140 support messages to a point-of-sale company, with a rulebook of nine fields, rules and precedents already taught. No key and no network needed.</p>
      <WorkspacePlace value={place} onChange={setPlace} folder={folder} failure={failure} disabled={busy} />
      <StartFailure failure={failure} />
      {busy ? <Loading label="Making the demo: its 140 messages are stored and extracted (a few seconds)…" /> : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !place.name.trim()} data-testid="start-create">
          Make the demo workspace
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel} disabled={busy}>
          Back
        </button>
      </div>
    </form>
  );
}
