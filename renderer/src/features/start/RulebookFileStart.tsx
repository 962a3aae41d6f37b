// Opening a rulebook file as a new workspace (one `casebook new`/`teach` wrote, or a version a
// colleague published): pick or drop the file, see what it holds, then make the workspace. The
// window only reads the file to show it; the backend verifies it exactly as production loads it
// (format, hash, signature) and refuses one that fails, naming the problem, before anything is made.
import { useRef, useState, type DragEvent } from 'react';
import type { RulebookArtifact } from '../../api/contract';
import { MAX_IMPORT_BYTES } from '../../api/contract';
import { Loading } from '../../components/States';
import { StartFailure } from './StartFailure';
import { useCreateWorkspace } from './useCreateWorkspace';
import { WorkspacePlace, type Place } from './WorkspacePlace';

interface Picked {
  name: string;
  content: string;
  look: Look;
}

type Look = { ok: true; rulebook: RulebookArtifact } | { ok: false; reason: string };

/** What the file seems to hold, for the person to check before opening it (not a verification). */
export function lookAtRulebook(text: string): Look {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, reason: `This file is not JSON (${(error as Error).message}).` };
  }
  const r = json as Partial<RulebookArtifact> | null;
  if (!r || typeof r !== 'object' || Array.isArray(r) || r.format !== 'casebook.rulebook') {
    return { ok: false, reason: 'This file is not a Casebook rulebook (it has no "format": "casebook.rulebook"). A rulebook is what `casebook new` or `casebook teach` writes, or a published version.' };
  }
  if (!Array.isArray(r.schema?.fields) || !Array.isArray(r.rules) || !Array.isArray(r.precedents)) {
    return { ok: false, reason: 'This rulebook has no schema, rules or precedents where the format puts them.' };
  }
  return { ok: true, rulebook: r as RulebookArtifact };
}

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

export function RulebookFileStart({ folder, onCancel }: { folder: string; onCancel: () => void }) {
  const [picked, setPicked] = useState<Picked | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [place, setPlace] = useState<Place>({ name: '', path: '' });
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { busy, failure, create, clearFailure } = useCreateWorkspace();

  async function read(file: File) {
    clearFailure();
    setReadError(null);
    try {
      const content = await file.text();
      const look = lookAtRulebook(content);
      setPicked({ name: file.name, content, look });
      if (look.ok) setPlace((p) => ({ ...p, name: look.rulebook.name }));
    } catch (error) {
      setPicked(null);
      setReadError(`${file.name} could not be read (${(error as Error).message}).`);
    }
  }

  // A file over the host's body limit (the import limit, 64 MiB as base64): say so in words.
  const shown = failure && /^request body over \d+ bytes$/.test(failure.message) ? { ...failure, message: `${picked?.name ?? 'This file'} is too large to open here (a file may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB).` } : failure;
  const rulebook = picked?.look.ok ? picked.look.rulebook : null;

  return (
    <form
      className="start-step"
      data-testid="start-rulebook-step"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked && rulebook && place.name.trim()) void create({ name: place.name.trim(), start: { kind: 'rulebook', file: { name: picked.name, content: picked.content } }, path: place.path }, 'rulebook');
      }}
    >
      <div
        className={`start-drop${over ? ' is-over' : ''}`}
        data-testid="rulebook-drop"
        onDragOver={(e) => {
          if (!hasFiles(e)) return;
          // Not the window's import drop: this file is a rulebook.
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          e.stopPropagation();
          setOver(false);
          const file = e.dataTransfer.files?.[0];
          if (file) void read(file);
        }}
      >
        <p>Drop a rulebook file here, or</p>
        <button type="button" className="button" onClick={() => input.current?.click()} disabled={busy} data-testid="rulebook-choose">
          Choose a file…
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="rulebook-file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void read(file);
          }}
        />
      </div>
      {readError ? <StartFailure failure={{ code: 'bad_request', message: readError }} /> : null}
      {picked && !picked.look.ok ? (
        <p className="start-error" role="alert" data-testid="rulebook-refused">
          {picked.name}: {picked.look.reason}
        </p>
      ) : null}
      {picked && rulebook ? (
        <section className="start-rulebook" aria-label="What the file holds" data-testid="rulebook-summary">
          <h3>
            {rulebook.name} <span className="muted">version {rulebook.version}</span>
          </h3>
          <p className="muted">
            {picked.name} · id {rulebook.id}
            {rulebook.signature ? ' · signed' : ''}
          </p>
          <dl className="start-facts">
            <div>
              <dt>Fields</dt>
              <dd>
                {rulebook.schema.fields.map((f) => (
                  <code key={f.name} className="chip">
                    {f.name}
                  </code>
                ))}
              </dd>
            </div>
            <div>
              <dt>Rules</dt>
              <dd data-testid="rulebook-rules">{plural(rulebook.rules.length, 'rule')}</dd>
            </div>
            <div>
              <dt>Precedents</dt>
              <dd data-testid="rulebook-precedents">{plural(rulebook.precedents.length, 'precedent')}</dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd>{rulebook.settings?.provider === 'embedded' ? 'no model (embedded)' : `${rulebook.settings?.provider ?? '?'} · ${rulebook.settings?.model ?? '?'}`}</dd>
            </div>
          </dl>
          <p className="muted">It becomes the draft rulebook of a new workspace, as it is: its schema, instructions, rules, precedents and model settings. The file itself is not changed.</p>
        </section>
      ) : null}
      {rulebook ? <WorkspacePlace value={place} onChange={setPlace} folder={folder} failure={shown} disabled={busy} /> : null}
      <StartFailure failure={shown} />
      {busy ? <Loading label="Verifying the rulebook and making the workspace…" /> : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !rulebook || !place.name.trim()} data-testid="start-create">
          Open as a new workspace
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel} disabled={busy}>
          Back
        </button>
      </div>
    </form>
  );
}
