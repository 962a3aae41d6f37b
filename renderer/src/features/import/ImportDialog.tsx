// Import messages: files chosen or dropped are sent as their bytes (base64), so the backend reads
// each mail part in its declared charset (File.text() would turn a Latin-1 or Shift_JIS message
// into U+FFFD); pasted text is sent as text. Each is previewed by the backend (detected format, a
// column mapping for CSV and JSONL, the first rows, the problems with their line numbers), then
// imported with a progress bar; the result counts what went in, what was a duplicate, the
// precedents made from labelled rows, and the rows that were refused.
import { readBase64 } from './readFile';
import { useEffect, useRef, useState } from 'react';
import type { ApiFailure, ImportFormat, ImportMapping, ImportPreview, ImportResult } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { useRulebook, useStores } from '../../stores';
import { ImportMappingForm } from './ImportMappingForm';
import { ImportPreviewTable } from './ImportPreviewTable';
import { ImportProblems } from './ImportProblems';
import { ImportResultView } from './ImportResultView';
import { ImportExtractOffer } from './ImportExtractOffer';
import { MAX_IMPORT_BYTES } from '../../api/contract';
const FORMATS: ImportFormat[] = ['csv', 'jsonl', 'eml', 'mbox', 'text'];
const FORMAT_LABELS: Record<ImportFormat, string> = { csv: 'CSV', jsonl: 'JSON Lines', eml: 'E-mail (.eml)', mbox: 'Mailbox (mbox)', text: 'Plain text' };

interface Source {
  name: string;
  content: string;
  encoding?: 'text' | 'base64';
  format?: ImportFormat;
}


type Phase = 'choose' | 'reading' | 'preview' | 'importing' | 'done';

