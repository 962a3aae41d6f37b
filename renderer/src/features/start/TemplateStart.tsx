// Starting from a template ("support triage", "empty"): pick one, see its fields, name the
// workspace. The new workspace opens on the Rulebook screen, where its fields are.
import { useId, useState } from 'react';
import type { WorkspaceState } from '../../../../shared/src/api/records.js';
import { Loading } from '../../components/States';
import { useCreateWorkspace } from './useCreateWorkspace';
import { WorkspacePlace, type Place } from './WorkspacePlace';
import { StartFailure } from './StartFailure';

type Template = WorkspaceState['templates'][number];

export function TemplateStart({ templates, folder, onCancel }: { templates: Template[]; folder: string; onCancel: () => void }) {
  const id = useId();
  const [chosen, setChosen] = useState<Template | null>(templates[0] ?? null);
  const [place, setPlace] = useState<Place>({ name: templates[0]?.name ?? '', path: '' });
  const [named, setNamed] = useState(false);
  const { busy, failure, create } = useCreateWorkspace();

  const choose = (t: Template) => {
    setChosen(t);
    // The name follows the template until the person types one.
    if (!named) setPlace((p) => ({ ...p, name: t.name }));
  };

  return (
    <form
      className="start-step"
      data-testid="start-template-step"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen && place.name.trim()) void create({ name: place.name.trim(), start: { kind: 'template', template: chosen.id }, path: place.path }, 'rulebook');
      }}
    >
      <fieldset className="start-templates" disabled={busy}>
        <legend>Template</legend>
        {templates.map((t) => (
          <label key={t.id} className={`start-template${chosen?.id === t.id ? ' is-chosen' : ''}`} data-testid={`template-${t.id}`}>
            <input type="radio" name={`${id}-template`} value={t.id} checked={chosen?.id === t.id} onChange={() => choose(t)} />
            <span className="start-template-text">
              <strong>{t.name}</strong>
              <span className="muted">{t.description}</span>
              {/* The empty template's description says it has none. */}
              {t.fields.length ? (
                <span className="start-fields" aria-label="Fields">
                  {t.fields.map((f) => (
                    <code key={f} className="chip">
                      {f}
                    </code>
                  ))}
                </span>
              ) : null}
            </span>
          </label>
        ))}
      </fieldset>
      <WorkspacePlace
        value={place}
        folder={folder}
        failure={failure}
        disabled={busy}
        onChange={(next) => {
          if (next.name !== place.name) setNamed(true);
          setPlace(next);
        }}
      />
      <StartFailure failure={failure} />
      {busy ? <Loading label={`Making “${place.name.trim()}”…`} /> : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !chosen || !place.name.trim()} data-testid="start-create">
          Make the workspace
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel} disabled={busy}>
          Back
        </button>
      </div>
    </form>
  );
}
