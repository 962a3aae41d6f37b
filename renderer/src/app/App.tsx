import { useState } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { StoresProvider, type Stores } from '../stores';
import { Frame } from './Frame';
import { ShortcutRegistry, ShortcutsProvider } from './shortcuts';

export function App({ stores }: { stores: Stores }) {
  const [registry] = useState(() => new ShortcutRegistry());
  return (
    <ErrorBoundary where="Casebook">
      <StoresProvider stores={stores}>
        <ShortcutsProvider registry={registry}>
          <Frame />
        </ShortcutsProvider>
      </StoresProvider>
    </ErrorBoundary>
  );
}
