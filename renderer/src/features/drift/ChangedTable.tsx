// The changed messages, a page at a time ("Load more" with the comparison's cursor): subject and
// excerpt (as text), the fields that differ as chips, and A → B of the filtered field. The list is a
// listbox: ↑/↓ move, Enter opens; j/k move from anywhere on the screen (DriftScreen).
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { keyMatches } from '../../app/shortcuts';
import type { RunComparisonItem } from '../../../../shared/src/api/records.js';
import type { DriftFilter } from './driftStore';
import { valueText } from './runLabel';

export interface ChangedTableProps {
  items: RunComparisonItem[];
  matching: number;
  filter: DriftFilter;
  cursor: number;
  hasMore: boolean;
  loadingMore: boolean;
  onMove(step: 1 | -1): void;
  onOpen(messageId: string): void;
  onLoadMore(): void;
  onClearFilter(): void;
}

export function filterLabel(filter: DriftFilter): string | null {
  if (filter.validityChanged) return 'validity changed';
  if (filter.field === undefined) return null;
  if ('from' in filter || 'to' in filter) return `${filter.field}: ${valueText(filter.from)} → ${valueText(filter.to)}`;
  return filter.field;
}

export function ChangedTable({ items, matching, filter, cursor, hasMore, loadingMore, onMove, onOpen, onLoadMore, onClearFilter }: ChangedTableProps) {
  const listRef = useRef<HTMLDivElement>(null);
  const selectedId = items[cursor]?.messageId;
  useEffect(() => {
    if (!selectedId) return;
    const row = listRef.current?.ownerDocument.getElementById(`drift-row-${selectedId}`);
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [selectedId]);
  const label = filterLabel(filter);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (keyMatches('drift.move', event)) {
      event.preventDefault();
      onMove(event.key === 'ArrowUp' ? -1 : 1);
    } else if (keyMatches('drift.open', event) && selectedId) {
      event.preventDefault();
      onOpen(selectedId);
    }
  };
  return (
    <section className="drift-table" aria-label="Changed messages" data-testid="drift-table">
      <div className="drift-table-head">
        <h3>Changed messages</h3>
        <span className="muted" data-testid="drift-matching" aria-live="polite">
          {matching.toLocaleString()} message{matching === 1 ? '' : 's'}
          {items.length < matching ? ` · ${items.length.toLocaleString()} shown` : ''}
        </span>
        {label ? (
          <span className="chip drift-filter-chip" data-testid="drift-filter-chip">
            {label}
            <button type="button" className="chip-remove" aria-label="Clear the filter" data-testid="drift-filter-clear" onClick={onClearFilter}>
              ×
            </button>
          </span>
        ) : null}
      </div>
      {items.length === 0 ? (
        <p className="muted" data-testid="drift-table-empty">
          {label ? 'No changed message matches this filter.' : 'No message changed between these runs.'}
        </p>
      ) : (
        <div
          ref={listRef}
          className="drift-rows"
          role="listbox"
          aria-label="Changed messages"
          tabIndex={0}
          data-testid="drift-rows"
          aria-activedescendant={selectedId ? `drift-row-${selectedId}` : undefined}
          onKeyDown={onKeyDown}
        >
          {items.map((item, index) => (
            <Row key={item.messageId} item={item} filter={filter} selected={index === cursor} onOpen={onOpen} />
          ))}
          {hasMore ? (
            <button type="button" className="button button-small drift-load-more" disabled={loadingMore} data-testid="drift-load-more" onClick={onLoadMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}

function Row({ item, filter, selected, onOpen }: { item: RunComparisonItem; filter: DriftFilter; selected: boolean; onOpen(id: string): void }) {
  const field = filter.field;
  return (
    <div
      id={`drift-row-${item.messageId}`}
      role="option"
      aria-selected={selected}
      className={`drift-row${selected ? ' is-selected' : ''}`}
      data-testid="drift-row"
      data-message-id={item.messageId}
      onClick={() => onOpen(item.messageId)}
    >
      <div className="drift-row-line">
        <span className="drift-row-subject">{item.subject || <span className="muted">(no subject)</span>}</span>
        {item.a.valid !== item.b.valid ? (
          <span className={`badge ${item.b.valid ? 'badge-valid' : 'badge-invalid'}`}>{item.b.valid ? 'became valid' : 'became invalid'}</span>
        ) : null}
      </div>
      <div className="drift-row-excerpt muted">{item.excerpt}</div>
      <div className="drift-row-line">
        <span className="chips">
          {item.changedFields.map((f) => (
            <span key={f} className={`chip${f === field ? ' chip-warn' : ''}`}>
              {f}
            </span>
          ))}
        </span>
        {field !== undefined ? (
          <span className="drift-row-values" data-testid="drift-row-values">
            <code>{sideText(item.a, field)}</code> → <code>{sideText(item.b, field)}</code>
          </span>
        ) : null}
      </div>
    </div>
  );
}

/** A side's value of the filtered field; a key outside the schema that the pipeline dropped says so rather than "absent". */
function sideText(side: RunComparisonItem['a'], field: string): string {
  if (field in side.output) return valueText(side.output[field]);
  return side.unknownKeys.includes(field) ? 'answered (dropped: no field)' : valueText(undefined);
}
