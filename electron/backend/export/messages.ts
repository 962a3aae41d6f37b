// Exports: messages with their answer of record, and the draft's precedents, as JSON Lines or CSV.
//
// The messages' file is made to come back: imported into a new workspace with the same schema
// (Import, the suggested mapping as it is, "Import as precedents"), it gives the same messages
// (ids derive from text, subject, sender, time and context, all exported) with their answers as
// precedents. JSONL carries the answer as a nested `output` object (which the import reads as
// labels without any mapping); CSV as one column per field named as the field (which the import's
// suggested mapping labels by name), a non-string value JSON-encoded (lists `["a","b"]`, numbers,
// booleans), null as an empty cell.
//
// Large workspaces: the ids are selected once (as a run over the filter selects them), then read
// in pages of PAGE messages, each page written as text before the next is read, with a turn of the
// event loop between pages so the window's calls are answered meanwhile.
import Papa from 'papaparse';
import type { ApiParsedArgs, ExportedFile, ExportFormat } from '../../../shared/src/api/index.js';
import type { Extraction, ExtractionSchema, JsonValue } from '../../../shared/src/domain.js';
import { slugify } from '../../../shared/src/slug.js';
import type { Repositories, StoredMessage, StoredPrecedent } from '../../services/workspace/index.js';
import { readDraft } from '../draft.js';
import { currentSchemaHash } from '../draft/stale.js';
import { inboxFilter } from '../inbox-filter.js';
import { TimeSlice } from '../time-slice.js';

/** Messages read and written at a time. */
export const PAGE = 500;

/** The message's columns, before the fields'. */
export const MESSAGE_COLUMNS = ['id', 'receivedAt', 'sender', 'subject', 'text', 'status'] as const;
/** The precedent's columns in CSV, around the fields'. */
const PRECEDENT_COLUMNS = ['id', 'messageId', 'sender', 'subject', 'text'] as const;
const PRECEDENT_TAIL = ['rationale', 'tags', 'author', 'createdAt'] as const;

const MIME: Record<ExportFormat, string> = { jsonl: 'application/x-ndjson', csv: 'text/csv' };

/** How the import compares headers: case and punctuation do not count (import/mapping.ts headerForm). */
const headerForm = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The CSV column of each field: its name, unless that is taken by one of the file's own columns
 * (a field named `status`), then `output.<name>`, which the person maps by hand on import.
 */
export function fieldColumns(schema: ExtractionSchema | undefined, taken: readonly string[]): { field: string; column: string }[] {
  const used = new Set(taken.map(headerForm));
  return (schema?.fields ?? []).map((f) => ({ field: f.name, column: used.has(headerForm(f.name)) ? `output.${f.name}` : f.name }));
}

/** A value as a CSV cell: strings as they are, null or missing as empty, anything else as JSON. */
export function cell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fileName(repos: Repositories, what: string, format: ExportFormat, now: Date): string {
  const name = slugify(readDraft(repos)?.name ?? 'workspace', 40, 'workspace');
  return `${name}-${what}-${now.toISOString().slice(0, 10)}.${format}`;
}

/** The ids the selection covers, oldest first: the same messages a run over it would extract. */
function selectedIds(repos: Repositories, selection: ApiParsedArgs<'exportMessages'>['selection']): string[] {
  if ('all' in selection) return repos.messages.ids();
  const filter = inboxFilter(selection.filter, currentSchemaHash(repos));
  const search = selection.filter.search?.trim();
  return search ? repos.messages.searchIds({ query: search, filter }) : repos.messages.ids(filter);
}

interface ExportedMessage {
  message: StoredMessage;
  /** The answer of record (what the inbox shows), or null when it has none. */
  output: Extraction | null;
}

function readPage(repos: Repositories, ids: readonly string[]): ExportedMessage[] {
  const out: ExportedMessage[] = [];
  for (const id of ids) {
    const message = repos.messages.get(id);
    if (!message) continue; // deleted since the ids were read
    const record = message.latestExtractionId === null ? null : repos.extractions.get(message.latestExtractionId);
    out.push({ message, output: record?.output ?? null });
  }
  return out;
}

