// @vitest-environment jsdom
// The Instructions tab over the real backend: a plain text editor (saved with Ctrl+Enter or the
// button, unsaved text kept while moving between tabs, a character count against the limit), and the
// prompt as the model will see it for the open message, a search, or a typed text, all as text.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MAX_INSTRUCTIONS_CHARS } from '../../../../shared/src/api/names.js';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';

const ADDED = ' Urgency is about the customer, not the tone.';

async function openInstructions() {
  const app = await renderApp({ screen: 'rulebook' });
  await app.user.click(await screen.findByTestId('tab-instructions'));
  return app;
}

describe('Rulebook › Instructions', () => {
  it('edits the instructions as plain text and saves them with Ctrl+Enter; unsaved text survives a trip to another tab', async () => {
    const { api, backend, user } = await openInstructions();
    const saved = (await backend.handlers.getRulebook({})).instructions;
    const editor = (await screen.findByTestId('instructions-text')) as HTMLTextAreaElement;
    expect(editor.tagName).toBe('TEXTAREA');
    expect(editor.value).toBe(saved);
    expect(screen.getByTestId('instructions-count').textContent).toBe(`${saved.length.toLocaleString('en-US')} / ${MAX_INSTRUCTIONS_CHARS.toLocaleString('en-US')} characters`);
    expect(screen.queryByTestId('instructions-unsaved')).toBeNull();

    await user.click(editor);
    await user.keyboard('{Control>}{End}{/Control}');
    await user.type(editor, ADDED);
    expect(screen.getByTestId('instructions-unsaved')).toBeTruthy();
    expect(screen.getByTestId('instructions-count').textContent).toContain(`${(saved.length + ADDED.length).toLocaleString('en-US')} /`);

    // Away to the summary and back: the text typed is still there, still unsaved.
    await user.click(screen.getByTestId('tab-summary'));
    await user.click(screen.getByTestId('tab-instructions'));
    const again = (await screen.findByTestId('instructions-text')) as HTMLTextAreaElement;
    expect(again.value).toBe(saved + ADDED);
    expect(screen.getByTestId('instructions-unsaved')).toBeTruthy();
    expect(api.callsOf('updateDraft')).toEqual([]);

    await user.click(again);
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(screen.queryByTestId('instructions-unsaved')).toBeNull());
    expect(api.callsOf('updateDraft')).toEqual([{ instructions: saved + ADDED }]);
    expect((await backend.handlers.getRulebook({})).instructions).toBe(saved + ADDED);
    expect(screen.getByTestId('instructions-status').textContent).toBe('Saved.');
  });

  it('saves with the button too; over the limit it says so and does not save', async () => {
    const { api, user } = await openInstructions();
    const editor = (await screen.findByTestId('instructions-text')) as HTMLTextAreaElement;
    const save = screen.getByTestId('instructions-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing to save

    fireEvent.change(editor, { target: { value: 'x'.repeat(MAX_INSTRUCTIONS_CHARS + 1) } });
    expect(screen.getByTestId('instructions-count').className).toContain('field-error');
    expect(screen.getByTestId('instructions-count').textContent).toContain('1 character over the limit');
    expect(save.disabled).toBe(true);
    await user.click(editor);
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(api.callsOf('updateDraft')).toEqual([]);

    fireEvent.change(editor, { target: { value: 'Extract every field.' } });
    expect(save.disabled).toBe(false);
    await user.click(save);
    await waitFor(() => expect(api.callsOf('updateDraft')).toEqual([{ instructions: 'Extract every field.' }]));
    await screen.findByText('Saved.');
  });

  it('shows a refused save beside the editor and keeps the text', async () => {
    const { api, user } = await openInstructions();
    const editor = (await screen.findByTestId('instructions-text')) as HTMLTextAreaElement;
    fireEvent.change(editor, { target: { value: 'New instructions.' } });
    api.failNext('updateDraft', { code: 'unavailable', message: 'The backend is restarting.' });
    await user.click(screen.getByTestId('instructions-save'));
    expect((await screen.findByRole('alert')).textContent).toContain('The backend is restarting.');
    expect(editor.value).toBe('New instructions.');
    expect(screen.getByTestId('instructions-unsaved')).toBeTruthy();
  });

  it('says the default instructions apply when the box is empty', async () => {
    const { backend } = await openInstructions();
    // Another window (or an undo) changes the draft: the backend announces it and the tab follows.
    await backend.handlers.updateDraft({ instructions: '' });
    await waitFor(() => expect((screen.getByTestId('instructions-text') as HTMLTextAreaElement).value).toBe(''));
    expect(screen.getByTestId('instructions-default').textContent).toContain('default instructions');
  });
});

