// A labelled history's columns as proposed fields (issue 9). The file is parsed once by the
// importer's own parsers (so rows, line numbers and bad rows are exactly what the import will see);
// every column that is not the text, subject, sender, time or id is read once, row by row, into
// bounded statistics, and a type is inferred from them with reasons a person can read.
//
// The rules (documented here, in the reasons, and tested in propose.test.ts):
// - empty: no cell, JSON null, blank text, or the text "null" (any case). A column with an empty
//   row is nullable; a column with no value at all is refused.
// - boolean: every value is true/false, yes/no, y/n or 1/0 (any case), or a JSON boolean.
// - number: every value is a JSON number or a plain decimal (12, -3.5, .5, 1e3; not 1,234, 12%,
//   0x1F or Infinity).
// - date: every value is a date written YYYY-MM-DD (also with / or .), an ISO date-time (its date
//   as written: the time and zone are dropped), D/M/YYYY or M/D/YYYY (also with . or -; the column
//   decides which: a value with a first part over 12 says day first, one with a second part over
//   12 says month first; a column that says both, or neither while some value could be read both
//   ways, is not dates), or with an English month name ("15 March 2024", "Mar 15, 2024"). Stored
//   as YYYY-MM-DD.
// - string list: every value is a JSON array of strings; or values split by ";" or "|": that
//   separator in at least 2 values and 10% of them, the other one in none, every item at most 60
//   characters, and the items few (at most 30 distinct) or reused (distinct items at most half of
//   all items). A value without the separator is a one-item list.
// - enum: at most 30 distinct values (case and outer spaces do not count: "High" and "high" are
//   one value, the commonest spelling, the others kept as its aliases), each at most 100
//   characters on one line, and each seen at least twice or distinct values at most 10% of the
//   filled rows.
// - string: anything else. A JSON object is no field type: the column is refused.
// Tried in that order. A text-like column (long or multi-line values, a different value on every
// row, or named like an id) is proposed unticked (`suggested: false`).
//
// Bounded work: distinct values are tracked up to DISTINCT_CAP per column (long values by their
// start and length), items of lists likewise; everything else is a counter.
import { Buffer } from 'node:buffer';
import {
  ApiError,
  MAX_FIELDS,
  type ApiParsedArgs,
  type FieldProposal,
  type ImportFileArg,
  type ImportMapping,
  type ProposedField,
} from '../../../shared/src/api/index.js';
import type { EnumValue, FieldSpec, FieldType, JsonValue } from '../../../shared/src/domain.js';
import { jsonTextTooDeepAt } from '../../../shared/src/json/depth.js';
import { decodeText, parseFile } from '../import/parse.js';
import { listProblems } from '../import/rows.js';
import type { ImportRow, ParseOutput } from '../import/types.js';
import { TimeSlice } from '../time-slice.js';

/** An enum has at most this many values when proposed. */
export const ENUM_MAX_VALUES = 30;
/** ...and each value is seen twice, or there are at most this share of distinct values per filled row. */
export const ENUM_MAX_SHARE = 0.1;
/** Distinct values tracked per column (and distinct items per list column). */
export const DISTINCT_CAP = 1_000;
/** A list's items are tags: at most this long. */
export const LIST_ITEM_MAX = 60;
/** A value longer than this on average makes a column free text. */
const TEXT_LIKE_MEAN = 80;
const ENUM_VALUE_MAX = 100;
const EXAMPLES = 5;
const TOP_VALUES = 30;
/** Characters of a long value kept to tell it from others (with its length). */
const DISTINCT_KEY_CHARS = 120;
const ROWS_PER_SLICE_CHECK = 500;

// ---------------------------------------------------------------------------------------------
// Cells.

/** A cell as read: empty, or its value (text trimmed). */
export type Cell = { empty: true } | { empty: false; value: string | number | boolean | JsonValue[] | { [k: string]: JsonValue } };

