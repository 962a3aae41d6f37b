// The header's workspace switcher: which workspace is open, and a panel with the recent ones, a path
// to open, and "New workspace…" (the start screen). Escape or a click elsewhere closes the panel and
// focus returns to its button.
import { useEffect, useRef } from 'react';
import { OpenWorkspace } from '../features/start/OpenWorkspace';
import { useApp, useStores } from '../stores';
import '../features/start/start.css';

export function WorkspaceSwitcher() {
  const { app } = useStores();
  const open = useApp((s) => s.switcherOpen);
  const workspace = useApp((s) => s.workspace);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    void app.getState().refreshWorkspace();
    const close = (returnFocus: boolean) => {
      app.getState().setSwitcherOpen(false);
      if (returnFocus) button.current?.focus();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      close(true);
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node | null;
      if (target && !panel.current?.contains(target) && !button.current?.contains(target)) close(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [app, open]);

  return (
    <div className="switcher">
      <button
        ref={button}
        type="button"
        className="button button-small"
        aria-expanded={open}
        aria-controls="workspace-panel"
        data-testid="workspace-switcher"
        onClick={() => app.getState().setSwitcherOpen(!open)}
      >
        Switch workspace ▾
      </button>
      {open ? (
        <div ref={panel} id="workspace-panel" className="switcher-panel" role="region" aria-label="Workspaces" data-testid="workspace-panel">
          <button type="button" className="button button-primary" data-testid="new-workspace" onClick={() => app.getState().showStart()}>
            New workspace…
          </button>
          <h2>Recent workspaces</h2>
          {workspace ? <OpenWorkspace state={workspace} autoFocusPath={false} onOpened={() => app.getState().setSwitcherOpen(false)} /> : <p className="muted">Loading…</p>}
        </div>
      ) : null}
    </div>
  );
}
