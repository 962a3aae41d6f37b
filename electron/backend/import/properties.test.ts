// Property-based tests over every importer (issue 7): JSONL, CSV, .eml, mbox, pasted text and
// labelled history, sent as text or as bytes, with broken quoting, NULs, deep nesting, huge rows,
// mixed line endings, BOMs and random bytes. For every generated file: the import never throws
// out of the handler (a refusal of the whole file is an ApiError, never a crash), every good row is
// stored, every bad row is listed at its line, imported + duplicates + bad rows = rows seen, and
// nothing stored before is lost. Files are generated here, with the oracle of what each row is.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseApiArgs, type ApiArgs, type ImportProblem, type ImportResult } from '../../../shared/src/api/index.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { propertyOptions } from '../../../shared/src/testing/property.js';
import { messageContentHash, messageIdFromHash, type NewMessage, type Repositories } from '../../services/workspace/index.js';
import type { TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { importMessages, previewImport, type ImportContext } from './importer.js';
import { MAX_ROW_CHARS } from './limits.js';
import { cleanText } from './rows.js';
import { encodeLegacy, importWorkspace } from './test-helpers.js';

const schema: ExtractionSchema = {
  fields: [
    { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'low' }, { value: 'high', aliases: ['ASAP'] }] },
    { name: 'tags', type: 'string_list', nullable: true },
  ],
};

let temp: TempWorkspaces;
let repos: Repositories;
let ctx: ImportContext;
/** Messages stored before any property ran: every import must leave them as they were. */
let before: { id: string; text: string }[];

beforeAll(async () => {
  ({ temp, repos, ctx } = importWorkspace({ id: 'rb_props', name: 'Properties', schema }));
  const seed = ['Stored before: locked out', 'Stored before: refund please', 'Stored before: printer jammed'].map((t) => JSON.stringify({ text: t })).join('\n');
  await importMessages(ctx, parseApiArgs('importMessages', { file: { name: 'seed.jsonl', content: seed } }));
  before = repos.messages.page({ order: 'oldest', limit: 10 }).items.map((m) => ({ id: m.id, text: repos.messages.get(m.id)!.text }));
  expect(before).toHaveLength(3);
});
afterAll(() => temp.cleanup());

// --- Files and their oracle ------------------------------------------------------------------------

type Ending = '\n' | '\r\n' | '\r';
const BREAK = /\r\n|\r|\n/g;
const breaks = (s: string) => s.match(BREAK)?.length ?? 0;

interface GoodRow {
  line: number;
  /** The message as it must be stored. */
  message: NewMessage;
  /** Valid labels: a precedent must exist for it (labelled history). */
  precedent?: boolean;
}

/** A file written line by line, with the line where each row starts and what it must become. */
class Built {
  private readonly pieces: Buffer[] = [];
  line = 1;
  private lastEnding: Ending | '' = '';
  readonly good: GoodRow[] = [];
  readonly bad: number[] = [];
  /** Lines where a note (an imported row's remark) may be listed. */
  readonly notes: number[] = [];

  /** A piece of content (with its own line breaks, if any), then a line ending. */
  put(content: string | Buffer, ending: Ending | '' = ''): void {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    // A lone CR followed by an empty line ending in LF would read as one CR LF: keep them apart.
    let end: Ending | '' = ending;
    if (bytes.length === 0 && this.lastEnding === '\r' && end.startsWith('\n')) end = '\r';
    this.pieces.push(bytes, Buffer.from(end, 'latin1'));
    this.line += breaks(bytes.toString('latin1')) + (end ? 1 : 0);
    if (bytes.length || end) this.lastEnding = end;
  }

  bytes(): Buffer {
    return Buffer.concat(this.pieces);
  }
}

const textOnly = (text: string): NewMessage => ({ text });

let serial = 0;
/** A unique, never-blank start of a good row's text, so rows of different runs never collide. */
const mark = () => `row${(serial += 1)}`;

