// The message list, virtualized: only the rows in view are in the DOM, and the next page is fetched
// with the cursor when the view nears the end of what is loaded, so it stays smooth at 100,000 messages.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { hasActiveFilters } from '../../stores/inbox';
import { useInbox, useRulebook } from '../../stores';
import { InboxRow } from './InboxRow';
import { keyFields } from './keyFields';

export const ROW_HEIGHT = 76;
/** Fetch the next page when this many loaded rows remain below the view. */
const PREFETCH_ROWS = 40;

export function InboxList() {
  const { items, total, nextCursor, loading, error, selectedId, filters } = useInbox(
    useShallow((s) => ({ items: s.items, total: s.total, nextCursor: s.nextCursor, loading: s.loading, error: s.error, selectedId: s.selectedId, filters: s.filters })),
  );
  const loadMore = useInbox((s) => s.loadMore);
  const reload = useInbox((s) => s.reload);
  const select = useInbox((s) => s.select);
  const checked = useInbox((s) => s.checked);
  const toggleChecked = useInbox((s) => s.toggleChecked);
  const schema = useRulebook((s) => s.rulebook?.schema);
  const fields = keyFields(schema);
  const scrollRef = useRef<HTMLDivElement>(null);
  const hasMore = nextCursor !== null;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: items.length + (hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => items[index]?.id ?? `loader-${index}`,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && !loading && !error && lastIndex >= items.length - PREFETCH_ROWS) void loadMore();
  }, [lastIndex, items.length, hasMore, loading, error, loadMore]);

  const selectedIndex = selectedId === null ? -1 : items.findIndex((m) => m.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onSelect = useCallback((id: string) => select(id), [select]);

  if (error && items.length === 0) return <ErrorState title="The inbox could not be loaded" failure={error} onRetry={() => void reload()} />;
  if (total === null) return <Loading label="Loading messages…" />;
  if (total === 0) {
    return hasActiveFilters(filters) ? (
      <EmptyState title="No messages match these filters" testId="inbox-empty">
        Change the status, validity, field or search above.
      </EmptyState>
    ) : (
      <EmptyState title="No messages yet" testId="inbox-empty">
        Messages you import appear here, each beside the JSON the extractor produced.
      </EmptyState>
    );
  }

  return (
    <div className="inbox-list-wrap">
      <div className="inbox-list-meta" aria-live="polite">
        {total.toLocaleString()} message{total === 1 ? '' : 's'}
        {items.length < total ? <span className="muted"> · {items.length.toLocaleString()} loaded</span> : null}
      </div>
      <div
        ref={scrollRef}
        className="inbox-list"
        role="listbox"
        aria-label="Messages"
        tabIndex={0}
        aria-activedescendant={selectedIndex >= 0 ? `inbox-row-${selectedId}` : undefined}
        data-testid="inbox-list"
      >
        <div className="inbox-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((row) => {
            const message = items[row.index];
            return (
              <div key={row.key} className="inbox-list-slot" style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}>
                {message ? (
                  <InboxRow message={message} selected={message.id === selectedId} checked={checked.includes(message.id)} fields={fields} onSelect={onSelect} onToggle={toggleChecked} />
                ) : error ? (
                  <div className="inbox-row inbox-row-loader">
                    {error.message}{' '}
                    <button type="button" className="button button-quiet" onClick={() => void loadMore()}>
                      Retry
                    </button>
                  </div>
                ) : (
                  <div className="inbox-row inbox-row-loader muted">Loading more…</div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
