// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { startBackend } from '../test/backend';
import { renderApp } from '../test/render';

describe('Rules, Rulebook and Settings screens', () => {
  it('lists rules with kind, what they do, rationale and whether they are on', async () => {
    const backend = await startBackend();
    await backend.handlers.setRuleEnabled({ id: 'rule-demo-ticket-type', enabled: false });
    await renderApp({ backend, screen: 'rules' });
    const rows = await screen.findAllByTestId('rule-row');
    expect(rows.map((r) => r.getAttribute('data-rule-id'))).toEqual(['rule-demo-current-problem', 'rule-demo-chargeback', 'rule-demo-blocking-critical', 'rule-demo-ticket-type']);
    const override = rows.find((r) => r.getAttribute('data-rule-id') === 'rule-demo-chargeback')!;
    expect(override.textContent).toContain('override');
    expect(override.textContent).toContain('contains any of “chargeback”, “charge back”, “charge-back”, “contracargo”, “Rückbuchung”, “rétrofacturation”, set issue_type = billing, urgency = high');
    expect(override.textContent).toContain('A chargeback has a response deadline from the card network');
    const enabled = (id: string) => rows.find((r) => r.getAttribute('data-rule-id') === id)!.querySelector('input[type="checkbox"]') as HTMLInputElement;
    expect(enabled('rule-demo-chargeback').checked).toBe(true);
    expect(enabled('rule-demo-ticket-type').checked).toBe(false);
    expect(rows.find((r) => r.getAttribute('data-rule-id') === 'rule-demo-ticket-type')!.textContent).toContain('No');
  });

  it('shows the rulebook: name, version, schema fields and precedent count', async () => {
    await renderApp({ screen: 'rulebook' });
    expect((await screen.findByTestId('rulebook-name')).textContent).toBe('Tidewell support triage');
    expect(screen.getByTestId('rulebook-version').textContent).toMatch(/^draft [0-9a-f]{12} · not published yet · publishes as v1$/);
    expect(screen.getByTestId('rulebook-precedent-count').textContent).toBe('569');
    expect(screen.getAllByTestId('schema-field').map((r) => r.getAttribute('data-field'))).toEqual([
      'name',
      'issue_type',
      'urgency',
      'product_area',
      'sentiment',
      'order_id',
      'requested_action',
      'language',
      'is_repeat_contact',
    ]);
  });

  it('keeps only this machine\'s settings: saves the changed ones, and says the model settings are the rulebook\'s', async () => {
    const { api, user, stores } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    expect(screen.queryByTestId('settings-provider')).toBeNull();
    expect(screen.queryByTestId('settings-model')).toBeNull();
    expect(screen.queryByTestId('settings-k')).toBeNull();
    expect(screen.getByTestId('settings-draft-provider').textContent).toBe('embedded — no model');
    await user.type(screen.getByTestId('settings-base-url'), 'http://127.0.0.1:8080/v1');
    await user.clear(screen.getByTestId('settings-concurrency'));
    await user.type(screen.getByTestId('settings-concurrency'), '2');
    await user.click(screen.getByTestId('settings-save'));
    await screen.findByText('Saved.');
    expect(api.callsOf('updateSettings')).toEqual([{ baseURL: 'http://127.0.0.1:8080/v1', concurrency: 2 }]);
    expect(await api.getSettings({})).toMatchObject({ baseURL: 'http://127.0.0.1:8080/v1', concurrency: 2, provider: 'embedded' });
    expect(api.callsOf('updateDraft')).toEqual([]);

    await user.click(screen.getByTestId('settings-model-link'));
    expect(stores.navigation.getState()).toMatchObject({ screen: 'rulebook', focusId: 'model' });
    expect((await screen.findByTestId('tab-model')).getAttribute('aria-selected')).toBe('true');
  });

  it('names the draft\'s OpenAI-compatible model beside its provider', async () => {
    const backend = await startBackend();
    await backend.handlers.updateDraft({ settings: { provider: 'openai', model: 'llama3.1' } });
    await renderApp({ backend, screen: 'settings' });
    expect((await screen.findByTestId('settings-draft-provider')).textContent).toBe('OpenAI-compatible · llama3.1');
  });

  it('saves the runs\' rate limit in requests per second', async () => {
    const { api, user } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    expect((screen.getByTestId('settings-rate') as HTMLInputElement).value).toBe('0');
    await user.clear(screen.getByTestId('settings-rate'));
    await user.type(screen.getByTestId('settings-rate'), '2.5');
    await user.click(screen.getByTestId('settings-save'));
    await screen.findByText('Saved.');
    expect(api.callsOf('updateSettings')).toEqual([{ ratePerSecond: 2.5 }]);
    expect((await api.getSettings({})).ratePerSecond).toBe(2.5);
  });

  it('shows the backend refusing a setting next to the field', async () => {
    const { api, user } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    // A URL the browser accepts but the contract refuses (only http and https).
    await user.type(screen.getByTestId('settings-base-url'), 'ftp://models.example');
    await user.click(screen.getByTestId('settings-save'));
    const row = screen.getByTestId('settings-base-url').closest('label')!;
    await waitFor(() => expect(row.querySelector('.field-error')?.textContent).toBeTruthy());
    expect(screen.queryByText('Saved.')).toBeNull();
    // Refused by the contract's validator before any handler ran.
    expect(api.callsOf('updateSettings')).toEqual([]);
  });

  it('stores an API key write-only: sent once, field cleared, never shown', async () => {
    const { api, user, container } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('api-key-form');
    expect(screen.getByTestId('api-key-status').textContent).toContain('No key');
    const input = screen.getByTestId('api-key-input') as HTMLInputElement;
    expect(input.type).toBe('password');
    await user.type(input, 'sk-secret-123');
    await user.click(screen.getByTestId('api-key-save'));
    await waitFor(() => expect(screen.getByTestId('api-key-status').textContent).toContain('A key is stored'));
    // The browser host keeps it in memory, not encrypted: the screen says so.
    expect(screen.getByTestId('api-key-status').textContent).toContain('memory only');
    expect(screen.getByTestId('api-key-status').textContent).not.toContain('encrypted');
    expect(input.value).toBe('');
    expect(api.callsOf('setApiKey')).toEqual([{ apiKey: 'sk-secret-123' }]);
    expect(await api.getSettings({})).toMatchObject({ hasApiKey: true });
    expect(JSON.stringify(await api.getSettings({}))).not.toContain('sk-secret-123');
    expect(new XMLSerializer().serializeToString(container)).not.toContain('sk-secret-123');
  });
});
