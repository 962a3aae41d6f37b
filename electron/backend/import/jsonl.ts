// JSON Lines: one object per line. `text` is required; `subject`, `sender`, `receivedAt` (or
// `received_at`, `date`), `id` and `context` are read when present; an `output` or `labels` object,
// and keys mapped to schema fields, are labels; other keys are kept with the message. A file that
// is one JSON array of such objects is read too, numbered by record.
import type { ImportMapping } from '../../../shared/src/api/index.js';
import type { JsonValue } from '../../../shared/src/domain.js';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH, valueTooDeepAt } from '../../../shared/src/json/depth.js';
import { mappingProblem } from './csv.js';
import { MAX_ROW_CHARS } from './limits.js';
import { suggestMapping } from './mapping.js';
import { makeRow, ProblemList } from './rows.js';
import type { ImportRow, LabelFields, ParseOutput } from './types.js';

export interface JsonlOptions {
  mapping?: ImportMapping | undefined;
  schema?: LabelFields | undefined;
}

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Keys whose object value is the row's labels. */
const LABEL_OBJECTS = ['output', 'labels'];
const MAX_COLUMNS = 200;
const TIME_KEYS = ['receivedAt', 'received_at', 'date'];

// JSON.parse reads any depth, but what handles a row afterwards (stringify, validation, storage,
// the window) recurses: a row nested deeper than the app's limit is refused before it gets there.
const TOO_DEEP = `nested too deeply: more than ${MAX_JSON_DEPTH} levels of arrays and objects`;
/** A JSON pointer shown in a problem: long ones are cut (a pointer 64 levels deep says nothing more). */
const shortPointer = (pointer: string) => (pointer.length > 60 ? `${pointer.slice(0, 60)}…` : pointer);

const asString = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

interface Entry {
  line: number;
  /** The object, or why there is none. */
  value: JsonObject | string;
  size: number;
}

