// previewImport and importMessages over a real workspace file: what is stored, what is skipped,
// what is listed as a problem, progress events, precedents from labelled rows, and a failure midway.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, parseApiArgs, type ApiArgs, type ApiEventName, type ImportResult } from '../../../shared/src/api/index.js';
import { DEFAULT_SETTINGS, type ExtractionSchema } from '../../../shared/src/domain.js';
import { repositories, SETTING_KEYS, type StoredDraft, type Repositories, type Workspace } from '../../services/workspace/index.js';
import { failAfter, tempWorkspaces, workspaceSnapshot, type TempWorkspaces } from '../../services/workspace/test-helpers.js';
import type { BackendContext } from '../context.js';
import { createImportHandlers } from './handlers.js';
import { importContext } from '../test-support.js';
import { importMessages, previewImport, type ImportContext } from './importer.js';

const schema: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true },
    {
      name: 'issue_type',
      type: 'enum',
      nullable: false,
      aliases: ['category'],
      values: [{ value: 'account', aliases: ['login'] }, { value: 'billing' }, { value: 'bug' }],
    },
    { name: 'urgency', type: 'enum', nullable: false, aliases: ['priority'], values: [{ value: 'low' }, { value: 'high', aliases: ['ASAP'] }] },
    { name: 'is_repeat_contact', type: 'boolean', nullable: true },
  ],
};

let temp: TempWorkspaces;
let ws: Workspace;
let repos: Repositories;
let events: [ApiEventName, unknown][];
let ctx: ImportContext;

beforeEach(() => {
  temp = tempWorkspaces();
  ws = temp.open();
  repos = repositories(ws);
  const draft: StoredDraft = { id: 'rb_test', name: 'Test', instructions: 'Extract.', schema, settings: DEFAULT_SETTINGS };
  repos.settings.set(SETTING_KEYS.draftRulebook, draft);
  events = [];
  ctx = importContext(ws, { repos, emit: (event, payload) => void events.push([event, payload]), author: () => 'Maya (lead)' });
});
afterEach(() => temp.cleanup());

const run = (args: ApiArgs<'importMessages'>, c: ImportContext = ctx) => importMessages(c, parseApiArgs('importMessages', args));
const preview = (args: ApiArgs<'previewImport'>) => previewImport(ctx, parseApiArgs('previewImport', args));
async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}
const texts = () => repos.messages.page({ order: 'oldest', limit: 500 }).items.map((m) => m.preview);

