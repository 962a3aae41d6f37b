// The application frame: navigation on the left, the header, and the open screen. It loads the app's
// info first; `app-ready` appears once that first API call succeeded.
import { useEffect, useState } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ErrorState, Loading } from '../components/States';
import { useApp, useNavigation, useStores } from '../stores';
import { Header } from './Header';
import { Navigation } from './Navigation';
import { SCREENS } from './screens';
import { useShortcut } from './shortcuts';
import { ShortcutsDialog } from './ShortcutsDialog';

export function Frame() {
  const { app, api, inbox, messageDetail } = useStores();
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
    <div className="frame" data-testid="app-ready">
      <Navigation />
      <div className="frame-main">
        <Header onShowShortcuts={() => setShowShortcuts(true)} />
        <main className="screen" aria-label={screen.label} data-testid={`screen-${screen.id}`}>
          <ErrorBoundary key={screen.id} where={screen.label}>
            <Screen />
          </ErrorBoundary>
        </main>
      </div>
      {showShortcuts ? <ShortcutsDialog onClose={() => setShowShortcuts(false)} /> : null}
    </div>
  );
}
