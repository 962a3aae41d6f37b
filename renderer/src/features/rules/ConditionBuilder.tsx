// Builds an override's condition: phrases (any or all, case-sensitive or not), a regular expression,
// a field's value, and groups combining them with all/any to any depth. Shows whether the condition
// holds for the message it starts from.
import { useState } from 'react';
import type { Condition, ExtractionSchema, Extraction, JsonValue } from '../../api/contract';
import { matchCondition } from '../../../../shared/src/rules/conditions.js';
import { rulePatternProblem } from '../../../../shared/src/rules/pattern.js';
import { convert, defaultValue, KIND_LABELS, newCondition, type ConditionKind } from './conditions';

interface Props {
  value: Condition;
  onChange: (next: Condition) => void;
  schema: ExtractionSchema | null;
  /** Phrases from the message, offered to add with one click. */
  suggestions?: readonly string[];
  /** A word on a suggestion (shown as its tooltip): how many messages hold it. */
  suggestionNotes?: Readonly<Record<string, string>>;
  /** The message the rule is made from: the builder says whether the condition holds for it. */
  sample?: { text: string; output: Extraction };
}

export function ConditionBuilder({ value, onChange, schema, suggestions = [], suggestionNotes = {}, sample }: Props) {
  const holds = sample ? safeMatch(value, sample) : null;
  return (
    <div className="condition-builder" data-testid="condition-builder">
      <ConditionNode value={value} onChange={onChange} schema={schema} suggestions={suggestions} notes={suggestionNotes} depth={0} />
      <div className="condition-footer">
        <span className="muted">Combine with:</span>
        <button type="button" className="button button-small" data-testid="condition-wrap-all" onClick={() => onChange({ kind: 'all', conditions: [value, newCondition('contains_any', schema)] })}>
          + and (all)
        </button>
        <button type="button" className="button button-small" data-testid="condition-wrap-any" onClick={() => onChange({ kind: 'any', conditions: [value, newCondition('contains_any', schema)] })}>
          + or (any)
        </button>
        {holds !== null ? (
          <span className={holds ? 'condition-holds' : 'muted'} data-testid="condition-holds" data-holds={String(holds)}>
            {holds ? 'Holds for this message' : 'Does not hold for this message'}
          </span>
        ) : null}
      </div>
    </div>
  );
}

function safeMatch(c: Condition, sample: { text: string; output: Extraction }): boolean | null {
  try {
    return matchCondition(c, sample.text, sample.output).matched;
  } catch {
    return null;
  }
}

interface NodeProps {
  value: Condition;
  onChange: (next: Condition) => void;
  onRemove?: () => void;
  schema: ExtractionSchema | null;
  suggestions: readonly string[];
  notes: Readonly<Record<string, string>>;
  depth: number;
}

