// The format parsers as pure functions of text: rows, problems with their line numbers, and the
// mapping guess. Fixtures are written here.
import { describe, expect, it } from 'vitest';
import { parseCsv, detectDelimiter } from './csv.js';
import { detectFormat } from './detect.js';
import { parseEml } from './eml.js';
import { htmlToText } from './html-to-text.js';
import { parseJsonl } from './jsonl.js';
import { MAX_ROW_CHARS } from './limits.js';
import { suggestMapping } from './mapping.js';
import { parseMbox, splitMbox } from './mbox.js';
import { parseReceivedAt } from './rows.js';
import { parseText } from './text.js';
import type { LabelFields } from './types.js';

const BAD = '\uFFFD';
const schema: LabelFields = {
  fields: [
    { name: 'issue_type', aliases: ['category'] },
    { name: 'urgency', aliases: ['priority'] },
    { name: 'name', aliases: [] },
  ],
};

describe('JSONL', () => {
  it('reads one message per line, with the optional keys, labels and the rest kept as meta', () => {
    const lines = [
      '{"id":"t-1","text":"I cannot log in","subject":"Login","sender":"Ann <ann@example.com>","receivedAt":"2026-03-02T08:40:18.000Z","channel":"email"}',
      '',
      '{"text":"Refund please","received_at":"2026-03-03 10:00","context":["earlier message"],"output":{"issue_type":"billing"}}',
      '{"text":"Crash on start","date":1772445600}',
    ].join('\n');
    const out = parseJsonl(lines);
    expect(out.format).toBe('jsonl');
    expect(out.problems).toEqual([]);
    expect(out.records).toBe(3);
    expect(out.rows).toEqual([
      { line: 1, text: 'I cannot log in', subject: 'Login', sender: 'Ann <ann@example.com>', externalId: 't-1', receivedAt: '2026-03-02T08:40:18.000Z', meta: { channel: 'email' } },
      { line: 3, text: 'Refund please', receivedAt: '2026-03-03T10:00:00.000Z', context: ['earlier message'], labels: { issue_type: 'billing' } },
      { line: 4, text: 'Crash on start', receivedAt: new Date(1772445600 * 1000).toISOString() },
    ]);
    expect(out.columns).toEqual(expect.arrayContaining(['id', 'text', 'subject', 'sender', 'receivedAt', 'channel', 'received_at', 'context', 'output', 'date']));
    expect(out.suggestedMapping.text).toBe('text');
    // The suggestion passed back as the mapping (as the import dialog does) reads the same rows.
    expect(parseJsonl(lines, { mapping: out.suggestedMapping }).rows).toEqual(out.rows);
  });

  it('lists every bad line with its number and reason, and keeps the good ones', () => {
    const lines = [
      '{"text":"good one"}',
      '{"text": "broken',
      '["an","array"]',
      '42',
      '{"text":""}',
      '{"subject":"no text"}',
      '{"text":{"nested":true}}',
      `{"text":"bad bytes ${BAD} here"}`,
      JSON.stringify({ text: 'x'.repeat(MAX_ROW_CHARS + 1) }),
      '{"text":"good two","date":"not a date"}',
    ];
    const out = parseJsonl(lines.join('\r\n'));
    expect(out.rows.map((r) => [r.line, r.text])).toEqual([
      [1, 'good one'],
      [10, 'good two'],
    ]);
    expect(out.rows[1]!.receivedAt).toBeUndefined();
    const byLine = Object.fromEntries(out.problems.map((p) => [p.line, p.reason]));
    expect(byLine[2]).toMatch(/^not valid JSON/);
    expect(byLine[3]).toBe('not a JSON object (found an array)');
    expect(byLine[4]).toBe('not a JSON object (found a number)');
    expect(byLine[5]).toMatch(/empty message/);
    expect(byLine[6]).toMatch(/no "text" key/);
    expect(byLine[7]).toMatch(/is not a string/);
    expect(byLine[8]).toMatch(/invalid UTF-8/);
    expect(byLine[9]).toMatch(/row too large: 100\d+ characters/);
    expect(byLine[10]).toMatch(/"not a date" is not a date: imported without it/);
    expect(out.records).toBe(10);
  });

  it('reads a JSON array as records, and maps other key names', () => {
    const out = parseJsonl('[{"body":"hello","title":"Hi","from":"x@example.com"},{"body":"again"}]');
    expect(out.suggestedMapping).toMatchObject({ text: 'body', subject: 'title', sender: 'from' });
    expect(out.rows).toEqual([
      { line: 1, text: 'hello', subject: 'Hi', sender: 'x@example.com' },
      { line: 2, text: 'again' },
    ]);
  });

  it('refuses a file with no text key, naming the keys found', () => {
    const out = parseJsonl('{"foo":"a","bar":"b"}\n');
    expect(out.fatal).toMatch(/no text key.*"foo", "bar"/);
  });

  it('takes keys named like schema fields as labels', () => {
    const out = parseJsonl('{"text":"locked out","category":"login","priority":"ASAP"}', { schema });
    expect(out.suggestedMapping.labels).toEqual({ category: 'issue_type', priority: 'urgency' });
    expect(out.rows[0]!.labels).toEqual({ issue_type: 'login', urgency: 'ASAP' });
  });
});

