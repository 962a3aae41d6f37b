// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { startBackend } from '../test/backend';
import { renderApp } from '../test/render';

describe('Application frame', () => {
  it('shows app-ready with the workspace name and counts once the first call succeeded', async () => {
    const { backend } = await renderApp();
    await screen.findByTestId('app-ready');
    // Named by its draft rulebook's name (the file is test/backend.ts's "Tidewell support.casebook").
    await waitFor(() => expect(screen.getByTestId('workspace-name').textContent).toBe('Tidewell support triage'));
    expect(screen.getByTestId('workspace-path').textContent).toMatch(/Tidewell support\.casebook$/);
    expect(document.title).toBe('Tidewell support triage — Casebook');
    // The demo's 140 messages and the template's unextracted one; Lena's invalid answer and what the
    // machine was less sure of than the review threshold need review (test/workspaces.ts).
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('141'));
    const counts = await backend.handlers.getCounts({});
    expect(counts.needsReview).toBeGreaterThanOrEqual(1);
    expect(screen.getByTestId('count-needs-review').textContent).toBe(String(counts.needsReview));
    expect(screen.getByTestId('count-invalid').textContent).toBe('1');
  });

  it('navigates by the side bar and by g-shortcuts', async () => {
    const { user } = await renderApp();
    await screen.findByTestId('app-ready');
    await user.click(screen.getByTestId('nav-rules'));
    expect(await screen.findByTestId('rules-screen')).toBeTruthy();
    expect(screen.getByTestId('nav-rules').getAttribute('aria-current')).toBe('page');
    await user.keyboard('gb');
    expect(await screen.findByTestId('rulebook-screen')).toBeTruthy();
    await user.keyboard('gd');
    expect(await screen.findByTestId('drift-screen')).toBeTruthy();
    await user.keyboard('gs');
    expect(await screen.findByTestId('settings-screen')).toBeTruthy();
    await user.keyboard('gi');
    expect(await screen.findByTestId('inbox-list')).toBeTruthy();
  });

  it('does not take shortcuts while typing in a field', async () => {
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await user.type(screen.getByTestId('search-input'), 'gr');
    expect(screen.queryByTestId('rules-screen')).toBeNull();
  });

  it('lists the shortcuts of the current screen with ?', async () => {
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await user.keyboard('?');
    const dialog = await screen.findByTestId('shortcuts-dialog');
    expect(dialog.textContent).toContain('Go to Rules');
    expect(dialog.textContent).toContain('Next message');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('shortcuts-dialog')).toBeNull());
  });

  it('opens the import dialog on the native menu Import Messages… (menuCommand event), on any screen', async () => {
    const { api, user } = await renderApp();
    await screen.findByTestId('app-ready');
    await user.click(screen.getByTestId('nav-rules'));
    await screen.findByTestId('rules-screen');
    expect(screen.queryByTestId('import-dialog')).toBeNull();
    act(() => api.emit('menuCommand', { command: 'import' }));
    expect(await screen.findByTestId('import-dialog')).toBeTruthy();
  });

  it('shows why it cannot start, and retries', async () => {
    const backend = await startBackend();
    backend.api.failNext('getAppInfo', { code: 'unavailable', message: 'Cannot reach the Casebook host (Failed to fetch).' });
    const { user } = await renderApp({ backend });
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('Failed to fetch');
    expect(screen.queryByTestId('app-ready')).toBeNull();
    await user.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('app-ready')).toBeTruthy();
  });
});
