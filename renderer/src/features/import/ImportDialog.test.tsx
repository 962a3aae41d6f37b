// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES } from '../../api/contract';
import { rowWith } from '../../test/inbox';
import { renderApp } from '../../test/render';

// A history export: the text column is not named like one (the backend recognises Ticket, Title and
// the columns named like schema fields), a verdict column holds the right issue type, and row 3
// (line 3) has a quote that is never closed. Each row labels every field the schema requires, so it
// can become a precedent.
const CSV = [
  'Ticket,Title,Notes,Verdict,urgency,product_area,sentiment,language,is_repeat_contact',
  'T-1,Refund,"I was charged twice, please refund",billing,high,billing,negative,en,no',
  'T-2,Broken,"this quote never closes,bug,low,other,neutral,en,no',
  'T-3,Login,I cannot log in since Monday,account,high,accounts,neutral,en,yes',
  '',
].join('\n');

describe('Import dialog on the real backend', () => {
  it('maps CSV columns, lists problems with their line numbers, and imports labelled rows as precedents', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const before = (await api.getCounts({})).total;
    await user.keyboard('i');
    const dialog = await screen.findByTestId('import-dialog');
    await user.upload(within(dialog).getByTestId('import-file-input'), new File([CSV], 'history.csv', { type: 'text/csv' }));

    // Detected as CSV; no column was recognised as the text: the mapping step asks for it.
    await waitFor(() => expect(within(dialog).getByTestId('import-format').getAttribute('data-format')).toBe('csv'));
    expect((within(dialog).getByTestId('mapping-text') as HTMLSelectElement).value).toBe('');
    expect(within(dialog).getByTestId('import-problems').textContent).toContain('Line 1');
    expect(within(dialog).getByTestId('import-submit').hasAttribute('disabled')).toBe(true);

    // The backend's suggestion for the columns it recognised.
    expect((within(dialog).getByTestId('mapping-subject') as HTMLSelectElement).value).toBe('Title');
    expect((within(dialog).getByTestId('mapping-id') as HTMLSelectElement).value).toBe('Ticket');
    expect((within(dialog).getByTestId('mapping-label-urgency') as HTMLSelectElement).value).toBe('urgency');
    expect((within(dialog).getByTestId('mapping-label-Verdict') as HTMLSelectElement).value).toBe('');
    await user.selectOptions(within(dialog).getByTestId('mapping-text'), 'Notes');
    await waitFor(() => expect(within(dialog).getAllByTestId('import-preview-row')).toHaveLength(2));
    const problems = within(dialog).getAllByTestId('import-problem');
    expect(problems.map((p) => p.getAttribute('data-line'))).toEqual(['3']);
    expect(problems[0]!.textContent).toMatch(/Line 3:.*quot/);
    // The preview is text.
    expect(within(dialog).getByTestId('import-preview-table').textContent).toContain('I was charged twice, please refund');

    // A labelled history: Verdict is the issue type; with every required field labelled, the rows can
    // become precedents.
    await user.selectOptions(within(dialog).getByTestId('mapping-label-Verdict'), 'issue_type');
    await waitFor(() => expect(within(dialog).getByTestId('import-as-precedents').hasAttribute('disabled')).toBe(false));
    await user.click(within(dialog).getByTestId('import-as-precedents'));
    await user.click(within(dialog).getByTestId('import-submit'));

    const result = await within(dialog).findByTestId('import-result');
    expect(within(result).getByTestId('import-inserted').textContent).toBe('2');
    expect(within(result).getByTestId('import-skipped').textContent).toBe('0');
    expect(within(result).getByTestId('import-precedents').textContent).toBe('2');
    expect(within(result).getAllByTestId('import-problem').map((p) => p.getAttribute('data-line'))).toEqual(['3']);
    expect(api.callsOf('importMessages')).toEqual([
      expect.objectContaining({ asPrecedents: true, mapping: expect.objectContaining({ text: 'Notes', subject: 'Title', id: 'Ticket', labels: expect.objectContaining({ Verdict: 'issue_type', urgency: 'urgency' }) }) }),
    ]);
    expect((await api.getCounts({})).total).toBe(before + 2);
    // The labelled rows are precedents now, with the label as the value of their field.
    const labelled = (await api.listPrecedents({ search: 'charged twice' }))[0];
    expect(labelled?.output).toEqual({ name: null, issue_type: 'billing', urgency: 'high', product_area: 'billing', sentiment: 'negative', order_id: null, requested_action: null, language: 'en', is_repeat_contact: false });

    await user.click(within(dialog).getByTestId('import-done'));
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).toBeNull());
    await waitFor(() => expect(rowWith('Refund')).toBeTruthy());
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe(String(before + 2)));
  });

  it('imports pasted text, and counts a second paste of it as a duplicate', async () => {
    const { user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await user.click(screen.getByTestId('import-button'));
    const dialog = await screen.findByTestId('import-dialog');
    await user.type(within(dialog).getByTestId('import-paste'), 'My parcel TW-1 never arrived.');
    await user.click(within(dialog).getByTestId('import-paste-preview'));
    await waitFor(() => expect(within(dialog).getByTestId('import-format').getAttribute('data-format')).toBe('text'));
    expect(within(dialog).queryByTestId('import-mapping')).toBeNull();
    await user.click(within(dialog).getByTestId('import-submit'));
    expect((await within(dialog).findByTestId('import-inserted')).textContent).toBe('1');

    await user.click(within(dialog).getByRole('button', { name: 'Import more' }));
    await user.type(within(dialog).getByTestId('import-paste'), 'My parcel TW-1 never arrived.');
    await user.click(within(dialog).getByTestId('import-paste-preview'));
    await user.click(await within(dialog).findByTestId('import-submit'));
    expect((await within(dialog).findByTestId('import-skipped')).textContent).toBe('1');
  });

  it('opens with the files dropped on the window, and shows import progress from events', async () => {
    const { api } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const file = new File(['{"text":"first"}\n{"text":""}\n{"text":"third"}\n'], 'drop.jsonl');
    const frame = screen.getByTestId('app-ready');
    fireEvent.dragOver(frame, { dataTransfer: { types: ['Files'], files: [file] } });
    expect(screen.getByTestId('drop-overlay')).toBeTruthy();
    fireEvent.drop(frame, { dataTransfer: { types: ['Files'], files: [file] } });
    const dialog = await screen.findByTestId('import-dialog');
    await waitFor(() => expect(within(dialog).getByTestId('import-format').getAttribute('data-format')).toBe('jsonl'));
    expect(within(dialog).getAllByTestId('import-problem').map((p) => [p.getAttribute('data-line'), p.textContent])).toEqual([['2', 'Line 2: empty message: no text']]);
    // Progress events for this file move the bar while it imports (the import is held until the event is seen).
    const release = api.hold('importMessages');
    fireEvent.click(within(dialog).getByTestId('import-submit'));
    const bar = await within(dialog).findByTestId('import-progress');
    act(() => api.emit('importProgress', { name: 'drop.jsonl', processed: 1, total: 2 }));
    await waitFor(() => expect(bar.getAttribute('data-processed')).toBe('1'));
    expect(bar.getAttribute('data-total')).toBe('2');
    release();
    expect((await within(dialog).findByTestId('import-inserted')).textContent).toBe('2');
  });

  it('sends files as their bytes (base64), so mail in a legacy charset reaches the backend intact', async () => {
    const { api, user } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    // "Grüße" in ISO-8859-1: 0xFC and 0xDF are not UTF-8, and File.text() would turn them into U+FFFD.
    const bytes = Uint8Array.from([...'Subject: Gr\u00fc\u00dfe\nContent-Type: text/plain; charset=iso-8859-1\n\nGr\u00fc\u00dfe aus K\u00f6ln\n'].map((c) => c.charCodeAt(0)));
    await user.click(screen.getByTestId('import-button'));
    const dialog = await screen.findByTestId('import-dialog');
    await user.upload(within(dialog).getByTestId('import-file-input'), new File([bytes], 'latin1.eml', { type: 'message/rfc822' }));
    await waitFor(() => expect(within(dialog).getByTestId('import-format').getAttribute('data-format')).toBe('eml'));
    const sent = api.callsOf('previewImport')[0]!;
    expect(sent.file.name).toBe('latin1.eml');
    expect(sent.file.encoding).toBe('base64');
    expect([...atob(sent.file.content)].map((c) => c.charCodeAt(0))).toEqual([...bytes]);
    // The backend read it in its declared charset.
    expect(within(dialog).getByTestId('import-preview-table').textContent).toContain('Grüße aus Köln');
    await user.click(within(dialog).getByTestId('import-submit'));
    expect((await within(dialog).findByTestId('import-inserted')).textContent).toBe('1');
    const imported = (await api.listMessages({ search: 'Köln' })).items;
    expect(imported.map((m) => [m.subject, m.preview])).toEqual([['Grüße', 'Grüße aus Köln']]);
  });

  it('refuses a file over the limit before sending it, saying the limit in bytes', async () => {
    const { api } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    const file = new File(['From a Tue Mar  3 09:00:00 2026\n'], 'huge.mbox');
    Object.defineProperty(file, 'size', { value: MAX_IMPORT_BYTES + 1 });
    const frame = screen.getByTestId('app-ready');
    fireEvent.drop(frame, { dataTransfer: { types: ['Files'], files: [file] } });
    const dialog = await screen.findByTestId('import-dialog');
    expect((await within(dialog).findByTestId('import-error')).textContent).toBe('huge.mbox is 67,108,865 bytes; an import takes at most 67,108,864 bytes (64 MiB).');
    expect(api.callsOf('previewImport')).toEqual([]);
  });
});