describe('CSV', () => {
  it('reads a header and its rows, quoted fields with commas, quotes and line breaks', () => {
    const csv = 'Message,Subject,From,Created At,Ticket ID,Channel\n"Hi, I was charged ""twice""",Refund,ann@example.com,2026-03-02 09:00,T-1,email\n"Line one\nline two",Bug,bob@example.com,,T-2,\n';
    const out = parseCsv(csv);
    expect(out.columns).toEqual(['Message', 'Subject', 'From', 'Created At', 'Ticket ID', 'Channel']);
    expect(out.suggestedMapping).toMatchObject({ text: 'Message', subject: 'Subject', sender: 'From', receivedAt: 'Created At', id: 'Ticket ID' });
    expect(out.problems).toEqual([]);
    expect(out.rows).toEqual([
      { line: 2, text: 'Hi, I was charged "twice"', subject: 'Refund', sender: 'ann@example.com', receivedAt: '2026-03-02T09:00:00.000Z', externalId: 'T-1', meta: { Channel: 'email' } },
      { line: 3, text: 'Line one\nline two', subject: 'Bug', sender: 'bob@example.com', externalId: 'T-2' },
    ]);
  });

  it('a broken row: the problem names its line, the good rows around it are read', () => {
    const csv = ['text,subject', 'first good,a', '"never closed,b', 'second good,c', 'bad"x"quote,d', '"third, good",e', ''].join('\n');
    const out = parseCsv(csv);
    expect(out.rows.map((r) => [r.line, r.text])).toEqual([
      [2, 'first good'],
      [4, 'second good'],
      [5, 'bad"x"quote'],
      [6, 'third, good'],
    ]);
    // The quote opened on line 3 closes on line 5 mid-value: line 3 is reported, reading resumes on line 4.
    expect(out.problems).toEqual([{ line: 3, reason: expect.stringMatching(/^broken CSV quoting: a quoted field closes in the middle/) }]);
    expect(out.records).toBe(5);
    const unclosed = parseCsv('text\nok\n"never closed\nafter\n');
    expect(unclosed.problems).toEqual([{ line: 3, reason: 'broken CSV quoting: a quoted field is never closed' }]);
    expect(unclosed.rows.map((r) => r.text)).toEqual(['ok', 'after']);
  });

  it('a quoted field with text after its closing quote is broken quoting at its line', () => {
    const out = parseCsv('text,subject\n"ok",a\n"bad"x,b\n"fine",c\n');
    expect(out.problems).toEqual([{ line: 3, reason: expect.stringMatching(/^broken CSV quoting/) }]);
    expect(out.rows.map((r) => r.text)).toEqual(['ok', 'fine']);
  });

  it('every bad-row kind is listed with its line and reason', () => {
    const csv = [
      'text,subject',
      'good,1',
      ',empty text',
      `bad ${BAD} bytes,3`,
      `"${'y'.repeat(MAX_ROW_CHARS)}",too big`,
      'one,two,three',
      'only',
      '',
      'good again,8',
    ].join('\n');
    const out = parseCsv(csv);
    expect(out.rows.map((r) => r.line)).toEqual([2, 9]);
    expect(out.problems).toEqual([
      { line: 3, reason: 'empty message: no text' },
      { line: 4, reason: 'invalid UTF-8 (undecodable bytes, shown as U+FFFD)' },
      { line: 5, reason: expect.stringMatching(/^row too large: 100\d+ characters \(the limit is 100000\)$/) },
      { line: 6, reason: '3 fields where the header has 2 (a delimiter or quote out of place?)' },
      { line: 7, reason: '1 fields where the header has 2 (a delimiter or quote out of place?)' },
    ]);
  });

  it('a missing text column is a whole-file problem naming the columns found', () => {
    const out = parseCsv('name,when\nann,today\n');
    expect(out.fatal).toBe('no text column: none of the columns found ("name", "when") is mapped to the message text');
    expect(out.columns).toEqual(['name', 'when']);
    const mapped = parseCsv('name,when\nann,today\n', { mapping: { text: 'body' } });
    expect(mapped.fatal).toBe('the text column "body" is not in the file; the columns found are "name", "when"');
  });

  it('uses the mapping it is given, labels included', () => {
    const out = parseCsv('what,who,cat\nhelp me,ann,login\n', { mapping: { text: 'what', sender: 'who', labels: { cat: 'issue_type' } } });
    expect(out.rows).toEqual([{ line: 2, text: 'help me', sender: 'ann', labels: { issue_type: 'login' } }]);
  });

  it('detects the delimiter; a single column keeps its commas', () => {
    expect(detectDelimiter('text;subject\na;b\nc;d\n')).toBe(';');
    expect(detectDelimiter('text\tsubject\na\tb\n')).toBe('\t');
    expect(detectDelimiter('text|subject\na|b\n')).toBe('|');
    expect(detectDelimiter('a,b\n1,2\n', 'x.tsv')).toBe('\t');
    const semi = parseCsv('text;subject\n"Hi, there";one\nsecond;two\n');
    expect(semi.rows.map((r) => [r.text, r.subject])).toEqual([
      ['Hi, there', 'one'],
      ['second', 'two'],
    ]);
    const single = parseCsv('\uFEFFtext\nhello, world\n"quoted, too"\n');
    expect(single.rows.map((r) => r.text)).toEqual(['hello, world', 'quoted, too']);
  });

  it('CRLF line endings and blank lines keep line numbers right', () => {
    const out = parseCsv('text\r\none\r\n\r\ntwo\r\n"three\r\nlines"\r\nfour\r\n');
    expect(out.rows.map((r) => [r.line, r.text])).toEqual([
      [2, 'one'],
      [4, 'two'],
      [5, 'three\nlines'],
      [7, 'four'],
    ]);
  });

  it('mixed line endings (CR LF, LF, lone CR) keep records apart and line numbers right', () => {
    // papaparse guesses one newline for the whole file: a CR LF header then LF rows used to merge rows.
    const mixed = parseCsv('text,n\r\na,1\nb,2\r\nc,3\rd,4\n"e\r\nf",5\n');
    expect(mixed.problems).toEqual([]);
    expect(mixed.rows.map((r) => [r.line, r.text])).toEqual([
      [2, 'a'],
      [3, 'b'],
      [4, 'c'],
      [5, 'd'],
      [6, 'e\nf'],
    ]);
    const jsonl = parseJsonl('{"text":"one"}\r{"text":"two"}\r\n{"text":"three"}\n');
    expect(jsonl.problems).toEqual([]);
    expect(jsonl.rows.map((r) => [r.line, r.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('suggests labels for columns named like schema fields', () => {
    expect(suggestMapping(['Body', 'Customer Email', 'Category', 'priority', 'name', 'Date'], schema)).toEqual({
      text: 'Body',
      subject: null,
      sender: 'Customer Email',
      receivedAt: 'Date',
      id: null,
      labels: { Category: 'issue_type', priority: 'urgency', name: 'name' },
    });
  });
});

const PLAIN_EML = [
  'From: "Ann Baker" <ann@example.com>',
  'To: support@example.com',
  'Subject: =?UTF-8?Q?Caf=C3=A9_orders_missing?=',
  'Date: Tue, 3 Mar 2026 10:00:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Our orders from this morning are missing.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Our orders from <b>this morning</b> are missing.</p>',
  '--b1--',
  '',
].join('\r\n');

function htmlOnly(subject: string, html: string, from = 'Carl <carl@example.com>'): string {
  return [`From: ${from}`, `Subject: ${subject}`, 'Date: Wed, 4 Mar 2026 12:00:00 +0000', 'Content-Type: text/html; charset=utf-8', '', html, ''].join('\n');
}

describe('.eml', () => {
  it('reads subject, sender, date and prefers the text/plain body', async () => {
    const out = await parseEml(PLAIN_EML);
    expect(out.format).toBe('eml');
    expect(out.problems).toEqual([]);
    expect(out.rows).toEqual([
      { line: 1, text: 'Our orders from this morning are missing.', subject: 'Café orders missing', sender: 'Ann Baker <ann@example.com>', receivedAt: '2026-03-03T09:00:00.000Z' },
    ]);
  });

  it('an HTML-only message becomes plain text, with no markup and no script or style', async () => {
    const out = await parseEml(
      htmlOnly(
        'Printer',
        '<html><head><title>T</title><style>p { color: red }</style></head><body><p>The printer&nbsp;is <i>jammed</i>.</p><script>alert("x")</script><ul><li>paper</li><li>ink &amp; toner</li></ul><p>Type &lt;b&gt; to <a href="https://x.example">see</a></p><img src="x" onerror="alert(1)" alt="logo"></body></html>',
      ),
    );
    const text = out.rows[0]!.text;
    expect(text).toBe('The printer is jammed.\n\n- paper\n- ink & toner\n\nType <b> to see\n\n[logo]');
    expect(text).not.toMatch(/alert|color|onerror|<p|<\/|href/);
  });

  it('an empty body is an empty message; undecodable bytes are invalid UTF-8', async () => {
    expect((await parseEml('Subject: nothing\n\n\n')).problems).toEqual([{ line: 1, reason: 'the message ("nothing"): empty message: no text (an empty body)' }]);
    const bad = await parseEml(`Subject: bad\nContent-Type: text/plain; charset=utf-8\n\nfine line\nbroken ${BAD} line\n`);
    expect(bad.rows).toEqual([]);
    expect(bad.problems).toEqual([{ line: 5, reason: expect.stringMatching(/^the message \("bad"\): invalid UTF-8.*starting at line 1/) }]);
  });
});

describe('mbox', () => {
  const mbox = [
    'From ann@example.com Tue Mar  3 09:00:00 2026',
    PLAIN_EML.replace(/\r\n/g, '\n').trimEnd(),
    '',
    'From MAILER-DAEMON Wed Mar  4 12:00:00 2026',
    htmlOnly('HTML only', '<div>Refund <b>please</b></div><div>order 1234</div>').trimEnd(),
    '',
    'From bob@example.com Thu Mar  5 08:30:00 2026',
    'From: bob@example.com',
    'Subject: Quoted from',
    '',
    'I wrote this line:',
    '>From the start it failed.',
    '',
  ].join('\n');

  it('splits on From lines and parses each message; three messages, one of them HTML only', async () => {
    const out = await parseMbox(mbox);
    expect(out.format).toBe('mbox');
    expect(out.problems).toEqual([]);
    expect(out.records).toBe(3);
    expect(out.rows.map((r) => ({ line: r.line, subject: r.subject, sender: r.sender, receivedAt: r.receivedAt, text: r.text }))).toEqual([
      { line: 1, subject: 'Café orders missing', sender: 'Ann Baker <ann@example.com>', receivedAt: '2026-03-03T09:00:00.000Z', text: 'Our orders from this morning are missing.' },
      { line: 19, subject: 'HTML only', sender: 'Carl <carl@example.com>', receivedAt: '2026-03-04T12:00:00.000Z', text: 'Refund please\norder 1234' },
      // No Date header: the envelope's time.
      { line: 27, subject: 'Quoted from', sender: 'bob@example.com', receivedAt: '2026-03-05T08:30:00.000Z', text: 'I wrote this line:\nFrom the start it failed.' },
    ]);
  });

  it('a bad message is listed at its line while the others import', async () => {
    const out = await parseMbox(`From a Tue Mar  3 09:00:00 2026\nSubject: empty\n\n\nFrom b Tue Mar  3 09:00:00 2026\nSubject: ok\n\nfine\n`);
    expect(out.rows.map((r) => r.line)).toEqual([5]);
    expect(out.problems).toEqual([{ line: 1, reason: 'message 1 ("empty"): empty message: no text (an empty body)' }]);
    expect(splitMbox('From a\n\nbody\nFrom here on, a body line\n')).toHaveLength(1);
  });
});

describe('pasted text', () => {
  it('is one message, paragraphs and all, when it has no separator line', () => {
    const out = parseText('\n\nHi,\n\nI reset my password and it still fails.\n\nThanks,\nPriya\n');
    expect(out.rows).toEqual([{ line: 3, text: 'Hi,\n\nI reset my password and it still fails.\n\nThanks,\nPriya' }]);
  });

  it('splits at lines of dashes; an over-long part is a problem', () => {
    const out = parseText(`first message\n---\nsecond\n\nstill second\n -----\n\n${'z'.repeat(MAX_ROW_CHARS + 1)}\n---\n`);
    expect(out.rows).toEqual([
      { line: 1, text: 'first message' },
      { line: 3, text: 'second\n\nstill second' },
    ]);
    expect(out.problems).toEqual([{ line: 8, reason: expect.stringMatching(/^row too large/) }]);
    expect(parseText(' \n\n').fatal).toMatch(/empty/);
  });
});

describe('HTML to text', () => {
  it('drops comments, unterminated tags and unclosed scripts; decodes entities into text', () => {
    expect(htmlToText('a<!-- hidden --> b &#x41;&#66;&copy;&unknown; c < d')).toBe('a b AB©&unknown; c < d');
    expect(htmlToText('before<script>evil()')).toBe('before');
    expect(htmlToText('text <span title="a > b">inside</span> <b')).toBe('text inside');
    expect(htmlToText('<head><meta charset="utf-8"><body>Body text')).toBe('Body text');
    expect(htmlToText('<pre>keep\n  lines</pre>after')).toBe('keep\nlines\n\nafter');
    expect(htmlToText('<div>a</div><div>b</div><div><br></div><div>c<br><br>d</div>')).toBe('a\nb\n\nc\n\nd');
    expect(htmlToText('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>')).toBe('a b\nc');
  });
});

describe('format detection', () => {
  it('from the name, else the content', () => {
    expect(detectFormat('x.csv', '{"text":"a"}')).toBe('csv');
    expect(detectFormat('x.ndjson', '')).toBe('jsonl');
    expect(detectFormat('x.EML', '')).toBe('eml');
    expect(detectFormat('archive.mbox', '')).toBe('mbox');
    expect(detectFormat('x.csv', 'a', 'text')).toBe('text');
    expect(detectFormat('upload', '{"text":"a"}\n')).toBe('jsonl');
    expect(detectFormat('upload', 'From a@b Tue Mar  3 09:00:00 2026\nSubject: x\n\nhi\n')).toBe('mbox');
    expect(detectFormat('upload', PLAIN_EML)).toBe('eml');
    expect(detectFormat('upload', 'id,body,subject\n1,hi,x\n')).toBe('csv');
    expect(detectFormat('paste', 'Hi: I have a question\n\nabout billing')).toBe('text');
    expect(detectFormat('paste', 'Just some words, with a comma')).toBe('text');
  });
});

describe('received times', () => {
  it('reads ISO, zone-less (as UTC), RFC 2822 and epoch values; refuses the rest', () => {
    expect(parseReceivedAt('2026-03-02T08:40:18+01:00')).toBe('2026-03-02T07:40:18.000Z');
    expect(parseReceivedAt('2026-03-02 08:40')).toBe('2026-03-02T08:40:00.000Z');
    expect(parseReceivedAt('2026-03-02')).toBe('2026-03-02T00:00:00.000Z');
    expect(parseReceivedAt('Tue, 3 Mar 2026 10:00:00 +0100')).toBe('2026-03-03T09:00:00.000Z');
    expect(parseReceivedAt('1772445600')).toBe('2026-03-02T10:00:00.000Z');
    expect(parseReceivedAt(1772445600000)).toBe('2026-03-02T10:00:00.000Z');
    expect(parseReceivedAt('')).toBeUndefined();
    expect(parseReceivedAt('yesterday')).toBeNull();
    expect(parseReceivedAt(true)).toBeNull();
  });
});
