// What an override sets: one row per field of the schema, a checkbox to include it and, when
// included, the field's own editor (enum values from the schema, toggles, numbers, text). Used by
// the promote dialog and by the editor of a saved rule.
import type { Extraction, ExtractionSchema, JsonValue } from '../../api/contract';
import { FieldEditor } from '../review/FieldEditor';
import { defaultValue } from './conditions';

interface Props {
  schema: ExtractionSchema | null;
  value: Extraction;
  /** The value a field starts from when ticked (the message's output); else the schema's first value. */
  base?: Extraction;
  /** Fields to mark (the ones the correction changed), with the words to mark them with. */
  notes?: Record<string, string>;
  onChange: (v: Extraction) => void;
}

export function SetEditor({ schema, value, base = {}, notes = {}, onChange }: Props) {
  const fields = schema?.fields ?? [];
  // A field the rule sets that the schema no longer has is still shown, so it can be taken out.
  const unknown = Object.keys(value).filter((name) => !fields.some((f) => f.name === name));
  return (
    <div className="set-editor" data-testid="set-editor">
      {[...fields.map((f) => ({ name: f.name, spec: f })), ...unknown.map((name) => ({ name, spec: undefined }))].map(({ name, spec }) => {
        const on = name in value;
        return (
          <div key={name} className="set-row" data-testid="set-row" data-field={name} data-on={String(on)}>
            <label className="checkbox">
              <input
                type="checkbox"
                data-testid={`set-field-${name}`}
                checked={on}
                onChange={(e) => {
                  const next = { ...value };
                  if (e.target.checked) next[name] = name in base ? (base[name] ?? null) : defaultValue(spec);
                  else delete next[name];
                  onChange(next);
                }}
              />{' '}
              <code>{name}</code>
            </label>
            {notes[name] ? <span className="muted set-note"> {notes[name]}</span> : null}
            {on ? <FieldEditor name={`set-${name}`} spec={spec} value={value[name]} onChange={(v: JsonValue) => onChange({ ...value, [name]: v })} /> : null}
          </div>
        );
      })}
    </div>
  );
}