export function readCell(raw: JsonValue | undefined): Cell {
  if (raw === undefined || raw === null) return { empty: true };
  if (typeof raw === 'string') {
    const s = raw.trim();
    return s === '' || s.toLowerCase() === 'null' ? { empty: true } : { empty: false, value: s };
  }
  return { empty: false, value: raw };
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);
export const BOOLEAN_SPELLINGS = 'true/false, yes/no, y/n or 1/0';

export function readBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v !== 'string') return null;
  const s = v.toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : null;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function readNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || !DECIMAL.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

const MONTHS = new Map<string, number>(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap((name, i) => [
    [name, i + 1],
    [name.slice(0, 3), i + 1],
  ]),
);
MONTHS.set('sept', 9);
const monthOf = (name: string): number | null => MONTHS.get(name.toLowerCase()) ?? null;

const YMD = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DMY_OR_MDY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const DAY_MONTH_NAME = /^(\d{1,2})(?:st|nd|rd|th)?(?: |-)([A-Za-z]+)\.?(?:,? |-)(\d{4})$/;
const MONTH_NAME_DAY = /^([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1000 || m < 1 || m > 12 || d < 1) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Day first or month first, for dates written with numbers only. */
export type DateOrder = 'dmy' | 'mdy';

/**
 * A value as a date: its YYYY-MM-DD, or `ambiguous` (two numbers both 12 or less, read either way),
 * or null. `order` says which a D/M/YYYY value is; `says` reports what the value itself tells.
 */
export function readDate(v: unknown, order: DateOrder | null = null): { date: string; says?: DateOrder } | { ambiguous: true } | null {
  if (typeof v !== 'string') return null;
  let m = YMD.exec(v);
  if (m) return wrap(isoDate(Number(m[1]), Number(m[3]), Number(m[4])));
  m = ISO_DATE_TIME.exec(v);
  if (m) return wrap(isoDate(Number(m[1]), Number(m[2]), Number(m[3])));
  m = DMY_OR_MDY.exec(v);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = Number(m[4]);
    if (a > 12 && b > 12) return null;
    if (a > 12) return wrap(isoDate(y, b, a), 'dmy');
    if (b > 12) return wrap(isoDate(y, a, b), 'mdy');
    if (a === b) return wrap(isoDate(y, a, b));
    if (!order) return { ambiguous: true };
    return wrap(order === 'dmy' ? isoDate(y, b, a) : isoDate(y, a, b));
  }
  m = DAY_MONTH_NAME.exec(v);
  if (m) {
    const month = monthOf(m[2]!);
    return month ? wrap(isoDate(Number(m[3]), month, Number(m[1]))) : null;
  }
  m = MONTH_NAME_DAY.exec(v);
  if (m) {
    const month = monthOf(m[1]!);
    return month ? wrap(isoDate(Number(m[3]), month, Number(m[2]))) : null;
  }
  return null;
}

function wrap(date: string | null, says?: DateOrder): { date: string; says?: DateOrder } | null {
  if (!date) return null;
  return says ? { date, says } : { date };
}

/** A JSON list of strings, from a JSON array or its text; null when the value is not one. */
export function readJsonList(v: unknown): string[] | null {
  let list: unknown = v;
  if (typeof v === 'string') {
    if (!v.startsWith('[') || jsonTextTooDeepAt(v) !== -1) return null;
    try {
      list = JSON.parse(v);
    } catch {
      return null;
    }
  }
  return Array.isArray(list) && list.every((x) => typeof x === 'string') ? (list as string[]).map((x) => x.trim()).filter((x) => x !== '') : null;
}

/** The separators a string list may be written with. */
export type ListSeparator = ';' | '|';
const SEPARATORS: ListSeparator[] = [';', '|'];

export function splitList(v: string, separator: ListSeparator | null): string[] {
  const parts = separator ? v.split(separator) : [v];
  return parts.map((x) => x.trim()).filter((x) => x !== '');
}

