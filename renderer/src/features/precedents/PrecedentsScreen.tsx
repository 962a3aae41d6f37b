// Precedents: corrected examples kept with their message, output and rationale, shown to the model as
// examples. Search, edit, delete with Undo; each links to the message it was made from.
import { useEffect, useRef, useState } from 'react';
import type { PrecedentRecord } from '../../api/contract';
import { Chip } from '../../components/Badge';
import { formatDateTime, formatValue } from '../../components/format';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useNavigation, usePrecedents, useRulebook, useStores } from '../../stores';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { keyFields } from '../inbox/keyFields';
import { PrecedentEditor } from './PrecedentEditor';
import { ExportPrecedentsButton } from '../export/ExportPrecedentsButton';

export const PRECEDENT_SEARCH_DEBOUNCE_MS = 250;

export function PrecedentsScreen() {
  const { precedents, navigation, inbox } = useStores();
  useRulebookLoaded();
  const schema = useRulebook((s) => s.rulebook?.schema ?? null);
  const records = usePrecedents((s) => s.records);
  const error = usePrecedents((s) => s.error);
  const readOnly = usePrecedents((s) => s.readOnly);
  const stored = usePrecedents((s) => s.search);
  const focusId = useNavigation((s) => s.focusId);
  const [search, setSearch] = useState(stored);
  const [editing, setEditing] = useState<string | null>(null);

  // Load on a search change (debounced), or at once when the list is stale (a correction elsewhere).
  const stale = records === null;
  const loaded = useRef<string | null>(stale ? null : stored);
  useEffect(() => {
    if (!stale && loaded.current === search) return;
    const timer = setTimeout(
      () => {
        loaded.current = search;
        void precedents.getState().load(search);
      },
      stale ? 0 : PRECEDENT_SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [precedents, search, stale]);
  useEffect(() => {
    if (focusId && records) [...document.querySelectorAll('[data-precedent-id]')].find((el) => el.getAttribute('data-precedent-id') === focusId)?.scrollIntoView?.({ block: 'center' });
  }, [focusId, records]);

  const openMessage = (p: PrecedentRecord) => {
    if (!p.messageId) return;
    inbox.getState().select(p.messageId);
    navigation.getState().go('inbox');
  };

  if (error && !records) return <ErrorState title="The precedents could not be loaded" failure={error} onRetry={() => void precedents.getState().load()} />;
  const fields = keyFields(schema);
  return (
    <div className="page" data-testid="precedents-screen">
      <header className="page-header">
        <h2>Precedents</h2>
        <p className="muted">
          Corrected examples: the model is shown the closest ones. {records ? `${records.length} shown.` : ''}
          {readOnly ? ' Read-only: the workspace cannot be written.' : ''}
        </p>
        <ExportPrecedentsButton />
        <input type="search" className="input page-search" placeholder="Search precedents" aria-label="Search precedents" data-testid="precedent-search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </header>
      {!records ? (
        <Loading label="Loading precedents…" />
      ) : records.length === 0 ? (
        <EmptyState title={search.trim() ? 'No precedent matches the search' : 'No precedents yet'} testId="precedents-empty">
          {search.trim() ? null : 'Correct an extraction in the inbox and save it with a rationale: it is kept here.'}
        </EmptyState>
      ) : (
        <ul className="precedent-list">
          {records.map((p) => (
            <li key={p.id} className={`precedent${focusId === p.id ? ' is-focused' : ''}`} data-testid="precedent-row" data-precedent-id={p.id}>
              <div className="precedent-head">
                <code>{p.id}</code>
                <strong className="precedent-subject">{p.message.subject || <span className="muted">(no subject)</span>}</strong>
                <span className="muted">
                  {p.author ?? 'unknown'} · {formatDateTime(p.createdAt)}
                </span>
              </div>
              <div className="precedent-text">{p.message.text.length > 300 ? `${p.message.text.slice(0, 300)}…` : p.message.text}</div>
              <div className="chips precedent-output" data-testid="precedent-output">
                {fields.map((f) => (p.output[f] === undefined ? null : <Chip key={f} title={f}>{`${f}: ${formatValue(p.output[f])}`}</Chip>))}
              </div>
              {p.rationale ? <div className="why-rationale" data-testid="precedent-rationale-text">“{p.rationale}”</div> : null}
              {p.tags?.length ? (
                <div className="chips">
                  {p.tags.map((t) => (
                    <Chip key={t} tone="muted">{t}</Chip>
                  ))}
                </div>
              ) : null}
              <div className="row-actions">
                {p.messageId ? (
                  <button type="button" className="button button-small" data-testid="precedent-open-message" onClick={() => openMessage(p)}>
                    Open its message
                  </button>
                ) : (
                  <span className="muted">Not made from a workspace message</span>
                )}
                {readOnly ? null : (
                  <>
                    <button type="button" className="button button-small" data-testid="precedent-edit" onClick={() => setEditing(editing === p.id ? null : p.id)}>
                      Edit
                    </button>
                    <button type="button" className="button button-small button-danger" data-testid="precedent-delete" onClick={() => void precedents.getState().remove(p.id)}>
                      Delete
                    </button>
                  </>
                )}
              </div>
              {editing === p.id ? <PrecedentEditor precedent={p} schema={schema} onDone={() => setEditing(null)} /> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
