// The traces behind a clicked segment, a page at a time, and one trace opened: its text (as text), its
// output, errors, rules fired, precedents shown, version, model and latency, and "Open in review" when
// the workspace holds the same message.
import { useEffect, useRef } from 'react';
import type { TraceDetail, TraceSummary } from '../../../../../shared/src/api/records.js';
import type { ApiFailure, JsonValue } from '../../../api/contract';
import { Dialog } from '../../../components/Dialog';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { formatDateTime, formatValue } from '../../../components/format';
import { shortHash } from '../../publish/shared';

function outputLine(output: Record<string, JsonValue>): string {
  return Object.entries(output)
    .map(([k, v]) => `${k}: ${v === null ? 'null' : formatValue(v)}`)
    .join(' · ');
}

export function TraceList({
  label,
  items,
  matching,
  loading,
  loadingMore,
  error,
  hasMore,
  onOpen,
  onLoadMore,
  onClear,
  onRetry,
}: {
  label: string;
  items: TraceSummary[];
  matching: number;
  loading: boolean;
  loadingMore: boolean;
  error: ApiFailure | null;
  hasMore: boolean;
  onOpen: (seq: number) => void;
  onLoadMore: () => void;
  onClear: () => void;
  onRetry: () => void;
}) {
  const ref = useRef<HTMLElement>(null);
  // A segment picked in the chart: its traces come into view below it.
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [label]);
  return (
    <section ref={ref} className="trace-list" aria-label="Traces" data-testid="trace-list">
      <div className="trace-list-head">
        <h3>
          Traces: <span data-testid="trace-list-label">{label}</span>
        </h3>
        {!loading && !error ? (
          <span className="muted" data-testid="trace-list-count">
            {items.length.toLocaleString()} of {matching.toLocaleString()}
          </span>
        ) : null}
        <button type="button" className="button button-small" onClick={onClear} data-testid="trace-list-clear">
          Clear
        </button>
      </div>
      {error && items.length === 0 ? (
        <ErrorState title="The traces could not be listed" failure={error} onRetry={onRetry} />
      ) : loading ? (
        <Loading label="Listing the traces…" />
      ) : items.length === 0 ? (
        <EmptyState title="No traces here" testId="trace-list-empty" />
      ) : (
        <div className="trace-table-scroll">
          <table className="table trace-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Message</th>
                <th scope="col">Output</th>
                <th scope="col">Valid</th>
                <th scope="col">Version · model</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.seq} data-testid="trace-row" data-seq={t.seq}>
                  <td className="trace-time">
                    <button type="button" className="link-button" data-testid="trace-open" onClick={() => onOpen(t.seq)}>
                      {formatDateTime(t.time)}
                    </button>
                  </td>
                  <td className="trace-message">
                    {t.subject ? <strong className="trace-subject">{t.subject}</strong> : null}
                    <span className="trace-excerpt">{t.excerpt ?? <span className="muted">(logged without text)</span>}</span>
                  </td>
                  <td className="trace-output">
                    {outputLine(t.output)}
                    {t.unknownKeys.length ? <span className="drift-bad"> · outside the schema: {t.unknownKeys.join(', ')}</span> : null}
                  </td>
                  <td>{t.valid ? <span className="drift-ok">valid</span> : <span className="drift-bad">invalid</span>}</td>
                  <td>
                    {t.version === null ? '—' : `v${t.version}`} · {t.model ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {error ? (
            <p className="field-error" role="alert">
              {error.message}
            </p>
          ) : null}
          {hasMore ? (
            <button type="button" className="button drift-load-more" disabled={loadingMore} data-testid="trace-load-more" onClick={onLoadMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}

export function TraceDetailDialog({ trace, error, onClose, onRetry, onOpenInReview }: { trace: TraceDetail | null; error: ApiFailure | null; onClose: () => void; onRetry: () => void; onOpenInReview: (messageId: string) => void }) {
  return (
    <Dialog title="Trace" onClose={onClose} testId="trace-detail" wide>
      {error ? (
        <ErrorState title="The trace could not be read" failure={error} onRetry={onRetry} />
      ) : !trace ? (
        <Loading label="Reading the trace…" />
      ) : (
        <div className="trace-detail">
          <div className="trace-detail-bar">
            <span>{formatDateTime(trace.time)}</span>
            <span className="muted">
              {trace.source}
              {trace.service ? ` · ${trace.service}` : ''}
            </span>
            {trace.valid ? <span className="drift-ok">valid</span> : <span className="drift-bad">invalid</span>}
            {trace.messageId ? (
              <button type="button" className="button button-primary trace-review" data-testid="trace-open-in-review" onClick={() => onOpenInReview(trace.messageId!)}>
                Open in review
              </button>
            ) : (
              <span className="muted trace-review">Not a message of this workspace</span>
            )}
          </div>
          <dl className="trace-facts">
            <dt>Rulebook</dt>
            <dd data-testid="trace-version">
              {trace.rulebook.id ?? '—'} · {trace.rulebook.version === null ? 'no version' : `v${trace.rulebook.version}`}
              {trace.rulebook.hash ? ` · ${shortHash(trace.rulebook.hash)}` : ''}
            </dd>
            <dt>Model</dt>
            <dd data-testid="trace-model">
              {trace.provider ?? '—'} · {trace.model ?? '—'}
            </dd>
            <dt>Latency</dt>
            <dd data-testid="trace-latency">{trace.latencyMs === null ? '—' : `${trace.latencyMs.toLocaleString()} ms`}</dd>
          </dl>
          <section>
            <h3>{trace.subject ?? 'Message'}</h3>
            <div className="drift-message-text" data-testid="trace-text">
              {trace.text ?? <span className="muted">(logged without text)</span>}
            </div>
          </section>
          <section>
            <h3>Output</h3>
            <table className="table drift-outputs" data-testid="trace-output">
              <tbody>
                {Object.entries(trace.output).map(([k, v]) => (
                  <tr key={k} className={trace.unknownKeys.includes(k) ? 'is-changed' : undefined}>
                    <th scope="row">
                      {k}
                      {trace.unknownKeys.includes(k) ? <span className="drift-bad"> (outside the schema)</span> : null}
                    </th>
                    <td>{v === null ? <span className="null-value">null</span> : formatValue(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {trace.errors.length ? (
            <section>
              <h3>Errors</h3>
              <ul className="trace-errors" data-testid="trace-errors">
                {trace.errors.map((e, i) => (
                  <li key={i}>
                    <code>{e.path || '(the whole output)'}</code> {e.message}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section>
            <h3>Rules fired</h3>
            {trace.rulesFired.length ? (
              <ul className="trace-chips" data-testid="trace-rules">
                {trace.rulesFired.map((r) => (
                  <li key={r}>
                    <code>{r}</code>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None</p>
            )}
          </section>
          <section>
            <h3>Precedents shown</h3>
            {trace.precedents.length ? (
              <ul className="trace-chips" data-testid="trace-precedents">
                {trace.precedents.map((p) => (
                  <li key={p.id}>
                    <code>{p.id}</code> <span className="muted">{p.score.toFixed(3)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None</p>
            )}
          </section>
        </div>
      )}
    </Dialog>
  );
}
