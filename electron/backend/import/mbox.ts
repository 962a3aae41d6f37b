// An mbox archive: messages one after another, each starting with a `From ` envelope line. A
// `From ` line starts a message when it opens the file, follows an empty line, or looks like an
// envelope (`From sender Sat Mar  2 10:00:00 2026`); body lines quoted as `>From ` (mboxrd) lose
// one `>`. The archive is split on its bytes, so each message reaches the mail parser as written
// and is decoded by its own declared charsets.
import { Buffer } from 'node:buffer';
import { MAIL_COLUMNS, mailRow } from './mail.js';
import { ProblemList } from './rows.js';
import type { ImportRow, ParseOutput } from './types.js';

const ENVELOPE = /^From \S+\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) /;
const ENVELOPE_DATE = /^From \S+\s+((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d{1,2} \d{1,2}:\d{2}(?::\d{2})? \d{4})\s*$/;
const FROM_ = Buffer.from('From ', 'latin1');

export interface MboxMessage {
  /** Line of its `From ` envelope line. */
  line: number;
  envelope: string;
  raw: Buffer;
}

const startsWithFrom = (b: Buffer, at: number, end: number) => end - at >= 5 && b.compare(FROM_, 0, 5, at, at + 5) === 0;

/** Splits an archive into its messages (envelope lines taken off, `>From ` unquoted). */
export function splitMbox(input: string | Uint8Array): MboxMessage[] {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const messages: MboxMessage[] = [];
  // A message is byte ranges of the archive (split only around unquoted `>From ` lines), up to
  // `trimAt`: the empty lines before the next envelope belong to the archive, not the message.
  let current: { line: number; envelope: string; chunks: [number, number][]; trimAt: number } | null = null;
  const flush = () => {
    if (!current) return;
    const { chunks, trimAt } = current;
    const raw = Buffer.concat(chunks.filter(([s]) => s < trimAt).map(([s, e]) => b.subarray(s, Math.min(e, trimAt))));
    messages.push({ line: current.line, envelope: current.envelope, raw });
  };
  let prevEmpty = true;
  let line = 0;
  let start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (start < b.length) {
    line += 1;
    const lf = b.indexOf(0x0a, start);
    const next = lf === -1 ? b.length : lf + 1;
    const end = lf === -1 ? b.length : lf > start && b[lf - 1] === 0x0d ? lf - 1 : lf;
    const lineStart = start;
    start = next;
    const empty = end === lineStart;
    if (startsWithFrom(b, lineStart, end)) {
      const envelope = b.toString('latin1', lineStart, end);
      if (prevEmpty || current === null || ENVELOPE.test(envelope)) {
        flush();
        current = { line, envelope, chunks: [], trimAt: Infinity };
        prevEmpty = false;
        continue;
      }
    }
    if (current === null) {
      if (b.subarray(lineStart, end).every((x) => x === 0x20 || x === 0x09)) continue;
      // Text before the first envelope: read it as a message of its own.
      current = { line, envelope: '', chunks: [], trimAt: Infinity };
    }
    // `>From `, `>>From `...: one `>` less.
    let gt = lineStart;
    while (gt < end && b[gt] === 0x3e) gt += 1;
    const from = gt > lineStart && startsWithFrom(b, gt, end) ? lineStart + 1 : lineStart;
    const last = current.chunks.at(-1);
    if (last && last[1] === from) last[1] = next;
    else current.chunks.push([from, next]);
    if (!empty) current.trimAt = Infinity;
    else if (!prevEmpty) current.trimAt = lineStart;
    prevEmpty = empty;
  }
  flush();
  return messages;
}

/** The envelope's time (asctime, UTC by convention) as ISO 8601, when it has one. */
function envelopeDate(envelope: string): string | undefined {
  const m = ENVELOPE_DATE.exec(envelope);
  if (!m) return undefined;
  const date = new Date(`${m[1]!.replace(/ +/g, ' ')} UTC`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * `input` is the archive's bytes, or (from older windows) its text already decoded as UTF-8, where
 * a U+FFFD means bytes were lost on the way.
 */
export async function parseMbox(input: string | Uint8Array): Promise<ParseOutput> {
  const problems = new ProblemList();
  const columns = [...MAIL_COLUMNS];
  const suggestedMapping = { text: 'text', subject: 'subject', sender: 'sender', receivedAt: 'receivedAt' };
  const messages = splitMbox(input);
  if (messages.length === 0) return { format: 'mbox', columns, suggestedMapping, rows: [], problems: [], records: 0, fatal: 'the archive holds no messages' };
  const rows: ImportRow[] = [];
  for (const [i, m] of messages.entries()) {
    const row = await mailRow({ bytes: m.raw, line: m.line, index: i + 1, fallbackDate: envelopeDate(m.envelope), lossy: typeof input === 'string' }, problems);
    if (row) rows.push(row);
  }
  return { format: 'mbox', columns, suggestedMapping, rows, problems: problems.list(), records: messages.length };
}
