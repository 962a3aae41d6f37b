// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockApi } from '../../api/mock';
import { demoData, HOSTILE_TEXT } from '../../api/mockData';
import { renderApp } from '../../test/render';

async function openInbox(options: Parameters<typeof renderApp>[0] = {}) {
  const app = renderApp(options);
  await screen.findByTestId('app-ready');
  await screen.findAllByTestId('inbox-row');
  return app;
}

function messageIdByText(api: ReturnType<typeof renderApp>['api'], text: string): string {
  const m = api.data.messages.find((x) => x.text === text);
  if (!m) throw new Error('no such message');
  return m.id;
}

describe('Inbox', () => {
  it('lists messages from the API with sender, status and key fields', async () => {
    const { api } = await openInbox();
    const rows = screen.getAllByTestId('inbox-row');
    expect(rows).toHaveLength(api.data.messages.length);
    const priya = rows.find((r) => r.textContent?.includes('Priya Raman'));
    expect(priya).toBeDefined();
    expect(priya!.textContent).toContain("Can't log in after password reset");
    expect(priya!.textContent).toContain('account');
    expect(priya!.textContent).toContain('Extracted');
    expect(priya!.getAttribute('data-message-id')).toMatch(/^msg-/);
  });

  it('renders only a window of rows at scale and loads further pages with the cursor', async () => {
    const { api } = await openInbox({ count: 100_000 });
    expect(screen.getAllByTestId('inbox-row').length).toBeLessThan(60);
    expect(screen.getByText(/100,000 messages/)).toBeTruthy();
    const list = api.calls.filter((c) => c.method === 'listMessages');
    expect(list).toHaveLength(1);
    expect(list[0]?.args).toMatchObject({ cursor: null, limit: 200 });
    // Building 100,000 mock messages is the slow part; allow for a busy machine.
  }, 60_000);

  it('shows a hostile message as inert text: no img or script element is created', async () => {
    const { api, user, container } = await openInbox();
    const id = messageIdByText(api, HOSTILE_TEXT);
    const row = screen.getAllByTestId('inbox-row').find((r) => r.getAttribute('data-message-id') === id)!;
    // The row's subject carries markup too and stays text.
    expect(row.textContent).toContain('<b>Urgent</b> <script>alert(1)</script>');
    await user.click(row);
    const text = await screen.findByTestId('message-text');
    expect(text.textContent).toContain(HOSTILE_TEXT);
    expect(text.textContent).toContain('<script>alert("pwned")</script>');
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(document.querySelector('img, script, b')).toBeNull();
  });

  it('shows the extraction as fields, the raw JSON one tab away, and the why panel from the trace', async () => {
    const { user } = await openInbox();
    const row = screen.getAllByTestId('inbox-row').find((r) => r.textContent?.includes('Still locked out'))!;
    await user.click(row);
    const extraction = await screen.findByTestId('extraction-json');
    // The value as shown is the row's <dd> (the editor beside it lists every choice).
    const shown = (name: string) => screen.getByTestId(`extraction-field-${name}`).querySelector('dd')!;
    expect(within(shown('issue_type')).getByText('billing')).toBeTruthy();
    expect(within(shown('name')).getByText('null').className).toContain('null-value');
    await user.click(within(extraction).getByRole('tab', { name: 'Raw JSON' }));
    expect(JSON.parse(screen.getByTestId('extraction-raw').textContent!)).toMatchObject({ issue_type: 'billing', name: null });

    const why = screen.getByTestId('why-panel');
    expect(within(why).getByTestId('why-provider').textContent).toBe('embedded');
    expect(within(why).getByTestId('why-rulebook').textContent).toContain('v3');
    expect(within(why).getByTestId('why-rules').textContent).toContain('rule-locked-out');
    expect(within(why).getByTestId('why-rules').textContent).toMatch(/issue_type: billing → account/);
    expect(within(why).getByTestId('why-precedents').textContent).toContain('p-1');
  });

  it('marks invalid outputs and their field errors', async () => {
    const { user } = await openInbox();
    await user.click(screen.getAllByTestId('inbox-row').find((r) => r.textContent?.includes('Lena Vogel'))!);
    const field = await screen.findByTestId('extraction-field-urgency');
    expect(field.textContent).toContain('ASAP');
    expect(field.textContent).toContain('must be one of');
    expect(within(screen.getByTestId('extraction-json')).getByText('Invalid')).toBeTruthy();
  });

  it('says when a message has no extraction yet', async () => {
    const { user } = await openInbox();
    await user.click(screen.getAllByTestId('inbox-row').find((r) => r.textContent?.includes('Ana Souza'))!);
    expect(await screen.findByTestId('extraction-empty')).toBeTruthy();
    expect(screen.queryByTestId('why-panel')).toBeNull();
  });

  it('moves the selection with j and k', async () => {
    const { user } = await openInbox();
    const ids = screen.getAllByTestId('inbox-row').map((r) => r.getAttribute('data-message-id'));
    await user.keyboard('j');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[0]));
    await user.keyboard('jj');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[2]));
    await user.keyboard('k');
    await waitFor(() => expect(screen.getByTestId('message-detail').getAttribute('data-message-id')).toBe(ids[1]));
    const selected = screen.getAllByTestId('inbox-row').filter((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected.map((r) => r.getAttribute('data-message-id'))).toEqual([ids[1]]);
  });

  it('passes the status filter and a debounced search to listMessages', async () => {
    const { api, user } = await openInbox();
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(2));
    expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { status: 'needs_review' } });

    const before = api.calls.length;
    await user.type(screen.getByTestId('search-input'), 'locked out');
    // Typing ten characters does not make ten queries.
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(1));
    const searches = api.calls.slice(before).filter((c) => c.method === 'listMessages');
    expect(searches.length).toBeLessThanOrEqual(2);
    expect(searches.at(-1)?.args).toMatchObject({ status: 'needs_review', search: 'locked out' });
  });

  it('filters by a field value of the newest extraction: enum and boolean from a select, text typed, any clears', async () => {
    const { api, user } = await openInbox();
    const all = screen.getAllByTestId('inbox-row').length;
    const matching = (name: string, value: unknown) => api.data.messages.filter((m) => (api.data.extractions.get(m.id)?.output[name] ?? null) === value).length;
    const rows = () => screen.queryAllByTestId('inbox-row').length;
    expect((screen.getByTestId('field-filter-value') as HTMLSelectElement).disabled).toBe(true);
    // The draft schema's fields, lists left out.
    const names = [...(screen.getByTestId('field-filter-name') as HTMLSelectElement).options].map((o) => o.value);
    expect(names).toEqual(['', 'name', 'issue_type', 'urgency', 'sentiment', 'order_id', 'is_repeat_contact']);

    await user.selectOptions(screen.getByTestId('field-filter-name'), 'issue_type');
    const values = [...(screen.getByTestId('field-filter-value') as HTMLSelectElement).options].map((o) => o.textContent);
    expect(values).toEqual(['Any value', 'account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other']);
    await user.selectOptions(screen.getByTestId('field-filter-value'), 'billing');
    expect(matching('issue_type', 'billing')).toBeGreaterThan(0);
    await waitFor(() => expect(rows()).toBe(matching('issue_type', 'billing')));
    expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { field: { name: 'issue_type', value: 'billing' } } });

    await user.selectOptions(screen.getByTestId('field-filter-name'), 'is_repeat_contact');
    await user.selectOptions(screen.getByTestId('field-filter-value'), 'true');
    await waitFor(() => expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { field: { name: 'is_repeat_contact', value: true } } }));
    await waitFor(() => expect(rows()).toBe(matching('is_repeat_contact', true)));

    await user.selectOptions(screen.getByTestId('field-filter-name'), 'name');
    await user.type(screen.getByTestId('field-filter-value'), 'Lena Vogel');
    await waitFor(() => expect(rows()).toBe(1));
    expect(api.calls.at(-1)).toMatchObject({ method: 'listMessages', args: { field: { name: 'name', value: 'Lena Vogel' } } });

    await user.selectOptions(screen.getByTestId('field-filter-name'), '');
    await waitFor(() => expect(rows()).toBe(all));
    expect(api.calls.at(-1)?.args).not.toHaveProperty('field');
  });

  it('shows an empty state when nothing matches, and when the workspace has no messages', async () => {
    const { user } = await openInbox();
    await user.type(screen.getByTestId('search-input'), 'zzzz-nothing');
    expect((await screen.findByTestId('inbox-empty')).textContent).toContain('No messages match');

    const data = demoData();
    data.messages = [];
    renderApp({ api: createMockApi(data) });
    await waitFor(() => expect(screen.getAllByTestId('inbox-empty').some((e) => e.textContent?.includes('No messages yet'))).toBe(true));
  });

  it('shows an API failure with its message and retries', async () => {
    const api = createMockApi(demoData());
    api.failNext('listMessages', { code: 'unavailable', message: 'The workspace is busy' });
    const { user } = renderApp({ api });
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('The workspace is busy');
    await user.click(within(error).getByTestId('retry-button'));
    expect((await screen.findAllByTestId('inbox-row')).length).toBeGreaterThan(0);
  });

  it('reloads when the backend says messages changed', async () => {
    const { api } = await openInbox();
    const first = api.data.messages[0]!;
    api.data.messages.push({ ...first, id: 'msg-new', subject: 'Arrived just now', receivedAt: '2030-01-01T00:00:00.000Z' });
    act(() => api.emit('messagesChanged', { reason: 'import' }));
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')[0]?.textContent).toContain('Arrived just now'));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe(String(api.data.messages.length)));
  });
});