/** Text of one line: any Unicode scalar values, without line breaks or U+FFFD (which would mean bytes lost). */
const lineText = (max = 30) => fc.string({ unit: 'binary', maxLength: max }).map((s) => s.replace(/[\r\n\u2028\u2029\uFFFD]/g, ' '));
const ending = fc.constantFrom<Ending>('\n', '\r\n', '\r');
/** Bytes that are not UTF-8 and hold no line break. */
const badBytes = fc.uint8Array({ minLength: 0, maxLength: 12 }).map((b) => Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from(b.filter((x) => x !== 0x0a && x !== 0x0d))]));
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const bom = fc.boolean();

// --- Running an import and checking the properties ---------------------------------------------------

const NOTE = /: imported (?:without it|as a message only, not as a precedent|with them)$/;
const isNote = (p: ImportProblem) => NOTE.test(p.reason);

interface Outcome {
  result: ImportResult | null;
  refusal: ApiError | null;
  seen: number;
}

/** Preview then import one file; checks what holds for every file, whatever it holds. */
async function importChecked(file: ApiArgs<'importMessages'>['file'], options: Partial<ApiArgs<'importMessages'>> = {}): Promise<Outcome> {
  const countBefore = repos.messages.count();
  const attempt = async <T,>(f: () => Promise<T>): Promise<T | ApiError> => {
    try {
      return await f();
    } catch (err) {
      // The only way out of the handler: a refusal of the whole file, never a crash.
      expect(err, String((err as Error).stack)).toBeInstanceOf(ApiError);
      expect((err as ApiError).failure.code).toBe('bad_request');
      return err as ApiError;
    }
  };
  const preview = await attempt(() => previewImport(ctx, parseApiArgs('previewImport', { file, ...(options.mapping ? { mapping: options.mapping } : {}) })));
  const result = await attempt(() => importMessages(ctx, parseApiArgs('importMessages', { file, ...options })));
  for (const m of before) expect(repos.messages.get(m.id)?.text).toBe(m.text);
  if (result instanceof ApiError) {
    expect(repos.messages.count()).toBe(countBefore);
    return { result: null, refusal: result, seen: 0 };
  }
  expect(preview).not.toBeInstanceOf(ApiError);
  const seen = (preview as { totalRows: number }).totalRows;
  const bad = result.problems.filter((p) => !isNote(p));
  expect(result.inserted + result.skipped + bad.length, JSON.stringify(result.problems.slice(0, 5))).toBe(seen);
  expect(repos.messages.count()).toBe(countBefore + result.inserted);
  return { result, refusal: null, seen };
}

/** The oracle: every good row stored (and not listed as bad), every bad row listed at its line. */
function checkOracle(built: Built, outcome: Outcome, source: string): void {
  const { result } = outcome;
  expect(outcome.refusal?.failure.message ?? null).toBeNull();
  const bad = result!.problems.filter((p) => !isNote(p));
  const context = () => JSON.stringify({ problems: result!.problems.slice(0, 8), bad: built.bad, good: built.good.map((g) => g.line) });
  expect(bad.map((p) => p.line).sort((a, b) => a - b), context()).toEqual([...built.bad].sort((a, b) => a - b));
  expect(result!.inserted + result!.skipped, context()).toBe(built.good.length);
  expect(outcome.seen).toBe(built.good.length + built.bad.length);
  for (const g of built.good) {
    const id = messageIdFromHash(messageContentHash({ ...g.message, source }));
    expect(repos.messages.get(id)?.text, `line ${g.line}: ${context()}`).toBe(g.message.text);
    if (g.precedent) expect(repos.precedents.forMessage(id).length, `precedent of line ${g.line}`).toBeGreaterThan(0);
  }
  for (const p of result!.problems.filter(isNote)) expect(built.notes, p.reason).toContain(p.line);
}

const asFile = (name: string, built: Built, base64: boolean, format?: ApiArgs<'importMessages'>['file']['format']) => {
  const bytes = built.bytes();
  return { name, ...(format ? { format } : {}), ...(base64 ? { content: bytes.toString('base64'), encoding: 'base64' as const } : { content: bytes.toString('utf8') }) };
};

