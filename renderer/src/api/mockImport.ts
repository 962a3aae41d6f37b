// The mock's import: JSONL, CSV (with a column mapping), .eml, mbox and pasted text, parsed in memory.
// Bad rows are reported with their line numbers while the good ones are imported; duplicates (same
// normalised subject and text) are skipped and counted; labelled rows can become precedents.
import type { ApiParsedArgs, ApiResults, ExtractionSchema, ImportFormat, ImportMapping, ImportPreview, ImportProblem, JsonValue, MessageRecord, PrecedentRecord } from './contract';
import { messageRuleText, type MockContext } from './mockState';

type ImportMethod = 'previewImport' | 'importMessages';
export type ImportHandlers = { [M in ImportMethod]: (args: ApiParsedArgs<M>) => ApiResults[M] };
type ImportFile = ApiParsedArgs<'previewImport'>['file'];

const MAX_TEXT = 20_000;
const PREVIEW_ROWS = 20;

interface Row {
  line: number;
  text: string;
  subject?: string;
  sender?: string;
  receivedAt?: string;
  id?: string;
  labels?: Record<string, JsonValue>;
}

interface Parsed {
  format: ImportFormat;
  columns: string[];
  suggestedMapping: ImportMapping;
  rows: Row[];
  totalRows: number;
  problems: ImportProblem[];
}

export function detectFormat(file: Pick<ImportFile, 'name' | 'content' | 'format'>): ImportFormat {
  if (file.format) return file.format;
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'eml') return 'eml';
  if (ext === 'mbox') return 'mbox';
  const head = file.content.trimStart();
  if (head.startsWith('{')) return 'jsonl';
  if (/^From \S/.test(head)) return 'mbox';
  if (/^[A-Za-z-]+: /.test(head) && /^(From|Subject): /im.test(head)) return 'eml';
  if (ext === 'txt') return 'text';
  return /^[^\n]*,[^\n]*\n/.test(head) ? 'csv' : 'text';
}

export function createImportHandlers(ctx: MockContext): ImportHandlers {
  const { data } = ctx;
  return {
    previewImport: ({ file, mapping }) => {
      const parsed = parse(file, mapping, data.rulebook.schema);
      const preview: ImportPreview = {
        format: parsed.format,
        columns: parsed.columns,
        suggestedMapping: parsed.suggestedMapping,
        rows: parsed.rows.slice(0, PREVIEW_ROWS).map(({ line: _l, id: _i, ...row }) => row),
        totalRows: parsed.totalRows,
        problems: parsed.problems,
      };
      return preview;
    },
    importMessages: ({ file, mapping, asPrecedents }) => {
      const parsed = parse(file, mapping, data.rulebook.schema);
      const seen = new Set(data.messages.map((m) => messageRuleText(m)));
      const ids = new Set(data.messages.map((m) => m.id));
      let inserted = 0;
      let skipped = 0;
      let precedents = 0;
      const total = parsed.rows.length;
      ctx.emit('importProgress', { name: file.name, processed: 0, total });
      parsed.rows.forEach((row, i) => {
        const key = messageRuleText(row);
        if (seen.has(key)) skipped += 1;
        else {
          seen.add(key);
          let id = row.id && !ids.has(row.id) ? row.id : ctx.nextId('msg');
          while (ids.has(id)) id = ctx.nextId('msg');
          ids.add(id);
          const message: MessageRecord = {
            id,
            text: row.text,
            ...(row.subject ? { subject: row.subject } : {}),
            ...(row.sender ? { sender: row.sender } : {}),
            receivedAt: row.receivedAt ?? ctx.now(),
            source: file.name,
            status: 'new',
          };
          data.messages.push(message);
          inserted += 1;
          if (asPrecedents && row.labels && Object.keys(row.labels).length > 0) {
            const p: PrecedentRecord = {
              id: ctx.nextId('p'),
              message: { text: row.text, ...(row.subject ? { subject: row.subject } : {}), ...(row.sender ? { sender: row.sender } : {}) },
              output: row.labels,
              rationale: `Labelled history from ${file.name}, line ${row.line}.`,
              author: ctx.author,
              createdAt: ctx.now(),
              messageId: id,
              deletedAt: null,
            };
            ctx.precedents.push(p);
            precedents += 1;
          }
        }
        if ((i + 1) % 100 === 0) ctx.emit('importProgress', { name: file.name, processed: i + 1, total });
      });
      ctx.emit('importProgress', { name: file.name, processed: total, total });
      if (precedents) ctx.sync();
      if (inserted) ctx.emit('messagesChanged', { reason: 'import' });
      return { format: parsed.format, inserted, skipped, precedents, problems: parsed.problems };
    },
  };
}

