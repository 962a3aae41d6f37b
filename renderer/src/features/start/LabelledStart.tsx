// Starting a workspace from a labelled history (issue 9), the start screen's labelled step: pick or
// drop a CSV or JSON Lines file (sent as its bytes, base64, as the import dialog sends files), see
// the field the backend proposes for each labelled column with what its values said, confirm or
// change each (include it, its name, type, enum values, nullable) and which column is the message
// text, name the workspace (and say where its file goes, as the other ways to start do), then
// Create: the backend makes the workspace with these fields as its
// schema and imports the rows as messages and precedents, with progress. A refusal is shown beside
// the field it concerns (the backend names each problem's path, start.fields.N...).
import { readBase64 } from '../import/readFile';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { ApiFailure, FieldSpec, FieldType, ImportMapping } from '../../api/contract';
import { MAX_IMPORT_BYTES } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useStores } from '../../stores';
import type { CreatedWorkspace, FieldProposal, ImportFileArg, LabelledField, ProposedField } from '../../../../shared/src/api/records';
import { ImportProblems } from '../import/ImportProblems';
import { useFileDrop } from '../import/useFileDrop';
import { WorkspacePlace, type Place } from './WorkspacePlace';

export interface LabelledStartProps {
  /** Called when the person cancels (back to the four ways to start). */
  onCancel: () => void;
  /**
   * Called once the workspace is made and open, with what was made (`imported`: the messages, the
   * precedents, and the rows without one with their lines). The window may remount on the new
   * workspace before this is called (workspaceChanged), so what to show of it is the caller's.
   */
  onCreated: (made: CreatedWorkspace) => void;
}

const TYPES: [FieldType, string][] = [
  ['enum', 'One of a list'],
  ['string', 'Text'],
  ['number', 'Number'],
  ['boolean', 'Yes / no'],
  ['date', 'Date'],
  ['string_list', 'List of text'],
];

const ROLES = [
  ['text', 'Message text (required)'],
  ['subject', 'Subject'],
  ['sender', 'Sender'],
  ['receivedAt', 'Received at'],
  ['id', 'Id'],
] as const;

/** An enum value as the person edits it; `original` is the spelling in the file, kept as an alias when renamed. */
interface ValueDraft {
  key: number;
  value: string;
  original: string | null;
  aliases: string[];
  count: number | null;
}

interface FieldDraft {
  proposed: ProposedField;
  include: boolean;
  name: string;
  type: FieldType;
  nullable: boolean;
  values: ValueDraft[];
}

let nextKey = 0;

function valuesOf(p: ProposedField): ValueDraft[] {
  const counts = new Map((p.topValues ?? []).map((v) => [v.value, v.count]));
  if (p.field.values?.length) {
    return p.field.values.map((v) => ({ key: nextKey++, value: v.value, original: v.value, aliases: v.aliases ?? [], count: counts.get(v.value) ?? null }));
  }
  return [];
}

function draftOf(p: ProposedField): FieldDraft {
  return { proposed: p, include: p.suggested, name: p.field.name, type: p.field.type, nullable: p.field.nullable, values: valuesOf(p) };
}

/** The values an enum starts with when the person makes another type an enum: the column's commonest. */
function valuesFromColumn(p: ProposedField): ValueDraft[] {
  const found = p.topValues?.length ? p.topValues : p.examples.map((value) => ({ value, count: 0 }));
  return found.map((v) => ({ key: nextKey++, value: v.value, original: v.value, aliases: [], count: v.count || null }));
}

/** The field as sent: an enum's renamed values keep their spelling in the file as an alias, so its rows still fit. */
function specOf(d: FieldDraft): FieldSpec {
  const spec: FieldSpec = { name: d.name.trim(), type: d.type, nullable: d.nullable };
  if (d.proposed.field.aliases?.length) spec.aliases = d.proposed.field.aliases;
  if (d.type === 'enum') {
    spec.values = d.values.map((v) => {
      const value = v.value.trim();
      const aliases = [...new Set([...v.aliases, ...(v.original !== null ? [v.original] : [])])].filter((a) => a !== value);
      return aliases.length ? { value, aliases } : { value };
    });
  }
  return spec;
}


