import { useState } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import type { Stores } from '../stores';
import { Frame } from './Frame';
import { ShortcutRegistry, ShortcutsProvider } from './shortcuts';
import { WorkspaceSession } from './workspaceSwitch';

export function App({ stores }: { stores: Stores }) {
  const [registry] = useState(() => new ShortcutRegistry());
  return (
    <ErrorBoundary where="Casebook">
      <WorkspaceSession stores={stores}>
        {(generation) => (
          <ShortcutsProvider registry={registry}>
            {/* A new workspace mounts a new frame: every screen loads again from the new stores. */}
            <Frame key={generation} />
          </ShortcutsProvider>
        )}
      </WorkspaceSession>
    </ErrorBoundary>
  );
}
