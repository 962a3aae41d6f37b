// Another workspace was opened (or made): the window starts again from fresh stores, so nothing of
// the old workspace (a list, a selection, a draft being edited) can be shown or sent on the new one.
// Two roads lead here and either may come first: the backend's `workspaceChanged` event (a switch
// from the native menu, another window) and the answer to the window's own call. The second to
// arrive finds the stores already made for that workspace and only goes to the screen asked for.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { createStores, StoresProvider, type Stores } from '../stores';
import type { ScreenId } from '../stores/navigation';

/** `then` runs with the stores that show the workspace (to tell the person what was made, say). */
export type WorkspaceOpened = (path: string | null, screen?: ScreenId, then?: (stores: Stores) => void) => void;

const OpenedContext = createContext<WorkspaceOpened | null>(null);

/** What to call once a workspace is open: the window reloads on it (or goes to `screen` when it already shows it). */
export function useWorkspaceOpened(): WorkspaceOpened {
  const opened = useContext(OpenedContext);
  if (!opened) throw new Error('useWorkspaceOpened: no WorkspaceSession above this component');
  return opened;
}

/** Holds the window's stores for the open workspace, and makes new ones when another opens. */
export function WorkspaceSession({ stores: initial, children }: { stores: Stores; children: (generation: number) => ReactNode }) {
  // `path`: the workspace these stores were made for; undefined for the first ones (whatever opened).
  const [current, setCurrent] = useState<{ stores: Stores; generation: number; path?: string | null }>({ stores: initial, generation: 0 });
  const ref = useRef(current);

  const opened = useCallback<WorkspaceOpened>((path, screen, then) => {
    const { stores, generation } = ref.current;
    const app = stores.app.getState();
    const shown = ref.current.path !== undefined ? ref.current.path : app.status === 'ready' ? app.info?.workspacePath : undefined;
    if (shown === path && path !== null) {
      // Already made for this workspace: just leave the start screen for the screen asked for.
      app.hideStart();
      if (screen) stores.navigation.getState().go(screen);
      then?.(stores);
      return;
    }
    const next = { stores: createStores(stores.api, screen ? { screen } : {}), generation: generation + 1, path };
    ref.current = next;
    setCurrent(next);
    then?.(next.stores);
  }, []);

  const api = current.stores.api;
  useEffect(() => api.on('workspaceChanged', (event) => opened(event.path)), [api, opened]);

  return (
    <OpenedContext.Provider value={opened}>
      <StoresProvider stores={current.stores}>{children(current.generation)}</StoresProvider>
    </OpenedContext.Provider>
  );
}
