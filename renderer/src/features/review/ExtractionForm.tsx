// The extraction as a form, one row per field in schema order: the value as shown (the row's <dd>,
// which end-to-end tests read) and beside it the control that edits it. Nullable fields can be cleared
// to null; an edited field shows what it was; errors from validation or from the API sit on their field.
import { useImperativeHandle, useRef, type Ref } from 'react';
import type { Extraction, ExtractionSchema, FieldSpec, JsonValue } from '../../api/contract';
import { editTarget } from './editFocus';
import { FieldEditor } from './FieldEditor';
import { FieldValue } from './FieldValue';
import { fieldOfPath } from './issues';

export interface ExtractionFormHandle {
  /** Moves focus to the first field. */
  focusFirst(): void;
  /** Moves focus to the field Edit (`e`) starts at (editFocus.ts): the last edited, else the first choice field. Returns its name. */
  focusForEdit(lastEdited: string | null): string | null;
}

export interface Problem {
  path: string;
  message: string;
}

interface Props {
  schema: ExtractionSchema | null;
  value: Extraction;
  /** The output before editing: changed fields are marked and show their old value. */
  original?: Extraction | null;
  /** Validation errors of the stored output (`/field`). */
  errors?: readonly Problem[];
  /** What the API refused (`output.field`), shown on the field. */
  issues?: readonly Problem[];
  onChange: (next: Extraction) => void;
  ref?: Ref<ExtractionFormHandle>;
  label?: string;
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

export function ExtractionForm({ schema, value, original, errors = [], issues = [], onChange, ref, label = 'Extraction fields' }: Props) {
  const root = useRef<HTMLDivElement>(null);
  const specs = schema?.fields ?? [];
  const known = new Set(specs.map((f) => f.name));
  const extra = Object.keys(value).filter((k) => !known.has(k));
  useImperativeHandle(ref, () => ({
    focusFirst: () => root.current?.querySelector<HTMLElement>('[data-field-focus]')?.focus(),
    focusForEdit(lastEdited) {
      const name = editTarget([...specs.map((f) => ({ name: f.name, type: f.type })), ...extra.map((name) => ({ name }))], lastEdited);
      const row = [...(root.current?.querySelectorAll<HTMLElement>('[data-field-name]') ?? [])].find((el) => el.dataset.fieldName === name);
      const control = row?.querySelector<HTMLElement>('[data-field-focus]');
      if (!control) return null;
      control.focus();
      return name;
    },
  }));
  const shown = new Set([...known, ...extra]);
  const all = [...errors, ...issues];
  const general = all.filter((e) => !shown.has(fieldOfPath(e.path) ?? ''));
  const set = (name: string, v: JsonValue) => onChange({ ...value, [name]: v });

  return (
    <div ref={root} className="extraction-form" role="group" aria-label={label} data-testid="extraction-form">
      {general.length > 0 ? (
        <ul className="field-errors" role="alert" data-testid="form-errors">
          {general.map((e, i) => (
            <li key={i}>
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="fields">
        {specs.map((spec) => (
          <FieldRow
            key={spec.name}
            name={spec.name}
            spec={spec}
            value={value[spec.name]}
            original={original ? original[spec.name] : undefined}
            edited={!!original && !same(original[spec.name], value[spec.name])}
            errors={errors.filter((e) => fieldOfPath(e.path) === spec.name).map((e) => e.message)}
            issues={issues.filter((e) => fieldOfPath(e.path) === spec.name).map((e) => e.message)}
            onChange={(v) => set(spec.name, v)}
          />
        ))}
        {extra.map((name) => (
          <FieldRow
            key={name}
            name={name}
            value={value[name]}
            original={original ? original[name] : undefined}
            edited={!!original && !same(original[name], value[name])}
            errors={errors.filter((e) => fieldOfPath(e.path) === name).map((e) => e.message)}
            issues={issues.filter((e) => fieldOfPath(e.path) === name).map((e) => e.message)}
            onChange={(v) => set(name, v)}
          />
        ))}
      </dl>
    </div>
  );
}

interface RowProps {
  name: string;
  spec?: FieldSpec;
  value: JsonValue | undefined;
  original: JsonValue | undefined;
  edited: boolean;
  errors: string[];
  issues: string[];
  onChange: (v: JsonValue) => void;
}

function FieldRow({ name, spec, value, original, edited, errors, issues, onChange }: RowProps) {
  const nullable = spec ? spec.nullable : true;
  return (
    <div className={`field${errors.length || issues.length ? ' has-error' : ''}${edited ? ' is-edited' : ''}`} data-testid={`extraction-field-${name}`} data-field-name={name}>
      <dt title={spec?.description}>
        {name}
        {spec ? (
          <span className="field-type">
            {spec.type}
            {spec.nullable ? ' · nullable' : ''}
          </span>
        ) : (
          <span className="field-type field-type-extra">not in schema</span>
        )}
      </dt>
      <dd>
        <FieldValue value={value} spec={spec} />
        {errors.map((message, i) => (
          <div key={i} className="field-error">
            {message}
          </div>
        ))}
      </dd>
      <div className="field-editor">
        <FieldEditor name={name} spec={spec} value={value} onChange={onChange} />
        {nullable && value !== null ? (
          <button type="button" className="button button-quiet button-small" data-testid={`field-clear-${name}`} onClick={() => onChange(null)} title="Set to null">
            Clear to null
          </button>
        ) : null}
        {edited ? (
          <span className="field-was" data-testid={`field-was-${name}`}>
            was <FieldValue value={original} spec={spec} />
          </span>
        ) : null}
        {issues.map((message, i) => (
          <div key={i} className="field-error" role="alert" data-testid={`field-issue-${name}`}>
            {message}
          </div>
        ))}
      </div>
    </div>
  );
}
