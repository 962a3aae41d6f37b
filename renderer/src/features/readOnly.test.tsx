// @vitest-environment jsdom
// The Rules and Precedents screens turn read-only only when the backend says the workspace cannot be
// written; `unavailable` (a host busy, restarting or out of reach) is an error with a retry.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { startBackend } from '../test/backend';
import { renderApp } from '../test/render';

const UNAVAILABLE = { code: 'unavailable', message: 'The backend stopped unexpectedly; try again.' } as const;
// What a host answers when SQLite refuses to write a read-only workspace file.
const READ_ONLY = (method: string) => ({ code: 'internal', message: `${method} failed: attempt to write a readonly database` }) as const;

describe('Rules and Precedents when the backend fails', () => {
  it('rules: an unavailable backend is an error with retry, and the rules stay editable after it', async () => {
    const backend = await startBackend();
    backend.api.failNext('listRules', UNAVAILABLE);
    const { user } = await renderApp({ backend, screen: 'rules' });
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('try again');
    expect(screen.queryByTestId('rules-screen')).toBeNull();
    await user.click(within(error).getByTestId('retry-button'));
    await screen.findByTestId('rules-screen');
    expect(screen.getAllByTestId('rule-edit')).toHaveLength(4);
    expect(screen.getByTestId('rules-screen').textContent).not.toContain('read-only');

    // A change refused as unavailable is said, and changes nothing else.
    backend.api.failNext('setRuleEnabled', UNAVAILABLE);
    await user.click(screen.getAllByTestId('rule-toggle')[0]!);
    expect((await screen.findByTestId('toast')).textContent).toContain('try again');
    expect(screen.getAllByTestId('rule-toggle')).toHaveLength(4);
    expect(screen.getByTestId('rules-screen').textContent).not.toContain('read-only');
  });

  it('rules: a workspace that cannot be written makes the screen read-only', async () => {
    const { api, user } = await renderApp({ screen: 'rules' });
    await screen.findByTestId('rules-screen');
    api.failNext('setRuleEnabled', READ_ONLY('setRuleEnabled'));
    await user.click(screen.getAllByTestId('rule-toggle')[0]!);
    expect((await screen.findByTestId('toast')).textContent).toContain('readonly database');
    await waitFor(() => expect(screen.getByTestId('rules-screen').textContent).toContain('read-only: the workspace cannot be written'));
    expect(screen.queryAllByTestId('rule-toggle')).toHaveLength(0);
    expect(screen.queryAllByTestId('rule-edit')).toHaveLength(0);
    expect(screen.queryAllByTestId('rule-delete')).toHaveLength(0);
    expect(screen.getAllByTestId('rule-row')).toHaveLength(4);
  });

  it('precedents: an unavailable backend is an error with retry, then an editable list', async () => {
    const backend = await startBackend();
    backend.api.failNext('listPrecedents', UNAVAILABLE);
    const { user } = await renderApp({ backend, screen: 'precedents' });
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('try again');
    await user.click(within(error).getByTestId('retry-button'));
    expect(await screen.findAllByTestId('precedent-row')).toHaveLength(569);
    expect(screen.getAllByTestId('precedent-edit')).toHaveLength(569);
    expect(screen.getByTestId('precedents-screen').textContent).not.toContain('Read-only');
  });

  it('precedents: a workspace that cannot be written makes the screen read-only', async () => {
    const { api, user } = await renderApp({ screen: 'precedents' });
    const rows = await screen.findAllByTestId('precedent-row');
    api.failNext('deletePrecedent', READ_ONLY('deletePrecedent'));
    await user.click(within(rows[0]!).getByTestId('precedent-delete'));
    expect((await screen.findByTestId('toast')).textContent).toContain('readonly database');
    await waitFor(() => expect(screen.getByTestId('precedents-screen').textContent).toContain('Read-only: the workspace cannot be written.'));
    expect(screen.queryAllByTestId('precedent-edit')).toHaveLength(0);
    expect(screen.queryAllByTestId('precedent-delete')).toHaveLength(0);
    expect(screen.getAllByTestId('precedent-row')).toHaveLength(569);
  });
});