// --- JSONL --------------------------------------------------------------------------------------------

type JsonlRow =
  | { kind: 'good'; text: string; extra: boolean }
  | { kind: 'blank'; spaces: string }
  | { kind: 'broken'; tail: string }
  | { kind: 'deep'; depth: number }
  | { kind: 'huge'; extra: number }
  | { kind: 'rawNul' }
  | { kind: 'emptyText' }
  | { kind: 'notObject'; json: string }
  | { kind: 'bytes'; bytes: Buffer };

const jsonlRow: fc.Arbitrary<JsonlRow> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('good' as const), text: lineText(), extra: fc.boolean() }) },
  fc.record({ kind: fc.constant('blank' as const), spaces: fc.constantFrom('', ' ', '\t', '  \t ') }),
  fc.record({ kind: fc.constant('broken' as const), tail: lineText(10) }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.oneof(fc.integer({ min: 64, max: 200 }), fc.integer({ min: 2_000, max: 30_000 })) }),
  fc.record({ kind: fc.constant('huge' as const), extra: fc.integer({ min: 1, max: 5_000 }) }),
  fc.constant({ kind: 'rawNul' as const }),
  fc.constant({ kind: 'emptyText' as const }),
  fc.record({ kind: fc.constant('notObject' as const), json: fc.constantFrom('[1,2]', '42', 'null', '"text"', 'true') }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: badBytes }),
);

function buildJsonl(rows: { row: JsonlRow; ending: Ending }[], withBom: boolean, base64: boolean): Built {
  const built = new Built();
  if (withBom) built.put('\uFEFF');
  const first = mark();
  // The first row is good, so the file has a text key.
  built.good.push({ line: built.line, message: textOnly(first) });
  built.put(JSON.stringify({ text: first }), '\n');
  for (const { row, ending: end } of rows) {
    const line = built.line;
    switch (row.kind) {
      case 'good': {
        const text = `${mark()} ${row.text}`;
        built.good.push({ line, message: textOnly(cleanText(text)) });
        built.put(JSON.stringify(row.extra ? { text, channel: 'email', nested: { a: [1, { b: [2] }] } } : { text }), end);
        break;
      }
      case 'blank':
        built.put(row.spaces, end);
        break;
      case 'broken':
        built.bad.push(line);
        built.put(`{"text": "never closed ${row.tail.replace(/["\\]/g, '')}`, end);
        break;
      case 'deep':
        built.bad.push(line);
        built.put(`{"text":"deep ${mark()}","extra":${deepArray(row.depth)}}`, end);
        break;
      case 'huge':
        built.bad.push(line);
        built.put(JSON.stringify({ text: 'x'.repeat(MAX_ROW_CHARS + row.extra) }), end);
        break;
      case 'rawNul':
        built.bad.push(line);
        built.put('{"text":"a raw \u0000 is not JSON"}', end);
        break;
      case 'emptyText':
        built.bad.push(line);
        built.put('{"text":"\\u0000 \\t "}', end);
        break;
      case 'notObject':
        built.bad.push(line);
        built.put(row.json, end);
        break;
      case 'bytes':
        if (!base64) continue;
        built.bad.push(line);
        built.put(row.bytes, end);
        break;
    }
  }
  return built;
}

describe('JSONL', () => {
  it('good lines are stored, bad lines are listed at their line, counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ row: jsonlRow, ending }), { maxLength: 25 }), bom, fc.boolean(), async (rows, withBom, base64) => {
        const built = buildJsonl(rows, withBom, base64);
        checkOracle(built, await importChecked(asFile('rows.jsonl', built, base64)), 'rows.jsonl');
      }),
      propertyOptions(60),
    );
  });
});

// --- CSV ----------------------------------------------------------------------------------------------

