// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockApi } from '../api/mock';
import { demoData } from '../api/mockData';
import { renderApp } from '../test/render';

describe('Rules, Rulebook and Settings screens', () => {
  it('lists rules with kind, what they do, rationale and whether they are on', async () => {
    renderApp({ screen: 'rules' });
    const rows = await screen.findAllByTestId('rule-row');
    expect(rows).toHaveLength(3);
    const override = rows.find((r) => r.getAttribute('data-rule-id') === 'rule-locked-out')!;
    expect(override.textContent).toContain('override');
    expect(override.textContent).toContain('contains any of “locked out”, set issue_type = account');
    expect(override.textContent).toContain('A lock-out is always an account problem.');
    expect(rows.find((r) => r.getAttribute('data-rule-id') === 'rule-asap')!.textContent).toContain('No');
  });

  it('shows the rulebook: name, version, schema fields and precedent count', async () => {
    renderApp({ screen: 'rulebook' });
    expect((await screen.findByTestId('rulebook-name')).textContent).toBe('Tidewell support');
    expect(screen.getByTestId('rulebook-version').textContent).toBe('3');
    expect(screen.getByTestId('rulebook-precedent-count').textContent).toBe('1');
    expect(screen.getAllByTestId('schema-field').map((r) => r.getAttribute('data-field'))).toEqual(['name', 'issue_type', 'urgency', 'sentiment', 'order_id', 'is_repeat_contact']);
  });

  it('saves changed provider settings only', async () => {
    const { api, user } = renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    await user.selectOptions(screen.getByTestId('settings-provider'), 'openai');
    await user.type(screen.getByTestId('settings-base-url'), 'http://127.0.0.1:8080/v1');
    await user.clear(screen.getByTestId('settings-k'));
    await user.type(screen.getByTestId('settings-k'), '5');
    await user.click(screen.getByTestId('settings-save'));
    await screen.findByText('Saved.');
    expect(api.calls.filter((c) => c.method === 'updateSettings').map((c) => c.args)).toEqual([{ provider: 'openai', baseURL: 'http://127.0.0.1:8080/v1', k: 5 }]);
  });

  it('saves the runs\' rate limit in requests per second', async () => {
    const { api, user } = renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    expect((screen.getByTestId('settings-rate') as HTMLInputElement).value).toBe('0');
    await user.clear(screen.getByTestId('settings-rate'));
    await user.type(screen.getByTestId('settings-rate'), '2.5');
    await user.click(screen.getByTestId('settings-save'));
    await screen.findByText('Saved.');
    expect(api.calls.filter((c) => c.method === 'updateSettings').map((c) => c.args)).toEqual([{ ratePerSecond: 2.5 }]);
  });

  it('shows the backend refusing a setting next to the field', async () => {
    const { user } = renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    await user.selectOptions(screen.getByTestId('settings-provider'), 'openai');
    // A URL the browser accepts but the contract refuses (only http and https).
    await user.type(screen.getByTestId('settings-base-url'), 'ftp://models.example');
    await user.click(screen.getByTestId('settings-save'));
    const row = screen.getByTestId('settings-base-url').closest('label')!;
    await waitFor(() => expect(row.querySelector('.field-error')?.textContent).toBeTruthy());
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('stores an API key write-only: sent once, field cleared, never shown', async () => {
    const api = createMockApi(demoData());
    const { user, container } = renderApp({ api, screen: 'settings' });
    await screen.findByTestId('api-key-form');
    expect(screen.getByTestId('api-key-status').textContent).toContain('No key');
    const input = screen.getByTestId('api-key-input') as HTMLInputElement;
    expect(input.type).toBe('password');
    await user.type(input, 'sk-secret-123');
    await user.click(screen.getByTestId('api-key-save'));
    await waitFor(() => expect(screen.getByTestId('api-key-status').textContent).toContain('A key is stored'));
    expect(input.value).toBe('');
    expect(api.calls.filter((c) => c.method === 'setApiKey').map((c) => c.args)).toEqual([{ apiKey: 'sk-secret-123' }]);
    expect(new XMLSerializer().serializeToString(container)).not.toContain('sk-secret-123');
  });
});