function ConditionNode({ value, onChange, onRemove, schema, suggestions, notes, depth }: NodeProps) {
  return (
    <div className={`condition-node depth-${Math.min(depth, 3)}`} data-testid="condition-node" data-kind={value.kind}>
      <div className="condition-head">
        <select
          className="input"
          aria-label="Condition kind"
          data-testid="condition-kind"
          value={value.kind}
          onChange={(e) => onChange(convert(value, e.target.value as ConditionKind, schema))}
        >
          {(Object.keys(KIND_LABELS) as ConditionKind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
        {onRemove ? (
          <button type="button" className="button button-quiet button-small" aria-label="Remove this condition" data-testid="condition-remove" onClick={onRemove}>
            ×
          </button>
        ) : null}
      </div>
      {value.kind === 'contains_any' || value.kind === 'contains_all' ? <Phrases value={value} onChange={onChange} suggestions={suggestions} notes={notes} /> : null}
      {value.kind === 'regex' ? <Regex value={value} onChange={onChange} /> : null}
      {value.kind === 'field_equals' ? <FieldEquals value={value} onChange={onChange} schema={schema} /> : null}
      {value.kind === 'all' || value.kind === 'any' ? (
        <div className="condition-children">
          {value.conditions.map((child, i) => (
            <ConditionNode
              key={i}
              value={child}
              depth={depth + 1}
              schema={schema}
              suggestions={suggestions}
              notes={notes}
              onChange={(next) => onChange({ ...value, conditions: value.conditions.map((c, j) => (j === i ? next : c)) })}
              onRemove={value.conditions.length > 1 ? () => onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) }) : undefined}
            />
          ))}
          <div className="condition-add">
            <span className="muted">Add:</span>
            {(
              [
                ['contains_any', 'phrases', 'condition-add-phrases'],
                ['regex', 'regular expression', 'condition-add-regex'],
                ['field_equals', 'field value', 'condition-add-field'],
                ['any', 'group', 'condition-add-group'],
              ] as const
            ).map(([kind, label, testId]) => (
              <button key={kind} type="button" className="button button-small" data-testid={testId} onClick={() => onChange({ ...value, conditions: [...value.conditions, newCondition(kind, schema)] })}>
                + {label}
              </button>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}

type PhrasesCondition = Extract<Condition, { kind: 'contains_any' | 'contains_all' }>;

function Phrases({ value, onChange, suggestions, notes }: { value: PhrasesCondition; onChange: (c: Condition) => void; suggestions: readonly string[]; notes: Readonly<Record<string, string>> }) {
  const [draft, setDraft] = useState('');
  const add = (phrase: string) => {
    const p = phrase.trim();
    if (!p || value.phrases.includes(p)) return;
    onChange({ ...value, phrases: [...value.phrases, p] });
    setDraft('');
  };
  const offered = suggestions.filter((s) => !value.phrases.includes(s));
  return (
    <div className="condition-body">
      <div className="chips">
        {value.phrases.map((p, i) => (
          <span key={p} className="chip" data-testid="phrase-chip">
            {p}{' '}
            <button type="button" className="chip-remove" aria-label={`Remove “${p}”`} data-testid="phrase-remove" onClick={() => onChange({ ...value, phrases: value.phrases.filter((_, j) => j !== i) })}>
              ×
            </button>
          </span>
        ))}
        {value.phrases.length === 0 ? <span className="field-error">Add at least one phrase.</span> : null}
      </div>
      <div className="condition-row">
        <input
          className="input"
          aria-label="Phrase"
          placeholder="A phrase, then Enter"
          data-testid="phrase-input"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(draft);
            }
          }}
        />
        <button type="button" className="button button-small" data-testid="phrase-add" onClick={() => add(draft)}>
          Add
        </button>
        <label className="checkbox">
          <input type="checkbox" data-testid="phrase-case" checked={value.caseSensitive === true} onChange={(e) => onChange(withCase(value, e.target.checked))} /> case-sensitive
        </label>
      </div>
      {offered.length > 0 ? (
        <div className="chips suggestions">
          <span className="muted">From the message:</span>
          {offered.map((s) => (
            <button key={s} type="button" className="chip chip-button" data-testid="phrase-suggestion" title={notes[s]} onClick={() => add(s)}>
              + {s}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function withCase(value: PhrasesCondition, caseSensitive: boolean): PhrasesCondition {
  const { caseSensitive: _drop, ...rest } = value;
  return caseSensitive ? { ...rest, caseSensitive: true } : rest;
}

function Regex({ value, onChange }: { value: Extract<Condition, { kind: 'regex' }>; onChange: (c: Condition) => void }) {
  const flags = value.flags ?? '';
  // The runtime's own check: what is refused here is refused in every rulebook, for the same reason.
  const problem = value.pattern ? rulePatternProblem(value.pattern, flags) : 'Write a pattern.';
  const toggle = (flag: string, on: boolean) => {
    const next = [...new Set((on ? flags + flag : flags.replace(flag, '')).split(''))].sort().join('');
    const { flags: _drop, ...rest } = value;
    onChange(next ? { ...rest, flags: next } : rest);
  };
  return (
    <div className="condition-body">
      <div className="condition-row">
        <code>/</code>
        <input className="input code-input" aria-label="Regular expression" data-testid="regex-pattern" value={value.pattern} onChange={(e) => onChange({ ...value, pattern: e.target.value })} />
        <code>/{flags}</code>
        {(['i', 'm', 's'] as const).map((f) => (
          <label key={f} className="checkbox" title={{ i: 'ignore case', m: 'multi-line', s: 'dot matches newlines' }[f]}>
            <input type="checkbox" data-testid={`regex-flag-${f}`} checked={flags.includes(f)} onChange={(e) => toggle(f, e.target.checked)} /> {f}
          </label>
        ))}
      </div>
      {problem ? (
        <span className="field-error" data-testid="regex-error">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

function FieldEquals({ value, onChange, schema }: { value: Extract<Condition, { kind: 'field_equals' }>; onChange: (c: Condition) => void; schema: ExtractionSchema | null }) {
  const fields = schema?.fields ?? [];
  const spec = fields.find((f) => f.name === value.field);
  const set = (v: JsonValue) => onChange({ ...value, value: v });
  let editor;
  if (spec?.type === 'enum' || spec?.type === 'boolean') {
    const options: { key: string; label: string; value: JsonValue }[] =
      spec.type === 'enum' ? (spec.values ?? []).map((v) => ({ key: v.value, label: v.value, value: v.value })) : [{ key: 'true', label: 'true', value: true }, { key: 'false', label: 'false', value: false }];
    if (spec.nullable) options.push({ key: '\u0000null', label: 'null', value: null });
    editor = (
      <select className="input" aria-label="Value" data-testid="field-equals-value" value={value.value === null ? '\u0000null' : String(value.value)} onChange={(e) => set(options.find((o) => o.key === e.target.value)?.value ?? null)}>
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (spec?.type === 'number') {
    editor = <input className="input" type="number" aria-label="Value" data-testid="field-equals-value" value={typeof value.value === 'number' ? value.value : ''} onChange={(e) => set(Number.isNaN(e.target.valueAsNumber) ? null : e.target.valueAsNumber)} />;
  } else {
    editor = <input className="input" aria-label="Value" data-testid="field-equals-value" value={typeof value.value === 'string' ? value.value : JSON.stringify(value.value)} onChange={(e) => set(e.target.value)} />;
  }
  return (
    <div className="condition-body condition-row">
      <select
        className="input"
        aria-label="Field"
        data-testid="field-equals-field"
        value={value.field}
        onChange={(e) => onChange({ kind: 'field_equals', field: e.target.value, value: defaultValue(fields.find((f) => f.name === e.target.value)) })}
      >
        {spec ? null : <option value={value.field}>{value.field}</option>}
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {f.name}
          </option>
        ))}
      </select>
      <span>is</span>
      {editor}
    </div>
  );
}