describe('importMessages', () => {
  it('a CSV containing a broken row: the problem names the row, the good rows are imported', async () => {
    const csv = ['text,subject', 'Card reader offline,Reader', '"The app crashes, "when" I print",Crash', 'Refund for March,Billing', ''].join('\n');
    const result = await run({ file: { name: 'tickets.csv', content: csv } });
    expect(result).toEqual({
      format: 'csv',
      inserted: 2,
      skipped: 0,
      precedents: 0,
      problems: [{ line: 3, reason: expect.stringMatching(/^broken CSV quoting/) }],
    });
    expect(repos.messages.count()).toBe(2);
    expect(new Set(texts())).toEqual(new Set(['Card reader offline', 'Refund for March']));
    expect(events.at(-1)).toEqual(['messagesChanged', { reason: 'import' }]);
  });

  it('stores what each JSONL line carries', async () => {
    const jsonl = [
      '{"id":"t-9","text":"Locked out again","subject":"Login","sender":"Ann <ann@example.com>","receivedAt":"2026-03-02T08:40:18Z","channel":"chat","context":["Yesterday: reset my password"]}',
      '{"text":"No date here"}',
    ].join('\n');
    const result = await run({ file: { name: 'export.jsonl', content: jsonl } });
    expect(result).toMatchObject({ format: 'jsonl', inserted: 2, skipped: 0, problems: [] });
    const first = repos.messages.page({ order: 'oldest' }).items.find((r) => r.subject === 'Login')!;
    const m = repos.messages.get(first.id)!;
    expect(m).toMatchObject({
      text: 'Locked out again',
      subject: 'Login',
      sender: 'Ann <ann@example.com>',
      receivedAt: '2026-03-02T08:40:18.000Z',
      source: 'export.jsonl',
      externalId: 't-9',
      context: ['Yesterday: reset my password'],
      meta: { channel: 'chat' },
      status: 'new',
    });
  });

  it('imports an .eml file, an mbox archive (one message HTML only) and pasted text', async () => {
    const eml = 'From: Ann <ann@example.com>\nSubject: Hello\nDate: Tue, 3 Mar 2026 10:00:00 +0000\n\nPlain body.\n';
    expect(await run({ file: { name: 'one.eml', content: eml } })).toMatchObject({ format: 'eml', inserted: 1, problems: [] });
    const mbox = [
      'From a@example.com Tue Mar  3 09:00:00 2026',
      'From: a@example.com',
      'Subject: First',
      '',
      'First body.',
      '',
      'From b@example.com Tue Mar  3 10:00:00 2026',
      'From: b@example.com',
      'Subject: Second',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Second <b>body</b>.</p><style>.x{}</style>',
      '',
      'From c@example.com Tue Mar  3 11:00:00 2026',
      'From: c@example.com',
      'Subject: Third',
      '',
      'Third body.',
      '',
    ].join('\n');
    expect(await run({ file: { name: 'archive.mbox', content: mbox } })).toMatchObject({ format: 'mbox', inserted: 3, problems: [] });
    expect(await run({ file: { name: 'paste', content: 'Hi,\n\nPasted message.\n---\nAnother one', format: 'text' } })).toMatchObject({ format: 'text', inserted: 2 });
    expect(texts()).toEqual(expect.arrayContaining(['Plain body.', 'First body.', 'Second body.', 'Third body.', 'Hi,\n\nPasted message.', 'Another one']));
    expect(repos.messages.count()).toBe(6);
  });

  it('skips duplicates within the file and against the workspace; re-importing skips everything', async () => {
    const csv = 'text,from\nsame text,a@example.com\nother text,b@example.com\nsame text,a@example.com\n';
    const first = await run({ file: { name: 'dupes.csv', content: csv } });
    expect(first).toMatchObject({ inserted: 2, skipped: 1, problems: [] });
    events = [];
    const again = await run({ file: { name: 'dupes-again.csv', content: csv } });
    expect(again).toMatchObject({ inserted: 0, skipped: 3, problems: [] });
    expect(repos.messages.count()).toBe(2);
    // Nothing changed, so no messagesChanged; the progress still reaches the end.
    expect(events).toEqual([
      ['importProgress', { name: 'dupes-again.csv', processed: 0, total: 3 }],
      ['importProgress', { name: 'dupes-again.csv', processed: 3, total: 3 }],
    ]);
  });

  it('lists every bad row kind with its line while importing the rest', async () => {
    const csv = [
      'text,subject',
      'ok one,a',
      ',no text',
      'bytes \uFFFD here,b',
      `"${'x'.repeat(100_001)}",big`,
      '"unclosed,c',
      'ok two,d',
    ].join('\n');
    const result = await run({ file: { name: 'bad.csv', content: csv } });
    expect(result.inserted).toBe(2);
    expect(result.problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [3, 'empty message'],
      [4, 'invalid UTF-8 (undecodable bytes, shown as U+FFFD)'],
      [5, 'row too large'],
      [6, 'broken CSV quoting'],
    ]);
    const jsonl = await run({ file: { name: 'bad.jsonl', content: '{"text":"fine"}\nnot json\n[1]\n{"text":"  "}\n' } });
    expect(jsonl.inserted).toBe(1);
    expect(jsonl.problems.map((p) => p.line)).toEqual([2, 3, 4]);
  });

  it('refuses a CSV with no text column, naming the columns found; the preview still shows them', async () => {
    const csv = 'name,when\nann,today\n';
    const e = await refusal(run({ file: { name: 'x.csv', content: csv } }));
    expect(e.failure.code).toBe('bad_request');
    expect(e.failure.message).toBe('x.csv: no text column: none of the columns found ("name", "when") is mapped to the message text');
    const p = await preview({ file: { name: 'x.csv', content: csv } });
    expect(p.columns).toEqual(['name', 'when']);
    expect(p.problems[0]).toEqual({ line: 1, reason: expect.stringMatching(/^no text column/) });
    // With a mapping, it imports.
    expect(await run({ file: { name: 'x.csv', content: csv }, mapping: { text: 'when' } })).toMatchObject({ inserted: 1 });
    expect((await refusal(run({ file: { name: 'e.csv', content: '' } }))).failure.message).toBe('e.csv: the file is empty');
  });

  it('previews the first 20 rows, the total and the problems, without writing anything', async () => {
    const lines = ['Body,Subject,Date,Category,Priority'];
    for (let i = 1; i <= 30; i += 1) lines.push(`Message ${i},S${i},2026-03-${String((i % 28) + 1).padStart(2, '0')},login,ASAP`);
    lines.push('"broken,x,y,z,w');
    const p = await preview({ file: { name: 'history.csv', content: lines.join('\n') } });
    expect(p.format).toBe('csv');
    expect(p.columns).toEqual(['Body', 'Subject', 'Date', 'Category', 'Priority']);
    expect(p.suggestedMapping).toEqual({
      text: 'Body',
      subject: 'Subject',
      sender: null,
      receivedAt: 'Date',
      id: null,
      labels: { Category: 'issue_type', Priority: 'urgency' },
    });
    expect(p.rows).toHaveLength(20);
    expect(p.rows[0]).toEqual({
      text: 'Message 1',
      subject: 'S1',
      receivedAt: '2026-03-02T00:00:00.000Z',
      labels: { name: null, issue_type: 'account', urgency: 'high', is_repeat_contact: null },
    });
    expect(p.totalRows).toBe(31);
    expect(p.problems).toEqual([{ line: 32, reason: 'broken CSV quoting: a quoted field is never closed' }]);
    expect(repos.messages.count()).toBe(0);
    expect(events).toEqual([]);
  });

  it('a labelled CSV becomes messages and precedents; invalid labels are listed with the field', async () => {
    const csv = [
      'message,category,priority,name,repeat',
      'Locked out after reset,login,ASAP,Maria,yes',
      'Charged twice,billing,low,,no',
      'Weird one,teleport,low,,',
      'No priority,bug,,,',
      'Unlabelled,,,,',
    ].join('\n');
    const mapping = { text: 'message', labels: { category: 'issue_type', priority: 'urgency', name: 'name', repeat: 'is_repeat_contact' } };
    const result = await run({ file: { name: 'history.csv', content: csv }, mapping, asPrecedents: true });
    expect(result.inserted).toBe(5);
    expect(result.precedents).toBe(2);
    expect(result.problems).toEqual([
      { line: 4, reason: 'labels not valid for the schema: issue_type: must be one of "account", "billing", "bug": imported as a message only, not as a precedent' },
      { line: 5, reason: 'labels not valid for the schema: urgency: must be one of "low", "high": imported as a message only, not as a precedent' },
      { line: 6, reason: 'no label values: imported as a message only, not as a precedent' },
    ]);
    const stored = repos.precedents.list().sort((a, b) => a.rationale!.localeCompare(b.rationale!));
    expect(stored.map((p) => ({ text: p.message.text, output: p.output, rationale: p.rationale, author: p.author }))).toEqual([
      { text: 'Locked out after reset', output: { issue_type: 'account', urgency: 'high', name: 'Maria', is_repeat_contact: true }, rationale: 'imported from history.csv line 2', author: 'Maya (lead)' },
      { text: 'Charged twice', output: { issue_type: 'billing', urgency: 'low', name: null, is_repeat_contact: false }, rationale: 'imported from history.csv line 3', author: 'Maya (lead)' },
    ]);
    for (const p of stored) {
      expect(p.messageId).not.toBeNull();
      expect(repos.messages.get(p.messageId!)!.text).toBe(p.message.text);
      expect(p.message.id).toBe(p.messageId);
    }
    // Imported again: nothing new, and no second copy of a precedent.
    const again = await run({ file: { name: 'history.csv', content: csv }, mapping, asPrecedents: true });
    expect(again).toMatchObject({ inserted: 0, skipped: 5, precedents: 0 });
    expect(repos.precedents.count()).toBe(2);
  });

  it('messages imported earlier without labels become precedents when their labelled history comes', async () => {
    await run({ file: { name: 'inbox.jsonl', content: '{"text":"Cannot log in"}\n' } });
    const result = await run({
      file: { name: 'labelled.jsonl', content: '{"text":"Cannot log in","output":{"issue_type":"account","urgency":"high"}}\n' },
      asPrecedents: true,
    });
    expect(result).toMatchObject({ inserted: 0, skipped: 1, precedents: 1, problems: [] });
    expect(repos.precedents.list()[0]!.output).toEqual({ issue_type: 'account', urgency: 'high', name: null, is_repeat_contact: null });
  });

  it('refuses a label column mapped to something that is not a field', async () => {
    const e = await refusal(run({ file: { name: 'x.csv', content: 'text,colour\nhi,red\n' }, mapping: { text: 'text', labels: { colour: 'colour' } }, asPrecedents: true }));
    expect(e.failure).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/"colour", which is not a field of the schema \(name, issue_type, urgency, is_repeat_contact\)/) });
  });

  it('a failure midway keeps the chunks already written and says where it stopped', async () => {
    const lines = ['text'];
    for (let i = 1; i <= 2_500; i += 1) lines.push(`message number ${i}`);
    let calls = 0;
    const messages = Object.create(repos.messages) as Repositories['messages'];
    messages.insertMany = (rows) => {
      calls += 1;
      if (calls === 2) throw new Error('disk I/O error');
      return repos.messages.insertMany(rows);
    };
    const failing: ImportContext = { ...ctx, repos: { ...repos, messages } };
    const result: ImportResult = await run({ file: { name: 'big.csv', content: lines.join('\n') } }, failing);
    expect(result.inserted).toBe(1_000);
    expect(result.problems).toEqual([
      { line: 1_002, reason: 'import stopped: disk I/O error. The 1000 messages imported before this line are kept; this row and the 1499 rows after it were not imported' },
    ]);
    expect(repos.messages.count()).toBe(1_000);
    expect(events.at(-1)).toEqual(['messagesChanged', { reason: 'import' }]);
  });

  it('labelled rows: a failure while storing precedents leaves the workspace as it was, and the import succeeds when run again', async () => {
    const lines = ['text,category,priority'];
    for (let i = 1; i <= 1_500; i += 1) lines.push(`Locked out of till ${i},login,${i % 2 ? 'high' : 'low'}`);
    const args: ApiArgs<'importMessages'> = { file: { name: 'history.csv', content: lines.join('\n') }, mapping: { text: 'text', labels: { category: 'issue_type', priority: 'urgency' } }, asPrecedents: true };
    const before = workspaceSnapshot(ws);
    // The first chunk's precedents are written, then the store fails: its messages must go with them.
    const restore = failAfter(repos.precedents, 'createMany');
    const failed = await run(args);
    restore();
    expect(failed).toMatchObject({ inserted: 0, skipped: 0, precedents: 0 });
    expect(failed.problems).toEqual([
      {
        line: 2,
        reason: 'import stopped: the precedents of lines 2-1001 could not be stored (injected failure after createMany). The 0 messages imported before this line are kept; this row and the 1499 rows after it were not imported',
      },
    ]);
    expect(workspaceSnapshot(ws)).toEqual(before);
    expect(events.some(([e]) => e === 'messagesChanged')).toBe(false);

    // Run again: nothing is skipped as a duplicate, and every labelled row is a precedent.
    const again = await run(args);
    expect(again).toMatchObject({ inserted: 1_500, skipped: 0, precedents: 1_500, problems: [] });
    expect(repos.precedents.count()).toBe(1_500);
    expect(new Set(repos.precedents.list().map((p) => p.messageId))).toEqual(new Set(repos.messages.ids()));
  });

  it('labelled rows: a failure in the second chunk keeps the first chunk whole (messages with their precedents) and says where it stopped', async () => {
    const lines = ['text,category,priority'];
    for (let i = 1; i <= 1_500; i += 1) lines.push(`Charged twice ${i},billing,high`);
    let calls = 0;
    const createMany = repos.precedents.createMany.bind(repos.precedents);
    repos.precedents.createMany = (rows) => {
      const stored = createMany(rows);
      if (++calls === 2) throw new Error('disk I/O error');
      return stored;
    };
    const result = await run({ file: { name: 'h.csv', content: lines.join('\n') }, mapping: { text: 'text', labels: { category: 'issue_type', priority: 'urgency' } }, asPrecedents: true });
    expect(result).toMatchObject({ inserted: 1_000, precedents: 1_000 });
    expect(result.problems).toEqual([
      { line: 1_002, reason: 'import stopped: the precedents of lines 1002-1501 could not be stored (disk I/O error). The 1000 messages imported before this line are kept; this row and the 499 rows after it were not imported' },
    ]);
    expect(repos.messages.count()).toBe(1_000);
    expect(repos.precedents.count()).toBe(1_000);
    expect(events.at(-1)).toEqual(['messagesChanged', { reason: 'import' }]);
  });

  it('reports progress at most every 250 ms, ending at the total, then messagesChanged', async () => {
    const lines = ['text'];
    for (let i = 1; i <= 10_500; i += 1) lines.push(`progress message ${i}`);
    let t = 0;
    // Every reading of the clock moves it 100 ms: at most one event every third chunk.
    const paced: ImportContext = { ...ctx, now: () => (t += 100) };
    await run({ file: { name: 'p.csv', content: lines.join('\n') } }, paced);
    const progress = events.filter(([e]) => e === 'importProgress').map(([, p]) => p as { processed: number; total: number });
    expect(progress[0]).toEqual({ name: 'p.csv', processed: 0, total: 10_500 });
    expect(progress.at(-1)).toEqual({ name: 'p.csv', processed: 10_500, total: 10_500 });
    expect(progress.length).toBeLessThanOrEqual(6);
    expect(progress.map((p) => p.processed)).toEqual([...progress.map((p) => p.processed)].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual(['messagesChanged', { reason: 'import' }]);
  });

  // The 100,000-row import is timed by `npm run bench`; here, enough rows for many chunks.
  it('imports a 20,000-row CSV across many chunks', async () => {
    const lines = ['id,text,subject,from,date'];
    for (let i = 1; i <= 20_000; i += 1) {
      lines.push(`T-${i},"Hello, my order ${i} has not arrived and the tracking page says ""label created"".",Order ${i},c${i % 977}@example.com,2026-03-01T00:00:00Z`);
    }
    const content = lines.join('\n');
    const result = await run({ file: { name: 'huge.csv', content } });
    expect(result).toMatchObject({ inserted: 20_000, skipped: 0, problems: [] });
    expect(repos.messages.count()).toBe(20_000);
  }, 120_000);

  it('is wired as the backend handlers', async () => {
    const handlers = createImportHandlers(ctx as unknown as BackendContext);
    const p = await handlers.previewImport(parseApiArgs('previewImport', { file: { name: 'a.txt', content: 'hello' } }));
    expect(p).toMatchObject({ format: 'text', totalRows: 1, rows: [{ text: 'hello' }] });
    expect(await handlers.importMessages(parseApiArgs('importMessages', { file: { name: 'a.txt', content: 'hello' } }))).toMatchObject({ inserted: 1 });
  });
});
