// Rows nested thousands of levels deep (issue 7): each is a bad row with its line number, the rest
// of the file imports, and nothing recursive downstream (stringify, validation, storage) sees them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseApiArgs, type ApiArgs } from '../../../shared/src/api/index.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { MAX_JSON_DEPTH } from '../../../shared/src/json/depth.js';
import type { Repositories } from '../../services/workspace/index.js';
import type { TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { importMessages, type ImportContext } from './importer.js';
import { parseJsonl } from './jsonl.js';
import { importWorkspace } from './test-helpers.js';

/** `{"k":"filler","n":{"k":...}}` nested `depth` levels: about 22 characters a level. */
function deepObject(depth: number, leaf = '1'): string {
  return '{"k":"nested-filler","n":'.repeat(depth) + leaf + '}'.repeat(depth);
}
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const schema: ExtractionSchema = {
  fields: [
    { name: 'tags', type: 'string_list', nullable: true },
    { name: 'urgency', type: 'enum', nullable: false, values: [{ value: 'low' }, { value: 'high' }] },
  ],
};

let temp: TempWorkspaces;
let repos: Repositories;
let ctx: ImportContext;
beforeEach(() => {
  ({ temp, repos, ctx } = importWorkspace({ id: 'rb_nest', name: 'Nesting', schema }));
});
afterEach(() => temp.cleanup());

const run = (args: ApiArgs<'importMessages'>) => importMessages(ctx, parseApiArgs('importMessages', args));
const texts = () => repos.messages.page({ order: 'oldest', limit: 500 }).items.map((m) => m.preview).sort();

describe('deeply nested rows', () => {
  it('a JSONL line nested 2,200 levels (40 KB) is a bad row at its line; the good rows import', async () => {
    const deep = `{"text":"deep one","extra":${deepObject(2_200)}}`;
    expect(deep.length).toBeGreaterThan(40_000);
    const content = ['{"text":"good before"}', deep, `{"text":"deep array","extra":${deepArray(20_000)}}`, '{"text":"good after"}', ''].join('\n');
    const result = await run({ file: { name: 'probe.jsonl', content } });
    expect(result.inserted).toBe(2);
    expect(result.problems).toEqual([
      { line: 2, reason: `nested too deeply: more than ${MAX_JSON_DEPTH} levels of arrays and objects (from column 1,603)` },
      { line: 3, reason: `nested too deeply: more than ${MAX_JSON_DEPTH} levels of arrays and objects (from column 93)` },
    ]);
    expect(texts()).toEqual(['good after', 'good before']);
  });

  it('nesting up to the limit is kept with the message', () => {
    const ok = parseJsonl(`{"text":"just deep enough","extra":${deepArray(MAX_JSON_DEPTH - 1)}}`);
    expect(ok.problems).toEqual([]);
    expect(ok.rows).toHaveLength(1);
    const over = parseJsonl(`{"text":"fine"}\n{"text":"one too deep","extra":${deepArray(MAX_JSON_DEPTH)}}`);
    expect(over.rows.map((r) => r.text)).toEqual(['fine']);
    expect(over.problems).toEqual([{ line: 2, reason: expect.stringMatching(/^nested too deeply/) }]);
  });

  it('a JSON array file with one deep record: that record is bad, by its number', async () => {
    const content = `[{"text":"first record"},{"text":"second","extra":${deepArray(20_000)}},{"text":"third record"}]`;
    const result = await run({ file: { name: 'records.json', content } });
    expect(result.inserted).toBe(2);
    // The pointer to where it gets too deep, cut short.
    expect(result.problems).toEqual([{ line: 2, reason: `nested too deeply: more than ${MAX_JSON_DEPTH} levels of arrays and objects (at /extra${'/0'.repeat(27)}…)` }]);
    expect(texts()).toEqual(['first record', 'third record']);
  });

  it('labelled history: a label nested thousands of levels is a label problem, the messages import', async () => {
    const jsonl = [
      '{"text":"Tagged right","output":{"tags":["login"],"urgency":"low"}}',
      `{"text":"Tagged deep","output":{"tags":${deepArray(20_000)},"urgency":"low"}}`,
    ].join('\n');
    const fromJsonl = await run({ file: { name: 'history.jsonl', content: jsonl }, asPrecedents: true });
    expect(fromJsonl).toMatchObject({ inserted: 1, precedents: 1 });
    expect(fromJsonl.problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([[2, 'nested too deeply']]);

    // A CSV cell is text, but a string_list cell that looks like JSON is read as JSON.
    const csv = ['text,tags,urgency', 'Cell right,"[""a""]",high', `Cell deep,${deepArray(20_000)},high`, ''].join('\n');
    const fromCsv = await run({ file: { name: 'history.csv', content: csv }, mapping: { text: 'text', labels: { tags: 'tags', urgency: 'urgency' } }, asPrecedents: true });
    expect(fromCsv).toMatchObject({ inserted: 2, precedents: 1 });
    expect(fromCsv.problems).toEqual([{ line: 3, reason: expect.stringMatching(/^labels not valid for the schema: tags: .*imported as a message only, not as a precedent$/) }]);
    expect(repos.precedents.list().map((p) => p.message.text).sort()).toEqual(['Cell right', 'Tagged right']);
  });
});

describe('deeply nested mail', () => {
  it('an mbox message nested 2,000 MIME parts deep is a bad row at its line; the others import', async () => {
    let body = 'Deep inside.\n';
    for (let i = 2_000; i >= 1; i -= 1) body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}--b${i}--\n`;
    const mbox = [
      'From a@example.com Tue Mar  3 09:00:00 2026',
      'From: a@example.com',
      'Subject: Fine',
      '',
      'A fine message.',
      '',
      'From b@example.com Tue Mar  3 10:00:00 2026',
      'From: b@example.com',
      'Subject: Nested',
      body,
      'From c@example.com Tue Mar  3 11:00:00 2026',
      'From: c@example.com',
      'Subject: Also fine',
      '',
      'Another fine message.',
      '',
    ].join('\n');
    const result = await run({ file: { name: 'nested.mbox', content: mbox } });
    expect(result.inserted).toBe(2);
    expect(result.problems).toEqual([{ line: 7, reason: expect.stringMatching(/^message 2: not a readable email: .*nesting depth/) }]);
    expect(texts()).toEqual(['A fine message.', 'Another fine message.']);
  });
});