type CsvRow =
  | { kind: 'good'; text: string; ending2: Ending }
  | { kind: 'blank' }
  | { kind: 'unclosed'; tail: string }
  | { kind: 'fields' }
  | { kind: 'empty' }
  | { kind: 'huge'; extra: number }
  | { kind: 'bytes'; bytes: Buffer };

const csvRow: fc.Arbitrary<CsvRow> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('good' as const), text: lineText(), ending2: ending }) },
  fc.constant({ kind: 'blank' as const }),
  fc.record({ kind: fc.constant('unclosed' as const), tail: lineText(10) }),
  fc.constant({ kind: 'fields' as const }),
  fc.constant({ kind: 'empty' as const }),
  fc.record({ kind: fc.constant('huge' as const), extra: fc.integer({ min: 1, max: 5_000 }) }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: badBytes }),
);

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

function buildCsv(rows: { row: CsvRow; ending: Ending }[], withBom: boolean, base64: boolean): Built {
  const built = new Built();
  if (withBom) built.put('\uFEFF');
  built.put('text,n', rows[0]?.ending ?? '\n');
  const first = mark();
  built.good.push({ line: built.line, message: textOnly(first) });
  built.put(`${first},0`, '\n');
  rows.forEach(({ row, ending: end }, i) => {
    const line = built.line;
    switch (row.kind) {
      case 'good': {
        // Quoted, with a quote, a delimiter and a line break of its own inside.
        const text = `${mark()} "${row.text}",${row.ending2}second line`;
        built.good.push({ line, message: textOnly(cleanText(text)) });
        built.put(`${quote(text)},${i}`, end);
        break;
      }
      case 'blank':
        built.put('', end);
        break;
      case 'unclosed':
        built.bad.push(line);
        built.put(`"never closed ${row.tail.replace(/"/g, '')},${i}`, end);
        break;
      case 'fields':
        built.bad.push(line);
        built.put(`${mark()},${i},one too many`, end);
        break;
      case 'empty':
        built.bad.push(line);
        built.put(`"\u0000 ",${i}`, end);
        break;
      case 'huge':
        built.bad.push(line);
        built.put(`${quote('y'.repeat(MAX_ROW_CHARS + row.extra))},${i}`, end);
        break;
      case 'bytes':
        if (!base64) return;
        built.bad.push(line);
        built.put(Buffer.concat([Buffer.from(`${mark()} `), row.bytes, Buffer.from(`,${i}`)]), end);
        break;
    }
  });
  return built;
}

describe('CSV', () => {
  it('good records are stored, broken ones are listed at the line they start, counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ row: csvRow, ending }), { maxLength: 25 }), bom, fc.boolean(), async (rows, withBom, base64) => {
        const built = buildCsv(rows, withBom, base64);
        checkOracle(built, await importChecked(asFile('rows.csv', built, base64)), 'rows.csv');
      }),
      propertyOptions(60),
    );
  });
});

// --- Pasted text ----------------------------------------------------------------------------------------

type TextPart = { kind: 'good'; lines: string[]; blanksBefore: number } | { kind: 'huge'; extra: number } | { kind: 'nul' } | { kind: 'bytes'; bytes: Buffer } | { kind: 'none' };
const SEPARATOR = /^[ \t]*-{3,}[ \t]*$/;

const textPart: fc.Arbitrary<TextPart> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('good' as const), lines: fc.array(lineText(), { maxLength: 4 }), blanksBefore: fc.integer({ min: 0, max: 2 }) }) },
  fc.record({ kind: fc.constant('huge' as const), extra: fc.integer({ min: 1, max: 5_000 }) }),
  fc.constant({ kind: 'nul' as const }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: badBytes }),
  fc.constant({ kind: 'none' as const }),
);

