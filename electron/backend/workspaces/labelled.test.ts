// labelledSchema (the confirmed fields as a schema, refused with each problem at its field's path)
// and importLabelledHistory over a real workspace file whose draft has that schema: cells converted
// to the confirmed types, precedents for the rows whose labels fit, the others imported as messages
// with their problem at their line, and a failure in a chunk leaving nothing of it behind.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, parseApiArgs, type FieldProposal, type LabelledField } from '../../../shared/src/api/index.js';
import type { FieldSpec } from '../../../shared/src/domain.js';
import { DEFAULT_SETTINGS } from '../../../shared/src/domain.js';
import { repositories, SETTING_KEYS, type Repositories, type Workspace } from '../../services/workspace/index.js';
import { tempWorkspaces, type TempWorkspaces } from '../../services/workspace/test-helpers.js';
import type { ImportContext } from '../import/importer.js';
import { failAfter, importContext, workspaceSnapshot } from '../test-support.js';
import { importLabelledHistory, labelledSchema, type LabelledStart } from './labelled.js';
import { proposeFields } from './propose.js';

function refusal(work: () => unknown): ApiError {
  try {
    work();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

async function asyncRefusal(work: Promise<unknown>): Promise<ApiError> {
  const e = await work.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

const file = { name: 'history.csv', content: 'text,a,b\nx,1,2\n' };
const start = (...fields: [string, FieldSpec][]): LabelledStart => ({ file, mapping: { text: 'text' }, fields: fields.map(([column, field]) => ({ column, field })) });
const pathsOf = (e: ApiError) => (e.failure.issues ?? []).map((i) => i.path);

describe('labelledSchema', () => {
  it('the confirmed fields, in order, make the schema', () => {
    const urgency: FieldSpec = { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'low' }, { value: 'high', aliases: ['HIGH'] }] };
    const amount: FieldSpec = { name: 'amount', type: 'number', nullable: true };
    expect(labelledSchema(start(['a', urgency], ['b', amount]))).toEqual({ fields: [urgency, amount] });
  });

  it('refuses two fields of one name, or names that differ only in case or spacing', () => {
    const e = refusal(() => labelledSchema(start(['a', { name: 'urgency', type: 'string', nullable: true }], ['b', { name: 'urgency', type: 'number', nullable: true }])));
    expect(e.failure.code).toBe('bad_request');
    expect(e.failure.issues).toEqual([{ path: 'start.fields.1.field.name', message: '"urgency" is already the name of field 1' }]);
    const cased = refusal(() => labelledSchema(start(['a', { name: 'urgency', type: 'string', nullable: true }], ['b', { name: 'Urgency', type: 'string', nullable: true }])));
    expect(cased.failure.issues?.[0]).toEqual({ path: 'start.fields.1.field.name', message: '"Urgency" and "urgency" (field 1) differ only in case or spacing: answers could not tell them apart' });
  });

  it('refuses an enum without values, values that differ only in case, and a value alias that is another value', () => {
    const e = refusal(() =>
      labelledSchema(
        start(
          ['a', { name: 'urgency', type: 'enum', nullable: false, values: [] }],
          ['b', { name: 'team', type: 'enum', nullable: false, values: [{ value: 'Billing' }, { value: 'billing' }, { value: 'bugs', aliases: ['BILLING'] }] }],
        ),
      ),
    );
    expect(e.failure.issues).toEqual([
      { path: 'start.fields.0.field.values', message: 'an enum needs at least one value' },
      { path: 'start.fields.1.field.values.1.value', message: '"billing" and "Billing" differ only in case: keep one' },
      { path: 'start.fields.1.field.values.2.aliases.0', message: '"BILLING" already means "Billing"' },
    ]);
  });

  it('refuses a key alias that names another field', () => {
    const e = refusal(() => labelledSchema(start(['a', { name: 'urgency', type: 'string', nullable: true }], ['b', { name: 'team', type: 'string', nullable: true, aliases: ['Urgency'] }])));
    expect(e.failure.issues).toEqual([{ path: 'start.fields.1.field.aliases.0', message: '"Urgency" is the name of field 1 ("urgency")' }]);
  });

  it("refuses what the runtime's rulebook format refuses: a reserved name, an invalid name, values on a field that is not an enum", () => {
    const proto = refusal(() => labelledSchema(start(['a', { name: '__proto__', type: 'string', nullable: true }])));
    expect(proto.failure.issues).toEqual([{ path: 'start.fields.0.field.name', message: '"__proto__" cannot be a field name' }]);
    const invalid = refusal(() => labelledSchema(start(['a', { name: '1st', type: 'string', nullable: true }])));
    expect(pathsOf(invalid)).toEqual(['start.fields.0.field.name']);
    const values = refusal(() => labelledSchema(start(['a', { name: 'n', type: 'number', nullable: true, values: [{ value: 'x' }] }])));
    expect(values.failure.issues).toEqual([{ path: 'start.fields.0.field.values', message: 'only enum fields have values (field "n" is number)' }]);
  });

  it('refuses no text column, a column used twice, and a label column that is the text', () => {
    const e = refusal(() =>
      labelledSchema({
        file,
        mapping: { text: null, subject: 'a' },
        fields: [
          { column: 'a', field: { name: 'x', type: 'string', nullable: true } },
          { column: 'b', field: { name: 'y', type: 'string', nullable: true } },
          { column: 'b', field: { name: 'z', type: 'string', nullable: true } },
        ],
      }),
    );
    expect(e.failure.issues).toEqual([
      { path: 'start.mapping.text', message: 'choose the column that holds the message text' },
      { path: 'start.fields.0.column', message: '"a" is the message\'s subject column' },
      { path: 'start.fields.2.column', message: '"b" is already the column of field 2' },
    ]);
  });

  it('paths are those of createWorkspace\'s argument, so the window can put each beside its field', () => {
    const args = parseApiArgs('createWorkspace', {
      name: 'Mine',
      start: { kind: 'labelled', file, mapping: { text: 'text' }, fields: [{ column: 'a', field: { name: 'urgency', type: 'enum', nullable: false, values: [] } }] },
    });
    if (args.start.kind !== 'labelled') throw new Error('parsed as another start');
    const e = refusal(() => labelledSchema(args.start as LabelledStart));
    expect(pathsOf(e)).toEqual(['start.fields.0.field.values']);
  });
});

// ---------------------------------------------------------------------------------------------

let temp: TempWorkspaces | null = null;
afterEach(() => {
  temp?.cleanup();
  temp = null;
});

/** A new workspace whose draft has the schema of `s`, as createWorkspace makes it, and the import's context over it. */
function workspaceFor(s: LabelledStart): { ws: Workspace; repos: Repositories; ctx: ImportContext } {
  temp = tempWorkspaces();
  const ws = temp.open();
  const repos = repositories(ws);
  repos.settings.set(SETTING_KEYS.draftRulebook, { id: 'rb_labelled', name: 'Labelled', instructions: '', schema: labelledSchema(s), settings: DEFAULT_SETTINGS });
  return { ws, repos, ctx: importContext(ws, { repos }) };
}

/** The proposal's suggested fields, as a person confirms them unchanged. */
function confirmed(p: FieldProposal): LabelledField[] {
  return p.fields.filter((f) => f.suggested).map((f) => ({ column: f.column, field: f.field }));
}

const HISTORY = [
  'Ticket,Subject,Message,Issue Type,Urgency,Refund,Repeat,Opened,Tags,Agent note',
  'T1,Refund,I was charged twice,billing,high,12.50,yes,15/03/2024,refund;card,called back',
  'T2,Login,I cannot log in,account,Low,,no,16/03/2024,login,',
  'T3,Crash,The app crashes on start,bug,HIGH,0,y,01/04/2024,crash;ios,escalated',
  'T4,Refund again,Please refund my order,billing,low,7,n,02/04/2024,refund,',
  'T5,Where,Where is my card reader,account,high,3,no,2024-04-03,,',
  'T6,Nothing,Just saying thanks,,,,,,,',
  'T7,Charge,Double charge again,billing,low,n/a,yes,05/04/2024,refund;card,',
  'T8,Bug,Button does nothing,bug,high,1,no,06/04/2024,ui,',
  '',
].join('\n');

describe('importLabelledHistory', () => {
  it('imports every row as a message and each row whose labels fit as a precedent, converting the cells', async () => {
    const p = await proposeFields(parseApiArgs('proposeFields', { file: { name: 'history.csv', content: HISTORY } }));
    expect(p.mapping).toMatchObject({ text: 'Message', subject: 'Subject', id: 'Ticket' });
    expect(p.fields.map((f) => [f.column, f.field.type, f.suggested])).toEqual([
      ['Issue Type', 'enum', true],
      ['Urgency', 'enum', true],
      ['Refund', 'string', true],
      ['Repeat', 'boolean', true],
      ['Opened', 'date', true],
      ['Tags', 'string_list', true],
      ['Agent note', 'string', true],
    ]);
    // The person makes Refund a number (the "n/a" row then keeps no precedent) and leaves the note out.
    const fields = confirmed(p)
      .filter((f) => f.column !== 'Agent note')
      .map((f) => (f.column === 'Refund' ? { ...f, field: { ...f.field, type: 'number' as const } } : f));
    const s: LabelledStart = { file: { name: 'history.csv', content: HISTORY }, mapping: p.mapping, fields };
    const { ctx, repos } = workspaceFor(s);

    const result = await importLabelledHistory(ctx, s);
    expect(result).toMatchObject({ format: 'csv', inserted: 8, skipped: 0, precedents: 6 });
    expect(result.problems).toEqual([
      { line: 7, reason: 'no label values: imported as a message only, not as a precedent' },
      { line: 8, reason: 'labels do not fit the schema: refund (column "Refund"): "n/a" is not a number: imported as a message only, not as a precedent' },
    ]);

    const byTicket = new Map(repos.messages.page({ order: 'oldest', limit: 100 }).items.map((m) => [repos.messages.get(m.id)!.externalId, repos.messages.get(m.id)!]));
    const outputOf = (ticket: string) => repos.precedents.list().find((x) => x.messageId === byTicket.get(ticket)!.id)?.output;
    expect(outputOf('T1')).toEqual({ issue_type: 'billing', urgency: 'high', refund: 12.5, repeat: true, opened: '2024-03-15', tags: ['refund', 'card'] });
    expect(outputOf('T2')).toEqual({ issue_type: 'account', urgency: 'low', refund: null, repeat: false, opened: '2024-03-16', tags: ['login'] });
    expect(outputOf('T3')).toEqual({ issue_type: 'bug', urgency: 'high', refund: 0, repeat: true, opened: '2024-04-01', tags: ['crash', 'ios'] });
    expect(outputOf('T5')).toEqual({ issue_type: 'account', urgency: 'high', refund: 3, repeat: false, opened: '2024-04-03', tags: null });
    expect(outputOf('T6')).toBeUndefined();
    expect(outputOf('T7')).toBeUndefined();
    // The labels are not kept twice: what is not a label or a role stays with the message.
    expect(byTicket.get('T1')!.meta).toEqual({ 'Agent note': 'called back' });
    expect(byTicket.get('T2')!.meta).toBeNull();
    const precedent = repos.precedents.list().find((x) => x.messageId === byTicket.get('T1')!.id)!;
    expect(precedent.message).toMatchObject({ text: 'I was charged twice', subject: 'Refund' });
    expect(precedent.rationale).toBe('imported from history.csv line 2');
  });

  it('enum values as the person confirmed them: a renamed value keeps its old spelling as an alias; a removed value leaves its rows without precedents', async () => {
    const content = ['text,urgency', 'a,hi', 'b,lo', 'c,hi', 'd,lo', 'e,meh', 'f,meh', ''].join('\n');
    const s: LabelledStart = {
      file: { name: 'u.csv', content },
      mapping: { text: 'text' },
      fields: [{ column: 'urgency', field: { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'high', aliases: ['hi'] }, { value: 'low', aliases: ['lo'] }] } }],
    };
    const { ctx, repos } = workspaceFor(s);
    const result = await importLabelledHistory(ctx, s);
    expect(result).toMatchObject({ inserted: 6, precedents: 4 });
    expect(result.problems).toEqual([
      { line: 6, reason: 'labels do not fit the schema: urgency (column "urgency"): "meh" is not one of "high", "low": imported as a message only, not as a precedent' },
      { line: 7, reason: 'labels do not fit the schema: urgency (column "urgency"): "meh" is not one of "high", "low": imported as a message only, not as a precedent' },
    ]);
    expect(repos.precedents.list().map((x) => x.output.urgency).sort()).toEqual(['high', 'high', 'low', 'low']);
  });

  it('an empty cell in a field that may not be null leaves the row without a precedent', async () => {
    const s: LabelledStart = {
      file: { name: 'n.csv', content: 'text,team,urgent\na,x,yes\nb,,no\n' },
      mapping: { text: 'text' },
      fields: [
        { column: 'team', field: { name: 'team', type: 'string', nullable: false } },
        { column: 'urgent', field: { name: 'urgent', type: 'boolean', nullable: false } },
      ],
    };
    const { ctx } = workspaceFor(s);
    const result = await importLabelledHistory(ctx, s);
    expect(result).toMatchObject({ inserted: 2, precedents: 1 });
    expect(result.problems[0]).toEqual({ line: 3, reason: 'labels do not fit the schema: team (column "team"): empty, and the field may not be null: imported as a message only, not as a precedent' });
  });

  it('a type the person chose: a list split by the separator the values hold; dates read in the order the column says', async () => {
    const content = ['text,tags,when', 'a,x|y,03/04/2024', 'b,z,13/04/2024', ''].join('\n');
    const s: LabelledStart = {
      file: { name: 'l.csv', content },
      mapping: { text: 'text' },
      fields: [
        { column: 'tags', field: { name: 'tags', type: 'string_list', nullable: true } },
        { column: 'when', field: { name: 'when', type: 'date', nullable: true } },
      ],
    };
    const { ctx, repos } = workspaceFor(s);
    expect(await importLabelledHistory(ctx, s)).toMatchObject({ inserted: 2, precedents: 2, problems: [] });
    expect(repos.precedents.list().map((x) => x.output)).toEqual(
      expect.arrayContaining([
        { tags: ['x', 'y'], when: '2024-04-03' },
        { tags: ['z'], when: '2024-04-13' },
      ]),
    );
  });

  it('JSONL with an output object: its keys are the columns', async () => {
    const lines = [
      { text: 'Charged twice', output: { urgency: 'high', amount: 12 } },
      { text: 'Cannot log in', output: { urgency: 'low', amount: null } },
    ];
    const s: LabelledStart = {
      file: { name: 'h.jsonl', content: lines.map((l) => JSON.stringify(l)).join('\n') },
      mapping: { text: 'text' },
      fields: [
        { column: 'urgency', field: { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'high' }, { value: 'low' }] } },
        { column: 'amount', field: { name: 'amount', type: 'number', nullable: true } },
      ],
    };
    const { ctx, repos } = workspaceFor(s);
    expect(await importLabelledHistory(ctx, s)).toMatchObject({ inserted: 2, precedents: 2, problems: [] });
    expect(repos.precedents.list().map((x) => x.output)).toEqual(expect.arrayContaining([{ urgency: 'high', amount: 12 }, { urgency: 'low', amount: null }]));
  });

  it('refuses, writing nothing, a column the file lacks and a field the draft lacks', async () => {
    const s: LabelledStart = { file: { name: 'x.csv', content: 'text,a\nx,1\n' }, mapping: { text: 'text' }, fields: [{ column: 'b', field: { name: 'b', type: 'number', nullable: true } }] };
    const { ctx, ws } = workspaceFor(s);
    const before = workspaceSnapshot(ws);
    const missing = await asyncRefusal(importLabelledHistory(ctx, s));
    expect(missing.failure.issues).toEqual([{ path: 'start.fields.0.column', message: 'no column "b" in the file to label from (columns: "a")' }]);
    const other: LabelledStart = { ...s, fields: [{ column: 'a', field: { name: 'other', type: 'number', nullable: true } }] };
    const noField = await asyncRefusal(importLabelledHistory(ctx, other));
    expect(noField.failure.issues?.[0]?.path).toBe('start.fields.0.field.name');
    expect(workspaceSnapshot(ws)).toEqual(before);
  });

  it('a chunk is one unit: a failure storing its precedents leaves nothing of it, and running again stores everything', async () => {
    const lines = ['text,urgency'];
    for (let i = 1; i <= 1_200; i += 1) lines.push(`Message ${i},${i % 2 ? 'high' : 'low'}`);
    const s: LabelledStart = {
      file: { name: 'big.csv', content: lines.join('\n') },
      mapping: { text: 'text' },
      fields: [{ column: 'urgency', field: { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'high' }, { value: 'low' }] } }],
    };
    const { ws, repos, ctx } = workspaceFor(s);
    const before = workspaceSnapshot(ws);
    const restore = failAfter(repos.precedents, 'createMany');
    const failed = await importLabelledHistory(ctx, s);
    restore();
    expect(failed).toMatchObject({ inserted: 0, precedents: 0 });
    expect(failed.problems[0]!.reason).toMatch(/^import stopped: the precedents of lines 2-1001 could not be stored/);
    expect(workspaceSnapshot(ws)).toEqual(before);
    expect(await importLabelledHistory(ctx, s)).toMatchObject({ inserted: 1_200, precedents: 1_200, problems: [] });
  });
});
