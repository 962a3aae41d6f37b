import { useShallow } from 'zustand/react/shallow';
import { workspaceName } from '../stores/app';
import { useApp } from '../stores';

export function Header({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  const { info, counts } = useApp(useShallow((s) => ({ info: s.info, counts: s.counts })));
  return (
    <header className="header">
      <div className="header-title">
        <h1 data-testid="workspace-name">{workspaceName(info)}</h1>
        {info?.workspacePath ? <span className="header-path" title={info.workspacePath}>{info.workspacePath}</span> : null}
      </div>
      {counts ? (
        <dl className="header-counts" data-testid="header-counts">
          <div>
            <dt>Messages</dt>
            <dd data-testid="count-total">{counts.total.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Needs review</dt>
            <dd data-testid="count-needs-review">{counts.byStatus.needs_review.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Invalid</dt>
            <dd data-testid="count-invalid">{counts.invalid.toLocaleString()}</dd>
          </div>
        </dl>
      ) : null}
      <button type="button" className="button button-quiet" onClick={onShowShortcuts} title="Keyboard shortcuts (?)" data-testid="shortcuts-button">
        ?
      </button>
    </header>
  );
}
