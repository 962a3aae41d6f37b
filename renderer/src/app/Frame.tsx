// The application frame: navigation on the left, the header, and the open screen. It loads the app's
// info first; `app-ready` appears once that first API call succeeded.
import { useEffect, useState } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ErrorState, Loading } from '../components/States';
import { Toasts } from '../components/Toasts';
import { ImportDialog } from '../features/import/ImportDialog';
import { useFileDrop } from '../features/import/useFileDrop';
import { RunsBar } from '../features/runs/RunsBar';
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
  const screenId = useNavigation((s) => s.screen);
  const [showShortcuts, setShowShortcuts] = useState(false);

  useShortcut('?', 'Show keyboard shortcuts', () => setShowShortcuts(true));

  useEffect(() => {
    void app.getState().load();
  }, [app]);

  // The backend says the workspace changed (an import, a run): refresh what is on screen.
  useEffect(() => {
    if (status !== 'ready') return;
    return api.on('messagesChanged', () => {
      void app.getState().refreshCounts();
      if (inbox.getState().total !== null) void inbox.getState().reload();
      if (messageDetail.getState().id) void messageDetail.getState().reload();
    });
  }, [api, app, inbox, messageDetail, status]);

  // Runs: the bar follows progress events; a run that ends refreshes what is on screen.
  useEffect(() => {
    if (status !== 'ready') return;
    void runs.getState().load();
    return api.on('runProgress', (event) => {
      runs.getState().onProgress(event);
      if (event.status !== 'running' && event.status !== 'queued') {
        void app.getState().refreshCounts();
        if (inbox.getState().total !== null) void inbox.getState().reload();
        if (messageDetail.getState().id) void messageDetail.getState().reload();
      }
    });
  }, [api, app, inbox, messageDetail, runs, status]);

  // The native menu (Electron): File › Import Messages… opens the import dialog, on any screen.
  useEffect(() => {
    if (status !== 'ready') return;
    return api.on('menuCommand', (event) => {
      if (event.command === 'import' && !importer.getState().open) importer.getState().show();
    });
  }, [api, importer, status]);

  if (status === 'loading') return <Loading label="Opening the workspace…" />;
  if (status === 'error' && error) {
    return (
      <div className="frame-error">
        <ErrorState title="Casebook cannot reach its backend" failure={error} onRetry={() => void app.getState().load()} />
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
      {drop.over ? (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          Drop files to import them
        </div>
      ) : null}
      <Toasts />
    </div>
  );
}
