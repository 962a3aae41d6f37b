// Status, validity and search filters. Search is debounced so typing does not query on every key.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { REVIEW_STATUSES, type ReviewStatus } from '../../api/contract';
import { useShortcut } from '../../app/shortcuts';
import { statusLabel } from '../../components/Badge';
import { useApp, useInbox } from '../../stores';

export const SEARCH_DEBOUNCE_MS = 250;

export function InboxFilters() {
  const filters = useInbox((s) => s.filters);
  const setFilters = useInbox((s) => s.setFilters);
  const counts = useApp(useShallow((s) => s.counts));
  const [search, setSearch] = useState(filters.search);
  const searchRef = useRef<HTMLInputElement>(null);

  useShortcut('/', 'Search messages', () => searchRef.current?.focus(), 'Inbox');

  useEffect(() => {
    if (search === filters.search) return;
    const timer = setTimeout(() => void setFilters({ search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, filters.search, setFilters]);

  return (
    <div className="inbox-filters" role="search">
      <input
        ref={searchRef}
        type="search"
        className="input search-input"
        placeholder="Search messages  ( / )"
        aria-label="Search messages"
        data-testid="search-input"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
      <select
        className="input"
        aria-label="Review status"
        data-testid="status-filter"
        value={filters.status ?? ''}
        onChange={(e) => void setFilters({ status: (e.target.value || null) as ReviewStatus | null })}
      >
        <option value="">Any status{counts ? ` (${counts.total})` : ''}</option>
        {REVIEW_STATUSES.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
            {counts ? ` (${counts.byStatus[s]})` : ''}
          </option>
        ))}
      </select>
      <select
        className="input"
        aria-label="Validity"
        data-testid="validity-filter"
        value={filters.valid === null ? '' : String(filters.valid)}
        onChange={(e) => void setFilters({ valid: e.target.value === '' ? null : e.target.value === 'true' })}
      >
        <option value="">Any validity</option>
        <option value="true">Valid only</option>
        <option value="false">Invalid only{counts ? ` (${counts.invalid})` : ''}</option>
      </select>
      <select
        className="input"
        aria-label="Sort"
        data-testid="sort-order"
        value={filters.sort}
        onChange={(e) => void setFilters({ sort: e.target.value as 'received_desc' | 'received_asc' })}
      >
        <option value="received_desc">Newest first</option>
        <option value="received_asc">Oldest first</option>
      </select>
    </div>
  );
}
