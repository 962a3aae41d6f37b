// Status, validity, field value and search filters. Search (and a typed field value) is debounced so
// typing does not query on every key.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { REVIEW_STATUSES, type FieldSpec, type ReviewStatus } from '../../api/contract';
import { useShortcut } from '../../app/shortcuts';
import { statusLabel } from '../../components/Badge';
import { useApp, useInbox, useRulebook } from '../../stores';
import { QUEUE_FILTERS, type FieldFilter as FieldFilterValue, type InboxSort } from '../../stores/inbox';

/** The status select's value for the review queue (not a status: needs review plus regressions). */
const QUEUE = 'queue';

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
        value={filters.queue ? QUEUE : (filters.status ?? '')}
        onChange={(e) => {
          const v = e.target.value;
          if (v === QUEUE) void setFilters(QUEUE_FILTERS);
          else void setFilters({ queue: false, status: (v || null) as ReviewStatus | null, ...(filters.queue && filters.sort === 'confidence' ? { sort: 'received_desc' as const } : {}) });
        }}
      >
        <option value="">Any status{counts ? ` (${counts.total})` : ''}</option>
        <option value={QUEUE} title="Needs review, and messages whose answer a later run disagrees with">
          Review queue{counts ? ` (${counts.needsReview}${counts.regressions ? `, ${counts.regressions} regressions` : ''})` : ''}
        </option>
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
        aria-label="Schema"
        data-testid="stale-filter"
        title="Stale: made under an earlier schema of the draft (shown as it was; re-run to update)"
        value={filters.stale === null ? '' : String(filters.stale)}
        onChange={(e) => void setFilters({ stale: e.target.value === '' ? null : e.target.value === 'true' })}
      >
        <option value="">Any schema</option>
        <option value="true">Stale only</option>
        <option value="false">Current schema only</option>
      </select>
      <select
        className="input"
        aria-label="Sort"
        data-testid="sort-order"
        value={filters.sort}
        onChange={(e) => void setFilters({ sort: e.target.value as InboxSort })}
      >
        <option value="received_desc">Newest first</option>
        <option value="received_asc">Oldest first</option>
        <option value="confidence">Least confident first</option>
      </select>
      <FieldFilter />
    </div>
  );
}

/** Fields a person can filter by equality (a list has no single value to compare). */
function filterableFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter((f) => f.type !== 'string_list');
}

/** The choices of a field with a fixed set of values (enum, boolean); null for a typed value. */
function fixedChoices(spec: FieldSpec): { label: string; value: FieldFilterValue['value'] }[] | null {
  const empty = spec.nullable ? [{ label: '(empty)', value: null }] : [];
  if (spec.type === 'enum') return [...(spec.values ?? []).map((v) => ({ label: v.value, value: v.value })), ...empty];
  if (spec.type === 'boolean') return [{ label: 'true', value: true }, { label: 'false', value: false }, ...empty];
  return null;
}

/** A typed value as the filter compares it: numbers as numbers, the rest as text; '' clears. */
function typedValue(spec: FieldSpec, text: string): FieldFilterValue['value'] | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (spec.type === 'number') {
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return t;
}

/** "Where field = value" over the newest extraction: a select of the draft schema's fields, then a value. */
function FieldFilter() {
  const filters = useInbox((s) => s.filters);
  const setFilters = useInbox((s) => s.setFilters);
  const fields = useRulebook(useShallow((s) => filterableFields(s.rulebook?.schema.fields ?? [])));
  const active = filters.field;
  // The chosen field may have no value yet (no filter applied until it has one).
  const [name, setName] = useState(active?.name ?? '');
  const [text, setText] = useState(active && typeof active.value !== 'boolean' && active.value !== null ? String(active.value) : '');
  const spec = fields.find((f) => f.name === name) ?? null;
  const choices = spec ? fixedChoices(spec) : null;

  useEffect(() => {
    if (!spec || choices) return;
    const value = typedValue(spec, text);
    const current = active?.name === spec.name ? active.value : undefined;
    if (value === current) return;
    const timer = setTimeout(() => void setFilters({ field: value === undefined ? null : { name: spec.name, value } }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [spec, choices, text, active, setFilters]);

  return (
    <>
      <select
        className="input"
        aria-label="Filter by field"
        data-testid="field-filter-name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setText('');
          if (active) void setFilters({ field: null });
        }}
      >
        <option value="">Any field</option>
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {f.name}
          </option>
        ))}
      </select>
      {spec && !choices ? (
        <input
          type="text"
          className="input"
          inputMode={spec.type === 'number' ? 'decimal' : undefined}
          placeholder={`${spec.name} is…`}
          aria-label={`${spec.name} is`}
          data-testid="field-filter-value"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
      ) : (
        <select
          className="input"
          aria-label={spec ? `${spec.name} is` : 'Field value'}
          data-testid="field-filter-value"
          disabled={!spec}
          value={active && active.name === name ? JSON.stringify(active.value) : ''}
          onChange={(e) => void setFilters({ field: e.target.value === '' || !spec ? null : { name: spec.name, value: JSON.parse(e.target.value) as FieldFilterValue['value'] } })}
        >
          <option value="">Any value</option>
          {(choices ?? []).map((c) => (
            <option key={c.label} value={JSON.stringify(c.value)}>
              {c.label}
            </option>
          ))}
        </select>
      )}
    </>
  );
}
