// One RFC 5322 message (an .eml file, or one message of an mbox) as an import row, parsed by
// postal-mime from its bytes, so each part is decoded by its declared charset: subject, sender,
// date, and the text body (text/plain when there is one, else the HTML body converted to plain text).
import { Buffer } from 'node:buffer';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { fixWindows1252, redeclareCharsets } from './charsets.js';
import { htmlToText } from './html-to-text.js';
import { EMPTY_MESSAGE, INVALID_UTF8, makeRow, REPLACEMENT_CHAR, type ProblemList } from './rows.js';
import type { ImportRow } from './types.js';

/** The mail fields every mail format yields (the columns of a preview). */
export const MAIL_COLUMNS = ['text', 'subject', 'sender', 'receivedAt'];

export interface MailSource {
  bytes: Uint8Array;
  /** Line (1-based, in the file) where the message starts. */
  line: number;
  /** Its number in an archive (1-based); undefined for an .eml file. */
  index?: number | undefined;
  /** Used when the message has no Date header (an mbox envelope's time). */
  fallbackDate?: string | undefined;
  /**
   * The file reached the backend as text, decoded as UTF-8 by the window: bytes that were not
   * UTF-8 are already lost (as U+FFFD), so a U+FFFD refuses the message as invalid UTF-8.
   */
  lossy: boolean;
}

function formatAddress(address: Address | undefined): string | undefined {
  if (!address) return undefined;
  if ('group' in address && address.group) return address.name || address.group.map((a) => a.address).join(', ');
  const { name, address: email } = address as { name: string; address?: string };
  if (name && email) return `${name} <${email}>`;
  return email || name || undefined;
}

/** Line (1-based, in the whole file) of the first replacement character of `raw`, which starts at `firstLine`. */
function lineOfReplacement(raw: string, firstLine: number): number {
  const at = raw.indexOf(REPLACEMENT_CHAR);
  let line = firstLine;
  for (let i = raw.indexOf('\n'); i !== -1 && i < at; i = raw.indexOf('\n', i + 1)) line += 1;
  return line;
}

interface MailFields {
  text: string;
  subject: string | undefined;
  sender: string | undefined;
  receivedAt: string | undefined;
}

function fieldsOf(email: Email, fallbackDate: string | undefined): MailFields {
  const plain = email.text?.trim() ? email.text : undefined;
  const text = plain ?? (email.html ? htmlToText(email.html) : '');
  const sender = formatAddress(email.from) ?? formatAddress(email.sender);
  return {
    text: fixWindows1252(text),
    subject: email.subject === undefined ? undefined : fixWindows1252(email.subject),
    sender: sender === undefined ? undefined : fixWindows1252(sender),
    receivedAt: email.date ?? fallbackDate,
  };
}

const replacements = (f: MailFields) => [f.text, f.subject, f.sender].reduce((n, s) => n + (s ? s.split(REPLACEMENT_CHAR).length - 1 : 0), 0);

/** How a problem names the message: its number in an archive, and its subject. */
function describe(index: number | undefined, subject: string | undefined): string {
  const s = subject?.replace(/\s+/g, ' ').trim();
  const quoted = s ? ` (${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s)})` : '';
  return index === undefined ? `the message${quoted}` : `message ${index}${quoted}`;
}

/** Why a message has no text: an empty body, or only attachments (named). */
function noText(email: Email): string {
  const files = email.attachments.map((a) => a.filename).filter((f): f is string => !!f).map((f) => (f.length > 60 ? `${f.slice(0, 60)}…` : f));
  const n = email.attachments.length;
  if (n === 0) return `${EMPTY_MESSAGE} (an empty body)`;
  const names = files.length ? `: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}` : '';
  return `${EMPTY_MESSAGE} (only ${n} attachment${n === 1 ? '' : 's'}${names})`;
}

/** Parses one message: the row to import, or null when it was refused (its problem is added). */
export async function mailRow(source: MailSource, problems: ProblemList): Promise<ImportRow | null> {
  const { bytes, line, index, fallbackDate, lossy } = source;
  let email: Email;
  try {
    email = await PostalMime.parse(bytes);
  } catch (err) {
    problems.add(line, `${describe(index, undefined)}: not a readable email: ${(err as Error).message}`);
    return null;
  }
  let fields = fieldsOf(email, fallbackDate);
  // Undecodable bytes: raw 8-bit headers, or a body in a charset it does not declare. Parse again
  // with them declared; a message that decoded cleanly is never rewritten.
  let undecodable = false;
  if (!lossy && replacements(fields) > 0) {
    const redeclared = redeclareCharsets(bytes);
    undecodable = redeclared.undecodable;
    if (redeclared.bytes) {
      try {
        const again = await PostalMime.parse(redeclared.bytes);
        const fields2 = fieldsOf(again, fallbackDate);
        if (replacements(fields2) < replacements(fields)) {
          email = again;
          fields = fields2;
        }
      } catch {
        // Keep the first reading.
      }
    }
  }
  const what = describe(index, fields.subject);

  if (lossy && replacements(fields) > 0) {
    const raw = Buffer.from(bytes).toString('utf8');
    const at = raw.includes(REPLACEMENT_CHAR) ? lineOfReplacement(raw, line) : line;
    problems.add(at, at === line ? `${what}: ${INVALID_UTF8}` : `${what}: ${INVALID_UTF8}, in the message starting at line ${line}`);
    return null;
  }
  if (!fields.text.trim()) {
    problems.add(line, `${what}: ${noText(email)}`);
    return null;
  }
  const row = makeRow(line, { ...fields, what, decodedFromBytes: !lossy }, problems);
  // A U+FFFD the message itself carries is text; one made by decoding is worth a note.
  if (row && undecodable && replacements(fields) > 0) {
    problems.add(line, `${what}: some bytes are not valid in its charset and show as U+FFFD: imported with them`);
  }
  return row;
}
