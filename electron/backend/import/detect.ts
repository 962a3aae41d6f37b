// Which format a file is in: the one the caller names, else its extension says, else its content.
import Papa from 'papaparse';
import type { ImportFormat } from '../../../shared/src/api/index.js';
import { headerForm } from './mapping.js';

const BY_EXTENSION: Record<string, ImportFormat> = {
  jsonl: 'jsonl', ndjson: 'jsonl', json: 'jsonl',
  csv: 'csv', tsv: 'csv',
  eml: 'eml',
  mbox: 'mbox', mbx: 'mbox',
  txt: 'text', text: 'text',
};

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:[ \t]/;
const MAIL_HEADER = /^(?:from|subject|date|message-id|mime-version|received|return-path|to|delivered-to|content-type):/im;
const TEXT_HEADERS = new Set(['text', 'body', 'message', 'content', 'messagetext', 'messagebody', 'description']);

/** True when the text opens with a mail header block (`Key: value` lines naming mail headers). */
function looksLikeMail(content: string): boolean {
  const head = content.slice(0, 16 * 1024).split(/\r?\n/);
  if (!HEADER_LINE.test(head[0] ?? '')) return false;
  const block: string[] = [];
  for (const line of head) {
    if (line === '') break;
    if (!HEADER_LINE.test(line) && !/^[ \t]/.test(line)) return false;
    block.push(line);
  }
  return MAIL_HEADER.test(block.join('\n'));
}

/** True when the first line is a CSV header with several columns, one of them a message text. */
function looksLikeCsv(content: string): boolean {
  const sample = content.slice(0, 16 * 1024);
  const parsed = Papa.parse<string[]>(sample, { preview: 5, skipEmptyLines: true, delimitersToGuess: [',', ';', '\t', '|'] });
  const header = parsed.data[0];
  return !!header && header.length >= 2 && header.some((h) => TEXT_HEADERS.has(headerForm(h)));
}

export function detectFormat(name: string, content: string, given?: ImportFormat): ImportFormat {
  if (given) return given;
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext && BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  const start = content.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('From ')) return 'mbox';
  if (start.startsWith('{') || start.startsWith('[{')) return 'jsonl';
  if (looksLikeMail(start)) return 'eml';
  if (looksLikeCsv(start)) return 'csv';
  return 'text';
}
