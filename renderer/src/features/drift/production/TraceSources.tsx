// Where production traces come from: files imported (the runtime's trace log, minimal JSONL, CSV), each
// with its result (imported, duplicates, and the bad lines with their numbers, as text), and a folder
// watched (its files with their lines and bad lines, the last scan and error; Stop).
import { useRef, useState } from 'react';
import { formatDateTime } from '../../../components/format';
import { readBase64 } from '../../import/readFile';
import type { ImportOutcome, TraceFile } from './productionStore';
import type { ApiFailure } from '../../../api/contract';
import type { TraceWatchState } from '../../../../../shared/src/api/records.js';

const FORMATS: Record<string, string> = { 'casebook-trace': 'Casebook trace log', 'minimal-jsonl': 'minimal JSONL', csv: 'CSV' };

export function TraceImport({ importing, imports, onImport, onDismiss }: { importing: string | null; imports: ImportOutcome[]; onImport: (files: TraceFile[]) => void; onDismiss: () => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const choose = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setReadError(null);
    const files: TraceFile[] = [];
    try {
      for (const f of Array.from(list)) files.push({ name: f.name, content: await readBase64(f), encoding: 'base64' });
    } catch (error) {
      setReadError(error instanceof Error ? error.message : String(error));
      return;
    } finally {
      if (inputRef.current) inputRef.current.value = '';
    }
    onImport(files);
  };
  return (
    <section className="trace-source" aria-label="Import trace files" data-testid="trace-import">
      <div className="trace-source-head">
        <button type="button" className="button" disabled={importing !== null} data-testid="trace-import-button" onClick={() => inputRef.current?.click()}>
          {importing ? `Importing ${importing}…` : 'Import trace files…'}
        </button>
        <input
          ref={inputRef}
          type="file"
          multiple
          hidden
          accept=".jsonl,.ndjson,.json,.csv,.log,.txt"
          data-testid="trace-import-input"
          onChange={(e) => void choose(e.target.files)}
        />
        <span className="muted">The runtime’s trace log, or JSONL / CSV with message, output and time (version and model optional).</span>
      </div>
      {readError ? (
        <p className="field-error" role="alert">
          {readError}
        </p>
      ) : null}
      {imports.length ? (
        <div className="trace-import-results" data-testid="trace-import-results">
          {imports.map((o, i) => (
            <ImportResult key={`${o.name}-${i}`} outcome={o} />
          ))}
          <button type="button" className="button button-small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
    </section>
  );
}

function ImportResult({ outcome }: { outcome: ImportOutcome }) {
  const { name, result, error } = outcome;
  if (error || !result) {
    return (
      <div className="trace-import-result" data-testid="trace-import-result" data-status="failed">
        <p className="field-error" role="alert">{`${name}: ${error?.message ?? 'not imported'}`}</p>
      </div>
    );
  }
  const more = result.badCount - result.bad.length;
  return (
    <div className="trace-import-result" data-testid="trace-import-result" data-status="ok">
      <p className="trace-import-line">
        <strong>{name}</strong> <span className="muted">({FORMATS[result.format] ?? result.format})</span>:{' '}
        <span data-testid="trace-imported">{result.imported.toLocaleString()}</span> imported,{' '}
        <span data-testid="trace-duplicates">{result.duplicates.toLocaleString()}</span> already imported,{' '}
        <span data-testid="trace-bad-count" className={result.badCount ? 'drift-bad' : undefined}>
          {result.badCount.toLocaleString()}
        </span>{' '}
        bad {result.badCount === 1 ? 'line' : 'lines'}
        {result.from && result.to ? ` · ${formatDateTime(result.from)} – ${formatDateTime(result.to)}` : ''}
      </p>
      {result.bad.length ? (
        <>
          <ol className="trace-bad-lines" data-testid="trace-bad-lines" tabIndex={0} aria-label={`Bad lines of ${name}`}>
            {result.bad.map((b) => (
              <li key={b.line} data-testid="trace-bad-line" data-line={b.line}>
                <span className="trace-bad-number">line {b.line}</span> {b.message}
              </li>
            ))}
          </ol>
          {more > 0 ? <p className="muted">…and {more.toLocaleString()} more bad lines (the first {result.bad.length.toLocaleString()} are listed).</p> : null}
        </>
      ) : null}
    </div>
  );
}

export function TraceWatch({ watch, error, busy, onWatch }: { watch: TraceWatchState | null; error: ApiFailure | null; busy: boolean; onWatch: (path: string | null) => void }) {
  const [path, setPath] = useState('');
  const watching = watch?.path ?? null;
  return (
    <section className="trace-source" aria-label="Watch a folder" data-testid="trace-watch">
      {watching ? (
        <>
          <div className="trace-source-head">
            <span>
              Watching <code data-testid="trace-watch-path">{watching}</code>
            </span>
            <button type="button" className="button button-small" disabled={busy} data-testid="trace-watch-stop" onClick={() => onWatch(null)}>
              Stop
            </button>
          </div>
          <p className="muted trace-watch-status">
            {watch!.imported.toLocaleString()} traces imported from it · last scan {formatDateTime(watch!.lastScanAt)}
          </p>
          {watch!.lastError ? (
            <p className="field-error" role="alert" data-testid="trace-watch-error">{`Last error: ${watch!.lastError}`}</p>
          ) : null}
          {watch!.files.length ? (
            <div className="trace-table-scroll trace-watch-files">
              <table className="table" data-testid="trace-watch-files">
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col">Lines</th>
                    <th scope="col">Bad</th>
                  </tr>
                </thead>
                <tbody>
                  {watch!.files.map((f) => (
                    <tr key={f.name}>
                      <td className="trace-file-name">{f.name}</td>
                      <td>{f.lines.toLocaleString()}</td>
                      <td className={f.bad ? 'drift-bad' : undefined}>{f.bad.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No trace files in the folder yet.</p>
          )}
        </>
      ) : (
        <form
          className="trace-source-head"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) onWatch(path.trim());
          }}
        >
          <label className="trace-watch-label">
            <span>Watch a folder</span>
            <input className="input" value={path} maxLength={4096} placeholder="/var/log/casebook" data-testid="trace-watch-input" onChange={(e) => setPath(e.target.value)} />
          </label>
          <button type="submit" className="button" disabled={busy || !path.trim()} data-testid="trace-watch-start">
            Watch
          </button>
        </form>
      )}
      {error ? (
        <p className="field-error" role="alert" data-testid="trace-watch-failure">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}