function buildText(parts: { part: TextPart; ending: Ending }[], withBom: boolean, base64: boolean): Built {
  const built = new Built();
  if (withBom) built.put('\uFEFF');
  const first = mark();
  built.good.push({ line: built.line, message: textOnly(first) });
  built.put(first, '\n');
  for (const { part, ending: end } of parts) {
    built.put('---', end);
    switch (part.kind) {
      case 'good': {
        for (let i = 0; i < part.blanksBefore; i += 1) built.put('', end);
        const lines = [mark(), ...part.lines.filter((l) => !SEPARATOR.test(l))];
        built.good.push({ line: built.line, message: textOnly(cleanText(lines.join('\n'))) });
        for (const l of lines) built.put(l, end);
        break;
      }
      case 'huge':
        built.bad.push(built.line);
        built.put('z'.repeat(MAX_ROW_CHARS + part.extra), end);
        break;
      case 'nul':
        built.bad.push(built.line);
        built.put('\u0000\u0000', end);
        break;
      case 'bytes':
        if (!base64) break;
        built.bad.push(built.line);
        built.put(Buffer.concat([Buffer.from(`${mark()} `), part.bytes]), end);
        break;
      case 'none':
        // Two separators in a row: no message between them.
        break;
    }
  }
  return built;
}

describe('pasted text', () => {
  it('each part between separator lines is a message; bad parts are listed at their first line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ part: textPart, ending }), { maxLength: 12 }), bom, fc.boolean(), async (parts, withBom, base64) => {
        const built = buildText(parts, withBom, base64);
        checkOracle(built, await importChecked(asFile(base64 ? 'notes.txt' : 'paste', built, base64, 'text')), base64 ? 'notes.txt' : 'paste');
      }),
      propertyOptions(60),
    );
  });
});

// --- Mail -----------------------------------------------------------------------------------------------

