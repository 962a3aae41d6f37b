// The application frame: navigation on the left, the header, and the open screen. It loads the app's
// info first; `app-ready` appears once that first API call succeeded. With no workspace open (a first
// run) the frame is the start screen alone; "New workspace…" shows it over the open workspace.
import { useEffect, useState, type ReactNode } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ErrorState, Loading } from '../components/States';
import { Toasts } from '../components/Toasts';
import { ImportDialog } from '../features/import/ImportDialog';
import { useFileDrop } from '../features/import/useFileDrop';
import { RunsBar } from '../features/runs/RunsBar';
import { StartScreen, StartUnavailable } from '../features/start/StartScreen';
import { useApp, useImporter, useNavigation, useStores } from '../stores';
import { Header } from './Header';
import { Navigation } from './Navigation';
import { SCREENS } from './screens';
import { useShortcut } from './shortcuts';
import { ShortcutsDialog } from './ShortcutsDialog';

export function Frame() {
  const { app, api, inbox, messageDetail, runs, importer } = useStores();
  const importOpen = useImporter((s) => s.open);
  const importFiles = useImporter((s) => s.files);
  const drop = useFileDrop((files) => importer.getState().show(files));
  const status = useApp((s) => s.status);
  const error = useApp((s) => s.error);
  const workspacePath = useApp((s) => s.info?.workspacePath);
  const workspace = useApp((s) => s.workspace);
  const starting = useApp((s) => s.starting);
  const screenId = useNavigation((s) => s.screen);
  const [showShortcuts, setShowShortcuts] = useState(false);

  useShortcut('?', 'Show keyboard shortcuts', () => setShowShortcuts(true));

  useEffect(() => {
    void app.getState().load();
  }, [app]);

  // The backend says the workspace changed (an import, a run): refresh what is on screen.
  useEffect(() => {
    if (status !== 'ready' || !workspacePath) return;
    return api.on('messagesChanged', () => {
      void app.getState().refreshCounts();
      if (inbox.getState().total !== null) void inbox.getState().reload();
      if (messageDetail.getState().id) void messageDetail.getState().reload();
    });
  }, [api, app, inbox, messageDetail, status, workspacePath]);

  // The draft renamed (Rulebook › Instructions): the header and the recent list name it anew.
  useEffect(() => {
    if (status !== 'ready' || !workspacePath) return;
    return api.on('draftChanged', () => void app.getState().refreshWorkspace());
  }, [api, app, status, workspacePath]);

  // Runs: the bar follows progress events; a run that ends refreshes what is on screen.
  useEffect(() => {
    if (status !== 'ready' || !workspacePath) return;
    void runs.getState().load();
    return api.on('runProgress', (event) => {
      runs.getState().onProgress(event);
      if (event.status !== 'running' && event.status !== 'queued') {
        void app.getState().refreshCounts();
        if (inbox.getState().total !== null) void inbox.getState().reload();
        if (messageDetail.getState().id) void messageDetail.getState().reload();
      }
    });
  }, [api, app, inbox, messageDetail, runs, status, workspacePath]);

  // The native menu (Electron): File › Import Messages… opens the import dialog, on any screen;
  // File › New Workspace… the start screen; openWorkspace the header's switcher.
  useEffect(() => {
    if (status !== 'ready' || !workspacePath) return;
    return api.on('menuCommand', (event) => {
      if (event.command === 'import' && !importer.getState().open && !app.getState().starting) importer.getState().show();
      if (event.command === 'newWorkspace') app.getState().showStart();
      if (event.command === 'openWorkspace') app.getState().setSwitcherOpen(true);
    });
  }, [api, app, importer, status, workspacePath]);

  if (status === 'loading') return <Loading label="Opening the workspace…" />;
  if (status === 'error' && error) {
    return (
      <div className="frame-error">
        <ErrorState title="Casebook cannot reach its backend" failure={error} onRetry={() => void app.getState().load()} />
      </div>
    );
  }

  if (!workspacePath) {
    // A first run (or every workspace gone): nothing to show but the ways to start.
    return (
      <div className="start-page" data-testid="app-ready">
        {workspace ? <StartScreen state={workspace} /> : <StartUnavailable onRetry={() => void app.getState().load()} />}
        <Toasts />
      </div>
    );
  }

  const screen = SCREENS.find((s) => s.id === screenId) ?? SCREENS[0]!;
  const Screen = screen.component;
  return (
    <div className={`frame${drop.over ? ' is-drop-target' : ''}`} data-testid="app-ready" {...drop.handlers}>
      <Navigation />
      <div className="frame-main">
        <Header onShowShortcuts={() => setShowShortcuts(true)} />
        <RunsBar />
        <main className="screen" aria-label={screen.label} data-testid={`screen-${screen.id}`}>
          <ErrorBoundary key={screen.id} where={screen.label}>
            <Screen />
          </ErrorBoundary>
        </main>
      </div>
      {showShortcuts ? <ShortcutsDialog onClose={() => setShowShortcuts(false)} /> : null}
      {importOpen ? <ImportDialog files={importFiles} onClose={() => importer.getState().close()} /> : null}
      {starting && workspace ? (
        <StartOverlay>
          <StartScreen state={workspace} onCancel={() => app.getState().hideStart()} />
        </StartOverlay>
      ) : null}
      {drop.over ? (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          Drop files to import them
        </div>
      ) : null}
      <Toasts />
    </div>
  );
}

/** The start screen over the open workspace: modal (the screen's shortcuts stay quiet), Escape goes back. */
function StartOverlay({ children }: { children: ReactNode }) {
  const { app } = useStores();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      app.getState().hideStart();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [app]);
  return (
    <div
      className="start-overlay"
      role="dialog"
      aria-modal="true"
      aria-label="New workspace"
      // A file dropped here is not an import (the rulebook step takes its own drops).
      onDragOver={(e) => e.stopPropagation()}
      onDrop={(e) => e.stopPropagation()}
    >
      {children}
    </div>
  );
}
