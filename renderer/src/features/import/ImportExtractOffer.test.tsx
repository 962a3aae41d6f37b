// @vitest-environment jsdom
// After an import: "Extract N new messages" in one click, or the run started at once when Settings
// says to extract imported messages automatically (and the result view says so).
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/render';

async function importPaste(user: Awaited<ReturnType<typeof renderApp>>['user'], text: string) {
  await user.click(screen.getByTestId('import-button'));
  const dialog = await screen.findByTestId('import-dialog');
  await user.type(within(dialog).getByTestId('import-paste'), text);
  await user.click(within(dialog).getByTestId('import-paste-preview'));
  await waitFor(() => expect(within(dialog).getByTestId('import-submit').hasAttribute('disabled')).toBe(false));
  await user.click(within(dialog).getByTestId('import-submit'));
  await within(dialog).findByTestId('import-result');
  return dialog;
}

describe('After an import', () => {
  it('offers to extract the new messages, and extracts them in one click', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const newBefore = (await api.getCounts({})).byStatus.new;
    const dialog = await importPaste(user, 'My parcel TW-77 never arrived, please help.');
    const button = await within(dialog).findByTestId('import-extract');
    expect(button.textContent).toBe(`Extract ${newBefore + 1} new message${newBefore + 1 === 1 ? '' : 's'}`);
    expect(api.callsOf('startRun')).toEqual([]);
    await user.click(button);
    expect(await within(dialog).findByTestId('import-extract-started')).toBeTruthy();
    expect(api.callsOf('startRun')).toEqual([{ selection: { filter: { status: 'new' } } }]);
    await waitFor(async () => expect((await api.getCounts({})).byStatus.new).toBe(0));
  });

  it('starts the extraction by itself when Settings says so, and says so', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await api.updateSettings({ autoExtractImports: true });
    const dialog = await importPaste(user, 'The invoice for March was charged twice.');
    const started = await within(dialog).findByTestId('import-extract-started');
    expect(started.getAttribute('data-auto')).toBe('true');
    expect(started.textContent).toContain('automatically, as Settings says');
    expect(within(dialog).queryByTestId('import-extract')).toBeNull();
    expect(api.callsOf('startRun')).toEqual([{ selection: { filter: { status: 'new' } } }]);
  });
});