/** A value as text, for enum values, strings and examples. */
export function cellText(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const valueForm = (v: string) => v.trim().toLowerCase();

// ---------------------------------------------------------------------------------------------
// Columns of the file.

/** A column a label can be read from: a CSV column or JSONL key, or a key of a JSONL line's `output`/`labels` object. */
export interface LabelColumn {
  column: string;
  read(row: ImportRow): JsonValue | undefined;
  /** Takes the column out of what is kept with the message (it becomes a label). */
  take(row: ImportRow): void;
}

export interface LabelledFile {
  parsed: ParseOutput;
  /** The text, subject, sender, time and id columns (no labels). */
  mapping: ImportMapping;
  columns: LabelColumn[];
}

const ROLES = ['text', 'subject', 'sender', 'receivedAt', 'id'] as const;

function rolesOnly(mapping: ImportMapping): ImportMapping {
  const out: ImportMapping = { text: mapping.text };
  for (const role of ROLES.slice(1)) if (mapping[role] !== undefined) out[role] = mapping[role];
  return out;
}

function columnsOf(parsed: ParseOutput, mapping: ImportMapping): LabelColumn[] {
  const roles = new Set(ROLES.map((r) => mapping[r]).filter((c): c is string => !!c));
  const metaColumn = (column: string): LabelColumn => ({
    column,
    read: (row) => (row.meta && Object.hasOwn(row.meta, column) ? row.meta[column] : undefined),
    take: (row) => {
      if (row.meta && Object.hasOwn(row.meta, column)) {
        delete row.meta[column];
        if (Object.keys(row.meta).length === 0) delete row.meta;
      }
    },
  });
  if (parsed.format === 'csv') return parsed.columns.filter((c) => !roles.has(c)).map(metaColumn);

  // JSONL: the parser keeps its conventional keys (subject, sender, id, the time keys, context) for
  // their roles, so a column is what it left with the message; keys of `output`/`labels` objects
  // are columns too (named `key (output)` when a top-level key has the same name).
  const top = new Set<string>();
  const nested = new Set<string>();
  for (const row of parsed.rows) {
    for (const k of Object.keys(row.meta ?? {})) top.add(k);
    for (const k of Object.keys(row.labels ?? {})) nested.add(k);
  }
  const ordered = [...parsed.columns.filter((c) => top.has(c)), ...[...top].filter((c) => !parsed.columns.includes(c))];
  const columns = ordered.map(metaColumn);
  const taken = new Set([...ordered, ...parsed.columns]);
  for (const key of nested) {
    columns.push({
      column: taken.has(key) ? `${key} (output)` : key,
      read: (row) => (row.labels && Object.hasOwn(row.labels, key) ? row.labels[key] : undefined),
      // The row's labels are replaced by the converted ones as a whole.
      take: () => undefined,
    });
  }
  return columns;
}

/** How much of the file's start is read to guess the text column. */
const SAMPLE_BYTES = 256 * 1024;

/** The file's first SAMPLE_BYTES, cut after its last whole line when the file is longer. */
function sampleOf(file: ImportFileArg): string {
  const bytes = file.encoding === 'base64';
  const whole = bytes ? file.content.length <= Math.ceil(SAMPLE_BYTES / 3) * 4 : file.content.length <= SAMPLE_BYTES;
  const sample = bytes ? decodeText(Buffer.from(file.content.slice(0, Math.floor(SAMPLE_BYTES / 3) * 4), 'base64')) : file.content.slice(0, SAMPLE_BYTES);
  const cut = sample.lastIndexOf('\n');
  return whole || cut <= 0 ? sample : sample.slice(0, cut);
}

/**
 * The text column when none is named like one: the column whose values are longest on average in
 * the file's first rows. Rows are read with a column taken as the text for the while (a row whose
 * cell there is empty is dropped, so up to three columns are tried until rows come back).
 */
async function guessTextColumn(file: ImportFileArg, parsed: ParseOutput): Promise<string | null> {
  const sample = sampleOf(file);
  for (const probeColumn of parsed.columns.slice(0, 3)) {
    const probe = await parseFile({ name: file.name, content: sample, encoding: 'text', format: parsed.format }, { text: probeColumn });
    if (!probe.rows.length) continue;
    const lengths = new Map<string, { total: number; n: number }>();
    const add = (column: string, v: JsonValue | undefined) => {
      if (typeof v !== 'string' || v.trim() === '') return;
      const entry = lengths.get(column) ?? { total: 0, n: 0 };
      entry.total += v.length;
      entry.n += 1;
      lengths.set(column, entry);
    };
    for (const row of probe.rows) {
      add(probeColumn, row.text);
      for (const [k, v] of Object.entries(row.meta ?? {})) add(k, v);
    }
    let best: string | null = null;
    let bestMean = 0;
    for (const [column, { total, n }] of lengths) {
      const mean = total / n;
      if (mean > bestMean) [best, bestMean] = [column, mean];
    }
    return best;
  }
  return null;
}

/**
 * Parses a labelled history (CSV or JSONL) with the mapping given (or the importer's suggestion,
 * with the text column guessed from the values when none is named like one). Refuses another
 * format, a file the importer refuses as a whole, and a mapping naming a column the file lacks.
 */
export async function readLabelledFile(file: ImportFileArg, given?: ImportMapping): Promise<LabelledFile> {
  const mapping = given ? rolesOnly(given) : undefined;
  let parsed = await parseFile(file, mapping);
  if (parsed.format !== 'csv' && parsed.format !== 'jsonl') {
    const message = `${file.name}: a labelled history is a CSV or JSON Lines file with a column per label; this is read as ${parsed.format}`;
    throw new ApiError({ code: 'bad_request', message, issues: [{ path: 'file', message }] });
  }
  let used = mapping ?? rolesOnly(parsed.suggestedMapping);
  if (parsed.fatal && !mapping && !used.text && parsed.columns.length > 1) {
    const text = await guessTextColumn(file, parsed);
    if (text) {
      used = { ...used, text };
      parsed = await parseFile(file, used);
    }
  }
  if (parsed.fatal && (parsed.fatalAt === 'mapping' || used.text || parsed.columns.length === 0)) {
    const path = parsed.fatalAt === 'mapping' ? 'mapping' : 'file.content';
    throw new ApiError({ code: 'bad_request', message: `${file.name}: ${parsed.fatal}`, issues: [{ path, message: parsed.fatal }] });
  }
  return { parsed, mapping: used, columns: parsed.fatal ? [] : columnsOf(parsed, used) };
}

// ---------------------------------------------------------------------------------------------
// What a column's values say.

interface Miss {
  count: number;
  /** The first value that did not fit, and its line. */
  value: string;
  line: number;
}

class MissCounter {
  count = 0;
  first: { value: string; line: number } | null = null;
  add(value: JsonValue, line: number) {
    this.count += 1;
    this.first ??= { value: cellText(value), line };
  }
  get miss(): Miss | null {
    return this.first ? { count: this.count, ...this.first } : null;
  }
}

interface Group {
  count: number;
  line: number;
  spellings: Map<string, number>;
}

/** Counts of a bounded set of keys: past the cap, new keys are only counted as overflow. */
class DistinctCounter {
  readonly groups = new Map<string, Group>();
  overflow = false;
  add(key: string, spelling: string, line: number) {
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= DISTINCT_CAP) {
        this.overflow = true;
        return;
      }
      g = { count: 0, line, spellings: new Map() };
      this.groups.set(key, g);
    }
    g.count += 1;
    if (g.spellings.has(spelling) || g.spellings.size < 10) g.spellings.set(spelling, (g.spellings.get(spelling) ?? 0) + 1);
  }
}

