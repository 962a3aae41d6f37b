// Editing a saved rule: its rationale, whether it is on, and what it does (an override's condition
// through the condition builder and what it sets, fields and values; a guidance rule's instruction;
// an alias's spelling). Its impact is previewed as a new rule's is (previewRule, ImpactPreview), on
// opening and again shortly after each edit.
import { useMemo, useState } from 'react';
import type { Condition, Extraction, ExtractionSchema, Rule } from '../../api/contract';
import { useRules, useStores } from '../../stores';
import { ConditionBuilder } from './ConditionBuilder';
import { ImpactPreview } from './ImpactPreview';
import { SetEditor } from './SetEditor';
import { useImpactPreview } from './useImpactPreview';

export function RuleEditor({ rule, schema, onDone }: { rule: Rule; schema: ExtractionSchema | null; onDone: () => void }) {
  const { rules, inbox, navigation } = useStores();
  const saveError = useRules((s) => s.saveError);
  const [rationale, setRationale] = useState(rule.rationale);
  const [enabled, setEnabled] = useState(rule.enabled);
  const [when, setWhen] = useState<Condition | null>(rule.kind === 'override' ? rule.when : null);
  const [instruction, setInstruction] = useState(rule.kind === 'guidance' ? rule.instruction : '');
  const [set, setSet] = useState<Extraction>(rule.kind === 'override' ? rule.set : {});
  const [from, setFrom] = useState(rule.kind === 'alias' ? rule.from : '');
  const [saving, setSaving] = useState(false);

  const edited: Rule = useMemo(() => {
    const base = { ...rule, rationale: rationale.trim(), enabled };
    if (base.kind === 'override' && when) return { ...base, when, set };
    if (base.kind === 'guidance') return { ...base, instruction: instruction.trim() };
    if (base.kind === 'alias') return { ...base, from: from.trim() };
    return base;
  }, [rule, rationale, enabled, when, set, instruction, from]);
  const impact = useImpactPreview(edited, { auto: 'always' });

  return (
    <form
      className="rule-editor"
      data-testid="rule-editor"
      aria-label={`Edit ${rule.id}`}
      onSubmit={async (e) => {
        e.preventDefault();
        setSaving(true);
        const ok = await rules.getState().save(edited);
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
      {rule.kind === 'override' ? (
        <div className="form-row">
          <span>Set</span>
          <SetEditor schema={schema} value={set} base={rule.set} onChange={setSet} />
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
      <div className="rule-editor-impact" data-testid="rule-editor-impact" data-state={impact.previewed ? 'current' : impact.previewing ? 'previewing' : 'stale'}>
        {impact.impact ? (
          <ImpactPreview
            impact={impact.impact.impact}
            onOpen={(messageId) => {
              navigation.getState().go('inbox');
              inbox.getState().select(messageId);
            }}
          />
        ) : null}
        {!impact.previewed ? <p className="muted">{impact.previewing || !impact.failure ? 'Previewing the change…' : 'The rule as edited cannot be previewed.'}</p> : null}
        {impact.failure && !impact.previewing ? (
          <p className="field-error" role="alert" data-testid="rule-impact-error">
            {impact.failure.issues?.length ? impact.failure.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : impact.failure.message}
          </p>
        ) : null}
      </div>
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