const workspaceNameOf = (fileName: string) => fileName.replace(/\.[A-Za-z0-9]+$/, '').trim().slice(0, 100) || 'Labelled history';

/** Problems the backend named, by where they go: a field (by column), the text column, the name, or the rest. */
interface Issues {
  byColumn: Record<string, string[]>;
  text: string[];
  /** Refusals of the name or the path, as WorkspacePlace shows them beside those fields. */
  place: ApiFailure | null;
  other: string[];
}
const NO_ISSUES: Issues = { byColumn: {}, text: [], place: null, other: [] };

function issuesOf(failure: ApiFailure, sent: FieldDraft[]): Issues {
  const out: Issues = { byColumn: {}, text: [], place: null, other: [] };
  const place: { path: string; message: string }[] = [];
  for (const issue of failure.issues ?? []) {
    const m = /^start\.fields\.(\d+)(?:\.(.*))?$/.exec(issue.path);
    const draft = m ? sent[Number(m[1])] : undefined;
    if (m && draft) {
      const rest = m[2] ?? '';
      const value = /^field\.values\.(\d+)/.exec(rest);
      const where = value ? `value "${draft.values[Number(value[1])]?.value ?? Number(value[1]) + 1}": ` : rest.startsWith('field.aliases') ? 'alias: ' : '';
      (out.byColumn[draft.proposed.column] ??= []).push(`${where}${issue.message}`);
    } else if (issue.path === 'start.mapping.text') out.text.push(issue.message);
    else if (issue.path === 'name' || issue.path === 'path') place.push(issue);
    else out.other.push(`${issue.path}: ${issue.message}`);
  }
  if (place.length) out.place = { ...failure, issues: place };
  if (!failure.issues?.length) out.other.push(failure.message);
  return out;
}

type Phase = 'choose' | 'reading' | 'proposal' | 'creating';