/** Everything one pass over a column's cells tells. */
export class ColumnStats {
  filled = 0;
  empty = 0;
  readonly values = new DistinctCounter();
  readonly notBoolean = new MissCounter();
  readonly notNumber = new MissCounter();
  readonly notDate = new MissCounter();
  readonly notJsonList = new MissCounter();
  readonly objects = new MissCounter();
  /** A D/M/YYYY value read either way, and the first value saying each order. */
  readonly ambiguousDate = new MissCounter();
  readonly saysDmy = new MissCounter();
  readonly saysMdy = new MissCounter();
  /** Values holding each separator; values that are not text (so cannot be split). */
  readonly withSeparator: Record<ListSeparator, MissCounter> = { ';': new MissCounter(), '|': new MissCounter() };
  readonly notText = new MissCounter();
  readonly items: Record<ListSeparator, DistinctCounter> = { ';': new DistinctCounter(), '|': new DistinctCounter() };
  readonly itemCount: Record<ListSeparator, number> = { ';': 0, '|': 0 };
  readonly longItem: Record<ListSeparator, MissCounter> = { ';': new MissCounter(), '|': new MissCounter() };
  readonly multiline = new MissCounter();
  readonly tooLongForEnum = new MissCounter();
  totalLength = 0;
  readonly examples: string[] = [];

