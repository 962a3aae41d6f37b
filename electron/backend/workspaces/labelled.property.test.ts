// Properties of a labelled history (issue 9), over generated CSV and JSONL files: random columns of
// each kind (enum, number, boolean, date, string list, free string) with noise (empty cells, "NULL",
// odd case and spacing, another spelling of a boolean, "n/a" among numbers). Whatever the file:
// - the proposal's fields, confirmed as proposed, make a schema the runtime's rulebook format check
//   accepts, and importing the file makes every row a message and exactly one precedent per row
//   with a label value (every value fits the type it was inferred from);
// - with an enum value then removed by the person, the rows holding it (in any spelling) are
//   messages without precedents, each listed at its line, and every other labelled row is one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApiArgs, type FieldProposal, type LabelledField } from '../../../shared/src/api/index.js';
import { DEFAULT_SETTINGS, type FieldSpec, type JsonValue } from '../../../shared/src/domain.js';
import { createRulebook } from '../../../shared/src/rulebook/index.js';
import { propertyOptions } from '../../../shared/src/testing/property.js';
import { repositories, SETTING_KEYS } from '../../services/workspace/index.js';
import { tempWorkspaces } from '../../services/workspace/test-helpers.js';
import { importContext } from '../test-support.js';
import { importLabelledHistory, labelledSchema, type LabelledStart } from './labelled.js';
import { proposeFields } from './propose.js';

type Kind = 'enum' | 'number' | 'boolean' | 'date' | 'list' | 'string';
/** A generated cell: what the file says (text, or a JSON value for JSONL), and whether it is empty. */
interface Cell {
  csv: string;
  json: JsonValue | undefined;
  empty: boolean;
}
interface Column {
  name: string;
  kind: Kind;
  cells: Cell[];
}

const EMPTY = fc.constantFrom<Cell>({ csv: '', json: undefined, empty: true }, { csv: '', json: null, empty: true }, { csv: 'NULL', json: 'NULL', empty: true }, { csv: '  ', json: '  ', empty: true });
const oddCase = (s: string) => fc.constantFrom(s, s.toUpperCase(), ` ${s} `, s[0]!.toUpperCase() + s.slice(1));
const filled = (csv: string, json: JsonValue = csv): Cell => ({ csv, json, empty: false });

const cellOf: Record<Kind, (pool: string[]) => fc.Arbitrary<Cell>> = {
  enum: (pool) => fc.constantFrom(...pool).chain(oddCase).map((s) => filled(s)),
  number: () =>
    fc.oneof(
      { weight: 10, arbitrary: fc.integer({ min: -1000, max: 100_000 }).map((n) => filled(String(n), n)) },
      { weight: 5, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((n) => filled(String(n), n)) },
      { weight: 1, arbitrary: fc.constant(filled('n/a')) },
    ),
  boolean: () =>
    fc.oneof(
      fc.constantFrom('yes', 'no', 'true', 'false', 'y', 'n', '1', '0').chain(oddCase).map((s) => filled(s)),
      fc.boolean().map((b) => filled(String(b), b)),
    ),
  date: () =>
    fc
      .tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.constantFrom('iso', 'name', 'time'))
      .map(([y, m, d, form]) => {
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][m - 1]!;
        return filled(form === 'iso' ? iso : form === 'name' ? `${d} ${month} ${y}` : `${iso}T10:30:00Z`);
      }),
  list: (pool) => fc.subarray(pool, { minLength: 1, maxLength: Math.min(3, pool.length) }).chain((items) => fc.constantFrom(';', ' ; ').map((sep) => filled(items.join(sep), items))),
  string: () => fc.stringMatching(/^[a-z]{1,8}( [a-z]{1,8}){0,2}$/).map((s) => filled(s)),
};

const columnArb = (rows: number, index: number): fc.Arbitrary<Column> =>
  fc
    .tuple(
      fc.constantFrom<Kind>('enum', 'number', 'boolean', 'date', 'list', 'string'),
      fc.uniqueArray(fc.constantFrom('billing', 'account', 'bug', 'shipping', 'refund', 'login'), { minLength: 2, maxLength: 4 }),
      fc.constantFrom('Label', 'Issue Type', 'urgency', 'refundAmount', 'Tags', 'Repeat?'),
    )
    .chain(([kind, pool, base]) =>
      fc
        .array(fc.oneof({ weight: 5, arbitrary: cellOf[kind](pool) }, { weight: 1, arbitrary: EMPTY }), { minLength: rows, maxLength: rows })
        .map((cells) => ({ name: `${base} ${index}`, kind, cells })),
    );

const fileArb = fc
  .integer({ min: 1, max: 30 })
  .chain((rows) => fc.tuple(fc.constant(rows), fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => columnArb(rows, i + 1)))), fc.constantFrom('csv', 'jsonl')));

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The file's text; each row's text is unique, so each row is one message. */
function write(rows: number, columns: Column[], format: 'csv' | 'jsonl'): string {
  const text = (i: number) => `Message number ${i + 1} from the history`;
  if (format === 'csv') {
    const lines = [['text', ...columns.map((c) => c.name)].map(quote).join(',')];
    for (let i = 0; i < rows; i += 1) lines.push([text(i), ...columns.map((c) => c.cells[i]!.csv)].map(quote).join(','));
    return `${lines.join('\n')}\n`;
  }
  const lines: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    const o: Record<string, JsonValue> = { text: text(i) };
    for (const c of columns) if (c.cells[i]!.json !== undefined) o[c.name] = c.cells[i]!.json!;
    lines.push(JSON.stringify(o));
  }
  return `${lines.join('\n')}\n`;
}

