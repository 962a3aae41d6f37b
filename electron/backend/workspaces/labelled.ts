// A new workspace from a labelled history (issue 9): the confirmed fields become the draft's schema,
// the rows become messages and the labels their precedents.
//
// For engineer W (createWorkspace): the signatures are the placeholders' with the types filled in.
// `labelledSchema(start)` returns the ExtractionSchema (it was typed `never`) and throws ApiError
// bad_request with issues at `start.fields.N.field.name` etc.; call it before making anything.
// `importLabelledHistory(ctx, start)` takes any context with the import's parts (repos,
// transaction, emit, author), so a BackendContext fits; it reads the schema from the open
// workspace's draft, so make the draft from `labelledSchema(start)` first.
//
// How a cell becomes a label (the proposal's rules, propose.ts, read the other way): empty (blank,
// JSON null, the text "null") is null; a boolean from true/false, yes/no, y/n, 1/0; a number from a
// plain decimal; a date from the forms the proposal reads, to YYYY-MM-DD, D/M/YYYY read in the
// order the column's values say; a list from a JSON array of strings, else the text split by the
// column's separator (";" or "|", as the proposal said); an enum value by its spelling, an alias
// (a value the person renamed keeps its old spelling as one), or either in another case; a string
// as it is. A cell that does not convert, or is empty where the field may not be null, leaves its
// row a message without a precedent, and the problem is listed with the row's line.
import { ApiError, type ImportResult, type LabelledField, type ImportMapping, type ImportFileArg } from '../../../shared/src/api/index.js';
import type { ExtractionSchema, FieldSpec, JsonValue } from '../../../shared/src/domain.js';
import { createRulebook, isRulebookError } from '../../../shared/src/rulebook/index.js';
import { readDraft } from '../draft.js';
import { importParsedRows, type ImportContext } from '../import/importer.js';
import {
  BOOLEAN_SPELLINGS,
  cellText,
  columnStats,
  readBoolean,
  readCell,
  readDate,
  readJsonList,
  readLabelledFile,
  readNumber,
  splitList,
  type ColumnStats,
} from './propose.js';

export interface LabelledStart {
  file: ImportFileArg;
  mapping: ImportMapping;
  fields: LabelledField[];
}

type Issue = { path: string; message: string };

const ROLES = ['text', 'subject', 'sender', 'receivedAt', 'id'] as const;
const ROLE_NAMES: Record<(typeof ROLES)[number], string> = { text: 'text', subject: 'subject', sender: 'sender', receivedAt: 'time', id: 'id' };
/** How the app compares keys and values when it maps answers (shared/src/schema/aliases.ts): case and spacing do not count. */
const keyForm = (k: string) => k.trim().toLowerCase().replace(/[\s-]+/g, '_');
const valueForm = (v: string) => v.trim().toLowerCase();

function refuse(issues: Issue[]): never {
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw new ApiError({ code: 'bad_request', message: `these fields cannot make a schema: ${shown}${more}`, issues });
}

/** What the rulebook format says of the fields, its pointers (`schema/fields/3/values/0/value`) as the argument's paths. */
function formatIssues(schema: ExtractionSchema): Issue[] {
  try {
    createRulebook({ id: 'labelled-history', name: 'labelled history', schema, createdAt: '1970-01-01T00:00:00.000Z' });
    return [];
  } catch (err) {
    if (!isRulebookError(err)) throw err;
    const details = err.details.length ? err.details : [err.message];
    return details.map((d) => {
      const m = /^schema\/fields\/(\d+)((?:\/[^:]*)?): (.*)$/s.exec(d);
      if (!m) return { path: 'start.fields', message: d };
      const rest = m[2] ? `.${m[2].slice(1).replace(/\//g, '.')}` : '';
      return { path: `start.fields.${m[1]}.field${rest}`, message: m[3]! };
    });
  }
}

