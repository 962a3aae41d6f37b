// @vitest-environment jsdom
// The Rulebook summary over the real backend: the draft renamed in place, and its provider named as
// what it is.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { startBackend } from '../../test/backend';
import { renderApp } from '../../test/render';

describe('Rulebook › Summary', () => {
  it('renames the draft: the screen\'s title follows, and the backend keeps it', async () => {
    const { api, backend, user } = await renderApp({ screen: 'rulebook' });
    await user.click(await screen.findByTestId('rulebook-rename'));
    const input = screen.getByTestId('rulebook-rename-input') as HTMLInputElement;
    expect(input.value).toBe('Tidewell support triage');
    await user.clear(input);
    await user.type(input, '  Acme triage {Enter}');
    await waitFor(() => expect(screen.getByTestId('rulebook-name').textContent).toBe('Acme triage'));
    expect(screen.getByTestId('rulebook-summary-name').textContent).toBe('Acme triage');
    expect(api.callsOf('updateDraft')).toEqual([{ name: 'Acme triage' }]);
    expect((await backend.handlers.getRulebook({})).name).toBe('Acme triage');
  });

  it('shows the embedded provider as no model, and an OpenAI-compatible one with its model and settings', async () => {
    const backend = await startBackend();
    await renderApp({ backend, screen: 'rulebook' });
    expect((await screen.findByTestId('rulebook-model')).textContent).toBe('embedded — no model (answers from the rules and the nearest precedents)');
    expect(screen.getByTestId('rulebook-model').textContent).not.toContain('gpt-4o-mini');
    await backend.handlers.updateDraft({ settings: { provider: 'openai', model: 'llama3.1', maxTokens: 500 } });
    await waitFor(() => expect(screen.getByTestId('rulebook-model').textContent).toBe('OpenAI-compatible · llama3.1 · temperature 0 · seed 7 · k=8 · max tokens 500'));
  });
});