function parse(sent: ImportFile, mapping: ImportMapping | undefined, schema: ExtractionSchema): Parsed {
  // Files arrive as their bytes (base64); the mock reads every one as UTF-8.
  const file = sent.encoding === 'base64' ? { ...sent, content: new TextDecoder().decode(Uint8Array.from(atob(sent.content), (c) => c.charCodeAt(0))) } : sent;
  const format = detectFormat(file);
  switch (format) {
    case 'csv':
      return parseTable(format, csvRecords(file.content), mapping, schema);
    case 'jsonl':
      return parseTable(format, jsonlRecords(file.content), mapping, schema);
    case 'eml':
      return fromMails(format, [{ line: 1, raw: file.content }]);
    case 'mbox':
      return fromMails(format, mboxChunks(file.content));
    case 'text': {
      const text = file.content.trim();
      const problems = checkText(text, 1);
      return { format, columns: [], suggestedMapping: { text: null }, rows: problems.length ? [] : [{ line: 1, text }], totalRows: 1, problems };
    }
  }
}

function checkText(text: string, line: number): ImportProblem[] {
  if (!text.trim()) return [{ line, reason: 'the message is empty' }];
  if (text.includes('\uFFFD')) return [{ line, reason: 'invalid UTF-8 (the text holds bytes that are not UTF-8)' }];
  if (text.length > MAX_TEXT) return [{ line, reason: `the message is over ${MAX_TEXT.toLocaleString('en-US')} characters` }];
  return [];
}

// --- Tables (CSV and JSONL) ---------------------------------------------------------------------

interface TableRecords {
  columns: string[];
  records: { line: number; get(column: string): JsonValue | undefined }[];
  problems: ImportProblem[];
}

const ROLE_NAMES: Record<Exclude<keyof ImportMapping, 'labels'>, RegExp> = {
  text: /^(text|body|message|content|description)$/i,
  subject: /^(subject|title)$/i,
  sender: /^(sender|from|email|customer)$/i,
  receivedAt: /^(received_?at|date|created_?at|time|timestamp)$/i,
  id: /^(id|ticket_?id|message_?id)$/i,
};

function suggest(columns: string[], schema: ExtractionSchema): ImportMapping {
  const pick = (re: RegExp) => columns.find((c) => re.test(c.trim())) ?? null;
  const mapping: ImportMapping = { text: pick(ROLE_NAMES.text), subject: pick(ROLE_NAMES.subject), sender: pick(ROLE_NAMES.sender), receivedAt: pick(ROLE_NAMES.receivedAt), id: pick(ROLE_NAMES.id) };
  const labels: Record<string, string> = {};
  for (const c of columns) {
    const field = schema.fields.find((f) => f.name.toLowerCase() === c.trim().toLowerCase().replace(/[\s-]+/g, '_'));
    if (field) labels[c] = field.name;
  }
  if (Object.keys(labels).length) mapping.labels = labels;
  return mapping;
}

function parseTable(format: ImportFormat, table: TableRecords, given: ImportMapping | undefined, schema: ExtractionSchema): Parsed {
  const suggestedMapping = suggest(table.columns, schema);
  const mapping = given ?? suggestedMapping;
  const problems = [...table.problems];
  const rows: Row[] = [];
  const str = (v: JsonValue | undefined) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
  if (!mapping.text || !table.columns.includes(mapping.text)) {
    problems.push({ line: 1, reason: mapping.text ? `there is no column "${mapping.text}"` : 'no column holds the message text: choose one' });
  } else {
    for (const r of table.records) {
      const text = str(r.get(mapping.text)) ?? '';
      const bad = checkText(text, r.line);
      if (bad.length) {
        problems.push(...bad);
        continue;
      }
      const row: Row = { line: r.line, text };
      for (const role of ['subject', 'sender', 'receivedAt', 'id'] as const) {
        const column = mapping[role];
        const value = column ? str(r.get(column)) : undefined;
        if (value) row[role] = value;
      }
      const labels: Record<string, JsonValue> = {};
      for (const [column, field] of Object.entries(mapping.labels ?? {})) {
        const value = r.get(column);
        if (value === undefined || value === '') continue;
        const spec = schema.fields.find((f) => f.name === field);
        labels[field] = format === 'csv' && typeof value === 'string' ? fromCell(value, spec?.type) : value;
      }
      if (Object.keys(labels).length) row.labels = labels;
      rows.push(row);
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { format, columns: table.columns, suggestedMapping, rows, totalRows: table.records.length + table.problems.length, problems };
}

function fromCell(value: string, type: string | undefined): JsonValue {
  if (value === 'null') return null;
  if (type === 'boolean') return /^(true|yes|1)$/i.test(value);
  if (type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (type === 'string_list') return value.split(/[;|]/).map((s) => s.trim()).filter(Boolean);
  return value;
}

function jsonlRecords(content: string): TableRecords {
  const problems: ImportProblem[] = [];
  const records: TableRecords['records'] = [];
  const columns: string[] = [];
  content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, reason: 'not valid JSON' });
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line: i + 1, reason: 'not a JSON object' });
      return;
    }
    const obj = value as Record<string, JsonValue>;
    if (records.length < 50) for (const k of Object.keys(obj)) if (!columns.includes(k)) columns.push(k);
    records.push({ line: i + 1, get: (c) => obj[c] });
  });
  return { columns, records, problems };
}

