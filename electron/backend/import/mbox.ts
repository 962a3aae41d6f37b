// An mbox archive: messages one after another, each starting with a `From ` envelope line. A
// `From ` line starts a message when it opens the file, follows an empty line, or looks like an
// envelope (`From sender Sat Mar  2 10:00:00 2026`); body lines quoted as `>From ` (mboxrd) lose
// one `>`. Each message is parsed with the mail parser.
import { MAIL_COLUMNS, mailRow } from './mail.js';
import { ProblemList } from './rows.js';
import type { ImportRow, ParseOutput } from './types.js';

const ENVELOPE = /^From \S+\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) /;
const ENVELOPE_DATE = /^From \S+\s+((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d{1,2} \d{1,2}:\d{2}(?::\d{2})? \d{4})\s*$/;

export interface MboxMessage {
  /** Line of its `From ` envelope line. */
  line: number;
  envelope: string;
  raw: string;
}

/** Splits an archive into its messages (envelope lines taken off, `>From ` unquoted). */
export function splitMbox(input: string): MboxMessage[] {
  const lines = input.replace(/^\uFEFF/, '').split('\n');
  const messages: MboxMessage[] = [];
  let current: { line: number; envelope: string; body: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    // The empty line before the next envelope belongs to the archive, not the message.
    while (current.body.length && current.body.at(-1)!.replace(/\r$/, '') === '') current.body.pop();
    messages.push({ line: current.line, envelope: current.envelope, raw: current.body.join('\n') + '\n' });
  };
  lines.forEach((text, i) => {
    const prevEmpty = i === 0 || lines[i - 1]!.replace(/\r$/, '') === '';
    if (text.startsWith('From ') && (prevEmpty || current === null || ENVELOPE.test(text))) {
      flush();
      current = { line: i + 1, envelope: text.replace(/\r$/, ''), body: [] };
      return;
    }
    if (current === null) {
      if (text.trim() === '') return;
      // Text before the first envelope: read it as a message of its own.
      current = { line: i + 1, envelope: '', body: [] };
    }
    current.body.push(/^>+From /.test(text) ? text.slice(1) : text);
  });
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

export async function parseMbox(input: string): Promise<ParseOutput> {
  const problems = new ProblemList();
  const columns = [...MAIL_COLUMNS];
  const suggestedMapping = { text: 'text', subject: 'subject', sender: 'sender', receivedAt: 'receivedAt' };
  const messages = splitMbox(input);
  if (messages.length === 0) return { format: 'mbox', columns, suggestedMapping, rows: [], problems: [], records: 0, fatal: 'the archive holds no messages' };
  const rows: ImportRow[] = [];
  for (const m of messages) {
    const row = await mailRow(m.raw, m.line, problems, envelopeDate(m.envelope));
    if (row) rows.push(row);
  }
  return { format: 'mbox', columns, suggestedMapping, rows, problems: problems.list(), records: messages.length };
}
