// The control that edits one field, by its type: enum picker, toggle, number, date, text, string list;
// a field outside the schema is edited as JSON.
import { useState } from 'react';
import type { FieldSpec, JsonValue } from '../../api/contract';
import { EnumPicker } from './EnumPicker';

interface Props {
  name: string;
  spec?: FieldSpec;
  value: JsonValue | undefined;
  onChange: (v: JsonValue) => void;
}

export function FieldEditor({ name, spec, value, onChange }: Props) {
  const id = `field-input-${name}`;
  switch (spec?.type) {
    case 'enum':
      return <EnumPicker name={name} spec={spec} value={value} onChange={onChange} />;
    case 'boolean':
      return (
        <button
          type="button"
          role="switch"
          aria-checked={value === true}
          aria-label={name}
          className={`toggle${value === true ? ' is-on' : ''}`}
          data-testid={`field-toggle-${name}`}
          data-field-focus=""
          onClick={() => onChange(value !== true)}
        >
          {value === null || value === undefined ? 'null' : value === true ? 'true' : 'false'}
        </button>
      );
    case 'number':
      return (
        <input
          className="input"
          type="number"
          aria-label={name}
          data-testid={id}
          data-field-focus=""
          value={typeof value === 'number' ? value : ''}
          placeholder={value === null ? 'null' : ''}
          onChange={(e) => onChange(Number.isNaN(e.target.valueAsNumber) ? null : e.target.valueAsNumber)}
        />
      );
    case 'string_list':
      return <ListEditor name={name} value={value} onChange={onChange} />;
    case 'string':
    case 'date':
      return (
        <input
          className="input"
          type="text"
          aria-label={name}
          data-testid={id}
          data-field-focus=""
          value={typeof value === 'string' ? value : ''}
          placeholder={spec.type === 'date' ? (value === null ? 'null (YYYY-MM-DD)' : 'YYYY-MM-DD') : value === null ? 'null' : ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    default:
      return <JsonEditor name={name} value={value} onChange={onChange} />;
  }
}

function ListEditor({ name, value, onChange }: { name: string; value: JsonValue | undefined; onChange: (v: JsonValue) => void }) {
  const items = Array.isArray(value) ? value : [];
  const [draft, setDraft] = useState('');
  const add = () => {
    const v = draft.trim();
    if (!v) return;
    onChange([...items, v]);
    setDraft('');
  };
  return (
    <div className="list-editor">
      {items.map((item, i) => (
        <span key={i} className="chip">
          {typeof item === 'string' ? item : JSON.stringify(item)}{' '}
          <button type="button" className="chip-remove" aria-label={`Remove ${String(item)}`} data-testid={`list-remove-${name}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>
            ×
          </button>
        </span>
      ))}
      <input
        className="input"
        aria-label={`Add to ${name}`}
        placeholder="Add, then Enter"
        data-testid={`field-input-${name}`}
        data-field-focus=""
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
        onBlur={add}
      />
    </div>
  );
}

function JsonEditor({ name, value, onChange }: { name: string; value: JsonValue | undefined; onChange: (v: JsonValue) => void }) {
  const shown = value === undefined ? '' : JSON.stringify(value);
  const [text, setText] = useState(shown);
  const [bad, setBad] = useState(false);
  return (
    <>
      <input
        className="input code-input"
        aria-label={`${name} (JSON)`}
        data-testid={`field-input-${name}`}
        data-field-focus=""
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          try {
            onChange(JSON.parse(text) as JsonValue);
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad ? <span className="field-error">Not valid JSON</span> : null}
    </>
  );
}
