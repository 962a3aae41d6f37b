// Test helpers: the whole app (or one screen) over the mock API, in jsdom.
import { cleanup, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach } from 'vitest';
import { App } from '../app/App';
import { createMockApi, type MockApi } from '../api/mock';
import { demoData } from '../api/mockData';
import { createStores } from '../stores';
import type { ScreenId } from '../stores/navigation';

afterEach(() => cleanup());

// jsdom has no layout: give scroll containers a height so the virtualized list renders rows.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 400 });
// jsdom lacks scrollTo on elements; the virtualizer calls it when the selection moves.
HTMLElement.prototype.scrollTo ??= function scrollTo() {};

export function renderApp(options: { api?: MockApi; screen?: ScreenId; count?: number } = {}) {
  const api = options.api ?? createMockApi(demoData({ count: options.count }));
  const stores = createStores(api, { screen: options.screen });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  return { api, stores, user, ...result };
}
