// CSV (and TSV): a header row, then one message per record. Parsed by papaparse; the mapping says
// which column is the text, subject, sender, time and id, and which columns are labels. A record
// with broken quoting is reported at the line where it starts, and reading resumes on the next
// line, so one stray quote cannot swallow the rest of the file.
import Papa from 'papaparse';
import type { ImportMapping } from '../../../shared/src/api/index.js';
import type { JsonValue } from '../../../shared/src/domain.js';
import { suggestMapping } from './mapping.js';
import { makeRow, ProblemList } from './rows.js';
import type { ImportRow, LabelFields, ParseOutput } from './types.js';

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** After this many broken records, the rest of the file is reported as one problem. */
const MAX_RESYNCS = 1_000;

export interface CsvOptions {
  mapping?: ImportMapping | undefined;
  schema?: LabelFields | undefined;
  /** The file name: `.tsv` means tabs. */
  name?: string | undefined;
}

/** Counts lines up to increasing offsets without rescanning. */
function lineCounter(content: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    for (let i = content.indexOf('\n', at); i !== -1 && i < offset; i = content.indexOf('\n', i + 1)) line += 1;
    at = Math.max(at, offset);
    return line;
  };
}

function firstLine(content: string): string {
  const end = content.search(/\r?\n|\r/);
  return end === -1 ? content : content.slice(0, end);
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The delimiter: papaparse's guess when the header agrees, else the one the header uses most. */
export function detectDelimiter(content: string, name?: string): string {
  if (name && /\.tsv$/i.test(name)) return '\t';
  const header = firstLine(content);
  let sample = content.slice(0, 64 * 1024);
  if (sample.length < content.length) sample = sample.slice(0, Math.max(sample.lastIndexOf('\n'), header.length));
  const guess = Papa.parse<string[]>(sample, { preview: 50, skipEmptyLines: true, delimitersToGuess: [...DELIMITERS] });
  const undetected = guess.errors.some((e) => e.code === 'UndetectableDelimiter');
  if (!undetected && header.includes(guess.meta.delimiter)) return guess.meta.delimiter;
  const best = [...DELIMITERS].sort((a, b) => count(header, b) - count(header, a))[0]!;
  // One column: a delimiter nothing uses, so commas in the text stay text.
  return count(header, best) > 0 ? best : '\u001f';
}

function quoteProblem(codes: string[]): string {
  return codes.includes('MissingQuotes')
    ? 'broken CSV quoting: a quoted field is never closed'
    : 'broken CSV quoting: a quoted field closes in the middle of a value (a quote inside a quoted field must be doubled: "")';
}

/** Column names from the header: blanks named by position, repeats numbered. */
function columnNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const base = raw.replace(/^\uFEFF/, '').trim() || `column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** Why a mapping cannot be used with these columns, or null when it can. */
export function mappingProblem(mapping: ImportMapping, columns: readonly string[], what = 'column'): string | null {
  const list = columns.length ? columns.map((c) => JSON.stringify(c)).join(', ') : '(none)';
  if (!mapping.text) return `no text ${what}: none of the ${what}s found (${list}) is mapped to the message text`;
  const named: [string, string][] = [];
  for (const role of ['text', 'subject', 'sender', 'receivedAt', 'id'] as const) {
    const c = mapping[role];
    if (c) named.push([role, c]);
  }
  for (const [c, field] of Object.entries(mapping.labels ?? {})) named.push([`label ${field}`, c]);
  for (const [role, c] of named) {
    if (!columns.includes(c)) return `the ${role} ${what} ${JSON.stringify(c)} is not in the file; the ${what}s found are ${list}`;
  }
  return null;
}

export function parseCsv(input: string, options: CsvOptions = {}): ParseOutput {
  // Line endings made LF first: papaparse takes one newline for the whole file (guessed from its
  // start), so a file that mixes CR LF with LF or lone CR would merge records. Quoted fields lose
  // nothing a message keeps (its text's line endings are made LF anyway).
  const content = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const problems = new ProblemList();
  const rows: ImportRow[] = [];
  const empty = (fatal: string): ParseOutput => ({
    format: 'csv', columns: [], suggestedMapping: { text: null }, rows, problems: problems.list(), records: 0, fatal,
  });
  if (content.trim() === '') return empty('the file is empty');

  const delimiter = detectDelimiter(content, options.name);
  const lineOf = lineCounter(content);
  let columns: string[] | null = null;
  let mapping: ImportMapping | null = null;
  let suggested: ImportMapping = { text: null };
  let fatal: string | undefined;
  let fatalAt: 'mapping' | undefined;
  let records = 0;
  let index: { text: number; subject: number; sender: number; receivedAt: number; id: number; labels: [number, string][] } | null = null;

  const onRecord = (data: string[], errors: string[], start: number, end: number): 'go' | 'resync' | 'stop' => {
    const blank = data.length === 1 && data[0]!.trim() === '';
    if (blank && errors.length === 0) return 'go';
    const line = lineOf(start);
    if (columns === null) {
      if (errors.length) {
        fatal = `the header row (line ${line}) is not valid CSV: ${quoteProblem(errors)}`;
        return 'stop';
      }
      columns = columnNames(data);
      suggested = suggestMapping(columns, options.schema);
      mapping = options.mapping ?? suggested;
      const problem = mappingProblem(mapping, columns);
      if (problem) {
        fatal = problem;
        if (options.mapping) fatalAt = 'mapping';
        return 'stop';
      }
      const at = (c: string | null | undefined) => (c ? columns!.indexOf(c) : -1);
      index = {
        text: at(mapping.text),
        subject: at(mapping.subject),
        sender: at(mapping.sender),
        receivedAt: at(mapping.receivedAt),
        id: at(mapping.id),
        labels: Object.entries(mapping.labels ?? {}).map(([c, field]) => [at(c), field]),
      };
      return 'go';
    }
    records += 1;
    if (errors.length) {
      problems.add(line, quoteProblem(errors));
      return 'resync';
    }
    if (data.length !== columns.length) {
      problems.add(line, `${data.length} fields where the header has ${columns.length} (a delimiter or quote out of place?)`);
      return 'go';
    }
    const ix = index!;
    const cell = (i: number) => (i >= 0 ? data[i] : undefined);
    let labels: Record<string, JsonValue> | undefined;
    const taken = new Set([ix.text, ix.subject, ix.sender, ix.receivedAt, ix.id]);
    for (const [i, field] of ix.labels) {
      (labels ??= {})[field] = data[i]!;
      taken.add(i);
    }
    let meta: Record<string, JsonValue> | undefined;
    data.forEach((value, i) => {
      if (!taken.has(i) && value.trim() !== '') (meta ??= {})[columns![i]!] = value;
    });
    const row = makeRow(
      line,
      {
        text: data[ix.text]!,
        subject: cell(ix.subject),
        sender: cell(ix.sender),
        receivedAt: cell(ix.receivedAt),
        externalId: cell(ix.id),
        labels,
        meta,
        size: end - start,
        raw: content.slice(start, end),
      },
      problems,
    );
    if (row) rows.push(row);
    return 'go';
  };

  // Parse from `base`; a broken record makes the parse start again on the line after the one
  // where that record began.
  let base = 0;
  let resyncs = 0;
  while (base < content.length && fatal === undefined) {
    let next = -1;
    let prev = 0;
    Papa.parse<string[]>(content.slice(base), {
      delimiter,
      newline: '\n',
      skipEmptyLines: false,
      step: (result, parser) => {
        const start = base + prev;
        const end = base + result.meta.cursor;
        prev = result.meta.cursor;
        const errors = result.errors.map((e) => e.code as string).filter((c) => c === 'MissingQuotes' || c === 'InvalidQuotes');
        const what = onRecord(result.data, errors, start, end);
        if (what === 'go') return;
        if (what === 'resync') {
          const nl = content.indexOf('\n', start);
          next = nl === -1 ? content.length : nl + 1;
        }
        parser.abort();
      },
    });
    if (next === -1) break;
    resyncs += 1;
    if (resyncs > MAX_RESYNCS && next < content.length) {
      problems.add(lineOf(next), `more than ${MAX_RESYNCS} rows with broken quoting: the rest of the file was not read`);
      break;
    }
    base = next;
  }

  if (fatal === undefined && columns === null) fatal = 'the file has no header row';
  return {
    format: 'csv',
    columns: columns ?? [],
    suggestedMapping: suggested,
    rows,
    problems: problems.list(),
    records,
    ...(fatal !== undefined ? { fatal } : {}),
    ...(fatalAt !== undefined ? { fatalAt } : {}),
  };
}