export function ImportDialog({ files, onClose }: { files: File[]; onClose: () => void }) {
  const { api, inbox, app, precedents } = useStores();
  const schema = useRulebook((s) => s.rulebook?.schema ?? null);
  const [phase, setPhase] = useState<Phase>(files.length ? 'reading' : 'choose');
  const [queue, setQueue] = useState<Source[]>([]);
  const [source, setSource] = useState<Source | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<ImportMapping | undefined>(undefined);
  const [asPrecedents, setAsPrecedents] = useState(false);
  const [paste, setPaste] = useState('');
  const [progress, setProgress] = useState<{ processed: number; total: number } | null>(null);
  const [results, setResults] = useState<{ name: string; result: ImportResult }[]>([]);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const generation = useRef(0);

  useEffect(() => api.on('importProgress', (e) => (source && e.name === source.name ? setProgress({ processed: e.processed, total: e.total }) : undefined)), [api, source]);

  async function read(list: File[]) {
    setPhase('reading');
    setFailure(null);
    try {
      const sources: Source[] = [];
      for (const f of list) {
        if (f.size > MAX_IMPORT_BYTES) {
          throw new Error(`${f.name} is ${f.size.toLocaleString('en-US')} bytes; an import takes at most ${MAX_IMPORT_BYTES.toLocaleString('en-US')} bytes (${MAX_IMPORT_BYTES / 1024 / 1024} MiB).`);
        }
        sources.push({ name: f.name, content: await readBase64(f), encoding: 'base64' });
      }
      const [first, ...rest] = sources;
      if (!first) {
        setPhase('choose');
        return;
      }
      setQueue(rest);
      await open(first);
    } catch (error) {
      setFailure(toFailure(error));
      setPhase('choose');
    }
  }

  async function open(next: Source, nextMapping?: ImportMapping) {
    const mine = ++generation.current;
    setSource(next);
    setBusy(true);
    setFailure(null);
    try {
      const p = await api.previewImport(nextMapping ? { file: next, mapping: nextMapping } : { file: next });
      if (mine !== generation.current) return;
      setPreview(p);
      const tabular = p.format === 'csv' || p.format === 'jsonl';
      const m = tabular ? (nextMapping ?? p.suggestedMapping) : undefined;
      setMapping(m);
      if (!nextMapping) setAsPrecedents(false);
      setPhase('preview');
    } catch (error) {
      if (mine !== generation.current) return;
      setFailure(toFailure(error));
      setPhase(preview ? 'preview' : 'choose');
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }

  // The files the dialog was opened with (dropped on the window), read once.
  useEffect(() => {
    if (!files.length) return;
    const timer = setTimeout(() => void read(files), 0);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function runImport() {
    if (!source || !preview) return;
    setPhase('importing');
    setProgress({ processed: 0, total: preview.totalRows });
    setFailure(null);
    try {
      const result = await api.importMessages({ file: source, ...(mapping ? { mapping } : {}), asPrecedents });
      setResults((r) => [...r, { name: source.name, result }]);
      void inbox.getState().reload();
      void app.getState().refreshCounts();
      if (result.precedents) precedents.getState().invalidate();
      const [next, ...rest] = queue;
      if (next) {
        setQueue(rest);
        setPreview(null);
        await open(next);
      } else setPhase('done');
    } catch (error) {
      setFailure(toFailure(error));
      setPhase('preview');
    }
  }

  // Labelled by the mapping, or by the rows themselves (a JSON Lines file with an `output` object, as
  // Casebook's own export writes it).
  const labelled = (!!mapping?.labels && Object.keys(mapping.labels).length > 0) || !!preview?.rows.some((r) => r.labels && Object.keys(r.labels).length > 0);
  const tabular = preview?.format === 'csv' || preview?.format === 'jsonl';
  return (
    <Dialog title="Import messages" onClose={onClose} testId="import-dialog" wide>
      {phase === 'choose' ? (
        <div className="import-choose">
          <div className="form-row">
            <span>Files: CSV, JSON Lines, .eml, mbox or text. You can also drop files anywhere on the window.</span>
            <input
              ref={fileInput}
              type="file"
              multiple
              accept=".csv,.jsonl,.ndjson,.eml,.mbox,.txt,text/csv,message/rfc822,application/mbox,text/plain"
              data-testid="import-file-input"
              onChange={(e) => void read([...(e.target.files ?? [])])}
            />
          </div>
          <label className="form-row">
            <span>…or paste a message</span>
            <textarea className="input" rows={5} value={paste} data-testid="import-paste" onChange={(e) => setPaste(e.target.value)} />
          </label>
          <button type="button" className="button" disabled={!paste.trim()} data-testid="import-paste-preview" onClick={() => void open({ name: 'paste', content: paste, format: 'text' })}>
            Preview pasted text
          </button>
        </div>
      ) : null}

      {phase === 'reading' ? <p className="muted">Reading the files…</p> : null}

      {(phase === 'preview' || phase === 'importing') && preview && source ? (
        <div className="import-preview-step" data-testid="import-preview">
          <p>
            <strong>{source.name}</strong> ·{' '}
            <label>
              format{' '}
              <select
                className="input"
                data-testid="import-format"
                data-format={preview.format}
                value={preview.format}
                disabled={phase === 'importing'}
                onChange={(e) => void open({ ...source, format: e.target.value as ImportFormat })}
              >
                {FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {FORMAT_LABELS[f]}
                  </option>
                ))}
              </select>
            </label>{' '}
            · <span data-testid="import-total">{preview.totalRows.toLocaleString()}</span> row{preview.totalRows === 1 ? '' : 's'}
            {queue.length ? <span className="muted"> · {queue.length} more file{queue.length === 1 ? '' : 's'} after this one</span> : null}
          </p>
          {tabular && mapping ? (
            <ImportMappingForm
              columns={preview.columns}
              mapping={mapping}
              schema={schema}
              onChange={(m) => {
                setMapping(m);
                void open(source, m);
              }}
            />
          ) : null}
          <ImportPreviewTable rows={preview.rows} />
          <ImportProblems problems={preview.problems} />
          <label className="checkbox">
            <input type="checkbox" checked={asPrecedents} disabled={!labelled} data-testid="import-as-precedents" onChange={(e) => setAsPrecedents(e.target.checked)} /> Import as precedents (labelled history)
            {!labelled ? <span className="muted"> — map a column to a field first</span> : null}
          </label>
          {phase === 'importing' && progress ? (
            <div className="import-progress-row">
              <progress className="run-progress" max={Math.max(1, progress.total)} value={progress.processed} data-testid="import-progress" data-processed={progress.processed} data-total={progress.total} />
              <span className="muted">
                {progress.processed.toLocaleString()} of {progress.total.toLocaleString()}
              </span>
            </div>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button button-primary" disabled={busy || phase === 'importing' || preview.rows.length === 0} data-testid="import-submit" onClick={() => void runImport()}>
              {phase === 'importing' ? 'Importing…' : 'Import'}
            </button>
            <button
              type="button"
              className="button button-quiet"
              disabled={phase === 'importing'}
              onClick={() => {
                setPreview(null);
                setSource(null);
                setQueue([]);
                setPhase('choose');
              }}
            >
              Choose other files
            </button>
          </div>
        </div>
      ) : null}

      {failure ? (
        <p className="field-error" role="alert" data-testid="import-error">
          {failure.message}
        </p>
      ) : null}

      {results.length ? (
        <div className="import-results">
          {results.map((r, i) => (
            <ImportResultView key={i} name={r.name} result={r.result} />
          ))}
        </div>
      ) : null}

      {phase === 'done' && results.some((r) => r.result.inserted > 0) ? <ImportExtractOffer imported={results.reduce((n, r) => n + r.result.inserted, 0)} /> : null}

      {phase === 'done' ? (
        <div className="form-actions">
          <button type="button" className="button button-primary" data-testid="import-done" onClick={onClose}>
            Done
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setResults([]);
              setPreview(null);
              setSource(null);
              setPaste('');
              setPhase('choose');
            }}
          >
            Import more
          </button>
        </div>
      ) : null}
    </Dialog>
  );
}