/**
 * The schema the confirmed fields make. Refused (ApiError bad_request, each issue at its field's
 * path, `start.fields.N.field.name`) when it would be invalid: no text column, a column used twice
 * or also as the text, subject, sender, time or id, two names (or a name and a key alias) that the
 * app would take for one (they differ only in case or spacing), an enum without values or with two
 * values that differ only in case, and whatever the runtime's rulebook format check refuses (a
 * reserved name, an alias that collides), so the app never makes a draft production would refuse.
 */
export function labelledSchema(start: LabelledStart): ExtractionSchema {
  const issues: Issue[] = [];
  if (!start.mapping.text) issues.push({ path: 'start.mapping.text', message: 'choose the column that holds the message text' });
  if (start.fields.length === 0) issues.push({ path: 'start.fields', message: 'include at least one labelled column' });

  const columns = new Map<string, number>();
  const keys = new Map<string, number>();
  start.fields.forEach(({ column, field }, i) => {
    const at = `start.fields.${i}`;
    const role = ROLES.find((r) => start.mapping[r] === column);
    if (role) issues.push({ path: `${at}.column`, message: `${JSON.stringify(column)} is the message's ${ROLE_NAMES[role]} column` });
    const prevColumn = columns.get(column);
    if (prevColumn !== undefined) issues.push({ path: `${at}.column`, message: `${JSON.stringify(column)} is already the column of field ${prevColumn + 1}` });
    else columns.set(column, i);

    const prevKey = keys.get(keyForm(field.name));
    if (prevKey !== undefined) {
      const other = start.fields[prevKey]!.field.name;
      issues.push({ path: `${at}.field.name`, message: other === field.name ? `"${field.name}" is already the name of field ${prevKey + 1}` : `"${field.name}" and "${other}" (field ${prevKey + 1}) differ only in case or spacing: answers could not tell them apart` });
    } else keys.set(keyForm(field.name), i);
  });
  start.fields.forEach(({ field }, i) => {
    (field.aliases ?? []).forEach((a, j) => {
      const owner = keys.get(keyForm(a));
      if (owner !== undefined && owner !== i) issues.push({ path: `start.fields.${i}.field.aliases.${j}`, message: `"${a}" is the name of field ${owner + 1} ("${start.fields[owner]!.field.name}")` });
    });
    if (field.type !== 'enum') return;
    const values = field.values ?? [];
    if (values.length === 0) issues.push({ path: `start.fields.${i}.field.values`, message: 'an enum needs at least one value' });
    const spellings = new Map<string, number>();
    values.forEach((v, j) => {
      const prev = spellings.get(valueForm(v.value));
      if (prev !== undefined) issues.push({ path: `start.fields.${i}.field.values.${j}.value`, message: values[prev]!.value === v.value ? `"${v.value}" is listed twice` : `"${v.value}" and "${values[prev]!.value}" differ only in case: keep one` });
      else spellings.set(valueForm(v.value), j);
    });
    values.forEach((v, j) => {
      (v.aliases ?? []).forEach((a, k) => {
        const prev = spellings.get(valueForm(a));
        if (prev !== undefined && prev !== j) issues.push({ path: `start.fields.${i}.field.values.${j}.aliases.${k}`, message: `"${a}" already means "${values[prev]!.value}"` });
      });
    });
  });

  const schema: ExtractionSchema = { fields: start.fields.map((f) => f.field) };
  const reported = new Set(issues.map((i) => i.path));
  for (const issue of formatIssues(schema)) {
    if (!reported.has(issue.path)) issues.push(issue);
  }
  if (issues.length) refuse(issues);
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Cells to labels.

const q = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** A cell as the value of `field`, or why it does not fit. `stats` is its column's (date order, list separator). */
export function labelValue(raw: JsonValue | undefined, field: FieldSpec, stats: ColumnStats): { value: JsonValue } | { problem: string } {
  const cell = readCell(raw);
  if (cell.empty) return field.nullable ? { value: null } : { problem: 'empty, and the field may not be null' };
  const v = cell.value;
  const text = cellText(v);
  if (typeof v === 'object' && !Array.isArray(v)) return { problem: 'a JSON object, which no field holds' };
  switch (field.type) {
    case 'boolean': {
      const b = readBoolean(v);
      return b === null ? { problem: `${q(text)} is not ${BOOLEAN_SPELLINGS}` } : { value: b };
    }
    case 'number': {
      const n = readNumber(v);
      return n === null ? { problem: `${q(text)} is not a number` } : { value: n };
    }
    case 'date': {
      const d = readDate(v, stats.dateOrder);
      if (d === null) return { problem: `${q(text)} is not a date` };
      if ('ambiguous' in d) return { problem: `${q(text)} could be day or month first, and the column does not say which` };
      return { value: d.date };
    }
    case 'string_list': {
      const list = readJsonList(v) ?? (typeof v === 'string' ? splitList(v, stats.splitSeparator) : Array.isArray(v) ? null : [text]);
      return list === null ? { problem: `${q(text)} is not a list of strings` } : { value: list };
    }
    case 'enum': {
      const values = field.values ?? [];
      const hit =
        values.find((x) => x.value === text) ??
        values.find((x) => (x.aliases ?? []).includes(text)) ??
        values.find((x) => valueForm(x.value) === valueForm(text) || (x.aliases ?? []).some((a) => valueForm(a) === valueForm(text)));
      if (hit) return { value: hit.value };
      const listed = values.slice(0, 10).map((x) => JSON.stringify(x.value)).join(', ');
      return { problem: `${q(text)} is not one of ${listed}${values.length > 10 ? ', …' : ''}` };
    }
    case 'string':
      return { value: text };
  }
}

/**
 * Imports the rows into a workspace whose draft already has `labelledSchema`'s schema: every good
 * row a message, and each row whose labels fit the schema a precedent too (the importer's own
 * import, a chunk of rows and their precedents one transaction). The result lists every row that
 * was not imported and every row imported without a precedent, with its line and why.
 */
export async function importLabelledHistory(ctx: ImportContext, start: LabelledStart): Promise<ImportResult> {
  labelledSchema(start);
  const draft = readDraft(ctx.repos);
  const fields = start.fields.map(({ column, field }, i) => {
    const spec = draft?.schema.fields.find((f) => f.name === field.name);
    if (!spec) {
      const message = `the workspace's schema has no field "${field.name}": make its draft from these fields first`;
      throw new ApiError({ code: 'bad_request', message, issues: [{ path: `start.fields.${i}.field.name`, message }] });
    }
    return { column, spec, index: i };
  });

  const file = await readLabelledFile(start.file, start.mapping);
  const byColumn = new Map(file.columns.map((c) => [c.column, c]));
  const missing = fields.filter((f) => !byColumn.has(f.column));
  if (missing.length) {
    const found = file.columns.map((c) => JSON.stringify(c.column)).join(', ') || '(none)';
    const issues = missing.map((f) => ({ path: `start.fields.${f.index}.column`, message: `no column ${JSON.stringify(f.column)} in the file to label from (columns: ${found})` }));
    throw new ApiError({ code: 'bad_request', message: `${start.file.name}: ${issues.map((i) => i.message).join('; ')}`, issues });
  }
  const used = fields.map((f) => ({ ...f, source: byColumn.get(f.column)! }));
  const stats = await columnStats(file, used.map((f) => f.source));

  for (const row of file.parsed.rows) {
    const labels: Record<string, JsonValue> = {};
    const problems: string[] = [];
    for (const f of used) {
      const result = labelValue(f.source.read(row), f.spec, stats.get(f.column)!);
      if ('problem' in result) problems.push(`${f.spec.name} (column ${JSON.stringify(f.column)}): ${result.problem}`);
      else labels[f.spec.name] = result.value;
      f.source.take(row);
    }
    if (problems.length) {
      row.labelProblem = `labels do not fit the schema: ${problems.join('; ')}`;
      delete row.labels;
    } else row.labels = labels;
  }
  return importParsedRows(ctx, start.file.name, file.parsed, true);
}
