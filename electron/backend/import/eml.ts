// An .eml file: one message.
import { MAIL_COLUMNS, mailRow } from './mail.js';
import { ProblemList } from './rows.js';
import type { ImportRow, ParseOutput } from './types.js';

export async function parseEml(input: string): Promise<ParseOutput> {
  const problems = new ProblemList();
  const columns = [...MAIL_COLUMNS];
  const suggestedMapping = { text: 'text', subject: 'subject', sender: 'sender', receivedAt: 'receivedAt' };
  let content = input.replace(/^\uFEFF/, '');
  if (content.trim() === '') return { format: 'eml', columns, suggestedMapping, rows: [], problems: [], records: 0, fatal: 'the file is empty' };
  // Leading blank lines, and an mbox-style envelope line some tools write, are not the message.
  let line = 1;
  for (;;) {
    const m = /^(?:[ \t]*\r?\n|From [^\n]*\n)/.exec(content);
    if (!m) break;
    content = content.slice(m[0].length);
    line += 1;
  }
  const row: ImportRow | null = await mailRow(content, line, problems);
  return { format: 'eml', columns, suggestedMapping, rows: row ? [row] : [], problems: problems.list(), records: 1 };
}
