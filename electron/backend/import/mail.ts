// One RFC 5322 message (an .eml file, or one message of an mbox) as an import row, parsed by
// postal-mime: subject, sender, date, and the text body (text/plain when there is one, else the
// HTML body converted to plain text).
import PostalMime, { type Address } from 'postal-mime';
import { htmlToText } from './html-to-text.js';
import { INVALID_UTF8, makeRow, REPLACEMENT_CHAR, type ProblemList } from './rows.js';
import type { ImportRow } from './types.js';

/** The mail fields every mail format yields (the columns of a preview). */
export const MAIL_COLUMNS = ['text', 'subject', 'sender', 'receivedAt'];

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

/**
 * Parses one message. `line` is where it starts in the file; `fallbackDate` is used when the
 * message has no Date header (an mbox envelope's time).
 */
export async function mailRow(raw: string, line: number, problems: ProblemList, fallbackDate?: string): Promise<ImportRow | null> {
  let email;
  try {
    email = await PostalMime.parse(raw);
  } catch (err) {
    problems.add(line, `not a readable email: ${(err as Error).message}`);
    return null;
  }
  const plain = email.text?.trim() ? email.text : undefined;
  const text = plain ?? (email.html ? htmlToText(email.html) : '');
  const fields = {
    text,
    subject: email.subject,
    sender: formatAddress(email.from) ?? formatAddress(email.sender),
    receivedAt: email.date ?? fallbackDate,
  };
  if ([fields.text, fields.subject, fields.sender].some((s) => s?.includes(REPLACEMENT_CHAR))) {
    const at = raw.includes(REPLACEMENT_CHAR) ? lineOfReplacement(raw, line) : line;
    problems.add(at, at === line ? INVALID_UTF8 : `${INVALID_UTF8}, in the message starting at line ${line}`);
    return null;
  }
  return makeRow(line, fields, problems);
}
