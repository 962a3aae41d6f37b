import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { workspaceName } from '../stores/app';
import { useApp } from '../stores';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

export function Header({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  const { info, counts, workspace } = useApp(useShallow((s) => ({ info: s.info, counts: s.counts, workspace: s.workspace })));
  const name = workspaceName(info, workspace);
  // The window (and in Electron its title bar) names the open workspace.
  useEffect(() => {
    document.title = info?.workspacePath ? `${name} — Casebook` : 'Casebook';
  }, [info?.workspacePath, name]);
  return (
    <header className="header">
      <div className="header-title">
        <div className="header-title-row">
          <h1 data-testid="workspace-name">{name}</h1>
          <WorkspaceSwitcher />
        </div>
        {info?.workspacePath ? (
          <span className="header-path" title={info.workspacePath} data-testid="workspace-path">
            {info.workspacePath}
          </span>
        ) : null}
      </div>
      {counts ? (
        <dl className="header-counts" data-testid="header-counts">
          <div>
            <dt>Messages</dt>
            <dd data-testid="count-total">{counts.total.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Needs review</dt>
            <dd data-testid="count-needs-review" title="Messages the machine was unsure of, and regressions">
              {counts.needsReview.toLocaleString()}
            </dd>
          </div>
          {counts.regressions > 0 ? (
            <div>
              <dt>Regressions</dt>
              <dd data-testid="count-regressions" title="A later run disagrees with a person's answer">
                {counts.regressions.toLocaleString()}
              </dd>
            </div>
          ) : null}
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
