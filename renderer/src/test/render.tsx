// Test helpers: the whole app (or one screen) in jsdom, over the real backend (backend.ts).
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../app/App';
import { createStores } from '../stores';
import type { ScreenId } from '../stores/navigation';
import { startBackend, type TestBackend } from './backend';

// jsdom has no layout: give scroll containers a height so the virtualized list renders rows.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 400 });
// jsdom lacks scrollTo on elements; the virtualizer calls it when the selection moves.
HTMLElement.prototype.scrollTo ??= function scrollTo() {};

/** Renders the app over `backend` (by default a fresh copy of the demo workspace). */
export async function renderApp(options: { backend?: TestBackend; screen?: ScreenId; workspace?: 'demo' | 'empty' } = {}) {
  const backend = options.backend ?? (await startBackend({ workspace: options.workspace }));
  const { api } = backend;
  const stores = createStores(api, { screen: options.screen });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  return { api, backend, stores, user, ...result };
}
