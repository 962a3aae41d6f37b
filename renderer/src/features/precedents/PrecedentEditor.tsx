// Editing a precedent: its output through the extraction form, its rationale and its tags.
import { useState } from 'react';
import type { Extraction, ExtractionSchema, PrecedentRecord } from '../../api/contract';
import { usePrecedents, useStores } from '../../stores';
import { ExtractionForm } from '../review/ExtractionForm';

export function PrecedentEditor({ precedent, schema, onDone }: { precedent: PrecedentRecord; schema: ExtractionSchema | null; onDone: () => void }) {
  const { precedents } = useStores();
  const saveError = usePrecedents((s) => s.saveError);
  const [output, setOutput] = useState<Extraction>(precedent.output);
  const [rationale, setRationale] = useState(precedent.rationale ?? '');
  const [tags, setTags] = useState((precedent.tags ?? []).join(', '));
  const [saving, setSaving] = useState(false);
  const issues = saveError?.code === 'bad_request' ? saveError.issues : undefined;
  return (
    <form
      className="precedent-editor"
      data-testid="precedent-editor"
      aria-label={`Edit ${precedent.id}`}
      onSubmit={async (e) => {
        e.preventDefault();
        setSaving(true);
        const ok = await precedents.getState().update({
          id: precedent.id,
          output,
          rationale: rationale.trim(),
          tags: tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        });
        setSaving(false);
        if (ok) onDone();
      }}
    >
      <ExtractionForm schema={schema} value={output} original={precedent.output} issues={issues} onChange={setOutput} label="Precedent output" />
      <label className="form-row">
        <span>Rationale</span>
        <textarea className="input" rows={2} value={rationale} data-testid="precedent-rationale" onChange={(e) => setRationale(e.target.value)} />
      </label>
      <label className="form-row">
        <span>Tags (comma-separated)</span>
        <input className="input" value={tags} data-testid="precedent-tags" onChange={(e) => setTags(e.target.value)} />
      </label>
      {saveError && !issues?.length ? (
        <p className="field-error" role="alert">
          {saveError.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving} data-testid="precedent-save">
          Save
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
