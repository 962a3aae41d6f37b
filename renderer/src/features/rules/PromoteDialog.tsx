// Promote to rule: from a correction (or an extraction as it is) make a guidance rule, an override
// with a condition pre-filled from the message, or an alias. Before saving, the impact preview lists
// the messages whose output would change; the saved rule keeps its provenance (the correction's
// precedent, the author, the time).
import { useMemo, useState } from 'react';
import type { Condition, Extraction, ExtractionSchema, JsonValue, Rule, RuleImpact } from '../../api/contract';
import { toFailure } from '../../api/errors';
import type { ApiFailure } from '../../api/contract';
import { Dialog } from '../../components/Dialog';
import { useRulebook, useRules, useStores } from '../../stores';
import type { PromoteSource } from '../../stores/review';
import { FieldEditor } from '../review/FieldEditor';
import { messageRuleText } from '../review/ruleText';
import { currentAuthor, newRuleId } from './author';
import { ConditionBuilder } from './ConditionBuilder';
import { initialCondition, suggestPhrases } from './conditions';
import { ImpactPreview } from './ImpactPreview';

type Kind = 'guidance' | 'override' | 'alias';
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Fields the correction changed (all of the output's fields when promoting an extraction as it is). */
function changedFields(source: PromoteSource): string[] {
  if (!source.before) return [];
  const before = source.before;
  return Object.keys(source.output).filter((f) => !same(before[f], source.output[f]));
}

export function PromoteDialog({ source, onClose }: { source: PromoteSource; onClose: () => void }) {
  const { api, rules, runs, toasts, inbox } = useStores();
  const schema = useRulebook((s) => s.rulebook?.schema ?? null);
  const saveError = useRules((s) => s.saveError);
  const changed = useMemo(() => changedFields(source), [source]);
  const suggestions = useMemo(() => suggestPhrases(source.message), [source.message]);
  const [createdAt] = useState(() => new Date().toISOString());
  const [id] = useState(() => newRuleId(changed[0] ? `${changed[0]}-${String(source.output[changed[0]])}` : 'promoted'));

  const [kind, setKind] = useState<Kind>('override');
  const [rationale, setRationale] = useState(source.precedent?.rationale ?? '');
  const [instruction, setInstruction] = useState(source.precedent?.rationale ?? '');
  const [guidanceFields, setGuidanceFields] = useState<string[]>(changed);
  const [condition, setCondition] = useState<Condition>(() => initialCondition(source.selection, suggestions));
  const [setValues, setSetValues] = useState<Extraction>(() => Object.fromEntries(changed.map((f) => [f, source.output[f] ?? null])));
  const firstChanged = changed[0] ?? schema?.fields.find((f) => f.type === 'enum')?.name ?? '';
  const [aliasTarget, setAliasTarget] = useState<'key' | 'value'>('value');
  const [aliasField, setAliasField] = useState(firstChanged);
  const [aliasFrom, setAliasFrom] = useState(() => {
    const v = source.before?.[firstChanged];
    return typeof v === 'string' ? v : '';
  });
  const [aliasTo, setAliasTo] = useState(() => {
    const v = source.output[firstChanged];
    return typeof v === 'string' ? v : '';
  });

  const [impact, setImpact] = useState<{ key: string; impact: RuleImpact } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  const rule: Rule = useMemo(() => {
    const base = {
      id,
      rationale: rationale.trim(),
      enabled: true,
      provenance: { precedentIds: source.precedent ? [source.precedent.id] : [], author: currentAuthor(), createdAt },
    };
    if (kind === 'guidance') return { ...base, kind, fields: guidanceFields, instruction: instruction.trim() };
    if (kind === 'override') return { ...base, kind, when: condition, set: setValues };
    return aliasTarget === 'key'
      ? { ...base, kind: 'alias', target: 'key', field: aliasField, from: aliasFrom.trim() }
      : { ...base, kind: 'alias', target: 'value', field: aliasField, from: aliasFrom.trim(), to: aliasTo.trim() };
  }, [id, rationale, source.precedent, createdAt, kind, guidanceFields, instruction, condition, setValues, aliasTarget, aliasField, aliasFrom, aliasTo]);
  const key = JSON.stringify(rule);
  const previewed = impact?.key === key;

  async function preview() {
    setPreviewing(true);
    setFailure(null);
    try {
      setImpact({ key, impact: await api.previewRule({ rule }) });
    } catch (error) {
      setFailure(toFailure(error));
    } finally {
      setPreviewing(false);
    }
  }

  async function save() {
    if (!previewed) return;
    setSaving(true);
    setFailure(null);
    const record = await rules.getState().save(rule);
    setSaving(false);
    if (!record) return;
    const affected = impact.impact.changed.map((c) => c.messageId);
    toasts.getState().push({
      message: `Rule ${record.rule.id} saved.${affected.length ? ` ${affected.length} message${affected.length === 1 ? '' : 's'} would change.` : ''}`,
      action: affected.length ? { label: 'Re-run them', run: () => void runs.getState().start({ ids: affected }) } : undefined,
    });
    onClose();
  }

  const shownFailure = failure ?? saveError;
  return (
    <Dialog title="Promote to rule" onClose={onClose} testId="promote-dialog" wide>
      <p className="muted">
        {source.precedent ? (
          <>
            From the correction kept as precedent <code>{source.precedent.id}</code>.
          </>
        ) : (
          <>From this message&apos;s extraction.</>
        )}
      </p>
      <fieldset className="segmented" aria-label="Kind of rule">
        {(
          [
            ['override', 'Override (a condition sets fields)'],
            ['guidance', 'Guidance (an instruction to the model)'],
            ['alias', 'Alias (another name or spelling)'],
          ] as const
        ).map(([k, label]) => (
          <label key={k} className="checkbox">
            <input type="radio" name="promote-kind" value={k} checked={kind === k} data-testid={`promote-kind-${k}`} onChange={() => setKind(k)} /> {label}
          </label>
        ))}
      </fieldset>

      {kind === 'guidance' ? (
        <>
          <label className="form-row">
            <span>Instruction for the model</span>
            <textarea className="input" rows={3} value={instruction} data-testid="promote-instruction" onChange={(e) => setInstruction(e.target.value)} />
          </label>
          <div className="form-row">
            <span>For the fields</span>
            <div className="chips">
              {(schema?.fields ?? []).map((f) => (
                <label key={f.name} className="checkbox">
                  <input
                    type="checkbox"
                    data-testid={`promote-field-${f.name}`}
                    checked={guidanceFields.includes(f.name)}
                    onChange={(e) => setGuidanceFields(e.target.checked ? [...guidanceFields, f.name] : guidanceFields.filter((x) => x !== f.name))}
                  />{' '}
                  {f.name}
                </label>
              ))}
            </div>
          </div>
        </>
      ) : null}

      {kind === 'override' ? (
        <>
          <div className="form-row">
            <span>When</span>
            <ConditionBuilder value={condition} onChange={setCondition} schema={schema} suggestions={suggestions} sample={{ text: messageRuleText(source.message), output: source.output }} />
          </div>
          <div className="form-row">
            <span>Set</span>
            <SetEditor schema={schema} value={setValues} output={source.output} onChange={setSetValues} />
          </div>
        </>
      ) : null}

      {kind === 'alias' ? (
        <div className="alias-form">
          <label className="form-row">
            <span>Alias of</span>
            <select className="input" value={aliasTarget} data-testid="alias-target" onChange={(e) => setAliasTarget(e.target.value as 'key' | 'value')}>
              <option value="value">a value (another spelling of one of the field&apos;s values)</option>
              <option value="key">a key (another name of the field)</option>
            </select>
          </label>
          <label className="form-row">
            <span>Field</span>
            <select className="input" value={aliasField} data-testid="alias-field" onChange={(e) => setAliasField(e.target.value)}>
              {(schema?.fields ?? []).map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          <label className="form-row">
            <span>{aliasTarget === 'key' ? 'The other name' : 'The other spelling'}</span>
            <input className="input" value={aliasFrom} data-testid="alias-from" onChange={(e) => setAliasFrom(e.target.value)} />
          </label>
          {aliasTarget === 'value' ? (
            <label className="form-row">
              <span>Means</span>
              <AliasTo schema={schema} field={aliasField} value={aliasTo} onChange={setAliasTo} />
            </label>
          ) : null}
        </div>
      ) : null}

      <label className="form-row">
        <span>Rationale (why the rule exists)</span>
        <textarea className="input" rows={2} value={rationale} data-testid="promote-rationale" onChange={(e) => setRationale(e.target.value)} />
      </label>

      {shownFailure ? (
        <div className="field-error" role="alert" data-testid="promote-error">
          {shownFailure.issues?.length ? shownFailure.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : shownFailure.message}
        </div>
      ) : null}

      {impact ? (
        <>
          <ImpactPreview
            impact={impact.impact}
            onOpen={(messageId) => {
              inbox.getState().select(messageId);
              onClose();
            }}
          />
          {!previewed ? <p className="muted">The rule changed since this preview: preview again before saving.</p> : null}
        </>
      ) : null}

      <div className="form-actions">
        <button type="button" className="button" disabled={previewing} data-testid="promote-preview" onClick={() => void preview()}>
          {previewing ? 'Previewing…' : 'Preview impact'}
        </button>
        <button type="button" className="button button-primary" disabled={!previewed || saving} data-testid="promote-save" onClick={() => void save()} title={previewed ? 'Save the rule to the draft rulebook' : 'Preview the impact first'}>
          Save rule
        </button>
        <span className="muted">Provenance: {rule.provenance.precedentIds.join(', ') || 'no precedent'} · {rule.provenance.author}</span>
      </div>
    </Dialog>
  );
}

function SetEditor({ schema, value, output, onChange }: { schema: ExtractionSchema | null; value: Extraction; output: Extraction; onChange: (v: Extraction) => void }) {
  return (
    <div className="set-editor" data-testid="set-editor">
      {(schema?.fields ?? []).map((f) => {
        const on = f.name in value;
        return (
          <div key={f.name} className="set-row">
            <label className="checkbox">
              <input
                type="checkbox"
                data-testid={`set-field-${f.name}`}
                checked={on}
                onChange={(e) => {
                  const next = { ...value };
                  if (e.target.checked) next[f.name] = output[f.name] ?? null;
                  else delete next[f.name];
                  onChange(next);
                }}
              />{' '}
              <code>{f.name}</code>
            </label>
            {on ? <FieldEditor name={`set-${f.name}`} spec={f} value={value[f.name]} onChange={(v: JsonValue) => onChange({ ...value, [f.name]: v })} /> : null}
          </div>
        );
      })}
    </div>
  );
}

function AliasTo({ schema, field, value, onChange }: { schema: ExtractionSchema | null; field: string; value: string; onChange: (v: string) => void }) {
  const spec = schema?.fields.find((f) => f.name === field);
  if (spec?.type === 'enum') {
    return (
      <select className="input" value={value} data-testid="alias-to" onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {(spec.values ?? []).map((v) => (
          <option key={v.value} value={v.value}>
            {v.value}
          </option>
        ))}
      </select>
    );
  }
  return <input className="input" value={value} data-testid="alias-to" onChange={(e) => onChange(e.target.value)} />;
}
