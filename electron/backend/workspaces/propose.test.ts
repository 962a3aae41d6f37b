// proposeFields over written labelled files: the type inferred for each kind of column (and the
// edge cases of each rule), the reasons, names made from column names, text-like columns offered
// unticked, columns that cannot become a field, JSONL (keys and `output` objects), the text column
// when none is named like one, and files that are refused as a whole.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ApiError, parseApiArgs, type ApiArgs, type FieldProposal, type ProposedField } from '../../../shared/src/api/index.js';
import { DISTINCT_CAP, fieldNameFor, proposeFields, readDate } from './propose.js';

const propose = (args: ApiArgs<'proposeFields'>) => proposeFields(parseApiArgs('proposeFields', args));

/** A CSV with a text column and the given label columns (values listed per column, one per row). */
function csv(columns: Record<string, string[]>): string {
  const names = Object.keys(columns);
  const rows = Math.max(...Object.values(columns).map((v) => v.length));
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [['text', ...names].map(cell).join(',')];
  for (let i = 0; i < rows; i += 1) lines.push([`message number ${i + 1}`, ...names.map((n) => columns[n]![i] ?? '')].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

async function proposal(columns: Record<string, string[]>): Promise<FieldProposal> {
  return propose({ file: { name: 'history.csv', content: csv(columns) } });
}

async function field(values: string[], column = 'label'): Promise<ProposedField> {
  const p = await proposal({ [column]: values });
  const f = p.fields.find((x) => x.column === column);
  if (!f) throw new Error(`no field for ${column}: ${JSON.stringify(p.refused)}`);
  return f;
}

const repeat = (values: string[], times: number) => Array.from({ length: times }, () => values).flat();

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

describe('enum', () => {
  it('few distinct values, each seen twice: an enum with the values in the order the file shows them', async () => {
    const f = await field(repeat(['billing', 'account', 'bug'], 4));
    expect(f.field).toEqual({ name: 'label', type: 'enum', nullable: false, values: [{ value: 'billing' }, { value: 'account' }, { value: 'bug' }] });
    expect(f).toMatchObject({ filled: 12, empty: 0, distinct: 3, suggested: true });
    expect(f.reasons).toContain('3 distinct values in 12 rows: an enum');
    expect(f.topValues).toEqual([
      { value: 'billing', count: 4 },
      { value: 'account', count: 4 },
      { value: 'bug', count: 4 },
    ]);
  });

  it('a value seen once is allowed when distinct values are at most 10% of the rows', async () => {
    const values = [...repeat(['low', 'high'], 50), 'urgent'];
    const f = await field(values);
    expect(f.field.type).toBe('enum');
    expect(f.field.values?.map((v) => v.value)).toEqual(['low', 'high', 'urgent']);
  });

  it('values seen once among few rows: a string, saying why', async () => {
    const f = await field(['billing', 'billing', 'account', 'bug', 'refund']);
    expect(f.field.type).toBe('string');
    expect(f.reasons[0]).toBe('4 distinct values in 5 rows, 3 seen only once: too few repeats for an enum: a string');
  });

  it('more than 30 distinct values: a string', async () => {
    const values = repeat(Array.from({ length: 31 }, (_, i) => `team ${i}`), 2);
    const f = await field(values);
    expect(f.field.type).toBe('string');
    expect(f.reasons[0]).toBe('31 distinct values in 62 rows: more than 30 for an enum: a string');
  });

  it('exactly 30 distinct values, each twice: an enum', async () => {
    const f = await field(repeat(Array.from({ length: 30 }, (_, i) => `team ${i}`), 2));
    expect(f.field.type).toBe('enum');
    expect(f.field.values).toHaveLength(30);
  });

  it('case and outer spaces do not make another value: the commonest spelling, the others as aliases', async () => {
    const f = await field(['high', 'High', 'high', ' HIGH ', 'low', 'low', 'Low']);
    expect(f.field.values).toEqual([
      { value: 'high', aliases: ['High', 'HIGH'] },
      { value: 'low', aliases: ['Low'] },
    ]);
    expect(f.reasons).toContain('"High", "HIGH" taken as "high" (kept as aliases)');
  });

  it('long or multi-line values are never enum values', async () => {
    const long = 'x'.repeat(101);
    expect((await field(repeat([long, 'short'], 3))).field.type).toBe('string');
    expect((await field(repeat(['two\nlines', 'one'], 3))).field.type).toBe('string');
  });
});

describe('number', () => {
  it('plain decimals: a number', async () => {
    const f = await field(['12', '-3.5', '.5', '1e3', '+7', '0.25']);
    expect(f.field.type).toBe('number');
    expect(f.reasons[0]).toBe('every value is a number (e.g. "12"): a number');
  });

  it('a value that is not a number makes a string, naming it with its line', async () => {
    const f = await field(['12', '14', 'n/a', '20.5', '3', '8']);
    expect(f.field.type).toBe('string');
    // line 1 is the header: the third value is on line 4.
    expect(f.reasons[0]).toBe('1 value is not a number (e.g. "n/a" at line 4)');
    // Mostly numbers: a label, however varied.
    expect(f.suggested).toBe(true);
  });

  it('thousands separators, percentages, hex and Infinity are not numbers', async () => {
    for (const odd of ['1,234', '12%', '0x1F', 'Infinity', '1 000']) {
      const f = await field(['1', '2', odd, '4']);
      expect(f.field.type, odd).not.toBe('number');
    }
  });
});

describe('boolean', () => {
  it.each([
    [['true', 'false', 'TRUE', 'False']],
    [['yes', 'no', 'Yes', 'NO']],
    [['y', 'n', 'Y', 'N']],
    [['1', '0', '0', '1']],
    [['yes', 'n', 'true', '0']],
  ])('%j: a boolean', async (values) => {
    const f = await field(values);
    expect(f.field.type).toBe('boolean');
    expect(f.reasons[0]).toMatch(/^every value is true\/false, yes\/no, y\/n or 1\/0 \(e\.g\. ".*"\): a boolean$/);
  });

  it('a column of 1, 0 and 2 is numbers, not booleans', async () => {
    expect((await field(['1', '0', '2'])).field.type).toBe('number');
  });

  it('"maybe" among yes and no: not a boolean, and the reason says which value', async () => {
    const f = await field(['yes', 'no', 'yes', 'maybe', 'no', 'maybe']);
    expect(f.field.type).toBe('enum');
    expect(f.reasons[0]).toBe('2 values are not true/false, yes/no, y/n or 1/0 (e.g. "maybe" at line 5)');
  });
});

describe('date', () => {
  it('ISO dates and date-times, and month names: a date', async () => {
    const f = await field(['2024-03-15', '2024/03/16', '2024-03-17T23:30:00-05:00', '15 March 2024', 'Mar 18, 2024', '2024-03-19 08:00']);
    expect(f.field.type).toBe('date');
    expect(f.reasons[0]).toBe('every value is a date (e.g. "2024-03-15"): a date, stored as YYYY-MM-DD');
  });

  it('D/M/YYYY: the column says day first when a first part is over 12', async () => {
    const f = await field(['03/04/2024', '15/04/2024', '01/05/2024']);
    expect(f.field.type).toBe('date');
    expect(f.reasons[0]).toContain('day first');
  });

  it('M/D/YYYY: the column says month first when a second part is over 12', async () => {
    const f = await field(['03/04/2024', '04/15/2024']);
    expect(f.field.type).toBe('date');
    expect(f.reasons[0]).toContain('month first');
  });

  it('only values read either way: a string, saying why', async () => {
    const f = await field(['03/04/2024', '05/06/2024', '07/08/2024']);
    expect(f.field.type).toBe('string');
    expect(f.reasons[0]).toBe('dates like "03/04/2024" (line 2) could be day or month first, and no value says which: not read as dates (write them YYYY-MM-DD)');
  });

  it('day first and month first in one column: not dates', async () => {
    const f = await field(['15/04/2024', '04/15/2024', '15/05/2024']);
    expect(f.field.type).toBe('string');
    expect(f.reasons[0]).toMatch(/written day first .* and month first .*: not read as dates/);
  });

  it('a date that does not exist is not a date', async () => {
    expect((await field(['2024-02-30', '2024-03-01'])).field.type).toBe('string');
  });

  it('readDate converts each form to YYYY-MM-DD', () => {
    expect(readDate('2024-3-5')).toEqual({ date: '2024-03-05' });
    expect(readDate('2024-03-17T23:30:00-05:00')).toEqual({ date: '2024-03-17' });
    expect(readDate('17/03/2024')).toEqual({ date: '2024-03-17', says: 'dmy' });
    expect(readDate('03/17/2024')).toEqual({ date: '2024-03-17', says: 'mdy' });
    expect(readDate('03/04/2024')).toEqual({ ambiguous: true });
    expect(readDate('03/04/2024', 'dmy')).toEqual({ date: '2024-04-03' });
    expect(readDate('03/04/2024', 'mdy')).toEqual({ date: '2024-03-04' });
    expect(readDate('04.04.2024')).toEqual({ date: '2024-04-04' });
    expect(readDate('1st September 2024')).toEqual({ date: '2024-09-01' });
    expect(readDate('Sept 1, 2024')).toEqual({ date: '2024-09-01' });
    expect(readDate('15-Mar-2024')).toEqual({ date: '2024-03-15' });
    expect(readDate('Smarch 1, 2024')).toBeNull();
    expect(readDate('2024-13-01')).toBeNull();
    expect(readDate('20240315')).toBeNull();
  });
});

describe('string list', () => {
  it('JSON arrays of strings: a string list', async () => {
    const f = await field(['["refund","card"]', '["login"]', '[]', '["refund"]']);
    expect(f.field.type).toBe('string_list');
    expect(f.reasons[0]).toBe('every value is a JSON list of strings: a string list');
  });

  it('values split by ";" (one-item lists among them): a string list', async () => {
    const f = await field(['refund; card', 'login', 'refund;ios', 'card', 'crash ; ios']);
    expect(f.field.type).toBe('string_list');
    expect(f.reasons[0]).toBe('values are lists split by ";" (e.g. "refund; card" at line 2; 5 distinct items): a string list');
  });

  it('values split by "|": a string list', async () => {
    expect((await field(['a|b', 'b|c', 'a'])).field.type).toBe('string_list');
  });

  it('both separators, or one value holding one, or long items: not a list', async () => {
    expect((await field(['a;b', 'b|c', 'a;c', 'a'])).field.type).not.toBe('string_list');
    expect((await field(['a;b', 'b', 'c', 'a'])).field.type).not.toBe('string_list');
    const sentence = 'Called the customer back and they said the card reader works again';
    expect((await field([`${sentence}; closed`, `${sentence}; reopened`, 'done'])).field.type).toBe('string');
  });
});

describe('string, nullable, text-like', () => {
  it('empty cells (blank, spaces, "null") make the field nullable, and are counted', async () => {
    const f = await field(['high', '', 'low', '  ', 'NULL', 'high', 'low']);
    expect(f).toMatchObject({ filled: 4, empty: 3 });
    expect(f.field).toMatchObject({ type: 'enum', nullable: true });
    expect(f.reasons).toContain('3 rows of 7 are empty: may be null');
  });

  it('every row filled: not nullable', async () => {
    expect((await field(['a', 'a', 'b', 'b'])).reasons).toContain('every row has a value: not nullable');
  });

  it('long free text, multi-line text and a different value on every row are offered unticked', async () => {
    const long = await field(Array.from({ length: 4 }, (_, i) => `${'A long resolution note about what the agent did '.repeat(3)}${i}`));
    expect(long).toMatchObject({ suggested: false, field: { type: 'string' } });
    expect(long.reasons.at(-1)).toMatch(/^long free text \(about \d+ characters a value\): not offered as a label$/);

    const multi = await field(['first\nsecond', 'third', 'third']);
    expect(multi.suggested).toBe(false);
    expect(multi.reasons.at(-1)).toBe('free text (values span several lines, e.g. line 2): not offered as a label');

    const unique = await field(['ana', 'ben', 'cai', 'dee', 'eli']);
    expect(unique.suggested).toBe(false);
    expect(unique.reasons.at(-1)).toBe('a different value on every row, like an id or a note: not offered as a label');
  });

  it('a column named like an id is offered unticked even when numeric', async () => {
    const p = await proposal({ 'Order Id': ['10', '11', '12'], refund: ['1', '2', '3'] });
    expect(p.fields.find((f) => f.column === 'Order Id')).toMatchObject({ suggested: false, field: { type: 'number' } });
    expect(p.fields.find((f) => f.column === 'refund')).toMatchObject({ suggested: true });
  });
});

describe('field names and refused columns', () => {
  it('names come from the column, in snake case, unique', async () => {
    expect(fieldNameFor('Issue Type')).toBe('issue_type');
    expect(fieldNameFor('refundAmount')).toBe('refund_amount');
    expect(fieldNameFor('Catégorie')).toBe('categorie');
    expect(fieldNameFor('2nd contact?')).toBe('field_2nd_contact');
    expect(fieldNameFor('__proto__')).toBe('proto');
    expect(fieldNameFor('x'.repeat(80))).toHaveLength(64);
    expect(fieldNameFor('???')).toBeNull();
    expect(fieldNameFor('日本語')).toBeNull();

    const p = await proposal({ 'Issue Type': ['a', 'a'], issue_type: ['b', 'b'], 'issue-type': ['c', 'c'] });
    expect(p.fields.map((f) => f.field.name)).toEqual(['issue_type', 'issue_type_2', 'issue_type_3']);
  });

  it('a column with no values, or a name no field can take, is refused with why', async () => {
    const p = await proposal({ urgency: ['high', 'high', 'low'], empty: ['', ' ', ''], '日本語': ['a', 'b', 'c'] });
    expect(p.fields.map((f) => f.column)).toEqual(['urgency']);
    expect(p.refused).toEqual([
      { column: 'empty', reason: 'no values: every one of the 3 rows is empty' },
      { column: '日本語', reason: 'its name has no letters or digits a field name can take (A-Z, 0-9, _): rename the column to use it' },
    ]);
  });
});

describe('the file', () => {
  it('maps the text, subject, sender, time and id columns as the import suggests, and proposes the rest', async () => {
    const file = ['Ticket,Subject,From,Created At,Body,Urgency', 'T1,Hi,a@x.org,2024-03-01,Card declined,high', 'T2,Yo,b@x.org,2024-03-02,Login broken,low', ''].join('\n');
    const p = await propose({ file: { name: 'h.csv', content: file } });
    expect(p.mapping).toEqual({ text: 'Body', subject: 'Subject', sender: 'From', receivedAt: 'Created At', id: 'Ticket' });
    expect(p.columns).toEqual(['Ticket', 'Subject', 'From', 'Created At', 'Body', 'Urgency']);
    expect(p.fields.map((f) => f.column)).toEqual(['Urgency']);
    expect(p.rows).toBe(2);
  });

  it('a mapping given by the person is used: a column taken as the subject is no label', async () => {
    const file = csv({ category: ['a', 'a', 'b', 'b'], title: ['x', 'y', 'z', 'w'] });
    const p = await propose({ file: { name: 'h.csv', content: file }, mapping: { text: 'text', subject: 'category' } });
    expect(p.mapping).toEqual({ text: 'text', subject: 'category' });
    expect(p.fields.map((f) => f.column)).toEqual(['title']);
  });

  it('no column named like the text: the column with the longest values is taken', async () => {
    const file = ['Verdict,Notes,Agent', 'billing,I was charged twice for the same order,ana', 'account,I cannot log in since Monday morning,ben', ''].join('\n');
    const p = await propose({ file: { name: 'h.csv', content: file } });
    expect(p.mapping.text).toBe('Notes');
    expect(p.fields.map((f) => f.column)).toEqual(['Verdict', 'Agent']);
  });

  it('bytes as base64 are read like the import reads them; bad rows are listed with their lines', async () => {
    const file = ['text,urgency', 'one,high', '"never closed,low', 'two,low', 'three,high', 'four,low', ''].join('\n');
    const p = await propose({ file: { name: 'h.csv', content: Buffer.from(file).toString('base64'), encoding: 'base64' } });
    expect(p.rows).toBe(4);
    expect(p.problems.map((x) => x.line)).toEqual([3]);
    expect(p.fields[0]!.field).toMatchObject({ type: 'enum', values: [{ value: 'high' }, { value: 'low' }] });
  });

  it('JSONL: top-level keys and the keys of an output object are columns; JSON numbers, booleans and arrays are read as such', async () => {
    const lines = [
      { text: 'Charged twice', subject: 'Refund', amount: 12.5, repeat: true, tags: ['refund', 'card'], output: { urgency: 'high' } },
      { text: 'Cannot log in', subject: 'Login', amount: 0, repeat: false, tags: [], output: { urgency: 'low' } },
      { text: 'Crash on start', amount: null, repeat: false, tags: ['crash'], output: { urgency: 'high' } },
      { text: 'Where is my reader', amount: 3, repeat: true, tags: ['shipping'], output: { urgency: 'low' } },
    ];
    const p = await propose({ file: { name: 'h.jsonl', content: lines.map((l) => JSON.stringify(l)).join('\n') } });
    expect(p.format).toBe('jsonl');
    expect(p.mapping.text).toBe('text');
    expect(p.fields.map((f) => [f.column, f.field.type, f.field.nullable])).toEqual([
      ['amount', 'number', true],
      ['repeat', 'boolean', false],
      ['tags', 'string_list', false],
      ['urgency', 'enum', false],
    ]);
  });

  it('JSONL: a key holding objects is refused', async () => {
    const lines = [{ text: 'a', meta: { x: 1 } }, { text: 'b', meta: { x: 2 } }];
    const p = await propose({ file: { name: 'h.jsonl', content: lines.map((l) => JSON.stringify(l)).join('\n') } });
    expect(p.refused).toEqual([{ column: 'meta', reason: 'holds JSON objects (e.g. at line 1): no field type holds an object' }]);
  });

  it('refuses a file that is not CSV or JSONL, an empty file, and a mapping naming a column the file lacks', async () => {
    const mail = await refusal(propose({ file: { name: 'a.eml', content: 'From: a@b.c\nSubject: hi\n\nbody\n' } }));
    expect(mail.failure).toMatchObject({ code: 'bad_request', issues: [{ path: 'file' }] });
    expect(mail.message).toContain('CSV or JSON Lines');
    const empty = await refusal(propose({ file: { name: 'a.csv', content: '' } }));
    expect(empty.failure.issues).toEqual([{ path: 'file.content', message: 'the file is empty' }]);
    const wrong = await refusal(propose({ file: { name: 'a.csv', content: 'text,b\nx,y\n' }, mapping: { text: 'body' } }));
    expect(wrong.failure.issues?.[0]?.path).toBe('mapping');
  });

  it('distinct values are tracked up to a cap: a column of more distinct values says so', async () => {
    const n = DISTINCT_CAP + 50;
    const values = Array.from({ length: n }, (_, i) => `account-${i}`);
    const f = await field(values, 'account');
    expect(f.distinct).toBe(DISTINCT_CAP);
    expect(f.field.type).toBe('string');
    expect(f.reasons[0]).toBe(`more than 1,000 distinct values in ${n.toLocaleString('en-US')} rows: too many for an enum: a string`);
    expect(f.suggested).toBe(false);
  });
});