  constructor(readonly column: string) {}

  add(raw: JsonValue | undefined, line: number): void {
    const cell = readCell(raw);
    if (cell.empty) {
      this.empty += 1;
      return;
    }
    this.filled += 1;
    const v = cell.value;
    const text = cellText(v);
    this.totalLength += text.length;
    const key = text.length > DISTINCT_KEY_CHARS ? `${valueForm(text.slice(0, DISTINCT_KEY_CHARS))}\u0000${text.length}` : valueForm(text);
    if (!this.values.groups.has(key) && this.examples.length < EXAMPLES) this.examples.push(text.length > 200 ? `${text.slice(0, 200)}…` : text);
    this.values.add(key, text.length > DISTINCT_KEY_CHARS ? text.slice(0, DISTINCT_KEY_CHARS) : text, line);
    if (text.includes('\n')) this.multiline.add(v, line);
    if (text.length > ENUM_VALUE_MAX) this.tooLongForEnum.add(v, line);

    if (typeof v === 'object' && !Array.isArray(v)) {
      this.objects.add(v, line);
      return;
    }
    if (readBoolean(v) === null) this.notBoolean.add(v, line);
    if (readNumber(v) === null) this.notNumber.add(v, line);
    const date = readDate(v);
    if (date === null) this.notDate.add(v, line);
    else if ('ambiguous' in date) this.ambiguousDate.add(v, line);
    else if (date.says === 'dmy') this.saysDmy.add(v, line);
    else if (date.says === 'mdy') this.saysMdy.add(v, line);
    if (readJsonList(v) === null) this.notJsonList.add(v, line);
    if (typeof v !== 'string') {
      this.notText.add(v, line);
      return;
    }
    for (const sep of SEPARATORS) {
      if (v.includes(sep)) this.withSeparator[sep].add(v, line);
      for (const item of splitList(v, sep)) {
        this.itemCount[sep] += 1;
        if (item.length > LIST_ITEM_MAX) this.longItem[sep].add(item, line);
        else this.items[sep].add(valueForm(item), item, line);
      }
    }
  }

  /** Which order D/M/YYYY values are read in: what the column says, or null when it says both or nothing. */
  get dateOrder(): DateOrder | null {
    if (this.saysDmy.count && !this.saysMdy.count) return 'dmy';
    if (this.saysMdy.count && !this.saysDmy.count) return 'mdy';
    return null;
  }

