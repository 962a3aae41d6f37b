// Real mail (issue 7): .eml files and mbox archives reach the importer as their bytes (base64), and
// each part is decoded by its declared charset: legacy 8-bit charsets, quoted-printable and base64
// bodies, raw 8-bit headers, undeclared 8-bit bodies. Messages are written here, byte by byte.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, MAX_IMPORT_BYTES, parseApiArgs, type ApiArgs } from '../../../shared/src/api/index.js';
import type { Repositories } from '../../services/workspace/index.js';
import type { TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { importMessages, previewImport, type ImportContext } from './importer.js';
import { encodeLegacy, importWorkspace } from './test-helpers.js';
import { MAX_ROW_CHARS } from './limits.js';

// Bytes 0x80-0x9F of windows-1252 as the WHATWG Encoding Standard maps them (Node 20's own
// TextDecoder reads them as Latin-1 C1 controls, which is one of the things under test).
/** A message from parts: strings are ASCII (or UTF-8), buffers are written as they are. */
const mail = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
const qp = (bytes: Buffer) => [...bytes].map((b) => (b >= 0x80 || b === 0x3d ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');

let temp: TempWorkspaces;
let repos: Repositories;
let ctx: ImportContext;
beforeEach(() => {
  ({ temp, repos, ctx } = importWorkspace({ id: 'rb_mail', name: 'Mail', schema: { fields: [] } }));
});
afterEach(() => temp.cleanup());

const asFile = (name: string, bytes: Buffer) => ({ name, content: bytes.toString('base64'), encoding: 'base64' as const });
const run = (args: ApiArgs<'importMessages'>) => importMessages(ctx, parseApiArgs('importMessages', args));
const stored = () =>
  repos.messages
    .page({ order: 'oldest', limit: 500 })
    .items.map((m) => repos.messages.get(m.id)!)
    .map((m) => ({ subject: m.subject, sender: m.sender, text: m.text }));

describe('.eml as bytes', () => {
  it('decodes an ISO-8859-1 body and a raw 8-bit Latin-1 header', async () => {
    const eml = mail(
      'From: ',
      encodeLegacy('Jürgen Müller', 'iso-8859-1'),
      ' <jm@example.de>\r\nSubject: ',
      encodeLegacy('Rückfrage zur Rechnung Nr. 4711 – Gebühr', 'windows-1252'),
      '\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
      encodeLegacy('Grüße aus Köln: das Gerät zeigt „Fehler 42“ nicht, aber die Gebühr ist doppelt.', 'windows-1252'),
      '\r\n',
    );
    const result = await run({ file: asFile('latin1.eml', eml) });
    expect(result).toMatchObject({ format: 'eml', inserted: 1, problems: [] });
    expect(stored()).toEqual([
      { subject: 'Rückfrage zur Rechnung Nr. 4711 – Gebühr', sender: 'Jürgen Müller <jm@example.de>', text: 'Grüße aus Köln: das Gerät zeigt „Fehler 42“ nicht, aber die Gebühr ist doppelt.' },
    ]);
  });

  it('decodes quoted-printable windows-1252, base64 KOI8-R and Shift_JIS bodies by their declared charsets', async () => {
    const cases = [
      { charset: 'windows-1252', cte: 'quoted-printable', body: (b: Buffer) => qp(b), text: 'The “smart” quotes — and €20 — survive.' },
      { charset: 'koi8-r', cte: 'base64', body: (b: Buffer) => b.toString('base64'), text: 'Здравствуйте! Не могу войти в аккаунт.' },
      { charset: 'shift_jis', cte: '8bit', body: (b: Buffer) => b, text: 'ログインできません。パスワードを再設定しました。' },
      { charset: 'shift_jis', cte: 'base64', body: (b: Buffer) => b.toString('base64'), text: '請求書が二重になっています。' },
    ];
    for (const [i, c] of cases.entries()) {
      const eml = mail(`From: c${i}@example.com\nSubject: case ${i}\nContent-Type: text/plain; charset="${c.charset}"\nContent-Transfer-Encoding: ${c.cte}\n\n`, c.body(encodeLegacy(c.text, c.charset)), '\n');
      expect(await run({ file: asFile(`case${i}.eml`, eml) }), c.charset).toMatchObject({ inserted: 1, problems: [] });
    }
    expect(stored().map((m) => m.text)).toEqual(cases.map((c) => c.text));
  });

  it('an 8-bit body with no charset (or mislabelled UTF-8) is read in the charset the message declares elsewhere, else windows-1252', async () => {
    const undeclared = mail('From: old@example.com\nSubject: no charset\n\n', encodeLegacy('Café fermé à 18h — désolé.', 'windows-1252'), '\n');
    const mislabelled = mail('From: old@example.com\nSubject: says utf-8\nContent-Type: text/plain; charset=utf-8\n\n', encodeLegacy('Naïve café, ½ price.', 'windows-1252'), '\n');
    // A multipart whose HTML part declares KOI8-R and whose plain part declares nothing.
    const multipart = mail(
      'From: ',
      encodeLegacy('Иван', 'koi8-r'),
      ' <ivan@example.ru>\nSubject: mixed\nContent-Type: multipart/alternative; boundary="zz"\n\n--zz\nContent-Type: text/plain\n\n',
      encodeLegacy('Привет, заказ не пришёл.', 'koi8-r'),
      '\n--zz\nContent-Type: text/html; charset=koi8-r\n\n<p>',
      encodeLegacy('Привет, заказ не пришёл.', 'koi8-r'),
      '</p>\n--zz--\n',
    );
    for (const [name, bytes] of [['undeclared.eml', undeclared], ['mislabelled.eml', mislabelled], ['multipart.eml', multipart]] as const) {
      expect(await run({ file: asFile(name, bytes) }), name).toMatchObject({ inserted: 1, problems: [] });
    }
    expect(stored()).toEqual([
      { subject: 'no charset', sender: 'old@example.com', text: 'Café fermé à 18h — désolé.' },
      { subject: 'says utf-8', sender: 'old@example.com', text: 'Naïve café, ½ price.' },
      { subject: 'mixed', sender: 'Иван <ivan@example.ru>', text: 'Привет, заказ не пришёл.' },
    ]);
  });

  it('a UTF-8 message is unchanged, and a literal U+FFFD in it is text, not a refusal', async () => {
    const eml = mail('From: Zoë <z@example.com>\nSubject: Ünïcödé ✓\nContent-Type: text/plain; charset=utf-8\n\nThe old system showed \uFFFD instead of é. 日本語も大丈夫。\n');
    expect(await run({ file: asFile('utf8.eml', eml) })).toMatchObject({ inserted: 1, problems: [] });
    expect(stored()).toEqual([{ subject: 'Ünïcödé ✓', sender: 'Zoë <z@example.com>', text: 'The old system showed \uFFFD instead of é. 日本語も大丈夫。' }]);
  });

  it('undecodable bytes in a declared multibyte charset are imported as U+FFFD, with a note naming the message', async () => {
    const eml = mail('From: jp@example.jp\nSubject: broken\nContent-Type: text/plain; charset=shift_jis\n\n', encodeLegacy('注文', 'shift_jis'), Buffer.from([0x81, 0x20]), encodeLegacy('番号', 'shift_jis'), '\n');
    const result = await run({ file: asFile('broken.eml', eml) });
    expect(result.inserted).toBe(1);
    expect(result.problems).toEqual([{ line: 1, reason: 'the message ("broken"): some bytes are not valid in its charset and show as U+FFFD: imported with them' }]);
    expect(stored()[0]!.text).toBe('注文\uFFFD 番号');
  });

  it('refuses only a message that has no text, saying which; the limit of 100,000 characters holds', async () => {
    const attachmentOnly = mail(
      'From: a@example.com\nSubject: Scan attached\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf; name=scan.pdf\nContent-Disposition: attachment; filename=scan.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n',
    );
    const a = await run({ file: asFile('scan.eml', attachmentOnly) });
    expect(a).toMatchObject({ inserted: 0, problems: [{ line: 1, reason: 'the message ("Scan attached"): empty message: no text (only 1 attachment: scan.pdf)' }] });
    const big = mail('From: b@example.com\nSubject: Long\nContent-Type: text/plain; charset=iso-8859-1\n\n', encodeLegacy('é'.repeat(MAX_ROW_CHARS + 1), 'iso-8859-1'), '\n');
    const b = await run({ file: asFile('big.eml', big) });
    expect(b).toMatchObject({ inserted: 0, problems: [{ line: 1, reason: expect.stringMatching(/^the message \("Long"\): row too large: 100\d{3} characters \(the limit is 100000\)$/) }] });
  });
});

describe('mbox as bytes', () => {
  it('splits on bytes and decodes each message by its own charset; problems name the message, its line and subject', async () => {
    const archive = mail(
      'From anna@example.de Tue Mar  3 09:00:00 2026\n',
      'From: anna@example.de\nSubject: ',
      encodeLegacy('Bestellung für Köln', 'iso-8859-1'),
      '\nContent-Type: text/plain; charset=iso-8859-1\n\n',
      encodeLegacy('Die Lieferung für Köln fehlt.', 'iso-8859-1'),
      '\n>From here it is quoted.\n\n',
      'From ivan@example.ru Tue Mar  3 10:00:00 2026\n',
      'From: ivan@example.ru\nSubject: =?koi8-r?B?',
      encodeLegacy('Вопрос', 'koi8-r').toString('base64'),
      '?=\nContent-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: quoted-printable\n\n',
      qp(encodeLegacy('Не работает оплата.', 'koi8-r')),
      '\n\n',
      'From empty@example.com Tue Mar  3 11:00:00 2026\n',
      'From: empty@example.com\nSubject: Nothing here\n\n\n',
      'From ken@example.jp Tue Mar  3 12:00:00 2026\r\n',
      'From: ken@example.jp\r\nSubject: =?ISO-2022-JP?B?GyRCJTUlXSE8JUgbKEI=?=\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\n',
      encodeLegacy('配送状況を教えてください。', 'shift_jis'),
      '\r\n',
    );
    const p = await previewImport(ctx, parseApiArgs('previewImport', { file: asFile('mixed.mbox', archive) }));
    expect(p).toMatchObject({ format: 'mbox', totalRows: 4 });
    const result = await run({ file: asFile('mixed.mbox', archive) });
    expect(result.inserted).toBe(3);
    expect(result.problems).toEqual([{ line: 17, reason: 'message 3 ("Nothing here"): empty message: no text (an empty body)' }]);
    expect(stored()).toEqual([
      { subject: 'Bestellung für Köln', sender: 'anna@example.de', text: 'Die Lieferung für Köln fehlt.\nFrom here it is quoted.' },
      { subject: 'Вопрос', sender: 'ivan@example.ru', text: 'Не работает оплата.' },
      { subject: 'サポート', sender: 'ken@example.jp', text: '配送状況を教えてください。' },
    ]);
  });

  it('the file limit is in bytes; text sent as text keeps its own limit in characters', () => {
    const tooBig = { name: 'huge.mbox', content: 'A'.repeat(Math.ceil((MAX_IMPORT_BYTES + 3) / 3) * 4), encoding: 'base64' as const };
    let error: unknown;
    try {
      parseApiArgs('importMessages', { file: tooBig });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).failure.message).toContain(`larger than ${MAX_IMPORT_BYTES.toLocaleString('en-US')} bytes`);
    expect(() => parseApiArgs('importMessages', { file: { name: 'x.eml', content: 'not base64!', encoding: 'base64' } })).toThrow(/base64/);
  });
});

describe('text formats as bytes', () => {
  it('CSV and JSONL sent as bytes read as UTF-8 (a UTF-16 file by its BOM); invalid UTF-8 is still a bad row', async () => {
    const csv = mail('text,subject\nHello from bytes,One\n', Buffer.from([0xff, 0xfe, 0x41]), ',Two\nSecond good row,Three\n');
    const a = await run({ file: asFile('bytes.csv', csv) });
    expect(a).toMatchObject({ format: 'csv', inserted: 2, problems: [{ line: 3, reason: expect.stringMatching(/^invalid UTF-8/) }] });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('text\r\nÜber UTF-16\r\n', 'utf16le')]);
    expect(await run({ file: asFile('excel.csv', utf16) })).toMatchObject({ inserted: 1, problems: [] });
    const jsonl = mail('\uFEFF{"text":"from a BOM file"}\n');
    expect(await run({ file: asFile('bom.jsonl', jsonl) })).toMatchObject({ inserted: 1, problems: [] });
    expect(stored().map((m) => m.text).sort()).toEqual(['Hello from bytes', 'Second good row', 'from a BOM file', 'Über UTF-16']);
  });
});