const CHARSETS = ['utf-8', 'iso-8859-1', 'windows-1252', 'koi8-r', 'shift_jis'] as const;
type Charset = (typeof CHARSETS)[number];
/** Characters each charset can write (besides ASCII), to draw message text from. */
const REPERTOIRE: Record<Charset, string> = {
  'utf-8': 'äöüßéèñçøå€“”–—…日本語テスト中文한국어Здравствуйте✓😀',
  'iso-8859-1': 'äöüßéèñçøåÄÖÜÉ¿¡«»°±½',
  'windows-1252': 'äöüßéèñçøå€“”‘’–—…™Œœž',
  'koi8-r': 'абвгдежзийклмнопрстуфхцчшщыьэюяАБВГДЁЖЗ',
  'shift_jis': 'あいうえおカキクケコ日本語漢字全角テスト',
};
const encode = (text: string, charset: Charset): Buffer => encodeLegacy(text, charset);
const qp = (bytes: Buffer) => [...bytes].map((b) => (b >= 0x80 || b === 0x3d || b === 0x20 || b === 0x09 || b < 0x20 ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');

/** Words of a charset's repertoire and ASCII, joined by single spaces. */
const words = (charset: Charset, max: number) =>
  fc.array(fc.array(fc.constantFrom(...[...REPERTOIRE[charset]], ...'abcxyz019.,!?'.split('')), { minLength: 1, maxLength: 8 }).map((w) => w.join('')), { minLength: 1, maxLength: max }).map((w) => w.join(' '));

type MailSpec =
  | { kind: 'good'; charset: Charset; encoding: '8bit' | 'quoted-printable' | 'base64'; subject: string; rawSubject: boolean; body: string[]; multipart: boolean; declared: boolean }
  | { kind: 'empty' }
  | { kind: 'attachmentOnly' }
  | { kind: 'huge'; extra: number }
  | { kind: 'nested' };

const goodMail: fc.Arbitrary<MailSpec> = fc.constantFrom(...CHARSETS).chain((charset) =>
  fc.record({
    kind: fc.constant('good' as const),
    charset: fc.constant(charset),
    encoding: fc.constantFrom('8bit' as const, 'quoted-printable' as const, 'base64' as const),
    subject: words(charset, 4),
    rawSubject: fc.boolean(),
    body: fc.array(fc.oneof(words(charset, 6), fc.constantFrom('From the start it failed.', '>From quoted already', '', '--not-a-boundary')), { minLength: 1, maxLength: 5 }),
    multipart: fc.boolean(),
    // An 8-bit single-part message may leave its charset out (old mailers): read as windows-1252.
    declared: charset === 'windows-1252' ? fc.boolean() : fc.constant(true),
  }),
);
const mailSpec: fc.Arbitrary<MailSpec> = fc.oneof(
  { weight: 5, arbitrary: goodMail },
  fc.constant({ kind: 'empty' as const }),
  fc.constant({ kind: 'attachmentOnly' as const }),
  fc.record({ kind: fc.constant('huge' as const), extra: fc.integer({ min: 1, max: 3_000 }) }),
  fc.constant({ kind: 'nested' as const }),
);

const DATE = 'Tue, 3 Mar 2026 10:00:00 +0000';
const RECEIVED = '2026-03-03T10:00:00.000Z';

/** One message's lines (without line endings), and what it must become (null: a bad message). */
function message(spec: MailSpec, inMbox: boolean): { lines: Buffer[]; message: NewMessage | null } {
  const id = mark();
  const sender = `${id}@example.com`;
  const head = (subject: string | Buffer, ...more: string[]) => [Buffer.from(`From: ${sender}`), Buffer.concat([Buffer.from('Subject: '), Buffer.from(subject)]), Buffer.from(`Date: ${DATE}`), ...more.map((m) => Buffer.from(m))];
  switch (spec.kind) {
    case 'good': {
      // A raw 8-bit subject that happened to be valid UTF-8 would be read as UTF-8 (as mail clients
      // do): start it with a letter whose byte cannot begin UTF-8 before a space.
      const raw8 = spec.rawSubject && spec.charset !== 'shift_jis' && spec.charset !== 'utf-8';
      const subject = `${raw8 ? (spec.charset === 'koi8-r' ? 'ж ' : 'é ') : ''}${id} ${spec.subject}`;
      const subjectBytes = spec.rawSubject && spec.charset !== 'shift_jis' ? encode(subject, spec.charset) : Buffer.from(`=?${spec.charset}?B?${encode(subject, spec.charset).toString('base64')}?=`);
      // mboxrd: a body line starting with `From ` (after any `>`) is written with one `>` more.
      // Undeclared windows-1252 is recognised by bytes that are not UTF-8: give it one for sure.
      const bodyLines = [spec.declared ? id : `${id} café`, ...spec.body];
      const written = inMbox && spec.encoding === '8bit' ? bodyLines.map((l) => (/^>*From /.test(l) ? `>${l}` : l)) : bodyLines;
      const raw = encode(written.join('\n'), spec.charset);
      const body = spec.encoding === 'base64' ? raw.toString('base64').replace(/.{76}/g, '$&\n') : spec.encoding === 'quoted-printable' ? qp(raw) : raw;
      const bodyLinesOut = (typeof body === 'string' ? Buffer.from(body, 'latin1') : body).toString('latin1').split('\n').map((l) => Buffer.from(l, 'latin1'));
      const type = spec.declared ? `text/plain; charset=${spec.charset}` : null;
      const partHead = [...(type ? [`Content-Type: ${type}`] : []), `Content-Transfer-Encoding: ${spec.encoding}`].map((m) => Buffer.from(m));
      const text = cleanText(bodyLines.join('\n'));
      const expected: NewMessage = { text, subject, sender, receivedAt: RECEIVED };
      if (!spec.multipart) return { lines: [...head(subjectBytes), ...partHead, Buffer.alloc(0), ...bodyLinesOut], message: expected };
      const html = Buffer.from(`<p>${id} html</p>`);
      return {
        lines: [
          ...head(subjectBytes, 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="=-b-="'),
          Buffer.alloc(0),
          Buffer.from('--=-b-='),
          ...partHead,
          Buffer.alloc(0),
          ...bodyLinesOut,
          Buffer.from('--=-b-='),
          Buffer.from('Content-Type: text/html; charset=utf-8'),
          Buffer.alloc(0),
          html,
          Buffer.from('--=-b-=--'),
        ],
        message: expected,
      };
    }
    case 'empty':
      return { lines: [...head(id), Buffer.alloc(0), Buffer.from('  ')], message: null };
    case 'attachmentOnly':
      return {
        lines: [...head(id, 'Content-Type: multipart/mixed; boundary=x'), Buffer.alloc(0), ...['--x', 'Content-Type: application/pdf', 'Content-Disposition: attachment; filename=a.pdf', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', '--x--'].map((l) => Buffer.from(l))],
        message: null,
      };
    case 'huge':
      return { lines: [...head(id), Buffer.alloc(0), Buffer.from('w'.repeat(MAX_ROW_CHARS + spec.extra))], message: null };
    case 'nested': {
      const lines: string[] = [];
      for (let i = 0; i < 300; i += 1) lines.push(`Content-Type: multipart/mixed; boundary=n${i}`, '', `--n${i}`);
      return { lines: [...head(id), ...lines.map((l) => Buffer.from(l)), Buffer.alloc(0), Buffer.from('deep')], message: null };
    }
  }
}

describe('mail', () => {
  it('.eml: a message with text is stored in its charset, one without is listed; never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(mailSpec, fc.constantFrom<Ending>('\n', '\r\n'), fc.boolean(), async (spec, end, withBom) => {
        const built = new Built();
        if (withBom) built.put(Buffer.from([0xef, 0xbb, 0xbf]));
        const m = message(spec, false);
        if (m.message) built.good.push({ line: 1, message: m.message });
        else built.bad.push(1);
        for (const l of m.lines) built.put(l, end);
        checkOracle(built, await importChecked(asFile('one.eml', built, true)), 'one.eml');
      }),
      propertyOptions(60),
    );
  });

  it('mbox: split on bytes, each message in its own charset; bad messages listed at their envelope line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ spec: mailSpec, end: fc.constantFrom<Ending>('\n', '\r\n') }), { minLength: 1, maxLength: 6 }), bom, async (specs, withBom) => {
        const built = new Built();
        if (withBom) built.put(Buffer.from([0xef, 0xbb, 0xbf]));
        for (const { spec, end } of specs) {
          const m = message(spec, true);
          if (m.message) built.good.push({ line: built.line, message: m.message });
          else built.bad.push(built.line);
          built.put('From sender@example.com Tue Mar  3 10:00:00 2026', end);
          for (const l of m.lines) built.put(l, end);
          built.put('', end);
        }
        checkOracle(built, await importChecked(asFile('archive.mbox', built, true)), 'archive.mbox');
      }),
      propertyOptions(40),
    );
  });
});

