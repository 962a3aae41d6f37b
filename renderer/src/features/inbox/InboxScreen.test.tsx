// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../api/contract';
import { startBackend, type TestBackend } from '../../test/backend';
import { listedTotal, openMessage, rowWith, rows } from '../../test/inbox';
import { renderApp } from '../../test/render';
import { DEMO } from '../../test/workspaces';

async function openInbox(options: Parameters<typeof renderApp>[0] = {}) {
  const app = await renderApp(options);
  await screen.findByTestId('app-ready');
  await screen.findAllByTestId('inbox-row');
  return app;
}

/** Every message's summary, newest first, as the backend lists them. */
async function everyMessage(backend: TestBackend): Promise<MessageSummary[]> {
  return (await backend.handlers.listMessages({ limit: 500, sort: 'received_desc' })).items;
}

describe('Inbox', () => {
  it('lists messages from the API with sender, status and key fields', async () => {
    const { backend } = await openInbox();
    const [first, second] = await everyMessage(backend);
    expect(listedTotal()).toBe(141);
    const [newest, next] = rows();
    // The newest is the template's unextracted message: status New, no fields yet.
    expect(newest!.getAttribute('data-message-id')).toBe(first!.id);
    expect(newest!.textContent).toContain(DEMO.unextracted.subject);
    expect(newest!.textContent).toContain('Ana Souza');
    expect(newest!.textContent).toContain('New');
    expect(next!.getAttribute('data-message-id')).toBe(second!.id);
    expect(next!.textContent).toContain(second!.subject);
    expect(next!.textContent).toContain(second!.sender!.replace(/ <.*>$/, ''));
    expect(next!.textContent).toContain(String(second!.output!.issue_type));
    expect(next!.textContent).toContain(second!.status === 'needs_review' ? 'Needs review' : 'Extracted');
  });

  it('renders only a window of rows and loads further pages with the cursor', async () => {
    const backend = await startBackend();
    // 300 more messages: the first page (200) no longer holds them all.
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ text: `Generated message ${i} about an invoice.`, subject: `Question #${i}`, receivedAt: '2026-02-01T00:00:00.000Z' }));
    expect(await backend.handlers.importMessages({ file: { name: 'many.jsonl', content: lines.join('\n') }, asPrecedents: false })).toMatchObject({ inserted: 300 });
    const { api } = await openInbox({ backend });
    expect(rows().length).toBeLessThan(60);
    expect(screen.getByText(/441 messages/)).toBeTruthy();
    const list = api.callsOf('listMessages');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ cursor: null, limit: 200 });

    // Scrolled to the end of what is loaded, the next page is asked for with the cursor.
    const scroller = screen.getByTestId('inbox-list');
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 200 * 76 - 600 });
    fireEvent.scroll(scroller);
    await waitFor(() => expect(api.callsOf('listMessages')).toHaveLength(2));
    expect(api.callsOf('listMessages')[1]).toMatchObject({ cursor: expect.any(String), limit: 200 });
    await waitFor(() => expect(screen.getByText(/441 messages/).textContent).toContain('400 loaded'));
  });

  it('shows a hostile message as inert text: no img or script element is created', async () => {
    const { user, container } = await openInbox();
    // The subject carries markup too and stays text.
    await openMessage(user, DEMO.hostile.subject, 'problem with login please help');
    const text = await screen.findByTestId('message-text');
    expect(text.textContent).toContain(DEMO.hostile.text);
    expect(rowWith(DEMO.hostile.subject)).toBeTruthy();
    await openMessage(user, 'Re: my invoice', 'INV-2026-0311');
    expect(screen.getByTestId('message-text').textContent).toContain('Hi <img src=x onerror=alert(1)> my invoice number');
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(document.querySelector('img, script, a[href^="javascript"]')).toBeNull();
  });

  it('shows the extraction as fields, the raw JSON one tab away, and the why panel from the trace', async () => {
    const { user } = await openInbox();
    // The scripted model answered bug and medium; the demo's chargeback override set billing and high.
    await openMessage(user, DEMO.chargeback.subject, 'chargeback');
    const extraction = await screen.findByTestId('extraction-json');
    // The value as shown is the row's <dd> (the editor beside it lists every choice).
    const shown = (name: string) => screen.getByTestId(`extraction-field-${name}`).querySelector('dd')!;
    expect(within(shown('issue_type')).getByText('billing')).toBeTruthy();
    expect(within(shown('order_id')).getByText('null').className).toContain('null-value');
    await user.click(within(extraction).getByRole('tab', { name: 'Raw JSON' }));
    expect(JSON.parse(screen.getByTestId('extraction-raw').textContent!)).toMatchObject({ issue_type: 'billing', urgency: 'high', order_id: null });

    const why = screen.getByTestId('why-panel');
    expect(within(why).getByTestId('why-provider').textContent).toBe('openai');
    expect(within(why).getByTestId('why-model').textContent).toBe('casebook-test-1');
    // The hash of the draft it ran under (not a version number: a draft has none yet).
    expect(within(why).getByTestId('why-rulebook').textContent).toMatch(/^[0-9a-f]{12} /);
    expect(within(why).getByTestId('why-rules').textContent).toContain(DEMO.chargeback.ruleId);
    expect(within(why).getByTestId('why-rules').textContent).toMatch(/issue_type: bug → billing/);
    expect(within(why).getByTestId('why-rules').textContent).toMatch(/urgency: medium → high/);
    expect(within(why).getByTestId('why-precedents').textContent).toContain('p-demo-07');
  });

  it('marks invalid outputs and their field errors', async () => {
    const { user } = await openInbox();
    await openMessage(user, DEMO.lena.subject, 'Lena Vogel');
    const field = await screen.findByTestId('extraction-field-urgency');
    expect(field.textContent).toContain(DEMO.lena.invalidUrgency);
    expect(field.textContent).toContain('must be one of');
    expect(within(screen.getByTestId('extraction-json')).getByText('Invalid')).toBeTruthy();
  });

  it('says when a message has no extraction yet', async () => {
    const { user } = await openInbox();
    await openMessage(user, DEMO.unextracted.subject);
    expect(await screen.findByTestId('extraction-empty')).toBeTruthy();
    expect(screen.queryByTestId('why-panel')).toBeNull();
  });

  it('moves the selection with j and k', async () => {
    const { user } = await openInbox();
    const ids = rows().map((r) => r.getAttribute('data-message-id'));
    await user.keyboard('j');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[0]));
    await user.keyboard('jj');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[2]));
    await user.keyboard('k');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[1]));
    const selected = rows().filter((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected.map((r) => r.getAttribute('data-message-id'))).toEqual([ids[1]]);
  });

  it('passes the status filter and a debounced search to listMessages', async () => {
    const { api, user, backend } = await openInbox();
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    // Lena's invalid answer and what the machine was less sure of than the review threshold.
    const queued = (await backend.handlers.listMessages({ status: 'needs_review', limit: 500 })).total;
    expect(queued).toBeGreaterThanOrEqual(1);
    // The list shows at most 20 rows at once.
    await waitFor(() => expect(rows()).toHaveLength(Math.min(queued, 20)));
    expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { status: 'needs_review' } });

    const before = api.calls.length;
    // What the backend finds for the search in the queue: the story, and demo-019 when the model's billing answer is queued too.
    const found = (await backend.handlers.listMessages({ status: 'needs_review', search: 'locked out', limit: 500 })).total;
    expect(found).toBeGreaterThanOrEqual(1);
    await user.type(screen.getByTestId('search-input'), 'locked out');
    // Typing ten characters does not make ten queries.
    await waitFor(() => expect(api.calls.at(-1)?.args).toMatchObject({ search: 'locked out' }));
    await waitFor(() => expect(rows()).toHaveLength(found));
    expect(rows().some((r) => r.textContent?.includes(DEMO.story.subject))).toBe(true);
    const searches = api.calls.slice(before).filter((c) => c.method === 'listMessages');
    expect(searches.length).toBeLessThanOrEqual(2);
    expect(searches.at(-1)?.args).toMatchObject({ status: 'needs_review', search: 'locked out' });
  });

  it('filters by a field value of the newest extraction: enum and boolean from a select, text typed, any clears', async () => {
    const { api, backend, user } = await openInbox();
    const all = await everyMessage(backend);
    // Counted here from the summaries' outputs, not by the backend's filter.
    const matching = (name: string, value: unknown) => all.filter((m) => m.output !== null && (m.output[name] ?? null) === value).length;
    expect((screen.getByTestId('field-filter-value') as HTMLSelectElement).disabled).toBe(true);
    // The draft schema's fields, lists left out.
    const names = [...(screen.getByTestId('field-filter-name') as HTMLSelectElement).options].map((o) => o.value);
    expect(names).toEqual(['', 'name', 'issue_type', 'urgency', 'product_area', 'sentiment', 'order_id', 'requested_action', 'language', 'is_repeat_contact']);

    await user.selectOptions(screen.getByTestId('field-filter-name'), 'issue_type');
    const values = [...(screen.getByTestId('field-filter-value') as HTMLSelectElement).options].map((o) => o.textContent);
    expect(values).toEqual(['Any value', 'account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other']);
    await user.selectOptions(screen.getByTestId('field-filter-value'), 'shipping');
    expect(matching('issue_type', 'shipping')).toBeGreaterThan(0);
    await waitFor(() => expect(listedTotal()).toBe(matching('issue_type', 'shipping')));
    expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { field: { name: 'issue_type', value: 'shipping' } } });

    await user.selectOptions(screen.getByTestId('field-filter-name'), 'is_repeat_contact');
    await user.selectOptions(screen.getByTestId('field-filter-value'), 'true');
    await waitFor(() => expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { field: { name: 'is_repeat_contact', value: true } } }));
    expect(matching('is_repeat_contact', true)).toBeGreaterThan(0);
    await waitFor(() => expect(listedTotal()).toBe(matching('is_repeat_contact', true)));

    const named = all.find((m) => typeof m.output?.name === 'string' && m.output.name !== '')!;
    const name = String(named.output!.name);
    await user.selectOptions(screen.getByTestId('field-filter-name'), 'name');
    await user.type(screen.getByTestId('field-filter-value'), name);
    await waitFor(() => expect(listedTotal()).toBe(matching('name', name)));
    expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { field: { name: 'name', value: name } } });
    expect(rowWith(named.subject!)).toBeTruthy();

    await user.selectOptions(screen.getByTestId('field-filter-name'), '');
    await waitFor(() => expect(listedTotal()).toBe(all.length));
    expect(api.calls.at(-1)?.args).not.toHaveProperty('field');
  });

  it('shows an empty state when nothing matches, and when the workspace has no messages', async () => {
    const { user } = await openInbox();
    await user.type(screen.getByTestId('search-input'), 'zzzz-nothing');
    expect((await screen.findByTestId('inbox-empty')).textContent).toContain('No messages match');

    await renderApp({ workspace: 'empty' });
    await waitFor(() => expect(screen.getAllByTestId('inbox-empty').some((e) => e.textContent?.includes('No messages yet'))).toBe(true));
  });

  it('shows an API failure with its message and retries', async () => {
    const backend = await startBackend();
    backend.api.failNext('listMessages', { code: 'unavailable', message: 'The workspace is busy' });
    const { user } = await renderApp({ backend });
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('The workspace is busy');
    await user.click(within(error).getByTestId('retry-button'));
    expect((await screen.findAllByTestId('inbox-row')).length).toBeGreaterThan(0);
  });

  it('reloads when the backend says messages changed', async () => {
    const { api } = await openInbox();
    // Imported behind the window's back: the backend's messagesChanged is what brings it in.
    const line = JSON.stringify({ text: 'A message that arrived just now.', subject: 'Arrived just now', receivedAt: '2030-01-01T00:00:00.000Z' });
    await api.importMessages({ file: { name: 'late.jsonl', content: line } });
    await waitFor(() => expect(rows()[0]?.textContent).toContain('Arrived just now'));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('142'));
  });
});
