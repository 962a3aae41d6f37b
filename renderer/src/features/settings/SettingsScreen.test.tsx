// @vitest-environment jsdom
// Settings over the real backend: Test connection against the scripted OpenAI-compatible server over
// HTTP (and a closed port), presets, where the key is kept, the review threshold and extracting
// imports, and a model changed elsewhere shown without a reload.
import { screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../../../shared/testkit/scripted-server';
import { closedPortURL } from '../../../../shared/testkit/closed-port';
import { startBackend } from '../../test/backend';
import { renderApp } from '../../test/render';

let server: ScriptedServer;
let closedURL: string;
beforeAll(async () => {
  server = await startScriptedServer({ script: { logprobs: true } });
  closedURL = await closedPortURL();
});
afterAll(() => server.close());

describe('Settings screen', () => {
  it('tests the connection typed in (not yet saved) and shows what the server supports', async () => {
    const backend = await startBackend();
    await backend.handlers.updateDraft({ settings: { provider: 'openai', model: 'casebook-test-1' } });
    const { api, user } = await renderApp({ backend, screen: 'settings' });
    await screen.findByTestId('settings-form');
    expect(screen.getByTestId('connection-model').textContent).toBe('casebook-test-1');
    await user.type(screen.getByTestId('settings-base-url'), server.url);
    await user.click(screen.getByTestId('connection-test-button'));
    const report = await screen.findByTestId('connection-report', {}, { timeout: 5000 });
    expect(report.getAttribute('data-ok')).toBe('true');
    expect(within(report).getByTestId('connection-headline').textContent).toMatch(new RegExp(`^Connected to ${server.url.replace(/\./g, '\\.')} in \\d+ ms\\.$`));
    expect(within(report).getByTestId('connection-json-schema').textContent).toBe('yes');
    expect(within(report).getByTestId('connection-json-mode').textContent).toBe('not needed');
    expect(within(report).getByTestId('connection-logprobs').textContent).toBe('yes');
    expect(within(report).getByTestId('connection-answered-model').textContent).toBe('casebook-test-1');
    expect(api.callsOf('testConnection')).toEqual([{ baseURL: server.url, timeoutMs: 8000 }]);
    // Testing saved nothing.
    expect((await api.getSettings({})).baseURL).toBe('');
  });

  it('fails within seconds at a closed port, saying nothing listens there', async () => {
    const { user } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    await user.type(screen.getByTestId('settings-base-url'), closedURL);
    const t0 = Date.now();
    await user.click(screen.getByTestId('connection-test-button'));
    const report = await screen.findByTestId('connection-report', {}, { timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(report.getAttribute('data-ok')).toBe('false');
    expect(within(report).getByTestId('connection-headline').textContent).toBe(`Failed: nothing is listening at ${closedURL} (connection refused)`);
    expect(within(report).getByTestId('connection-json-schema').textContent).toBe('not found out');
  });

  it('fills the base URL from a preset and says to pick the model in Rulebook › Model; Azure asks for its resource first', async () => {
    const { user } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    await user.click(screen.getByTestId('settings-preset-ollama'));
    expect((screen.getByTestId('settings-base-url') as HTMLInputElement).value).toBe('http://localhost:11434/v1');
    expect(screen.getByTestId('settings-preset-note').textContent).toContain('Rulebook › Model (for example llama3.1)');
    await user.click(screen.getByTestId('settings-preset-azure'));
    expect((screen.getByTestId('settings-base-url') as HTMLInputElement).value).toBe('https://<resource>.openai.azure.com/openai/v1');
    expect(screen.getByTestId('settings-preset-note').textContent).toContain('Replace <resource> with your Azure OpenAI resource');
    expect(screen.getByTestId('connection-test-button').hasAttribute('disabled')).toBe(true);
    for (const [id, url] of [
      ['openai', 'https://api.openai.com/v1'],
      ['vllm', 'http://localhost:8000/v1'],
      ['llamacpp', 'http://localhost:8080/v1'],
    ] as const) {
      await user.click(screen.getByTestId(`settings-preset-${id}`));
      expect((screen.getByTestId('settings-base-url') as HTMLInputElement).value).toBe(url);
    }
  });

  it('says where the key is kept, and saves the review threshold and extracting imports', async () => {
    const { api, user } = await renderApp({ screen: 'settings' });
    await screen.findByTestId('settings-form');
    expect(screen.getByTestId('api-key-storage').textContent).toContain('In the memory of this browser host only');
    expect((screen.getByTestId('settings-threshold') as HTMLInputElement).value).toBe('0.65');
    await user.clear(screen.getByTestId('settings-threshold'));
    await user.type(screen.getByTestId('settings-threshold'), '0.75');
    await user.click(screen.getByTestId('settings-auto-extract'));
    await user.click(screen.getByTestId('settings-save'));
    await screen.findByText('Saved.');
    expect(api.callsOf('updateSettings')).toEqual([{ reviewThreshold: 0.75, autoExtractImports: true }]);
    expect(await api.getSettings({})).toMatchObject({ reviewThreshold: 0.75, autoExtractImports: true });
  });

  it('shows a model changed elsewhere without a reload (draftChanged)', async () => {
    const { backend } = await renderApp({ screen: 'settings' });
    expect((await screen.findByTestId('settings-draft-provider')).textContent).toBe('embedded — no model');
    await backend.handlers.updateDraft({ settings: { provider: 'openai', model: 'llama3.1' } });
    await waitFor(() => expect(screen.getByTestId('settings-draft-provider').textContent).toBe('OpenAI-compatible · llama3.1'));
    expect(screen.getByTestId('connection-model').textContent).toBe('llama3.1');
  });
});