/** Imports into a new workspace whose draft has the start's schema, as createWorkspace does; the workspace is removed after. */
async function importInto(start: LabelledStart) {
  const temp = tempWorkspaces();
  try {
    const ws = temp.open();
    const repos = repositories(ws);
    repos.settings.set(SETTING_KEYS.draftRulebook, { id: 'rb_prop', name: 'Property', instructions: '', schema: labelledSchema(start), settings: DEFAULT_SETTINGS });
    const result = await importLabelledHistory(importContext(ws, { repos }), start);
    return { result, precedents: repos.precedents.count(), messages: repos.messages.count() };
  } finally {
    temp.cleanup();
  }
}

/** The suggested fields as the person confirms them (all of them when none is suggested). */
function confirm(p: FieldProposal): LabelledField[] {
  const suggested = p.fields.filter((f) => f.suggested);
  return (suggested.length ? suggested : p.fields).map((f) => ({ column: f.column, field: f.field }));
}

describe('a labelled history, generated', () => {
  it('the confirmed proposal passes the format check, and its import makes one precedent per row with a label value', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ([rows, columns, format]) => {
        const file = { name: `history.${format}`, content: write(rows, columns, format) };
        const p = await proposeFields(parseApiArgs('proposeFields', { file }));
        expect(p.mapping.text).toBe('text');
        expect(p.rows).toBe(rows);
        // Every column is proposed or refused with a reason (only a column with no value at all is).
        for (const c of columns) {
          const refused = p.refused.find((r) => r.column === c.name);
          // A JSONL key on no line is not in the file at all.
          if (format === 'jsonl' && c.cells.every((x) => x.json === undefined)) expect(p.columns).not.toContain(c.name);
          else if (c.cells.every((x) => x.empty)) expect(refused?.reason).toMatch(/^no values/);
          else expect(p.fields.some((f) => f.column === c.name)).toBe(true);
        }
        fc.pre(p.fields.length > 0);
        const fields = confirm(p);
        const start: LabelledStart = { file, mapping: p.mapping, fields };
        const schema = labelledSchema(start);
        // The runtime's own check, once more: production would load this schema.
        expect(() => createRulebook({ name: 'p', schema })).not.toThrow();

        const used = new Set(fields.map((f) => f.column));
        const labelled = Array.from({ length: rows }, (_, i) => columns.some((c) => used.has(c.name) && !c.cells[i]!.empty));
        const { result, precedents, messages } = await importInto(start);
        expect(messages).toBe(rows);
        expect(result.inserted).toBe(rows);
        expect(precedents).toBe(labelled.filter(Boolean).length);
        expect(result.precedents).toBe(precedents);
        // The only rows without a precedent are those without a label value, each listed at its line.
        const lineOf = (i: number) => (format === 'csv' ? i + 2 : i + 1);
        expect(result.problems).toEqual(labelled.flatMap((l, i) => (l ? [] : [{ line: lineOf(i), reason: 'no label values: imported as a message only, not as a precedent' }])));
      }),
      propertyOptions(40),
    );
  }, 120_000);

  it('an enum value the person removes: its rows are messages without precedents, listed at their lines; the others are precedents', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ([rows, columns, format]) => {
        const file = { name: `history.${format}`, content: write(rows, columns, format) };
        const p = await proposeFields(parseApiArgs('proposeFields', { file }));
        const fields = confirm(p);
        const target = fields.findIndex((f) => f.field.type === 'enum' && (f.field.values?.length ?? 0) >= 2);
        fc.pre(target !== -1);
        const field = fields[target]!.field;
        const removed = field.values!.at(-1)!;
        const kept: FieldSpec = { ...field, values: field.values!.slice(0, -1) };
        const start: LabelledStart = { file, mapping: p.mapping, fields: fields.map((f, i) => (i === target ? { ...f, field: kept } : f)) };

        const spellings = new Set([removed.value, ...(removed.aliases ?? [])].map((s) => s.trim().toLowerCase()));
        const column = columns.find((c) => c.name === fields[target]!.column)!;
        const used = new Set(fields.map((f) => f.column));
        const holdsRemoved = (i: number) => !column.cells[i]!.empty && spellings.has(String(column.cells[i]!.json ?? column.cells[i]!.csv).trim().toLowerCase());
        const labelled = (i: number) => columns.some((c) => used.has(c.name) && !c.cells[i]!.empty);

        const { result, precedents } = await importInto(start);
        const expected = Array.from({ length: rows }, (_, i) => i).filter((i) => labelled(i) && !holdsRemoved(i));
        expect(precedents).toBe(expected.length);
        const lineOf = (i: number) => (format === 'csv' ? i + 2 : i + 1);
        const notFitting = result.problems.filter((x) => x.reason.startsWith('labels do not fit'));
        expect(notFitting.map((x) => x.line)).toEqual(Array.from({ length: rows }, (_, i) => i).filter(holdsRemoved).map(lineOf));
        for (const x of notFitting) expect(x.reason).toContain(`${field.name} (column ${JSON.stringify(column.name)}): `);
      }),
      propertyOptions(40),
    );
  }, 120_000);
});
