// @vitest-environment jsdom
// The Model tab over the real backend: the draft's provider (embedded: no model; OpenAI-compatible:
// a model name), temperature, seed, k and max tokens, each checked beside its input, saved into the
// draft rulebook (which travels to production), never into this machine's settings.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/render';

async function openModel() {
  const app = await renderApp({ screen: 'rulebook' });
  await app.user.click(await screen.findByTestId('tab-model'));
  await screen.findByTestId('model-settings');
  return app;
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('Rulebook › Model', () => {
  it('shows the embedded provider as no model, and says these settings travel in the rulebook', async () => {
    await openModel();
    expect((screen.getByTestId('model-provider') as HTMLSelectElement).value).toBe('embedded');
    expect(screen.getByTestId('model-provider-explained').textContent).toMatch(/^No model/);
    expect(screen.queryByTestId('model-name')).toBeNull();
    expect(screen.getByTestId('model-settings').textContent).not.toContain('gpt-4o-mini');
    expect(screen.getByTestId('model-travels').textContent).toMatch(/travel in the rulebook to production/);
    expect(input('model-k').value).toBe('8');
    expect(input('model-temperature').value).toBe('0');
    expect(input('model-seed').value).toBe('7');
    expect(input('model-max-tokens').value).toBe('');
  });

  it('saves an OpenAI-compatible model and its settings into the draft; only what changed is sent', async () => {
    const { api, backend, user } = await openModel();
    await user.selectOptions(screen.getByTestId('model-provider'), 'openai');
    await user.clear(input('model-name'));
    await user.type(input('model-name'), 'llama3.1');
    await user.clear(input('model-temperature'));
    await user.type(input('model-temperature'), '0.3');
    await user.clear(input('model-seed'));
    await user.type(input('model-seed'), '11');
    await user.clear(input('model-k'));
    await user.type(input('model-k'), '3');
    await user.type(input('model-max-tokens'), '300');
    expect(screen.getByTestId('model-unsaved')).toBeTruthy();
    await user.click(screen.getByTestId('model-save'));
    await waitFor(() => expect(screen.getByTestId('model-status').textContent).toBe('Saved.'));
    expect(api.callsOf('updateDraft')).toEqual([{ settings: { provider: 'openai', model: 'llama3.1', temperature: 0.3, seed: 11, k: 3, maxTokens: 300 } }]);
    expect((await backend.handlers.getRulebook({})).settings).toEqual({ provider: 'openai', model: 'llama3.1', temperature: 0.3, seed: 11, k: 3, maxTokens: 300 });
    expect(api.callsOf('updateSettings')).toEqual([]);
    expect(screen.queryByTestId('model-unsaved')).toBeNull();

    // The summary names the model beside its provider now.
    await user.click(screen.getByTestId('tab-summary'));
    expect(screen.getByTestId('rulebook-model').textContent).toContain('OpenAI-compatible · llama3.1');

    // Clearing max tokens removes the limit.
    await user.click(screen.getByTestId('tab-model'));
    await user.clear(input('model-max-tokens'));
    await user.click(screen.getByTestId('model-save'));
    await waitFor(() => expect(api.callsOf('updateDraft').at(-1)).toEqual({ settings: { maxTokens: null } }));
  });

  it('checks each value beside its input and saves nothing while one is wrong', async () => {
    const { api, user } = await openModel();
    await user.clear(input('model-temperature'));
    await user.type(input('model-temperature'), '3');
    await user.clear(input('model-k'));
    await user.type(input('model-k'), '2.5');
    await user.clear(input('model-seed'));
    await user.type(input('model-seed'), '-1');
    await user.type(input('model-max-tokens'), '0');
    await user.selectOptions(screen.getByTestId('model-provider'), 'openai');
    await user.clear(input('model-name'));
    const beside = (id: string) => input(id).closest('label')!.querySelector('.field-error')?.textContent ?? '';
    expect(beside('model-temperature')).toMatch(/0 to 2/);
    expect(beside('model-k')).toMatch(/whole number/);
    expect(beside('model-seed')).toMatch(/whole number/);
    expect(beside('model-max-tokens')).toMatch(/1 to 100,000/);
    expect(beside('model-name')).toMatch(/needs a model name/);
    expect((screen.getByTestId('model-save') as HTMLButtonElement).disabled).toBe(true);
    expect(api.callsOf('updateDraft')).toEqual([]);
  });

  it('shows the backend refusing a setting beside its input, and keeps what was typed across tabs', async () => {
    const { api, user } = await openModel();
    await user.selectOptions(screen.getByTestId('model-provider'), 'openai');
    await user.clear(input('model-name'));
    await user.type(input('model-name'), 'no-such-model');
    api.failNext('updateDraft', { code: 'bad_request', message: 'updateDraft: settings.model: unknown here', issues: [{ path: 'settings.model', message: 'unknown here' }] });
    await user.click(screen.getByTestId('model-save'));
    await waitFor(() => expect(input('model-name').closest('label')!.querySelector('.field-error')?.textContent).toBe('unknown here'));

    await user.click(screen.getByTestId('tab-summary'));
    await user.click(screen.getByTestId('tab-model'));
    expect(input('model-name').value).toBe('no-such-model');
    expect(within(screen.getByTestId('model-settings')).getByTestId('model-unsaved')).toBeTruthy();
  });
});