function entriesOfLines(content: string): Entry[] {
  const entries: Entry[] = [];
  // CR LF, LF or a lone CR (old Mac files, or a mix): JSON never holds a raw CR or LF inside a
  // value, so any of them ends a line.
  const lines = content.split(/\r\n|\r|\n/);
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const line = i + 1;
    if (text.length > MAX_ROW_CHARS) {
      entries.push({ line, value: `row too large: ${text.length} characters (the limit is ${MAX_ROW_CHARS})`, size: text.length });
      return;
    }
    const deepAt = jsonTextTooDeepAt(text);
    if (deepAt !== -1) {
      entries.push({ line, value: `${TOO_DEEP} (from column ${(deepAt + 1).toLocaleString('en-US')})`, size: text.length });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      entries.push({ line, value: `not valid JSON: ${(err as Error).message}`, size: text.length });
      return;
    }
    entries.push({ line, value: isObject(parsed) ? parsed : `not a JSON object (found ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`})`, size: text.length });
  });
  return entries;
}

function entriesOfArray(content: string): Entry[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    return `the file starts with "[" but is not a JSON array: ${(err as Error).message}`;
  }
  if (!Array.isArray(parsed)) return 'not a JSON array';
  return parsed.map((item: unknown, i) => {
    const deepAt = valueTooDeepAt(item);
    if (deepAt !== null) return { line: i + 1, value: `${TOO_DEEP} (at ${shortPointer(deepAt)})`, size: 0 };
    const size = JSON.stringify(item ?? null).length;
    return {
      line: i + 1,
      value: !isObject(item)
        ? 'not a JSON object'
        : size > MAX_ROW_CHARS
          ? `row too large: ${size} characters (the limit is ${MAX_ROW_CHARS})`
          : item,
      size,
    };
  });
}

export function parseJsonl(input: string, options: JsonlOptions = {}): ParseOutput {
  const content = input.replace(/^\uFEFF/, '');
  const problems = new ProblemList();
  const rows: ImportRow[] = [];
  const trimmed = content.trimStart();
  const entries = trimmed.startsWith('[') ? entriesOfArray(trimmed) : entriesOfLines(content);
  if (typeof entries === 'string') {
    return { format: 'jsonl', columns: [], suggestedMapping: { text: null }, rows, problems: [], records: 0, fatal: entries };
  }

  const seen = new Set<string>();
  for (const e of entries) {
    if (typeof e.value === 'string') continue;
    for (const k of Object.keys(e.value)) {
      if (seen.size >= MAX_COLUMNS) break;
      seen.add(k);
    }
  }
  const columns = [...seen];
  const suggested = suggestMapping(columns, options.schema);
  // The conventional keys win over the guess when nothing was mapped.
  if (columns.includes('text')) suggested.text = 'text';
  const mapping = options.mapping ?? suggested;
  const base = { format: 'jsonl' as const, columns, suggestedMapping: suggested, records: entries.length };
  if (entries.length === 0) return { ...base, rows, problems: [], fatal: 'the file holds no JSON lines' };
  const at = options.mapping ? { fatalAt: 'mapping' as const } : {};
  if (!mapping.text) return { ...base, rows, problems: [], fatal: mappingProblem(mapping, columns, 'key')!, ...at };
  if (columns.length && !columns.includes(mapping.text)) {
    return { ...base, rows, problems: [], fatal: mappingProblem(mapping, columns, 'key')!, ...at };
  }

  // Keys: the mapping's, else the conventional ones.
  const textKey = mapping.text;
  const subjectKey = mapping.subject || 'subject';
  const senderKey = mapping.sender || 'sender';
  const idKey = mapping.id || 'id';
  // The time: the mapped key; when that is one of the conventional keys (or none is mapped), each
  // line's first conventional key, as lines may differ in which one they carry.
  const receivedKeys =
    mapping.receivedAt && !TIME_KEYS.includes(mapping.receivedAt) ? [mapping.receivedAt] : [...new Set([...(mapping.receivedAt ? [mapping.receivedAt] : []), ...TIME_KEYS])];
  const labelKeys = Object.entries(mapping.labels ?? {});
  const roleKeys = new Set([textKey, subjectKey, senderKey, idKey, ...receivedKeys, 'context', ...LABEL_OBJECTS, ...labelKeys.map(([k]) => k)]);

  for (const e of entries) {
    if (typeof e.value === 'string') {
      problems.add(e.line, e.value);
      continue;
    }
    const o = e.value;
    const text = o[textKey];
    if (text === undefined || text === null) {
      problems.add(e.line, `no ${JSON.stringify(textKey)} key: an empty message`);
      continue;
    }
    if (typeof text !== 'string') {
      problems.add(e.line, `${JSON.stringify(textKey)} is not a string`);
      continue;
    }
    const context = Array.isArray(o.context) ? o.context.filter((c): c is string => typeof c === 'string') : typeof o.context === 'string' ? [o.context] : undefined;

    let labels: Record<string, JsonValue> | undefined;
    for (const k of LABEL_OBJECTS) {
      const v = o[k];
      if (isObject(v)) labels = { ...labels, ...v };
    }
    for (const [k, field] of labelKeys) {
      if (o[k] !== undefined) (labels ??= {})[field] = o[k];
    }
    let meta: Record<string, JsonValue> | undefined;
    for (const [k, v] of Object.entries(o)) {
      if (!roleKeys.has(k)) (meta ??= {})[k] = v;
    }
    const row = makeRow(
      e.line,
      {
        text,
        subject: asString(o[subjectKey]),
        sender: asString(o[senderKey]),
        receivedAt: receivedKeys.map((k) => o[k]).find((v) => v !== undefined && v !== null && v !== ''),
        externalId: asString(o[idKey]),
        context,
        labels,
        meta,
        size: e.size,
      },
      problems,
    );
    if (row) rows.push(row);
  }
  return { ...base, rows, problems: problems.list() };
}