  /** The separator the column's lists are written with, when its values are lists by the rule above. */
  get listSeparator(): ListSeparator | null {
    for (const sep of SEPARATORS) {
      const other = sep === ';' ? '|' : ';';
      const n = this.withSeparator[sep].count;
      if (n < 2 || n < this.filled * 0.1 || this.withSeparator[other].count > 0) continue;
      if (this.notText.count || this.multiline.count || this.longItem[sep].count || this.items[sep].overflow) continue;
      const distinct = this.items[sep].groups.size;
      if (distinct <= ENUM_MAX_VALUES || distinct <= this.itemCount[sep] / 2) return sep;
    }
    return null;
  }

  /** The separator a list is split by when the person makes the column a list: the column's, else the one its values hold. */
  get splitSeparator(): ListSeparator | null {
    return this.listSeparator ?? SEPARATORS.find((s) => this.withSeparator[s].count > 0) ?? null;
  }

  get distinct(): number {
    return this.values.groups.size;
  }

  /** Groups of spellings, commonest first, each under its commonest spelling (ties: the first seen). */
  topValues(limit = TOP_VALUES): { value: string; aliases: string[]; count: number; line: number }[] {
    return [...this.values.groups.values()]
      .map((g) => {
        const spellings = [...g.spellings.entries()].sort((a, b) => b[1] - a[1]);
        return { value: spellings[0]![0], aliases: spellings.slice(1).map(([s]) => s), count: g.count, line: g.line };
      })
      .sort((a, b) => b.count - a.count || a.line - b.line)
      .slice(0, limit);
  }
}