// --- Labelled history -------------------------------------------------------------------------------------

const labelValue = fc.oneof(
  fc.constantFrom({ cell: 'low', valid: true }, { cell: 'high', valid: true }, { cell: 'ASAP', valid: true }, { cell: ' high ', valid: true }),
  fc.constantFrom({ cell: 'teleport', valid: false }, { cell: '', valid: false }, { cell: '[1,2]', valid: false }),
);
const tagsValue = fc.oneof(
  fc.constantFrom({ cell: '', valid: true }, { cell: 'login;billing', valid: true }, { cell: '["a","b"]', valid: true }),
  fc.integer({ min: 65, max: 20_000 }).map((n) => ({ cell: deepArray(n), valid: false })),
  fc.constantFrom({ cell: '[[1]]', valid: false }, { cell: '[1', valid: false }),
);

describe('labelled history', () => {
  it('every row with valid labels becomes a precedent, the others are noted, and every message imports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ text: lineText(), urgency: labelValue, tags: tagsValue, end: ending }), { minLength: 1, maxLength: 15 }), fc.boolean(), async (rows, base64) => {
        const built = new Built();
        built.put('text,urgency,tags', '\n');
        for (const r of rows) {
          const text = `${mark()} ${r.text}`;
          const huge = r.tags.cell.length > MAX_ROW_CHARS;
          const line = built.line;
          if (huge) built.bad.push(line);
          else {
            built.good.push({ line, message: textOnly(cleanText(text)), precedent: r.urgency.valid && r.tags.valid });
            if (!(r.urgency.valid && r.tags.valid)) built.notes.push(line);
          }
          built.put([quote(text), quote(r.urgency.cell), quote(r.tags.cell)].join(','), r.end);
        }
        const mapping = { text: 'text', labels: { urgency: 'urgency', tags: 'tags' } };
        checkOracle(built, await importChecked(asFile('history.csv', built, base64), { mapping, asPrecedents: true }), 'history.csv');
      }),
      propertyOptions(40),
    );
  });

  it('JSONL outputs of any shape, deep ones included: valid ones become precedents, the rest are noted or bad rows', async () => {
    const output = fc.oneof(
      fc.constantFrom({ value: { urgency: 'low' }, valid: true }, { value: { urgency: 'ASAP', tags: ['x'] }, valid: true }, { value: { urgency: 'teleport' }, valid: false }, { value: { tags: 'not a list' }, valid: false }),
      // Not strings: a string label is read like a CSV cell (split into a list).
      fc
        .jsonValue({ maxDepth: 4 })
        .filter((v) => typeof v !== 'string')
        .map((v) => ({ value: { urgency: 'low', tags: v }, valid: v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string')) })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ text: lineText(), output, deep: fc.option(fc.integer({ min: 55, max: 5_000 }), { freq: 4 }) }), { minLength: 1, maxLength: 12 }), async (rows) => {
        const built = new Built();
        for (const r of rows) {
          const text = `${mark()} ${r.text}`;
          const line = built.line;
          // The row object, its output and the output's array: depth 3 before `deep` more levels.
          const tooDeep = r.deep !== null && r.deep + 3 > 64;
          const valid = r.deep === null ? r.output.valid : false;
          // Written by hand: JSON.stringify itself overflows the stack a few thousand levels down.
          const out = r.deep === null ? JSON.stringify(r.output.value) : `{"urgency":"low","tags":[${deepArray(r.deep)}]}`;
          const json = `{"text":${JSON.stringify(text)},"output":${out}}`;
          if (tooDeep || json.length > MAX_ROW_CHARS) built.bad.push(line);
          else {
            built.good.push({ line, message: textOnly(cleanText(text)), precedent: valid });
            if (!valid) built.notes.push(line);
          }
          built.put(json, '\n');
        }
        if (built.good.length === 0) return;
        checkOracle(built, await importChecked(asFile('history.jsonl', built, false), { asPrecedents: true }), 'history.jsonl');
      }),
      propertyOptions(40),
    );
  });
});