export function LabelledStart({ onCancel, onCreated }: LabelledStartProps) {
  const { api } = useStores();
  const [phase, setPhase] = useState<Phase>('choose');
  const [file, setFile] = useState<ImportFileArg | null>(null);
  const [proposal, setProposal] = useState<FieldProposal | null>(null);
  const [mapping, setMapping] = useState<ImportMapping>({ text: null });
  const [drafts, setDrafts] = useState<FieldDraft[]>([]);
  const [place, setPlace] = useState<Place>({ name: '', path: '' });
  const [folder, setFolder] = useState('');
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [issues, setIssues] = useState<Issues>(NO_ISSUES);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ processed: number; total: number } | null>(null);
  const generation = useRef(0);

  // Where the file will go, as the other ways to start show it.
  useEffect(() => {
    let live = true;
    api.getWorkspace({}).then(
      (state) => live && setFolder(state.folder),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => api.on('importProgress', (e) => (phase === 'creating' && file && e.name === file.name ? setProgress({ processed: e.processed, total: e.total }) : undefined)), [api, phase, file]);

  async function choose(files: File[]) {
    const f = files[0];
    if (!f) return;
    setFailure(null);
    if (f.size > MAX_IMPORT_BYTES) {
      setFailure({ code: 'bad_request', message: `${f.name} is ${f.size.toLocaleString('en-US')} bytes; a labelled history may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.` });
      return;
    }
    setPhase('reading');
    try {
      const next: ImportFileArg = { name: f.name, content: await readBase64(f), encoding: 'base64' };
      await propose(next, undefined, true);
    } catch (error) {
      setFailure(toFailure(error));
      setPhase('choose');
    }
  }

  /** Asks the backend for a proposal; the person's edits of columns still proposed are kept. */
  async function propose(next: ImportFileArg, nextMapping: ImportMapping | undefined, fresh: boolean) {
    const mine = ++generation.current;
    setBusy(true);
    setFailure(null);
    try {
      const p = await api.proposeFields(nextMapping ? { file: next, mapping: nextMapping } : { file: next });
      if (mine !== generation.current) return;
      setFile(next);
      setProposal(p);
      setMapping(p.mapping);
      setIssues(NO_ISSUES);
      setDrafts((old) => {
        const kept = new Map(fresh ? [] : old.map((d) => [d.proposed.column, d]));
        return p.fields.map((f) => {
          const prev = kept.get(f.column);
          return prev ? { ...prev, proposed: f } : draftOf(f);
        });
      });
      if (fresh) setPlace((p) => ({ ...p, name: workspaceNameOf(next.name) }));
      setPhase('proposal');
    } catch (error) {
      if (mine !== generation.current) return;
      setFailure(toFailure(error));
      if (fresh) setPhase('choose');
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }

  function edit(column: string, change: (d: FieldDraft) => FieldDraft) {
    setDrafts((ds) => ds.map((d) => (d.proposed.column === column ? change(d) : d)));
    setIssues((i) => {
      if (!i.byColumn[column]) return i;
      const byColumn = { ...i.byColumn };
      delete byColumn[column];
      return { ...i, byColumn };
    });
  }

  async function create() {
    if (!file || !mapping.text) return;
    const sent = drafts.filter((d) => d.include);
    const fields: LabelledField[] = sent.map((d) => ({ column: d.proposed.column, field: specOf(d) }));
    setPhase('creating');
    setFailure(null);
    setIssues(NO_ISSUES);
    setProgress({ processed: 0, total: proposal?.rows ?? 0 });
    try {
      const name = place.name.trim();
      const made = await api.createWorkspace({ name, start: { kind: 'labelled', file, mapping, fields }, ...(place.path.trim() ? { path: place.path.trim() } : {}) });
      onCreated(made);
    } catch (error) {
      const f = toFailure(error);
      const found = issuesOf(f, sent);
      setIssues(found);
      setFailure(found.other.length || !f.issues?.length ? f : null);
      setPhase('proposal');
      setProgress(null);
    }
  }

  const drop = useFileDrop((files) => void choose(files));
  // The window's own drop target opens the import dialog: a file dropped here is this step's.
  const dropHandlers = {
    onDragOver: drop.handlers.onDragOver,
    onDragLeave: drop.handlers.onDragLeave,
    onDrop: (e: DragEvent) => {
      e.stopPropagation();
      drop.handlers.onDrop(e);
    },
  };
  const creating = phase === 'creating';
  const included = drafts.filter((d) => d.include).length;
  const canCreate = !busy && !creating && !!mapping.text && included > 0 && place.name.trim() !== '';

  return (
    <section className="labelled-start" data-testid="labelled-start" aria-label="Start from a labelled history">
      <h2>Start from a labelled history</h2>
      {phase === 'choose' || phase === 'reading' ? (
        <div
          className={`form${drop.over ? ' is-over' : ''}`}
          data-testid="labelled-drop"
          {...dropHandlers}
        >
          <p>
            A CSV or JSON Lines file of past messages, with a column for each value you want extracted (the issue type, the urgency...). Each labelled column is proposed as a
            field; you confirm it, then the rows become the workspace's messages and precedents.
          </p>
          <label className="form-row">
            <span>Choose a file, or drop it here</span>
            <input
              type="file"
              accept=".csv,.tsv,.jsonl,.ndjson,.json,text/csv,application/json"
              data-testid="labelled-file-input"
              disabled={phase === 'reading'}
              onChange={(e) => void choose([...(e.target.files ?? [])])}
            />
          </label>
          {phase === 'reading' ? <p className="muted">Reading the file…</p> : null}
        </div>
      ) : null}

      {proposal && file && (phase === 'proposal' || phase === 'creating') ? (
        <div data-testid="labelled-proposal">
          <p>
            <strong data-testid="labelled-file-name">{file.name}</strong> · {proposal.format === 'csv' ? 'CSV' : 'JSON Lines'} ·{' '}
            <span data-testid="labelled-rows">{proposal.rows.toLocaleString()}</span> row{proposal.rows === 1 ? '' : 's'}{' '}
            <button
              type="button"
              className="button button-quiet button-small"
              disabled={creating}
              onClick={() => {
                generation.current += 1;
                setProposal(null);
                setFile(null);
                setDrafts([]);
                setPhase('choose');
              }}
            >
              Choose another file
            </button>
          </p>

          <fieldset className="import-mapping" disabled={creating}>
            <legend>The message</legend>
            <div className="import-mapping-roles">
              {ROLES.map(([role, label]) => (
                <label key={role} className="form-row">
                  <span>{label}</span>
                  <select
                    className="input"
                    data-testid={`labelled-mapping-${role}`}
                    value={mapping[role] ?? ''}
                    onChange={(e) => {
                      const next = { ...mapping, [role]: e.target.value || null };
                      setMapping(next);
                      if (next.text) void propose(file, next, false);
                    }}
                  >
                    <option value="">{role === 'text' ? '— choose —' : '— none —'}</option>
                    {proposal.columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
            {issues.text.map((m, i) => (
              <p key={i} className="field-error" data-testid="labelled-mapping-error">
                {m}
              </p>
            ))}
          </fieldset>

          {drafts.length ? (
            <div className="import-preview-wrap" style={{ maxHeight: 'none' }}>
              <table className="table" style={{ tableLayout: 'fixed' }} data-testid="labelled-fields">
                <thead>
                  <tr>
                    <th scope="col" style={{ width: '3rem' }}>
                      Use
                    </th>
                    <th scope="col" style={{ width: '15%' }}>
                      Column
                    </th>
                    <th scope="col" style={{ width: '20%' }}>
                      Field
                    </th>
                    <th scope="col" style={{ width: '22%' }}>
                      Values
                    </th>
                    <th scope="col">What the values say</th>
                  </tr>
                </thead>
                <tbody>
                  {drafts.map((d) => (
                    <FieldRow key={d.proposed.column} draft={d} disabled={creating} errors={issues.byColumn[d.proposed.column] ?? []} onChange={(change) => edit(d.proposed.column, change)} />
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted" data-testid="labelled-no-fields">
              {mapping.text ? 'No column besides the message can become a field.' : 'Choose the column that holds the message text.'}
            </p>
          )}

          {proposal.refused.length ? (
            <section data-testid="labelled-refused" aria-label="Columns that cannot become fields">
              <h3>Columns that cannot become fields</h3>
              <ul>
                {proposal.refused.map((r) => (
                  <li key={r.column} data-column={r.column}>
                    <code>{r.column}</code>: {r.reason}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <ImportProblems problems={proposal.problems} />

          <WorkspacePlace value={place} onChange={setPlace} folder={folder} failure={issues.place} disabled={creating} />

          {creating && progress ? (
            <div className="import-progress-row">
              <progress className="run-progress" max={Math.max(1, progress.total)} value={progress.processed} data-testid="labelled-progress" data-processed={progress.processed} data-total={progress.total} />
              <span className="muted">
                Importing {progress.processed.toLocaleString()} of {progress.total.toLocaleString()} rows…
              </span>
            </div>
          ) : null}
        </div>
      ) : null}

      {failure ? (
        <p className="field-error" role="alert" data-testid="labelled-error">
          {failure.message}
        </p>
      ) : null}
      {issues.other.length && !failure ? (
        <ul className="field-errors" data-testid="labelled-error">
          {issues.other.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}

      <div className="form-actions">
        {proposal ? (
          <button type="button" className="button button-primary" data-testid="labelled-create" disabled={!canCreate} onClick={() => void create()}>
            {creating ? 'Creating…' : `Create the workspace with ${included} field${included === 1 ? '' : 's'}`}
          </button>
        ) : null}
        <button type="button" className="button" data-testid="labelled-cancel" disabled={creating} onClick={onCancel}>
          Back
        </button>
      </div>
    </section>
  );
}

function FieldRow({ draft: d, disabled, errors, onChange }: { draft: FieldDraft; disabled: boolean; errors: string[]; onChange: (change: (d: FieldDraft) => FieldDraft) => void }) {
  const p = d.proposed;
  const off = disabled || !d.include;
  return (
    <tr data-testid="labelled-field" data-column={p.column} className={d.include ? undefined : 'is-disabled'}>
      <td>
        <input type="checkbox" aria-label={`Use column ${p.column}`} data-testid="labelled-include" checked={d.include} disabled={disabled} onChange={(e) => onChange((x) => ({ ...x, include: e.target.checked }))} />
      </td>
      <td>
        <code>{p.column}</code>
        <div className="muted" data-testid="labelled-counts">
          {p.filled.toLocaleString()} filled · {p.empty.toLocaleString()} empty · {p.distinct.toLocaleString()} distinct
        </div>
      </td>
      <td>
        <label className="form-row">
          <span>Name</span>
          <input className="input code-input" style={{ width: '100%' }} data-testid="labelled-name" aria-label={`Field name for ${p.column}`} value={d.name} disabled={off} onChange={(e) => onChange((x) => ({ ...x, name: e.target.value }))} />
        </label>
        <label className="form-row">
          <span>Type</span>
          <select
            className="input"
            style={{ width: '100%' }}
            data-testid="labelled-type"
            value={d.type}
            disabled={off}
            onChange={(e) => {
              const type = e.target.value as FieldType;
              onChange((x) => ({ ...x, type, values: type === 'enum' && x.values.length === 0 ? valuesFromColumn(x.proposed) : x.values }));
            }}
          >
            {TYPES.map(([t, label]) => (
              <option key={t} value={t}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" data-testid="labelled-nullable" checked={d.nullable} disabled={off} onChange={(e) => onChange((x) => ({ ...x, nullable: e.target.checked }))} /> may be empty
        </label>
        {errors.map((m, i) => (
          <p key={i} className="field-error" data-testid="labelled-field-error">
            {m}
          </p>
        ))}
      </td>
      <td>{d.type === 'enum' ? <ValuesEditor draft={d} disabled={off} onChange={onChange} /> : <Examples examples={p.examples} />}</td>
      <td>
        <ul className="muted" data-testid="labelled-reasons" style={{ margin: 0, paddingLeft: 16 }}>
          {p.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      </td>
    </tr>
  );
}

function Examples({ examples }: { examples: string[] }) {
  return (
    <span className="chips" style={{ display: 'flex' }} data-testid="labelled-examples">
      {examples.map((x, i) => (
        <span key={i} className="chip chip-muted" title={x}>
          {x}
        </span>
      ))}
    </span>
  );
}

/** An enum's values: rename (the file's spelling stays an alias), remove, add. */
function ValuesEditor({ draft, disabled, onChange }: { draft: FieldDraft; disabled: boolean; onChange: (change: (d: FieldDraft) => FieldDraft) => void }) {
  const [adding, setAdding] = useState('');
  const add = () => {
    const value = adding.trim();
    if (!value) return;
    onChange((x) => ({ ...x, values: [...x.values, { key: nextKey++, value, original: null, aliases: [], count: null }] }));
    setAdding('');
  };
  return (
    <div data-testid="labelled-values">
      {draft.values.map((v) => (
        <div key={v.key} className="row-actions" data-testid="labelled-value" data-value={v.value}>
          <input
            className="input code-input"
            aria-label={`Value ${v.value}`}
            data-testid="labelled-value-input"
            value={v.value}
            disabled={disabled}
            size={Math.max(6, Math.min(24, v.value.length + 1))}
            onChange={(e) => onChange((x) => ({ ...x, values: x.values.map((y) => (y.key === v.key ? { ...y, value: e.target.value } : y)) }))}
          />
          {v.count !== null ? <span className="muted">{v.count.toLocaleString()}</span> : null}
          {v.original !== null && v.original !== v.value.trim() ? <span className="muted">was {v.original}</span> : null}
          <button
            type="button"
            className="button button-quiet button-small"
            aria-label={`Remove value ${v.value}`}
            data-testid="labelled-value-remove"
            disabled={disabled}
            onClick={() => onChange((x) => ({ ...x, values: x.values.filter((y) => y.key !== v.key) }))}
          >
            ×
          </button>
        </div>
      ))}
      <div className="row-actions">
        <input
          className="input code-input"
          aria-label="New value"
          data-testid="labelled-value-new"
          value={adding}
          disabled={disabled}
          size={10}
          onChange={(e) => setAdding(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button button-small" data-testid="labelled-value-add" disabled={disabled || !adding.trim()} onClick={add}>
          Add value
        </button>
      </div>
    </div>
  );
}
