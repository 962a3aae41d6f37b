// Above the list: Import (also `i` and drag and drop), Re-run (the open message, the current
// filter, or everything) under the draft rulebook, and Export (the current filter or everything).
import { useRef } from 'react';
import { ExportMenu } from '../export/ExportMenu';
import { useShortcut } from '../../app/shortcuts';
import { useInbox, useRuns, useStores } from '../../stores';
import { hasActiveFilters, type InboxFilters } from '../../stores/inbox';
import type { Selection } from '../../stores/runs';

export function filterSelection(f: InboxFilters): Extract<Selection, { filter: unknown } | { all: true }> {
  if (!hasActiveFilters(f)) return { all: true };
  const filter: Extract<Selection, { filter: unknown }>['filter'] = {};
  if (f.status) filter.status = f.status;
  if (f.queue) filter.queue = true;
  if (f.valid !== null) filter.valid = f.valid;
  if (f.field) filter.field = f.field;
  if (f.stale !== null) filter.stale = f.stale;
  if (f.search.trim()) filter.search = f.search.trim();
  return { filter };
}

export function InboxToolbar() {
  const { importer, runs, inbox } = useStores();
  const selectedId = useInbox((s) => s.selectedId);
  const filters = useInbox((s) => s.filters);
  const total = useInbox((s) => s.total);
  const busy = useRuns((s) => s.busy);
  const checked = useInbox((s) => s.checked);
  const menu = useRef<HTMLDetailsElement>(null);

  useShortcut('i', 'Import messages', () => importer.getState().show(), 'Inbox');
  useShortcut('x', 'Select the open message for a bulk re-run', () => {
    const id = inbox.getState().selectedId;
    if (id) inbox.getState().toggleChecked(id);
  }, 'Inbox');

  const start = (selection: Selection) => {
    if (menu.current) menu.current.open = false;
    void runs.getState().start(selection);
  };
  const filtered = hasActiveFilters(filters);
  return (
    <div className="inbox-toolbar" role="toolbar" aria-label="Inbox actions">
      <button type="button" className="button" data-testid="import-button" onClick={() => importer.getState().show()} title="Import messages (i)">
        Import…
      </button>
      <details ref={menu} className="menu" data-testid="rerun-menu">
        <summary className="button">Re-run…</summary>
        <div className="menu-items" role="menu">
          <button type="button" role="menuitem" className="menu-item" disabled={!selectedId || busy} data-testid="rerun-selected" onClick={() => selectedId && start({ ids: [selectedId] })}>
            The open message <kbd>r</kbd>
          </button>
          <button type="button" role="menuitem" className="menu-item" disabled={checked.length === 0 || busy} data-testid="rerun-checked" onClick={() => start({ ids: checked })}>
            The selected messages ({checked.length.toLocaleString()}) <kbd>x</kbd>
          </button>
          <button type="button" role="menuitem" className="menu-item" disabled={!filtered || busy} data-testid="rerun-filter" onClick={() => start(filterSelection(filters))}>
            The messages matching the filter{filtered && total !== null ? ` (${total.toLocaleString()})` : ''}
          </button>
          <button type="button" role="menuitem" className="menu-item" disabled={busy} data-testid="rerun-stale-menu" onClick={() => start({ filter: { stale: true } })}>
            The stale ones (made under an earlier schema)
          </button>
          <button type="button" role="menuitem" className="menu-item" disabled={busy} data-testid="rerun-all" onClick={() => start({ all: true })}>
            Every message
          </button>
        </div>
      </details>
      <ExportMenu selection={filterSelection(filters)} filtered={filtered} total={total} />
      {checked.length > 0 ? (
        <span className="muted inbox-checked" data-testid="inbox-checked-count">
          {checked.length.toLocaleString()} selected{' '}
          <button type="button" className="link-button" data-testid="inbox-checked-clear" onClick={() => inbox.getState().clearChecked()}>
            clear
          </button>
        </span>
      ) : null}
    </div>
  );
}
