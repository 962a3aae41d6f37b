// Checks every format shares: a row is refused when it is over the size limit, holds invalid UTF-8
// or has no text; a date that does not parse is dropped (the row still imports, with a note).
import type { ImportProblem } from '../../../shared/src/api/index.js';
import type { JsonValue } from '../../../shared/src/domain.js';
import { MAX_LISTED_PROBLEMS, MAX_ROW_CHARS } from './limits.js';
import type { ImportRow } from './types.js';

/**
 * The content reaches the backend as a JS string: bytes that were not UTF-8 were decoded to U+FFFD
 * on the way (by the browser's File.text() or TextDecoder). So a replacement character is how
 * invalid UTF-8 shows up here.
 */
export const REPLACEMENT_CHAR = '\uFFFD';
export const INVALID_UTF8 = 'invalid UTF-8 (undecodable bytes, shown as U+FFFD)';
export const EMPTY_MESSAGE = 'empty message: no text';

/** Problems as they are found. */
export class ProblemList {
  private readonly items: ImportProblem[] = [];

  add(line: number, reason: string): void {
    this.items.push({ line, reason });
  }

  get count(): number {
    return this.items.length;
  }

  /** Every problem, in line order. */
  list(): ImportProblem[] {
    return [...this.items].sort((a, b) => a.line - b.line);
  }
}

/** Problems in line order, as an API result lists them: past MAX_LISTED_PROBLEMS, one entry says how many more. */
export function listProblems(...lists: readonly ImportProblem[][]): ImportProblem[] {
  const sorted = lists.flat().sort((a, b) => a.line - b.line);
  if (sorted.length <= MAX_LISTED_PROBLEMS) return sorted;
  const rest = sorted.slice(MAX_LISTED_PROBLEMS);
  return [...sorted.slice(0, MAX_LISTED_PROBLEMS), { line: rest[0]!.line, reason: `${rest.length} more problems from this line on are not listed` }];
}

/** Line endings made `\n`, NUL characters removed, outer whitespace trimmed. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/\0/g, '').trim();
}

const NO_ZONE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)$/;

/**
 * A received time as ISO 8601, from what files carry: ISO 8601, RFC 2822 (mail), Unix seconds or
 * milliseconds. A date and time without a zone is read as UTC, so an import gives the same times
 * (and the same content hashes) on every machine. Undefined when there is no value; null when it
 * does not parse.
 */
export function parseReceivedAt(value: JsonValue | undefined): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  let date: Date;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    date = new Date(Math.abs(value) < 1e11 ? value * 1000 : value);
  } else if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return undefined;
    if (/^\d{9,10}$/.test(s)) date = new Date(Number(s) * 1000);
    else if (/^\d{12,13}$/.test(s)) date = new Date(Number(s));
    else {
      const m = NO_ZONE.exec(s);
      date = new Date(m ? `${m[1]}T${m[2]}Z` : s);
    }
  } else {
    return null;
  }
  const t = date.getTime();
  // Before 1970 or after 9999 is a misread column, not a time a message was received.
  if (Number.isNaN(t) || t < 0 || t > 253402300799999) return null;
  return date.toISOString();
}

export interface RowFields {
  text: string;
  subject?: string | undefined;
  sender?: string | undefined;
  receivedAt?: JsonValue | undefined;
  externalId?: string | undefined;
  context?: string[] | undefined;
  labels?: Record<string, JsonValue> | undefined;
  meta?: Record<string, JsonValue> | undefined;
  /** The row's size as it stands in the file, when the parser knows it (defaults to the fields' total). */
  size?: number;
  /** Where else invalid UTF-8 may hide (the raw row), when it is not in the fields above. */
  raw?: string;
  /** Which row, ahead of each problem's reason (a mail message: its number and subject). */
  what?: string;
  /**
   * The fields were decoded from the file's bytes by their declared charsets (mail sent as bytes):
   * a U+FFFD is then a character of the message, not a sign of bytes lost on the way.
   */
  decodedFromBytes?: boolean;
}

function hasReplacement(fields: RowFields): boolean {
  if (fields.raw !== undefined && fields.raw.includes(REPLACEMENT_CHAR)) return true;
  const strings = [fields.text, fields.subject, fields.sender, fields.externalId, ...(fields.context ?? [])];
  if (typeof fields.receivedAt === 'string') strings.push(fields.receivedAt);
  if (strings.some((s) => s !== undefined && s.includes(REPLACEMENT_CHAR))) return true;
  for (const bag of [fields.labels, fields.meta]) {
    if (bag && JSON.stringify(bag).includes(REPLACEMENT_CHAR)) return true;
  }
  return false;
}

function fieldsSize(fields: RowFields): number {
  let n = fields.text.length + (fields.subject?.length ?? 0) + (fields.sender?.length ?? 0) + (fields.externalId?.length ?? 0);
  for (const c of fields.context ?? []) n += c.length;
  for (const bag of [fields.labels, fields.meta]) if (bag) n += JSON.stringify(bag).length;
  return n;
}

const optional = (value: string | undefined): string | undefined => {
  const v = value === undefined ? undefined : cleanText(value);
  return v ? v : undefined;
};

/** Checks one row: the row to import, or null when it was refused (its problem is added). */
export function makeRow(line: number, fields: RowFields, problems: ProblemList): ImportRow | null {
  const add = (reason: string) => problems.add(line, fields.what ? `${fields.what}: ${reason}` : reason);
  const size = fields.size ?? fieldsSize(fields);
  if (size > MAX_ROW_CHARS) {
    add(`row too large: ${size} characters (the limit is ${MAX_ROW_CHARS})`);
    return null;
  }
  if (!fields.decodedFromBytes && hasReplacement(fields)) {
    add(INVALID_UTF8);
    return null;
  }
  const text = cleanText(fields.text);
  if (text === '') {
    add(EMPTY_MESSAGE);
    return null;
  }
  const row: ImportRow = { line, text };
  const subject = optional(fields.subject);
  if (subject) row.subject = subject;
  const sender = optional(fields.sender);
  if (sender) row.sender = sender;
  const externalId = optional(fields.externalId);
  if (externalId) row.externalId = externalId;
  const context = fields.context?.map(cleanText).filter((c) => c !== '');
  if (context?.length) row.context = context;
  const receivedAt = parseReceivedAt(fields.receivedAt);
  if (receivedAt) row.receivedAt = receivedAt;
  else if (receivedAt === null) {
    add(`date ${JSON.stringify(fields.receivedAt)} is not a date: imported without it`);
  }
  if (fields.labels && Object.keys(fields.labels).length) row.labels = fields.labels;
  if (fields.meta && Object.keys(fields.meta).length) row.meta = fields.meta;
  return row;
}