describe('Rulebook › Instructions › the prompt as the model will see it', () => {
  it('for the message open in the inbox: system and user messages, examples with scores, the schema, as text', async () => {
    const { api, backend, stores, user } = await renderApp({ screen: 'inbox' });
    const { items } = await backend.handlers.listMessages({ limit: 500, sort: 'received_desc' });
    const hostile = items.find((m) => m.subject === DEMO.hostile.subject)!;
    stores.inbox.getState().select(hostile.id);
    stores.navigation.getState().go('rulebook');
    await user.click(await screen.findByTestId('tab-instructions'));
    await user.click(screen.getByTestId('tab-prompt'));

    const preview = await screen.findByTestId('prompt-preview');
    await waitFor(() => expect(api.callsOf('previewPrompt')).toEqual([{ messageId: hostile.id }]));
    const expected = await backend.handlers.previewPrompt({ messageId: hostile.id });
    const shown = await within(preview).findAllByTestId('prompt-message');
    expect(shown.map((m) => [m.getAttribute('data-role'), within(m).getByTestId('prompt-message-content').textContent])).toEqual(expected.messages.map((m) => [m.role, m.content]));
    expect(within(preview).getByTestId('prompt-provider').textContent).toContain('embedded — no model');
    expect(within(preview).getAllByTestId('prompt-example').map((e) => e.getAttribute('data-precedent-id'))).toEqual(expected.precedents.map((p) => p.id));
    expect(within(preview).getAllByTestId('prompt-example')[0]!.textContent).toContain(expected.precedents[0]!.score.toFixed(2));
    expect(JSON.parse(within(preview).getByTestId('prompt-schema').textContent!)).toEqual(expected.jsonSchema);
    // The message is untrusted: shown as text, never as markup.
    expect(preview.querySelector('script')).toBeNull();
    expect(within(preview).getByTestId('prompt-source-message').textContent).toContain(DEMO.hostile.subject);
  });

  it('for a message found by search, or a text typed in', async () => {
    const { api, backend, user } = await openInstructions();
    await user.click(screen.getByTestId('tab-prompt'));
    // No message is open in the inbox: the person chooses one.
    expect(await screen.findByTestId('prompt-choose')).toBeTruthy();
    expect(api.callsOf('previewPrompt')).toEqual([]);

    await user.click(screen.getByTestId('prompt-source-search'));
    await user.type(screen.getByTestId('prompt-search'), 'chargeback');
    const results = await screen.findAllByTestId('prompt-search-result');
    const { items } = await backend.handlers.listMessages({ search: 'chargeback', limit: 10, sort: 'received_desc' });
    expect(results.map((r) => r.getAttribute('data-message-id'))).toEqual(items.map((m) => m.id));
    await user.click(results[0]!);
    await waitFor(() => expect(api.callsOf('previewPrompt')).toEqual([{ messageId: items[0]!.id }]));
    await screen.findByTestId('prompt-preview');

    await user.click(screen.getByTestId('prompt-source-text'));
    await user.type(screen.getByTestId('prompt-text'), 'Still locked out </message> & more');
    await user.click(screen.getByTestId('prompt-text-show'));
    await waitFor(() => expect(api.callsOf('previewPrompt').at(-1)).toEqual({ text: 'Still locked out </message> & more' }));
    const last = (await screen.findAllByTestId('prompt-message-content')).at(-1)!;
    expect(last.textContent).toContain('Still locked out \\u003c/message\\u003e \\u0026 more');
  });

  it('shows the saved draft\'s prompt, and says so while the instructions have unsaved edits', async () => {
    const { backend, stores, user } = await openInstructions();
    const first = (await backend.handlers.listMessages({ limit: 1, sort: 'received_desc' })).items[0]!;
    stores.inbox.getState().select(first.id);
    fireEvent.change(await screen.findByTestId('instructions-text'), { target: { value: 'Unsaved words.' } });
    await user.click(screen.getByTestId('tab-prompt'));
    expect((await screen.findByTestId('prompt-unsaved-note')).textContent).toMatch(/save/i);
    const system = (await screen.findAllByTestId('prompt-message-content'))[0]!;
    expect(system.textContent).not.toContain('Unsaved words.');

    await user.click(screen.getByTestId('tab-write'));
    await user.click(screen.getByTestId('instructions-save'));
    await waitFor(() => expect(screen.queryByTestId('instructions-unsaved')).toBeNull());
    await user.click(screen.getByTestId('tab-prompt'));
    await waitFor(async () => expect((await screen.findAllByTestId('prompt-message-content'))[0]!.textContent).toMatch(/^Unsaved words\./));
    expect(screen.queryByTestId('prompt-unsaved-note')).toBeNull();
  });
});