/** Reads every row once into each column's statistics, giving the event loop a turn now and then. */
export async function columnStats(file: LabelledFile, columns: readonly LabelColumn[] = file.columns): Promise<Map<string, ColumnStats>> {
  const stats = new Map(columns.map((c) => [c.column, new ColumnStats(c.column)]));
  const slice = new TimeSlice();
  const rows = file.parsed.rows;
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    for (const c of columns) stats.get(c.column)!.add(c.read(row), row.line);
    if (i % ROWS_PER_SLICE_CHECK === ROWS_PER_SLICE_CHECK - 1) await slice.yieldIfDue();
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------
// Inference.

const q = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
/** "3 values are not numbers (e.g. "n/a" at line 12)"; `what` is [one, many]. */
function missReason(miss: Miss, [one, many]: [string, string]): string {
  const head = miss.count === 1 ? `1 value is not ${one}` : `${miss.count.toLocaleString('en-US')} values are not ${many}`;
  return `${head} (e.g. ${q(miss.value)} at line ${miss.line})`;
}

interface Inferred {
  type: FieldType;
  values?: EnumValue[];
  reasons: string[];
}

function enumRule(stats: ColumnStats): { ok: true } | { ok: false; why: string } {
  const n = stats.distinct;
  if (stats.values.overflow) return { ok: false, why: `more than ${DISTINCT_CAP.toLocaleString('en-US')} distinct values in ${plural(stats.filled, 'row')}: too many for an enum` };
  if (stats.multiline.miss) return { ok: false, why: `values span several lines (e.g. line ${stats.multiline.miss.line}): not an enum` };
  if (stats.tooLongForEnum.miss) return { ok: false, why: `values are long (e.g. line ${stats.tooLongForEnum.miss.line}, over ${ENUM_VALUE_MAX} characters): not an enum` };
  if (n > ENUM_MAX_VALUES) return { ok: false, why: `${plural(n, 'distinct value')} in ${plural(stats.filled, 'row')}: more than ${ENUM_MAX_VALUES} for an enum` };
  const once = [...stats.values.groups.values()].filter((g) => g.count === 1);
  if (once.length && n > stats.filled * ENUM_MAX_SHARE) {
    return { ok: false, why: `${plural(n, 'distinct value')} in ${plural(stats.filled, 'row')}, ${once.length} seen only once: too few repeats for an enum` };
  }
  return { ok: true };
}

/** Near misses worth telling: a type most values fit, and what did not. */
function nearMisses(stats: ColumnStats): string[] {
  const out: string[] = [];
  const most = (miss: Miss | null) => miss !== null && miss.count < stats.filled / 2;
  if (most(stats.notBoolean.miss)) out.push(missReason(stats.notBoolean.miss!, [BOOLEAN_SPELLINGS, BOOLEAN_SPELLINGS]));
  else if (most(stats.notNumber.miss)) out.push(missReason(stats.notNumber.miss!, ['a number', 'numbers']));
  if (most(stats.notDate.miss)) out.push(missReason(stats.notDate.miss!, ['a date', 'dates']));
  return out;
}

export function inferType(stats: ColumnStats): Inferred {
  const total = plural(stats.filled, 'row');
  if (!stats.notBoolean.count) {
    return { type: 'boolean', reasons: [`every value is ${BOOLEAN_SPELLINGS} (e.g. ${q(stats.examples[0]!)}): a boolean`] };
  }
  if (!stats.notNumber.count) return { type: 'number', reasons: [`every value is a number (e.g. ${q(stats.examples[0]!)}): a number`] };
  const reasons: string[] = [];
  if (!stats.notDate.count) {
    const order = stats.dateOrder;
    if (stats.saysDmy.miss && stats.saysMdy.miss) {
      reasons.push(`dates are written day first (${q(stats.saysDmy.miss.value)} at line ${stats.saysDmy.miss.line}) and month first (${q(stats.saysMdy.miss.value)} at line ${stats.saysMdy.miss.line}): not read as dates`);
    } else if (stats.ambiguousDate.miss && !order) {
      const a = stats.ambiguousDate.miss;
      reasons.push(`dates like ${q(a.value)} (line ${a.line}) could be day or month first, and no value says which: not read as dates (write them YYYY-MM-DD)`);
    } else {
      const how = order === 'dmy' ? ', day first' : order === 'mdy' ? ', month first' : '';
      return { type: 'date', reasons: [`every value is a date (e.g. ${q(stats.examples[0]!)}${how}): a date, stored as YYYY-MM-DD`] };
    }
  }
  if (!stats.notJsonList.count) return { type: 'string_list', reasons: [`every value is a JSON list of strings: a string list`] };
  const sep = stats.listSeparator;
  if (sep) {
    const example = stats.withSeparator[sep].miss!;
    return {
      type: 'string_list',
      reasons: [`values are lists split by "${sep}" (e.g. ${q(example.value)} at line ${example.line}; ${plural(stats.items[sep].groups.size, 'distinct item')}): a string list`],
    };
  }
  reasons.push(...nearMisses(stats));
  const rule = enumRule(stats);
  if (rule.ok) {
    const top = stats.topValues(ENUM_MAX_VALUES);
    // Values in the order the file first shows them.
    const ordered = [...top].sort((a, b) => a.line - b.line);
    const merged = ordered.filter((v) => v.aliases.length);
    reasons.push(`${plural(stats.distinct, 'distinct value')} in ${total}: an enum`);
    for (const v of merged.slice(0, 3)) {
      reasons.push(`${v.aliases.map(q).join(', ')} taken as ${q(v.value)} (kept as ${v.aliases.length === 1 ? 'an alias' : 'aliases'})`);
    }
    return { type: 'enum', values: ordered.map((v) => (v.aliases.length ? { value: v.value, aliases: v.aliases } : { value: v.value })), reasons };
  }
  reasons.push(`${rule.why}: a string`);
  return { type: 'string', reasons };
}

/** Why a column is free text or an id rather than a label, or null. */
function textLike(stats: ColumnStats, type: FieldType): string | null {
  const idName = /(?:^|_)(?:id|uuid|guid|key)$/.test(fieldNameFor(stats.column) ?? '');
  if (idName && (type === 'string' || type === 'number')) return 'named like an id';
  if (type !== 'string') return null;
  const mean = Math.round(stats.totalLength / stats.filled);
  if (stats.multiline.count) return `free text (values span several lines, e.g. line ${stats.multiline.miss!.line})`;
  if (mean > TEXT_LIKE_MEAN) return `long free text (about ${mean} characters a value)`;
  // Mostly numbers or dates with a few odd values (an amount with "n/a") are labels, however varied.
  if (nearMisses(stats).length) return null;
  if (stats.filled >= 5 && (stats.values.overflow || stats.distinct === stats.filled)) return 'a different value on every row, like an id or a note';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Field names.

/** A field name from a column name: "Issue Type" -> issue_type, "refundAmount" -> refund_amount; null when nothing is left. */
export function fieldNameFor(column: string): string | null {
  const ascii = column.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const snake = ascii
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (!snake) return null;
  const name = /^[0-9]/.test(snake) ? `field_${snake}` : snake;
  return name.slice(0, 64).replace(/_+$/, '');
}

/** `name`, or `name_2`, `name_3`... the first not in `used` (kept within 64 characters). */
function unique(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n += 1) {
    const suffix = `_${n}`;
    candidate = `${name.slice(0, 64 - suffix.length)}${suffix}`;
  }
  used.add(candidate);
  return candidate;
}

// ---------------------------------------------------------------------------------------------
// The proposal.

export async function proposeFields(args: ApiParsedArgs<'proposeFields'>): Promise<FieldProposal> {
  const file = await readLabelledFile(args.file, args.mapping);
  const { parsed } = file;
  const stats = await columnStats(file);
  const fields: ProposedField[] = [];
  const refused: FieldProposal['refused'] = [];
  const used = new Set<string>();
  let suggestedCount = 0;

  for (const c of file.columns) {
    const s = stats.get(c.column)!;
    const base = fieldNameFor(c.column);
    if (base === null) {
      refused.push({ column: c.column, reason: 'its name has no letters or digits a field name can take (A-Z, 0-9, _): rename the column to use it' });
      continue;
    }
    if (s.filled === 0) {
      refused.push({ column: c.column, reason: `no values: every one of the ${plural(parsed.rows.length, 'row')} is empty` });
      continue;
    }
    if (s.objects.miss) {
      const m = s.objects.miss;
      refused.push({ column: c.column, reason: `holds JSON objects (e.g. at line ${m.line}): no field type holds an object` });
      continue;
    }
    const inferred = inferType(s);
    const reasons = [...inferred.reasons];
    const nullable = s.empty > 0;
    reasons.push(nullable ? `${plural(s.empty, 'row')} of ${parsed.rows.length.toLocaleString('en-US')} ${s.empty === 1 ? 'is' : 'are'} empty: may be null` : 'every row has a value: not nullable');
    const textual = textLike(s, inferred.type);
    let suggested = textual === null;
    if (textual) reasons.push(`${textual}: not offered as a label`);
    if (suggested && suggestedCount >= MAX_FIELDS) {
      suggested = false;
      reasons.push(`a schema holds at most ${MAX_FIELDS} fields: offered unticked`);
    }
    if (suggested) suggestedCount += 1;
    const field: FieldSpec = { name: unique(base, used), type: inferred.type, nullable };
    if (inferred.values) field.values = inferred.values;
    fields.push({
      column: c.column,
      field,
      filled: s.filled,
      empty: s.empty,
      distinct: s.distinct,
      examples: s.examples,
      reasons,
      suggested,
      topValues: s.topValues().map(({ value, count }) => ({ value, count })),
    });
  }

  const problems = listProblems(parsed.problems, parsed.fatal ? [{ line: 1, reason: parsed.fatal }] : []);
  return { format: parsed.format, columns: parsed.columns, mapping: file.mapping, rows: parsed.rows.length, fields, refused, problems };
}
