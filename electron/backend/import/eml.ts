// An .eml file: one message, as bytes (each part decoded by its declared charset) or, from older
// windows, as text already decoded as UTF-8.
import { Buffer } from 'node:buffer';
import { MAIL_COLUMNS, mailRow } from './mail.js';
import { ProblemList } from './rows.js';
import type { ImportRow, ParseOutput } from './types.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const isBlank = (b: Uint8Array) => b.every((x) => x === 0x20 || x === 0x09 || x === 0x0a || x === 0x0d);

export async function parseEml(input: string | Uint8Array): Promise<ParseOutput> {
  const problems = new ProblemList();
  const columns = [...MAIL_COLUMNS];
  const suggestedMapping = { text: 'text', subject: 'subject', sender: 'sender', receivedAt: 'receivedAt' };
  const lossy = typeof input === 'string';
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let at = UTF8_BOM.every((x, i) => b[i] === x) ? 3 : 0;
  // Leading blank lines, and an mbox-style envelope line some tools write, are not the message.
  let line = 1;
  for (;;) {
    const lf = b.indexOf(0x0a, at);
    if (lf === -1) break;
    const text = b.toString('latin1', at, lf);
    if (!/^[ \t]*\r?$/.test(text) && !text.startsWith('From ')) break;
    at = lf + 1;
    line += 1;
  }
  const message = b.subarray(at);
  if (isBlank(message)) return { format: 'eml', columns, suggestedMapping, rows: [], problems: [], records: 0, fatal: 'the file is empty' };
  const row: ImportRow | null = await mailRow({ bytes: message, line, lossy }, problems);
  return { format: 'eml', columns, suggestedMapping, rows: row ? [row] : [], problems: problems.list(), records: 1 };
}
