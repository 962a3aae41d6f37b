// Editing a saved rule: its rationale, whether it is on, and what it does (an override's condition
// through the condition builder, a guidance rule's instruction, an alias's spelling).
import { useState } from 'react';
import type { Condition, ExtractionSchema, Rule } from '../../api/contract';
import { useRules, useStores } from '../../stores';
import { ConditionBuilder } from './ConditionBuilder';

export function RuleEditor({ rule, schema, onDone }: { rule: Rule; schema: ExtractionSchema | null; onDone: () => void }) {
  const { rules } = useStores();
  const saveError = useRules((s) => s.saveError);
  const [rationale, setRationale] = useState(rule.rationale);
  const [enabled, setEnabled] = useState(rule.enabled);
  const [when, setWhen] = useState<Condition | null>(rule.kind === 'override' ? rule.when : null);
  const [instruction, setInstruction] = useState(rule.kind === 'guidance' ? rule.instruction : '');
  const [from, setFrom] = useState(rule.kind === 'alias' ? rule.from : '');
  const [saving, setSaving] = useState(false);

  function edited(): Rule {
    const base = { ...rule, rationale: rationale.trim(), enabled };
    if (base.kind === 'override' && when) return { ...base, when };
    if (base.kind === 'guidance') return { ...base, instruction: instruction.trim() };
    if (base.kind === 'alias') return { ...base, from: from.trim() };
    return base;
  }

  return (
    <form
      className="rule-editor"
      data-testid="rule-editor"
      aria-label={`Edit ${rule.id}`}
      onSubmit={async (e) => {
        e.preventDefault();
        setSaving(true);
        const ok = await rules.getState().save(edited());
        setSaving(false);
        if (ok) onDone();
      }}
    >
      {rule.kind === 'override' && when ? (
        <div className="form-row">
          <span>When</span>
          <ConditionBuilder value={when} onChange={setWhen} schema={schema} />
        </div>
      ) : null}
      {rule.kind === 'guidance' ? (
        <label className="form-row">
          <span>Instruction</span>
          <textarea className="input" rows={2} value={instruction} data-testid="rule-instruction-input" onChange={(e) => setInstruction(e.target.value)} />
        </label>
      ) : null}
      {rule.kind === 'alias' ? (
        <label className="form-row">
          <span>{rule.target === 'key' ? 'The other name' : 'The other spelling'}</span>
          <input className="input" value={from} data-testid="rule-alias-from-input" onChange={(e) => setFrom(e.target.value)} />
        </label>
      ) : null}
      <label className="form-row">
        <span>Rationale</span>
        <textarea className="input" rows={2} value={rationale} data-testid="rule-rationale-input" onChange={(e) => setRationale(e.target.value)} />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={enabled} data-testid="rule-enabled-input" onChange={(e) => setEnabled(e.target.checked)} /> Enabled
      </label>
      {saveError ? (
        <p className="field-error" role="alert">
          {saveError.issues?.length ? saveError.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : saveError.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving} data-testid="rule-save">
          Save
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
