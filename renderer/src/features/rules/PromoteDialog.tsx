// Promote to rule: from a correction (or an extraction as it is) make a guidance rule, an override
// with a condition pre-filled from the message, or an alias. Before saving, the impact preview lists
// the messages whose output would change (and runs again after each edit once shown); the saved rule
// keeps its provenance (the correction's precedent, the author, the time).
//
// An override promotes one field, the one the person picks (first, the one the correction changed):
// "Set" holds that field alone, the other fields are offered unticked. The condition starts from the
// selected text, else from the phrases that set this message apart for that field (the backend's
// suggestPhrases: from the body, never a chat template's subject, a name or an id).
//
// What the dialog starts from is read from the workspace when it opens, not from memory a reload
// loses: the answer of record and the machine answer the correction replaced (listExtractions),
// and the precedent the correction made (listPrecedents). The source's own `before` (a correction
// just made, or unsaved edits) is used while those load, and when they cannot be read.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ApiResults, Condition, Extraction, ExtractionSchema, PrecedentRecord, Rule } from '../../api/contract';

type PhraseSuggestions = ApiResults['suggestPhrases'];
import { Dialog } from '../../components/Dialog';
import { useRulebook, useRules, useStores } from '../../stores';
import type { PromoteSource } from '../../stores/review';
import { messageRuleText } from '../review/ruleText';
import { currentAuthor, newRuleId } from './author';
import { ConditionBuilder } from './ConditionBuilder';
import { initialCondition } from './conditions';
import { ImpactPreview } from './ImpactPreview';
import { SetEditor } from './SetEditor';
import { useImpactPreview } from './useImpactPreview';

