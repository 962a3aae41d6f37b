// "Add `priority` as an alias of …": a key outside the schema becomes an alias of a field (picked,
// by default the field whose name or aliases resemble it). The change is previewed first (what it
// does to precedents, rules and extractions, or why it is refused), then applied as previewed; then
// the messages can be re-run so their answers map the key.
import { useState } from 'react';
import type { SchemaChange, SchemaImpact } from '../../../../../shared/src/api/records.js';
import type { ApiArgs, ApiFailure } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import { Dialog } from '../../../components/Dialog';
import { FailureAlert } from '../../../components/FormActions';
import { useRulebook, useStores } from '../../../stores';
import { aliasChange, fieldWithAlias, guessField } from './aliasGuess';

type Selection = ApiArgs<'startRun'>['selection'];

export interface Rerun {
  label: string;
  /** The messages to re-run (null or none: nothing to re-run). */
  selection: () => Promise<Selection | null>;
  testId: string;
}

export function AddAliasButton({ unknownKey, reruns = [] }: { unknownKey: string; reruns?: Rerun[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button-small drift-alias-button" data-testid="drift-add-alias" data-key={unknownKey} onClick={() => setOpen(true)}>
        Add <code>{unknownKey}</code> as an alias of …
      </button>
      {open ? <AddAliasDialog unknownKey={unknownKey} reruns={reruns} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

type Step = { kind: 'pick' } | { kind: 'preview'; change: SchemaChange; impact: SchemaImpact } | { kind: 'done'; field: string };

export function AddAliasDialog({ unknownKey, reruns, onClose }: { unknownKey: string; reruns: Rerun[]; onClose: () => void }) {
  const { api, rulebook, runs } = useStores();
  const fields = useRulebook((s) => s.rulebook?.schema.fields ?? null);
  const already = fields ? fieldWithAlias(fields, unknownKey) : null;
  const [picked, setField] = useState<string | null>(null);
  // Until the person picks one: the field the key most likely means.
  const field = picked ?? (fields ? (guessField(fields, unknownKey) ?? fields[0]?.name ?? '') : '');
  const [step, setStep] = useState<Step>({ kind: 'pick' });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  const [confirmed, setConfirmed] = useState(false);
  const [rerunNote, setRerunNote] = useState<string | null>(null);

  const chosen = fields?.find((f) => f.name === field) ?? null;

  const refused = (error: unknown) => {
    const f = toFailure(error);
    if ((f.code === 'bad_request' || f.code === 'conflict') && f.issues?.length) setProblems(f.issues);
    else setFailure(f);
  };

  const preview = async () => {
    if (!chosen) return;
    const change = aliasChange(chosen, unknownKey);
    setBusy(true);
    setFailure(null);
    setProblems([]);
    try {
      const impact = await api.previewSchemaChange({ change });
      if (!impact.allowed) setProblems(impact.problems);
      else {
        setConfirmed(false);
        setStep({ kind: 'preview', change, impact });
      }
    } catch (error) {
      refused(error);
    }
    setBusy(false);
  };

  const apply = async () => {
    if (step.kind !== 'preview') return;
    setBusy(true);
    setFailure(null);
    try {
      await api.applySchemaChange({ change: step.change, confirm: step.impact.needsConfirmation ? confirmed : false });
      setStep({ kind: 'done', field });
      void rulebook.getState().load();
    } catch (error) {
      refused(error);
    }
    setBusy(false);
  };

  const rerun = async (r: Rerun) => {
    setBusy(true);
    setRerunNote(null);
    try {
      const selection = await r.selection();
      if (!selection) {
        setRerunNote('No messages to re-run.');
        setBusy(false);
        return;
      }
      const run = await runs.getState().start(selection);
      setBusy(false);
      if (run) onClose();
    } catch (error) {
      setFailure(toFailure(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Add “${unknownKey}” as an alias`} onClose={onClose} testId="drift-alias-dialog">
      {!fields ? (
        <p className="muted">Loading the schema…</p>
      ) : step.kind === 'pick' ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void preview();
          }}
        >
          <p>
            Answers that say <code>{unknownKey}</code> will count as the field you pick (the key is outside the schema now).
          </p>
          {already ? (
            <p className="muted" data-testid="drift-alias-already">
              <code>{unknownKey}</code> is already an alias of <code>{already.name}</code> in the draft; answers made under an older rulebook may still have it.
            </p>
          ) : null}
          <label className="form-row">
            <span>
              Add <code>{unknownKey}</code> as an alias of
            </span>
            <select className="input" value={field} data-testid="drift-alias-field" onChange={(e) => setField(e.target.value)}>
              {fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                  {f.aliases?.length ? ` (aliases: ${f.aliases.join(', ')})` : ''}
                </option>
              ))}
            </select>
          </label>
          {problems.length ? (
            <ul className="field-error" role="alert" data-testid="drift-alias-problems">
              {problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          ) : null}
          <FailureAlert failure={failure} testId="drift-alias-error" />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy || !chosen} data-testid="drift-alias-preview">
              {busy ? 'Checking…' : 'Preview the change'}
            </button>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      ) : step.kind === 'preview' ? (
        <div className="form" data-testid="drift-alias-impact">
          <p>
            <strong>{step.impact.summary}</strong>
          </p>
          <ul className="drift-alias-counts">
            <li>{step.impact.precedents.length.toLocaleString()} precedent changes</li>
            <li>{step.impact.rules.length.toLocaleString()} rule changes</li>
            <li>{step.impact.staleExtractions.toLocaleString()} extractions marked stale (re-run them to update)</li>
          </ul>
          {step.impact.needsConfirmation ? (
            <label className="checkbox">
              <input type="checkbox" checked={confirmed} data-testid="drift-alias-confirm" onChange={(e) => setConfirmed(e.target.checked)} /> I understand this removes data
            </label>
          ) : null}
          {problems.length ? (
            <ul className="field-error" role="alert" data-testid="drift-alias-problems">
              {problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          ) : null}
          <FailureAlert failure={failure} testId="drift-alias-error" />
          <div className="form-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={busy || (step.impact.needsConfirmation && !confirmed)}
              data-testid="drift-alias-apply"
              onClick={() => void apply()}
            >
              {busy ? 'Saving…' : `Add as an alias of ${field}`}
            </button>
            <button type="button" className="button" onClick={() => setStep({ kind: 'pick' })}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <div className="form" data-testid="drift-alias-done">
          <p>
            <code>{unknownKey}</code> is now an alias of <code>{step.field}</code> in the draft. Answers already made keep the key until their messages are re-run.
          </p>
          {rerunNote ? <p className="muted">{rerunNote}</p> : null}
          <FailureAlert failure={failure} testId="drift-alias-error" />
          <div className="form-actions">
            {reruns.map((r) => (
              <button key={r.testId} type="button" className="button button-primary" disabled={busy} data-testid={r.testId} onClick={() => void rerun(r)}>
                {r.label}
              </button>
            ))}
            <button type="button" className="button" onClick={onClose} data-testid="drift-alias-close">
              {reruns.length ? 'Not now' : 'Close'}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
