// @vitest-environment jsdom
// The key table (shortcuts.tsx KEYS) is the one place keys come from: the registry binds only its keys,
// controls match only its ids, and the ? dialog lists it. These tests hold the three together.
import { render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createStores } from '../stores';
import type { ScreenId } from '../stores/navigation';
import { openMessage } from '../test/inbox';
import { renderApp } from '../test/render';
import { DEMO } from '../test/workspaces';
import { SCREENS } from './screens';
import { KEYS, keyLabel, keyLabels, keyMatches, keysOf, pressName, ShortcutRegistry, UnlistedKeyError, type KeyId } from './shortcuts';
import { ShortcutsDialog, shortcutGroups } from './ShortcutsDialog';
import { StoresProvider } from '../stores';
import { ShortcutsProvider } from './shortcuts';

const press = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  target: document.body,
  timeStamp: 0,
  ...mods,
});

/** The ids the dialog shows for a screen, rendered. */
function dialogIds(screenId: ScreenId): string[] {
  const stores = createStores({} as never, { screen: screenId });
  const { unmount } = render(
    <StoresProvider stores={stores}>
      <ShortcutsProvider registry={new ShortcutRegistry()}>
        <ShortcutsDialog onClose={() => {}} />
      </ShortcutsProvider>
    </StoresProvider>,
  );
  const ids = within(screen.getByTestId('shortcuts-dialog'))
    .getAllByTestId('shortcut-row')
    .map((r) => r.getAttribute('data-key-id')!);
  unmount();
  return ids;
}

describe('the key table', () => {
  it('refuses to bind a key that is not in the table', () => {
    const registry = new ShortcutRegistry();
    expect(() => registry.register({ keys: 'q', run: () => {} })).toThrow(UnlistedKeyError);
    expect(() => registry.register({ id: 'nope' as KeyId, run: () => {} })).toThrow(UnlistedKeyError);
    // A control's key (digits in a picker) is not the window's to bind.
    expect(() => registry.register({ id: 'review.pick', run: () => {} })).toThrow(/handled by its control/);
    expect(registry.list()).toEqual([]);
  });

  it('binds every alternative of a row: u and Ctrl+Z undo', () => {
    const registry = new ShortcutRegistry();
    let undone = 0;
    registry.register({ id: 'review.undo', run: () => undone++ });
    expect(registry.handle(press('u'))).toBe(true);
    expect(registry.handle(press('z', { ctrlKey: true }))).toBe(true);
    expect(registry.handle(press('Z', { ctrlKey: true }))).toBe(true);
    expect(undone).toBe(3);
    // Ctrl+Shift+Z, Alt+U and a bare z are not undo.
    expect(registry.handle(press('Z', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(registry.handle(press('u', { altKey: true }))).toBe(false);
    expect(registry.handle(press('z'))).toBe(false);
    // Not while typing: Ctrl+Z in a text box is the text's own undo.
    const input = document.createElement('input');
    document.body.append(input);
    expect(registry.handle({ ...press('z', { ctrlKey: true }), target: input })).toBe(false);
    expect(registry.handle({ ...press('u'), target: input })).toBe(false);
    input.remove();
    expect(undone).toBe(3);
  });

  it('names presses as the table writes them, Cmd for Mod on a mac', () => {
    expect(pressName(press('a'), false)).toBe('a');
    expect(pressName(press('?', { shiftKey: true }), false)).toBe('?');
    expect(pressName(press('Enter', { ctrlKey: true }), false)).toBe('Mod+Enter');
    expect(pressName(press('Enter', { metaKey: true }), true)).toBe('Mod+Enter');
    expect(pressName(press('Enter', { ctrlKey: true }), true)).toBeNull();
    expect(pressName(press('Control', { ctrlKey: true }), false)).toBeNull();
    expect(keyLabel('Mod+z', false)).toBe('Ctrl+Z');
    expect(keyLabel('Mod+z', true)).toBe('⌘Z');
    expect(keyLabel('Mod+Enter', false)).toBe('Ctrl+Enter');
    expect(keyLabels(KEYS['review.pick'])).toEqual(['1–9']);
    expect(keyMatches('review.pick', press('4'))).toBe(true);
    expect(keyMatches('review.pick', press('0'))).toBe(false);
    expect(keyMatches('review.clear', press('0'))).toBe(true);
    expect(keyMatches('review.save', press('Enter', { ctrlKey: true }))).toBe(true);
    expect(keyMatches('review.save', press('Enter'))).toBe(false);
  });

  it('has a row for every screen’s g-key', () => {
    for (const s of SCREENS) expect(keysOf(s.id).some((k) => k.group === 'Navigation' && k.keys.includes(`g ${s.key}`)), s.id).toBe(true);
  });

  it('the ? dialog lists every row of the screen in use, and only those, grouped', () => {
    for (const s of SCREENS) {
      expect(dialogIds(s.id).sort()).toEqual(keysOf(s.id).map((k) => k.id).sort());
      const groups = shortcutGroups(s.id).map(([g]) => g);
      expect(new Set(groups).size).toBe(groups.length);
    }
    const inbox = dialogIds('inbox');
    for (const id of ['review.pick', 'review.clear', 'review.save', 'review.undo', 'review.edit', 'inbox.next'] as const) expect(inbox).toContain(id);
    expect(dialogIds('rules')).not.toContain('review.accept');
  });

  it('every key bound on the inbox with a message open is listed by ? there (digits and Ctrl+Enter too)', async () => {
    // The app's registry, caught at its first registration.
    const spy = vi.spyOn(ShortcutRegistry.prototype, 'register');
    const registry = () => spy.mock.contexts[0] as ShortcutRegistry | undefined;
    const boundIds = () => [...new Set(registry()?.list().map((s) => s.id) ?? [])];
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await openMessage(user, DEMO.story.subject, 'locked out');
    await screen.findByTestId('extraction-form');
    await user.keyboard('?');
    const dialog = await screen.findByTestId('shortcuts-dialog');
    const listed = within(dialog)
      .getAllByTestId('shortcut-row')
      .map((r) => r.getAttribute('data-key-id'));
    // What the window bound at that moment (the registry as the frame's provider holds it).
    const bound = await waitFor(() => {
      const ids = boundIds();
      expect(ids.length).toBeGreaterThan(10);
      return ids;
    });
    for (const id of bound) expect(listed, id).toContain(id);
    expect(bound).toEqual(expect.arrayContaining(['review.accept', 'review.edit', 'review.undo', 'inbox.next', 'help', 'go.rules']));
    spy.mockRestore();
    const text = dialog.textContent ?? '';
    for (const label of ['1–9', 'Ctrl+Enter', 'Ctrl+Z', 'Undo the last accept, correction or rule change', 'Choose the nth value']) expect(text).toContain(label);
    expect(within(dialog).getByTestId('shortcut-group-Review')).toBeTruthy();
  });
});
