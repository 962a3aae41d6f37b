// The draft's change history: who changed what and when, newest first, with Undo on the newest
// change not yet undone (when what it touched is still as it left it). Reloads on draftChanged.
import { useEffect, useState } from 'react';
import type { DraftHistoryEntry } from '../../../../shared/src/api/records.js';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { ErrorState, EmptyState, Loading } from '../../components/States';
import { formatDateTime } from '../../components/format';
import { useStores } from '../../stores';
import { useDraftChanges } from './useDraftChanges';
import './schema.css';

const KINDS: Record<DraftHistoryEntry['kind'], string> = { schema: 'Schema', instructions: 'Instructions', settings: 'Model settings', name: 'Name', undo: 'Undo' };

export function DraftHistory() {
  const { api, rulebook } = useStores();
  const [entries, setEntries] = useState<DraftHistoryEntry[] | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [undoing, setUndoing] = useState<string | null>(null);
  const [undoError, setUndoError] = useState<{ id: string; message: string } | null>(null);
  /** Bumped to read the history again (a retry, a refused undo). */
  const [version, setVersion] = useState(0);
  useDraftChanges();

  useEffect(() => {
    let live = true;
    const load = () =>
      void api.listDraftHistory({ limit: 200 }).then(
        (list) => {
          if (!live) return;
          setEntries(list);
          setError(null);
        },
        (err: unknown) => {
          if (live) setError(toFailure(err));
        },
      );
    load();
    const off = api.on('draftChanged', load);
    return () => {
      live = false;
      off();
    };
  }, [api, version]);

  const undo = async (entry: DraftHistoryEntry) => {
    setUndoing(entry.id);
    setUndoError(null);
    try {
      await api.undoDraftChange({ id: entry.id });
      await rulebook.getState().load();
    } catch (err) {
      setUndoError({ id: entry.id, message: toFailure(err).message });
    } finally {
      setUndoing(null);
      setVersion((v) => v + 1);
    }
  };

  if (error) return <ErrorState title="The history could not be loaded" failure={error} onRetry={() => setVersion((v) => v + 1)} />;
  if (!entries) return <Loading label="Loading the history…" />;
  if (entries.length === 0) {
    return (
      <EmptyState title="No changes yet" testId="history-empty">
        Changes to the schema, the instructions, the model settings and the name are listed here, newest first, for the changelog publishing writes.
      </EmptyState>
    );
  }
  const byId = new Map(entries.map((e) => [e.id, e]));
  return (
    <ol className="history-list" data-testid="draft-history" aria-label="Changes to the draft, newest first">
      {entries.map((e) => (
        <li key={e.id} className={`history-entry${e.undoneBy ? ' is-undone' : ''}`} data-testid="history-entry" data-entry-id={e.id} data-kind={e.kind}>
          <div className="history-head">
            <span className="badge">{KINDS[e.kind]}</span>
            <strong className="history-summary" data-testid="history-summary">
              {e.summary}
            </strong>
            <span className="row-actions">
              {e.undoable ? (
                <button type="button" className="button button-small" data-testid="history-undo" disabled={undoing !== null} onClick={() => void undo(e)}>
                  {undoing === e.id ? 'Undoing…' : 'Undo'}
                </button>
              ) : null}
            </span>
          </div>
          <span className="muted">
            {e.author} · <time dateTime={e.at}>{formatDateTime(e.at)}</time>
            {e.undoneBy ? <span data-testid="history-undone"> · undone{byId.get(e.undoneBy) ? ` by ${byId.get(e.undoneBy)!.author}` : ''}</span> : null}
          </span>
          {undoError?.id === e.id ? (
            <p className="field-error" role="alert" data-testid="history-undo-error">
              {undoError.message}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
