// Pasted text. The whole paste is one message, unless it holds separator lines (a line of three or
// more dashes, `---`, and nothing else): then each part between them is a message.
//
// Why not one message per blank-line-separated block: support messages have paragraphs
// ("Hi,\n\nI reset my password...\n\nThanks,\nPriya"), and cutting them at blank lines would import
// a greeting, a body and a signature as three messages. A separator line is an explicit choice.
import { makeRow, ProblemList } from './rows.js';
import type { ImportRow, ParseOutput } from './types.js';

const SEPARATOR = /^[ \t]*-{3,}[ \t]*$/;

export function parseText(input: string): ParseOutput {
  const problems = new ProblemList();
  const rows: ImportRow[] = [];
  const lines = input.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
  const base = { format: 'text' as const, columns: ['text'], suggestedMapping: { text: 'text' } };
  let records = 0;
  let start = -1;
  let body: string[] = [];
  const flush = () => {
    if (start !== -1) {
      records += 1;
      const row = makeRow(start, { text: body.join('\n') }, problems);
      if (row) rows.push(row);
    }
    start = -1;
    body = [];
  };
  lines.forEach((text, i) => {
    if (SEPARATOR.test(text)) return flush();
    if (start === -1 && text.trim() === '') return;
    if (start === -1) start = i + 1;
    body.push(text);
  });
  flush();
  if (records === 0) return { ...base, rows, problems: [], records, fatal: 'nothing to import: the text is empty' };
  return { ...base, rows, problems: problems.list(), records };
}