function jsonlLine({ message: m, output }: ExportedMessage): string {
  const line: Record<string, JsonValue> = { id: m.id, receivedAt: m.receivedAt, sender: m.sender, subject: m.subject, text: m.text, status: m.status };
  if (m.context?.length) line.context = m.context;
  line.output = output;
  return JSON.stringify(line);
}

export async function exportMessages(repos: Repositories, args: ApiParsedArgs<'exportMessages'>, now = new Date()): Promise<ExportedFile> {
  const schema = readDraft(repos)?.schema;
  const ids = selectedIds(repos, args.selection);
  const fields = fieldColumns(schema, MESSAGE_COLUMNS);
  const header = [...MESSAGE_COLUMNS, ...fields.map((f) => f.column)];
  const parts: string[] = [];
  let count = 0;
  if (args.format === 'csv') parts.push(Papa.unparse([header], { newline: '\r\n' }) + '\r\n');
  const slice = new TimeSlice();
  for (let at = 0; at < ids.length; at += PAGE) {
    const page = readPage(repos, ids.slice(at, at + PAGE));
    count += page.length;
    if (args.format === 'jsonl') {
      parts.push(page.map((p) => `${jsonlLine(p)}\n`).join(''));
    } else if (page.length) {
      const rows = page.map(({ message: m, output }) => [m.id, m.receivedAt, m.sender ?? '', m.subject ?? '', m.text, m.status, ...fields.map((f) => cell(output?.[f.field]))]);
      parts.push(Papa.unparse(rows, { newline: '\r\n' }) + '\r\n');
    }
    await slice.yieldIfDue();
  }
  return { name: fileName(repos, 'messages', args.format, now), mimeType: MIME[args.format], content: parts.join(''), count };
}

export function exportPrecedents(repos: Repositories, args: ApiParsedArgs<'exportPrecedents'>, now = new Date()): ExportedFile {
  const schema = readDraft(repos)?.schema;
  const precedents: StoredPrecedent[] = repos.precedents.list({ includeDeleted: args.includeDeleted });
  const name = fileName(repos, 'precedents', args.format, now);
  if (args.format === 'jsonl') {
    const lines = precedents.map((p) => {
      const line: Record<string, JsonValue> = {
        id: p.id,
        messageId: p.messageId,
        sender: p.message.sender ?? null,
        subject: p.message.subject ?? null,
        text: p.message.text,
      };
      if (p.message.context?.length) line.context = p.message.context;
      line.output = p.output;
      line.rationale = p.rationale ?? null;
      line.tags = p.tags ?? [];
      line.author = p.author ?? null;
      line.createdAt = p.createdAt;
      if (args.includeDeleted) line.deletedAt = p.deletedAt;
      return `${JSON.stringify(line)}\n`;
    });
    return { name, mimeType: MIME.jsonl, content: lines.join(''), count: precedents.length };
  }
  const fields = fieldColumns(schema, [...PRECEDENT_COLUMNS, ...PRECEDENT_TAIL, 'deletedAt']);
  const header = [...PRECEDENT_COLUMNS, ...fields.map((f) => f.column), ...PRECEDENT_TAIL, ...(args.includeDeleted ? ['deletedAt'] : [])];
  const rows = precedents.map((p) => [
    p.id,
    p.messageId ?? '',
    p.message.sender ?? '',
    p.message.subject ?? '',
    p.message.text,
    ...fields.map((f) => cell(p.output[f.field])),
    p.rationale ?? '',
    // Tags as one cell: `a; b` reads back as a list (the import splits on ; | ,).
    (p.tags ?? []).join('; '),
    p.author ?? '',
    p.createdAt,
    ...(args.includeDeleted ? [p.deletedAt ?? ''] : []),
  ]);
  return { name, mimeType: MIME.csv, content: `${Papa.unparse([header, ...rows], { newline: '\r\n' })}\r\n`, count: precedents.length };
}