type Kind = 'guidance' | 'override' | 'alias';
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Fields whose value differs between two outputs (the output's fields first). */
function fieldsThatDiffer(before: Extraction, after: Extraction): string[] {
  return [...new Set([...Object.keys(after), ...Object.keys(before)])].filter((f) => !same(before[f], after[f]));
}

/** What the workspace says about the message the rule is promoted from. */
interface Stored {
  /** The machine answer the person's answer of record replaced, when the record is a person's. */
  before: Extraction | null;
  precedent: PrecedentRecord | null;
}

/** Reads the stored history and precedent of the message; null parts when they cannot be read. */
function useStored(source: PromoteSource): Stored | null {
  const { api } = useStores();
  const [stored, setStored] = useState<Stored | null>(null);
  const messageId = source.message.id;
  const needPrecedent = !source.precedent;
  useEffect(() => {
    let live = true;
    const history = api.listExtractions({ messageId }).catch(() => null);
    const precedents = needPrecedent ? api.listPrecedents({}).catch(() => null) : Promise.resolve(null);
    void Promise.all([history, precedents]).then(([items, records]) => {
      if (!live) return;
      let before: Extraction | null = null;
      const at = items?.findIndex((i) => i.isRecord) ?? -1;
      if (items && at >= 0 && items[at]!.human) {
        // The newest machine answer older than the person's: what the correction changed.
        before = items.slice(at + 1).find((i) => !i.human)?.output ?? null;
      }
      const precedent = records?.find((p) => p.messageId === messageId && !p.deletedAt) ?? null;
      setStored({ before, precedent });
    });
    return () => {
      live = false;
    };
  }, [api, messageId, needPrecedent]);
  return stored;
}

export function PromoteDialog({ source, onClose }: { source: PromoteSource; onClose: () => void }) {
  const { api, rules, runs, toasts, inbox } = useStores();
  const schema = useRulebook((s) => s.rulebook?.schema ?? null);
  const saveError = useRules((s) => s.saveError);
  const stored = useStored(source);
  const precedent = source.precedent ?? stored?.precedent ?? null;
  // What the correction changed: against the answer the source had before it, else the stored one.
  const before = source.before ?? stored?.before ?? null;
  const changed = useMemo(() => (before ? fieldsThatDiffer(before, source.output) : []), [before, source.output]);
  const firstEnum = schema?.fields.find((f) => f.type === 'enum')?.name ?? schema?.fields[0]?.name ?? '';

  // The field promoted: the person's pick, else the first the correction changed, else the first enum.
  const [pickedField, setPickedField] = useState<string | null>(null);
  const field = pickedField ?? changed[0] ?? firstEnum;
  const [createdAt] = useState(() => new Date().toISOString());
  const id = useMemo(() => newRuleId(field ? `${field}-${String(source.output[field] ?? 'null')}` : 'promoted'), [field, source.output]);

  const [kind, setKind] = useState<Kind>('override');
  const [rationale, setRationale] = useState<string | null>(null);
  const [instruction, setInstruction] = useState<string | null>(null);
  const shownRationale = rationale ?? precedent?.rationale ?? '';
  const shownInstruction = instruction ?? precedent?.rationale ?? '';
  const [guidanceFields, setGuidanceFields] = useState<string[] | null>(null);
  const shownGuidanceFields = useMemo(() => guidanceFields ?? (changed.length ? changed : field ? [field] : []), [guidanceFields, changed, field]);

  // The condition: the selection, else the best suggested phrase once it arrives, until the person edits it.
  const [condition, setCondition] = useState<Condition>(() => initialCondition(source.selection, []));
  const conditionTouched = useRef(source.selection.trim() !== '');
  const [suggestions, setSuggestions] = useState<PhraseSuggestions | null>(null);
  useEffect(() => {
    let live = true;
    if (!field) return;
    api
      .suggestPhrases({ messageId: source.message.id, field, limit: 12 })
      .then((s) => {
        if (!live) return;
        setSuggestions(s);
        if (!conditionTouched.current) setCondition(initialCondition('', s.phrases.map((p) => p.phrase)));
      })
      .catch(() => {
        if (live) setSuggestions({ field, value: null, phrases: [] });
      });
    return () => {
      live = false;
    };
  }, [api, source.message.id, field]);
  const suggested = useMemo(() => suggestions?.phrases.map((p) => p.phrase) ?? [], [suggestions]);
  const suggestionNotes = useMemo(
    () => Object.fromEntries((suggestions?.phrases ?? []).map((p) => [p.phrase, `In ${p.with} message${p.with === 1 ? '' : 's'} with this answer, ${p.against} with another`])),
    [suggestions],
  );

  // Set: the promoted field with the message's value, until the person edits it; other fields only
  // when ticked. Picking another field swaps it in, keeping the ticked others.
  const [explicitSet, setExplicitSet] = useState<Extraction | null>(null);
  const setValues: Extraction = useMemo(() => explicitSet ?? (field ? { [field]: source.output[field] ?? null } : {}), [explicitSet, field, source.output]);
  function pickField(next: string) {
    if (explicitSet) {
      const { [field]: _old, ...rest } = explicitSet;
      setExplicitSet({ ...rest, [next]: source.output[next] ?? null });
    }
    setPickedField(next);
  }
  const notes = useMemo(() => Object.fromEntries(changed.map((f) => [f, f === field ? 'changed by the correction' : 'also changed by the correction: tick to set it too'])), [changed, field]);

  const firstChanged = changed[0] ?? firstEnum;
  const [aliasTarget, setAliasTarget] = useState<'key' | 'value'>('value');
  const [aliasField, setAliasField] = useState<string | null>(null);
  const [aliasFrom, setAliasFrom] = useState<string | null>(null);
  const [aliasTo, setAliasTo] = useState<string | null>(null);
  const shownAliasField = aliasField ?? firstChanged;
  const beforeValue = before?.[shownAliasField];
  const outputValue = source.output[shownAliasField];
  const shownAliasFrom = aliasFrom ?? (typeof beforeValue === 'string' ? beforeValue : '');
  const shownAliasTo = aliasTo ?? (typeof outputValue === 'string' ? outputValue : '');

  const [saving, setSaving] = useState(false);

  const rule: Rule = useMemo(() => {
    const base = {
      id,
      rationale: shownRationale.trim(),
      enabled: true,
      provenance: { precedentIds: precedent ? [precedent.id] : [], author: currentAuthor(), createdAt },
    };
    if (kind === 'guidance') return { ...base, kind, fields: shownGuidanceFields, instruction: shownInstruction.trim() };
    if (kind === 'override') return { ...base, kind, when: condition, set: setValues };
    return aliasTarget === 'key'
      ? { ...base, kind: 'alias', target: 'key', field: shownAliasField, from: shownAliasFrom.trim() }
      : { ...base, kind: 'alias', target: 'value', field: shownAliasField, from: shownAliasFrom.trim(), to: shownAliasTo.trim() };
  }, [id, shownRationale, precedent, createdAt, kind, shownGuidanceFields, shownInstruction, condition, setValues, aliasTarget, shownAliasField, shownAliasFrom, shownAliasTo]);

  // The impact preview: asked for with the button; once shown, asked again after each edit.
  const impactState = useImpactPreview(rule, { auto: 'after-first' });
  const { impact, previewing, previewed } = impactState;

  async function save() {
    if (!previewed || !impact) return;
    setSaving(true);
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

  const shownFailure = impactState.failure ?? saveError;
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
            <textarea className="input" rows={3} value={shownInstruction} data-testid="promote-instruction" onChange={(e) => setInstruction(e.target.value)} />
          </label>
          <div className="form-row">
            <span>For the fields</span>
            <div className="chips">
              {(schema?.fields ?? []).map((f) => (
                <label key={f.name} className="checkbox">
                  <input
                    type="checkbox"
                    data-testid={`promote-field-${f.name}`}
                    checked={shownGuidanceFields.includes(f.name)}
                    onChange={(e) => setGuidanceFields(e.target.checked ? [...shownGuidanceFields, f.name] : shownGuidanceFields.filter((x) => x !== f.name))}
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
          <label className="form-row">
            <span>Promote the field</span>
            <select className="input" value={field} data-testid="promote-field" onChange={(e) => pickField(e.target.value)}>
              {(schema?.fields ?? []).map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                  {changed.includes(f.name) ? ' (changed by the correction)' : ''}
                </option>
              ))}
            </select>
          </label>
          <div className="form-row">
            <span>When</span>
            <ConditionBuilder
              value={condition}
              onChange={(next) => {
                conditionTouched.current = true;
                setCondition(next);
              }}
              schema={schema}
              suggestions={suggested}
              suggestionNotes={suggestionNotes}
              sample={{ text: messageRuleText(source.message), output: source.output }}
            />
            {suggestions && suggestions.phrases.length === 0 && !source.selection.trim() ? (
              <p className="muted" data-testid="promote-no-suggestion">
                No phrase of this message sets it apart from the messages with another {field}: write one, or select it in the message.
              </p>
            ) : null}
          </div>
          <div className="form-row">
            <span>Set</span>
            <SetEditor schema={schema} value={setValues} base={source.output} notes={notes} onChange={setExplicitSet} />
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
            <select className="input" value={shownAliasField} data-testid="alias-field" onChange={(e) => setAliasField(e.target.value)}>
              {(schema?.fields ?? []).map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          <label className="form-row">
            <span>{aliasTarget === 'key' ? 'The other name' : 'The other spelling'}</span>
            <input className="input" value={shownAliasFrom} data-testid="alias-from" onChange={(e) => setAliasFrom(e.target.value)} />
          </label>
          {aliasTarget === 'value' ? (
            <label className="form-row">
              <span>Means</span>
              <AliasTo schema={schema} field={shownAliasField} value={shownAliasTo} onChange={setAliasTo} />
            </label>
          ) : null}
        </div>
      ) : null}

      <label className="form-row">
        <span>Rationale (why the rule exists)</span>
        <textarea className="input" rows={2} value={shownRationale} data-testid="promote-rationale" onChange={(e) => setRationale(e.target.value)} />
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
          {!previewed ? <p className="muted">{previewing ? 'Previewing the change…' : 'The rule changed since this preview: preview again before saving.'}</p> : null}
        </>
      ) : null}

      <div className="form-actions">
        <button type="button" className="button" disabled={previewing} data-testid="promote-preview" onClick={() => void impactState.preview()}>
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
