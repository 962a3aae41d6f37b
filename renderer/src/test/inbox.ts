// Finding messages in the inbox as a person does. The list is virtualized (about twenty rows of the
// demo's 141 are in the DOM at once), so a message further down is found by searching for it.
import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { expect } from 'vitest';

/** The rendered rows. */
export const rows = () => screen.queryAllByTestId('inbox-row');

/** The rendered row whose text includes `text`. */
export function rowWith(text: string): HTMLElement {
  const row = rows().find((r) => r.textContent?.includes(text));
  if (!row) throw new Error(`no row in view shows "${text}"`);
  return row;
}

/** How many messages the list says match (the list renders only a window of them). */
export function listedTotal(): number | null {
  const meta = document.querySelector('.inbox-list-meta')?.textContent ?? '';
  const m = /^([\d,]+) messages?/.exec(meta);
  return m ? Number(m[1]!.replace(/,/g, '')) : null;
}

/** Pastes `query` into the search box (replacing what is there) and waits for a row showing `text`. */
export async function searchFor(user: UserEvent, query: string, text = query): Promise<HTMLElement> {
  const input = screen.getByTestId('search-input');
  await user.clear(input);
  await user.paste(query);
  return waitFor(() => rowWith(text));
}

/** Opens the message whose row shows `text` (searching for `query` first when given), and returns its id. */
export async function openMessage(user: UserEvent, text: string, query?: string): Promise<string> {
  const row = query === undefined ? await waitFor(() => rowWith(text)) : await searchFor(user, query, text);
  const id = row.getAttribute('data-message-id')!;
  await user.click(row);
  await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(id));
  return id;
}