// --- Anything at all ----------------------------------------------------------------------------------------

describe('any bytes, any format', () => {
  it('random files never crash an import, counts add up, and nothing stored is lost', async () => {
    const structural = fc.array(fc.constantFrom('{', '}', '[', ']', '"', ',', ';', '\t', '\n', '\r\n', '\r', '\0', '\uFEFF', '\uFFFD', 'From ', 'text', ':', '---', 'Content-Type: multipart/mixed; boundary=b\n', '--b\n', '=?utf-8?B?', 'é', '日'), { maxLength: 200 }).map((a) => Buffer.from(a.join('')));
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)), structural);
    const name = fc.constantFrom('a.jsonl', 'a.csv', 'a.tsv', 'a.eml', 'a.mbox', 'a.txt', 'a.json', 'noextension');
    const format = fc.option(fc.constantFrom('jsonl' as const, 'csv' as const, 'eml' as const, 'mbox' as const, 'text' as const));
    await fc.assert(
      fc.asyncProperty(bytes, name, format, fc.boolean(), async (content, fileName, fmt, base64) => {
        const file = base64 ? { name: fileName, content: content.toString('base64'), encoding: 'base64' as const } : { name: fileName, content: content.toString('utf8') };
        await importChecked(fmt ? { ...file, format: fmt } : file);
      }),
      propertyOptions(150),
    );
  });
});