/** RFC 4180 CSV with line numbers; a broken record is reported and parsing goes on at the next line. */
export function csvRecords(content: string): TableRecords {
  const problems: ImportProblem[] = [];
  const parsed: { line: number; cells: string[] }[] = [];
  const text = content.replace(/^\uFEFF/, '');
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = i;
    const startLine = line;
    const cells: string[] = [];
    let problem: string | null = null;
    let done = false;
    while (!done && problem === null) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < text.length) {
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        if (!closed) problem = 'a quoted field is never closed';
        else if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') problem = 'text after a closing quote';
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
        if (cell.includes('"')) problem = 'a quote inside an unquoted field';
      }
      if (problem) break;
      cells.push(cell);
      if (i >= text.length) done = true;
      else if (text[i] === ',') i++;
      else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        done = true;
      }
    }
    if (problem) {
      problems.push({ line: startLine, reason: `broken CSV quoting: ${problem}` });
      // Go on after the record's first line.
      const nl = text.indexOf('\n', start);
      i = nl < 0 ? text.length : nl + 1;
      line = startLine + 1;
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue;
    parsed.push({ line: startLine, cells });
  }
  const header = parsed.shift();
  const columns = header?.cells.map((c) => c.trim()) ?? [];
  const records: TableRecords['records'] = [];
  for (const r of parsed) {
    if (r.cells.length > columns.length) {
      problems.push({ line: r.line, reason: `${r.cells.length} fields where the header has ${columns.length}` });
      continue;
    }
    records.push({ line: r.line, get: (c) => r.cells[columns.indexOf(c)] });
  }
  return { columns, records, problems };
}

// --- Mail ---------------------------------------------------------------------------------------

function mboxChunks(content: string): { line: number; raw: string }[] {
  const lines = content.split('\n');
  const chunks: { line: number; raw: string }[] = [];
  let start = -1;
  let body: string[] = [];
  for (let i = 0; i <= lines.length; i++) {
    const l = lines[i];
    const separator = l === undefined || (/^From /.test(l) && (i === 0 || lines[i - 1]!.trim() === ''));
    if (!separator) {
      body.push(l.replace(/^>(>*From )/, '$1'));
      continue;
    }
    if (start >= 0) chunks.push({ line: start, raw: body.join('\n') });
    start = i + 2;
    body = [];
  }
  return chunks;
}

function fromMails(format: ImportFormat, mails: { line: number; raw: string }[]): Parsed {
  const rows: Row[] = [];
  const problems: ImportProblem[] = [];
  for (const { line, raw } of mails) {
    const mail = parseMail(raw);
    const bad = checkText(mail.text, line);
    if (bad.length) problems.push(...bad);
    else rows.push({ line, ...mail });
  }
  return { format, columns: [], suggestedMapping: { text: null }, rows, totalRows: mails.length, problems };
}

function parseMail(raw: string): Omit<Row, 'line'> {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? '' : text.slice(split + 2);
  const headers = new Map<string, string>();
  for (const h of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(h);
    if (m) headers.set(m[1]!.toLowerCase(), m[2]!);
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  let encoding = headers.get('content-transfer-encoding') ?? '';
  if (boundary) {
    const part = body.split(`--${boundary}`).find((p) => /content-type:\s*text\/plain/i.test(p)) ?? '';
    const at = part.indexOf('\n\n', 1);
    encoding = /content-transfer-encoding:\s*(\S+)/i.exec(part.slice(0, at))?.[1] ?? '';
    body = at < 0 ? '' : part.slice(at + 2);
  }
  if (/quoted-printable/i.test(encoding)) body = body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const date = headers.get('date');
  const at = date ? new Date(date) : null;
  const row: Omit<Row, 'line'> = { text: body.trim() };
  if (headers.get('subject')) row.subject = headers.get('subject');
  if (headers.get('from')) row.sender = headers.get('from');
  if (at && !Number.isNaN(at.getTime())) row.receivedAt = at.toISOString();
  if (headers.get('message-id')) row.id = headers.get('message-id')!.replace(/^<|>$/g, '');
  return row;
}
