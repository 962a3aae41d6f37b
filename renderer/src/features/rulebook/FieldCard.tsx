// One field of the draft schema on the Fields tab, and the form that adds one. Each control proposes a
// SchemaChange; the editor previews it (its impact) before anything is saved.
import { useState, type KeyboardEvent } from 'react';
import type { EnumValue, FieldSpec, FieldType } from '../../api/contract';
import type { SchemaChange } from '../../../../shared/src/api/records.js';
import { Chip } from '../../components/Badge';
import type { Propose } from './SchemaEditor';

/** The rulebook format's field types (shared/src/rulebook/schema-def.ts), in the order a person picks them. */
export const FIELD_TYPES: readonly FieldType[] = ['string', 'enum', 'number', 'boolean', 'date', 'string_list'];
const TYPE_LABELS: Record<FieldType, string> = { string: 'text', enum: 'one of a list (enum)', number: 'number', boolean: 'true / false', date: 'date', string_list: 'list of texts' };

/** "a, b , c" as ["a", "b", "c"]; empty parts dropped. */
/** A field's type, chosen from the six the schema has, in words. */
function TypeSelect({ value, onChange, testId }: { value: FieldType; onChange: (t: FieldType) => void; testId: string }) {
  return (
    <label className="form-row">
      <span>Type</span>
      <select className="input" value={value} onChange={(e) => onChange(e.target.value as FieldType)} data-testid={testId}>
        {FIELD_TYPES.map((t) => (
          <option key={t} value={t}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function listOf(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

type Problem = { path: string; message: string };

export function Problems({ problems }: { problems: readonly Problem[] }) {
  if (!problems.length) return null;
  return (
    <ul className="field-errors schema-problems" role="alert" data-testid="schema-problems">
      {problems.map((p, i) => (
        <li key={i} data-testid="schema-problem" data-path={p.path}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

interface CardProps {
  field: FieldSpec;
  index: number;
  count: number;
  open: boolean;
  onToggle: () => void;
  problems: readonly Problem[];
  busy: boolean;
  propose: Propose;
}

export function FieldCard({ field, index, count, open, onToggle, problems, busy, propose }: CardProps) {
  const move = (to: number) => {
    if (to >= 0 && to < count && to !== index) void propose({ op: 'move_field', field: field.name, index: to });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget || !e.altKey) return;
    if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(index - 1);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      move(index + 1);
    }
  };
  return (
    <li
      className={`schema-field${problems.length ? ' has-error' : ''}`}
      data-testid="schema-field-card"
      data-field={field.name}
      tabIndex={0}
      aria-label={`Field ${field.name}, ${index + 1} of ${count} (Alt+Up or Alt+Down moves it)`}
      onKeyDown={onKeyDown}
    >
      <div className="schema-field-head">
        <code className="schema-field-name">{field.name}</code>
        <span className="field-type">
          {TYPE_LABELS[field.type]}
          {field.nullable ? ' · null allowed' : ''}
        </span>
        {field.aliases?.length ? (
          <span className="chips" title="Other keys that mean this field">
            {field.aliases.map((a) => (
              <Chip key={a} tone="muted">
                {a}
              </Chip>
            ))}
          </span>
        ) : null}
        <span className="row-actions schema-field-actions">
          <button type="button" className="button button-small" aria-label={`Move ${field.name} up`} data-testid="field-move-up" disabled={busy || index === 0} onClick={() => move(index - 1)}>
            ↑
          </button>
          <button type="button" className="button button-small" aria-label={`Move ${field.name} down`} data-testid="field-move-down" disabled={busy || index === count - 1} onClick={() => move(index + 1)}>
            ↓
          </button>
          <button type="button" className="button button-small" aria-expanded={open} data-testid="field-edit" onClick={onToggle}>
            {open ? 'Close' : 'Edit'}
          </button>
          <button type="button" className="button button-small button-danger" data-testid="field-remove" disabled={busy} onClick={() => void propose({ op: 'remove_field', field: field.name })}>
            Remove
          </button>
        </span>
      </div>
      {field.description ? <p className="muted schema-field-description">{field.description}</p> : null}
      {field.type === 'enum' && !open ? (
        <span className="chips">
          {(field.values ?? []).map((v) => (
            <Chip key={v.value} title={v.description}>
              {v.value}
            </Chip>
          ))}
        </span>
      ) : null}
      <Problems problems={problems} />
      {open ? <FieldForm field={field} busy={busy} propose={propose} /> : null}
    </li>
  );
}

function FieldForm({ field, busy, propose }: { field: FieldSpec; busy: boolean; propose: Propose }) {
  const [name, setName] = useState(field.name);
  const [type, setType] = useState<FieldType>(field.type);
  const [nullable, setNullable] = useState(field.nullable);
  const [description, setDescription] = useState(field.description ?? '');
  const [aliases, setAliases] = useState((field.aliases ?? []).join(', '));
  const [values, setValues] = useState('');

  const set: Extract<SchemaChange, { op: 'update_field' }>['set'] = {};
  if (type !== field.type) set.type = type;
  if (nullable !== field.nullable) set.nullable = nullable;
  if (description !== (field.description ?? '')) set.description = description.trim() ? description : null;
  if (JSON.stringify(listOf(aliases)) !== JSON.stringify(field.aliases ?? [])) set.aliases = listOf(aliases);
  if (type === 'enum' && field.type !== 'enum' && listOf(values).length) set.values = listOf(values).map((value) => ({ value }));
  const changed = Object.keys(set).length > 0;

  return (
    <div className="schema-field-form" data-testid="field-form">
      <form
        className="schema-form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() && name.trim() !== field.name) void propose({ op: 'rename_field', field: field.name, to: name.trim() });
        }}
      >
        <label className="form-row">
          <span>Name</span>
          <input className="input code-input" value={name} onChange={(e) => setName(e.target.value)} data-testid="field-rename-input" aria-label={`New name for ${field.name}`} />
        </label>
        <button type="submit" className="button" disabled={busy || !name.trim() || name.trim() === field.name} data-testid="field-rename">
          Rename…
        </button>
      </form>
      <form
        className="schema-form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (changed) void propose({ op: 'update_field', field: field.name, set });
        }}
      >
        <TypeSelect value={type} onChange={setType} testId="field-type" />
        <label className="checkbox">
          <input type="checkbox" checked={nullable} onChange={(e) => setNullable(e.target.checked)} data-testid="field-nullable" />
          null allowed (the message may not say)
        </label>
        {type === 'enum' && field.type !== 'enum' ? (
          <label className="form-row schema-wide">
            <span>Values, separated by commas (empty: the values its precedents and rules use)</span>
            <input className="input code-input" value={values} onChange={(e) => setValues(e.target.value)} data-testid="field-values" />
          </label>
        ) : null}
        <label className="form-row schema-wide">
          <span>Description (the model reads it)</span>
          <textarea className="input" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="field-description" />
        </label>
        <label className="form-row schema-wide">
          <span>Key aliases: other keys that mean this field, separated by commas</span>
          <input className="input code-input" value={aliases} onChange={(e) => setAliases(e.target.value)} data-testid="field-aliases" />
        </label>
        <div className="form-actions schema-wide">
          <button type="submit" className="button" disabled={busy || !changed} data-testid="field-update">
            Review the change…
          </button>
        </div>
      </form>
      {field.type === 'enum' ? <EnumValues field={field} busy={busy} propose={propose} /> : null}
    </div>
  );
}

function EnumValues({ field, busy, propose }: { field: FieldSpec; busy: boolean; propose: Propose }) {
  const [adding, setAdding] = useState('');
  const values = field.values ?? [];
  return (
    <section className="schema-values" aria-label={`Values of ${field.name}`}>
      <h3>Values</h3>
      <ul className="schema-value-list" data-testid="enum-values">
        {values.map((v) => (
          <EnumValueRow key={v.value} field={field} value={v} others={values.filter((x) => x.value !== v.value)} busy={busy} propose={propose} />
        ))}
      </ul>
      <form
        className="schema-form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (adding.trim()) void propose({ op: 'add_value', field: field.name, value: { value: adding.trim() } });
        }}
      >
        <label className="form-row">
          <span>New value</span>
          <input className="input code-input" value={adding} onChange={(e) => setAdding(e.target.value)} data-testid="value-add-input" />
        </label>
        <button type="submit" className="button" disabled={busy || !adding.trim()} data-testid="value-add">
          Add value…
        </button>
      </form>
    </section>
  );
}

function EnumValueRow({ field, value, others, busy, propose }: { field: FieldSpec; value: EnumValue; others: EnumValue[]; busy: boolean; propose: Propose }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(value.value);
  const [description, setDescription] = useState(value.description ?? '');
  const [aliases, setAliases] = useState((value.aliases ?? []).join(', '));
  const [into, setInto] = useState('');
  const set: { description?: string | null; aliases?: string[] } = {};
  if (description !== (value.description ?? '')) set.description = description.trim() ? description : null;
  if (JSON.stringify(listOf(aliases)) !== JSON.stringify(value.aliases ?? [])) set.aliases = listOf(aliases);
  return (
    <li className="schema-value" data-testid="enum-value" data-value={value.value}>
      <div className="schema-field-head">
        <Chip title={value.description}>{value.value}</Chip>
        {value.aliases?.length ? <span className="muted">also {value.aliases.join(', ')}</span> : null}
        <span className="row-actions schema-field-actions">
          <button type="button" className="button button-small" aria-expanded={open} data-testid="value-edit" onClick={() => setOpen(!open)}>
            {open ? 'Close' : 'Edit'}
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            data-testid="value-remove"
            disabled={busy}
            onClick={() => void propose({ op: 'remove_value', field: field.name, value: value.value })}
          >
            Remove
          </button>
        </span>
      </div>
      {open ? (
        <div className="schema-field-form">
          <form
            className="schema-form-row"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim() && name.trim() !== value.value) void propose({ op: 'rename_value', field: field.name, value: value.value, to: name.trim() });
            }}
          >
            <label className="form-row">
              <span>Rename to</span>
              <input className="input code-input" value={name} onChange={(e) => setName(e.target.value)} data-testid="value-rename-input" aria-label={`New name for ${value.value}`} />
            </label>
            <button type="submit" className="button" disabled={busy || !name.trim() || name.trim() === value.value} data-testid="value-rename">
              Rename…
            </button>
          </form>
          <form
            className="schema-form-grid"
            onSubmit={(e) => {
              e.preventDefault();
              if (Object.keys(set).length) void propose({ op: 'update_value', field: field.name, value: value.value, set });
            }}
          >
            <label className="form-row schema-wide">
              <span>Description</span>
              <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} data-testid="value-description" />
            </label>
            <label className="form-row schema-wide">
              <span>Aliases: other spellings that mean this value, separated by commas</span>
              <input className="input code-input" value={aliases} onChange={(e) => setAliases(e.target.value)} data-testid="value-aliases" />
            </label>
            <div className="form-actions schema-wide">
              <button type="submit" className="button" disabled={busy || !Object.keys(set).length} data-testid="value-update">
                Review the change…
              </button>
            </div>
          </form>
          {others.length ? (
            <form
              className="schema-form-row"
              onSubmit={(e) => {
                e.preventDefault();
                if (into) void propose({ op: 'merge_values', field: field.name, values: [value.value], into });
              }}
            >
              <label className="form-row">
                <span>Merge into (its precedents and rules take that value; its spellings become aliases)</span>
                <select className="input" value={into} onChange={(e) => setInto(e.target.value)} data-testid="value-merge-into">
                  <option value="">Choose a value…</option>
                  {others.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.value}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="button" disabled={busy || !into} data-testid="value-merge">
                Merge…
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function AddField({ count, problems, busy, propose }: { count: number; problems: readonly Problem[]; busy: boolean; propose: Propose }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [type, setType] = useState<FieldType>('string');
  const [nullable, setNullable] = useState(true);
  const [description, setDescription] = useState('');
  const [values, setValues] = useState('');
  const [position, setPosition] = useState(count);
  if (!open) {
    return (
      <div className="schema-add">
        <button type="button" className="button" data-testid="add-field" onClick={() => setOpen(true)}>
          Add a field
        </button>
        <Problems problems={problems} />
      </div>
    );
  }
  const spec: FieldSpec = {
    name: name.trim(),
    type,
    nullable,
    ...(description.trim() ? { description: description.trim() } : {}),
    ...(type === 'enum' ? { values: listOf(values).map((value) => ({ value })) } : {}),
  };
  return (
    <form
      className="schema-add schema-field"
      data-testid="add-field-form"
      onSubmit={(e) => {
        e.preventDefault();
        void propose({ op: 'add_field', field: spec, index: Math.min(position, count) }).then((ok) => {
          if (ok) setOpen(false);
        });
      }}
    >
      <h3>New field</h3>
      <div className="schema-form-grid">
        <label className="form-row">
          <span>Name (letters, digits and _)</span>
          <input className="input code-input" value={name} onChange={(e) => setName(e.target.value)} data-testid="new-field-name" autoFocus />
        </label>
        <TypeSelect value={type} onChange={setType} testId="new-field-type" />
        <label className="checkbox">
          <input type="checkbox" checked={nullable} onChange={(e) => setNullable(e.target.checked)} data-testid="new-field-nullable" />
          null allowed
        </label>
        <label className="form-row">
          <span>Position</span>
          <select className="input" value={Math.min(position, count)} onChange={(e) => setPosition(Number(e.target.value))} data-testid="new-field-position">
            {Array.from({ length: count + 1 }, (_, i) => (
              <option key={i} value={i}>
                {i === count ? 'last' : `${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        {type === 'enum' ? (
          <label className="form-row schema-wide">
            <span>Values, separated by commas</span>
            <input className="input code-input" value={values} onChange={(e) => setValues(e.target.value)} data-testid="new-field-values" />
          </label>
        ) : null}
        <label className="form-row schema-wide">
          <span>Description (the model reads it)</span>
          <textarea className="input" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="new-field-description" />
        </label>
      </div>
      <Problems problems={problems} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !name.trim()} data-testid="add-field-submit">
          Review the new field…
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
