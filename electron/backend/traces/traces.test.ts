// Production traces (issue 12) over the real backend: the runtime's own trace log, the minimal
// JSONL and CSV formats, bad lines listed with their numbers, charts equal to counts made by hand,
// the traces behind a bar, one trace with its workspace message, and a watched folder.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTraceLog, traceLineOf } from '../../../shared/src/service/trace-log.js';
import type { ApiArgs, ApiMethod, ApiResults } from '../../../shared/src/api/index.js';
import { call, demoRows, demoWorkspaces, openContext, tempFolder, type ContextHarness, type DemoWorkspaces, type TempFolder } from '../test-support.js';
import { fieldKinds } from '../../services/workspace/traceStore.js';
import { closeTraceHandlers, createTraceHandlers, traceImporter, type TraceHandlers } from './handlers.js';
import { readContext, traceRowOfLine } from './import.js';

let demo: DemoWorkspaces;
let files: TempFolder;
beforeAll(async () => {
  demo = await demoWorkspaces('casebook-traces-');
  files = tempFolder('casebook-trace-files-');
}, 120_000);
afterAll(() => {
  demo?.cleanup();
  files?.cleanup();
});

let open: { h: ContextHarness; handlers: TraceHandlers }[] = [];
afterEach(() => {
  for (const { h } of open) {
    closeTraceHandlers(h.ctx);
    h.close();
  }
  open = [];
});

function backend(pollMs = 50) {
  const h = openContext(demo.copy());
  const handlers = createTraceHandlers(h.ctx, { pollMs });
  open.push({ h, handlers });
  const api = <M extends ApiMethod & keyof TraceHandlers>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]> => call(handlers, method, args);
  return { h, api };
}

const jsonl = (lines: readonly unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

describe('importing traces', () => {
  it("imports the runtime's own trace log, with rules fired, precedents and the workspace message each is about", async () => {
    const { h, api } = backend();
    const dir = join(files.dir, 'runtime-log');
    const log = createTraceLog({ dir, service: 'support-triage', now: () => new Date('2026-03-02T10:00:00Z') });
    const extractor = h.ctx.extraction.current();
    const rows = demoRows.slice(0, 6);
    const lines = [];
    for (const [i, row] of rows.entries()) {
      const message = { id: row.id, text: row.text, subject: row.subject };
      const result = await extractor.extract(message);
      const line = traceLineOf(result, message, { service: 'support-triage', latencyMs: 10 + i, includeText: true, time: new Date(Date.UTC(2026, 2, 2, 10, i)) });
      lines.push(line);
      log.write(line);
    }
    await log.close();
    const [name] = readdirSync(dir);
    expect(name).toBe('casebook-trace-2026-03-02.jsonl');
    const content = readFileSync(join(dir, name!), 'utf8');

    const result = await api('importTraces', { file: { name: name!, content } });
    expect(result).toMatchObject({ source: name, format: 'casebook-trace', imported: 6, duplicates: 0, badCount: 0, bad: [] });
    expect(result.from).toBe('2026-03-02T10:00:00.000Z');
    expect(result.to).toBe('2026-03-02T10:05:00.000Z');
    expect(h.opts.events.some(([e, p]) => e === 'driftChanged' && (p as { kind: string }).kind === 'traces')).toBe(true);

    // Again: every line is a duplicate.
    expect(await api('importTraces', { file: { name: name!, content } })).toMatchObject({ imported: 0, duplicates: 6 });

    const page = await api('listTraces', {});
    expect(page.matching).toBe(6);
    expect(page.items.map((t) => t.time)).toEqual(lines.map((l) => l.time).reverse());
    const newest = page.items[0]!;
    const detail = await api('getTrace', { seq: newest.seq });
    const line = lines[5]!;
    expect(detail).toMatchObject({
      text: line.message!.text,
      subject: line.message!.subject,
      output: line.output,
      valid: line.valid,
      errors: line.errors,
      rulebook: line.rulebook,
      provider: 'embedded',
      latencyMs: 15,
      rulesFired: line.rulesFired,
      precedents: line.precedents,
      service: 'support-triage',
      version: line.rulebook.version,
      // The demo message with the same text (received at another time).
      messageId: expect.stringMatching(/^m_/),
    });
    expect(h.ctx.repos.messages.get(detail.messageId!)?.text).toBe(rows[5]!.text);

    await expect(api('getTrace', { seq: 999_999 })).rejects.toMatchObject({ failure: { code: 'not_found' } });
  }, 60_000);

  it('imports the minimal JSONL format and CSV (an output column, or a column per key)', async () => {
    const { api } = backend();
    const minimal = jsonl([
      { text: 'My card reader is offline', output: { issue_type: 'bug', urgency: 'high' }, time: '2026-03-02T09:00:00Z', version: 3, model: 'gpt-x', id: 'a1' },
      { message: 'Refund please', subject: 'Refund', output: { issue_type: 'billing', priority: 'low' }, time: '2026-03-02 09:30' },
    ]);
    const m = await api('importTraces', { file: { name: 'other.jsonl', content: minimal } });
    expect(m).toMatchObject({ format: 'minimal-jsonl', imported: 2, badCount: 0, from: '2026-03-02T09:00:00.000Z', to: '2026-03-02T09:30:00.000Z' });
    const page = await api('listTraces', { source: 'other.jsonl' });
    expect(page.items.map((t) => [t.excerpt, t.version, t.model, t.unknownKeys])).toEqual([
      ['Refund please', null, null, ['priority']],
      ['My card reader is offline', 3, 'gpt-x', []],
    ]);
    // Without `valid`, checked against the draft's schema: these lack required fields.
    expect(page.items.every((t) => t.valid === false)).toBe(true);

    const csv = 'text,time,issue_type,urgency,priority,version,model\n"Printer, broken",2026-03-03T08:00:00Z,bug,high,,4,gpt-y\nInvoice wrong,2026-03-03T09:00:00Z,billing,,medium,4,gpt-y\n';
    const c = await api('importTraces', { file: { name: 'traces.csv', content: csv } });
    expect(c).toMatchObject({ format: 'csv', imported: 2, badCount: 0 });
    const csvPage = await api('listTraces', { source: 'traces.csv' });
    expect(csvPage.items.map((t) => t.output)).toEqual([
      { issue_type: 'billing', urgency: null, priority: 'medium' },
      { issue_type: 'bug', urgency: 'high' },
    ]);
    expect(csvPage.items.map((t) => t.model)).toEqual(['gpt-y', 'gpt-y']);

    const withOutput = 'message,output,time\nHello,"{""issue_type"":""other""}",2026-03-04T00:00:00Z\nBroken,"{not json",2026-03-04T00:00:00Z\n';
    const o = await api('importTraces', { file: { name: 'out.csv', content: withOutput } });
    expect(o).toMatchObject({ imported: 1, badCount: 1, bad: [{ line: 3, message: '"output" is not JSON' }] });
  });

  it('imports every good line of a broken file and lists the others with their line numbers', async () => {
    const { api } = backend();
    const good = { v: 1, time: '2026-03-02T10:00:00Z', service: 's', messageId: 'g1', message: { subject: null, text: 'ok' }, output: { issue_type: 'bug' }, valid: true, errors: [], rulebook: { id: 'r', version: 2, hash: 'sha256:x' }, provider: 'openai', model: 'm', latencyMs: 5, cached: false, rulesFired: [] };
    const content = jsonl([
      good,
      '{"v":1, "time": ',
      { ...good, v: 2, messageId: 'g2' },
      { ...good, messageId: 'g3', output: undefined },
      '',
      { ...good, messageId: 'g4', time: 'yesterday' },
      { output: { issue_type: 'bug' }, time: '2026-03-02T10:00:00Z' },
      '[1,2]',
      { ...good, messageId: 'g5', time: '2026-03-02T11:00:00Z' },
      { ...good, messageId: 'g6', rulebook: undefined },
    ]);
    const result = await api('importTraces', { file: { name: 'broken.jsonl', content } });
    expect(result.imported).toBe(2);
    expect(result.badCount).toBe(7);
    expect(result.bad.map((b) => b.line)).toEqual([2, 3, 4, 6, 7, 8, 10]);
    const why = Object.fromEntries(result.bad.map((b) => [b.line, b.message]));
    expect(why[2]).toMatch(/^not JSON/);
    expect(why[3]).toBe('unknown trace format version 2 (this Casebook reads version 1)');
    expect(why[4]).toBe('missing "output"');
    expect(why[6]).toMatch(/^bad time "yesterday"/);
    expect(why[7]).toBe('missing "text" (or "message")');
    expect(why[8]).toBe('not a JSON object');
    expect(why[10]).toBe('missing "rulebook"');
  });
});

// 14 days from Monday 2 March 2026, 10 traces a day. Week 1: bug 6, billing 4, all with urgency.
// Week 2: bug 3, billing 4, and 3 that are `account` with `priority` instead of `urgency` (invalid).
function crafted(): { lines: object[]; shifted: string[] } {
  const lines: object[] = [];
  const shifted: string[] = [];
  for (let day = 0; day < 14; day += 1) {
    for (let i = 0; i < 10; i += 1) {
      const time = new Date(Date.UTC(2026, 2, 2 + day, i * 2, 15)).toISOString();
      const id = `d${day}-${i}`;
      const week2 = day >= 7;
      let output: Record<string, unknown>;
      if (!week2) output = { issue_type: i < 6 ? 'bug' : 'billing', urgency: 'low' };
      else if (i < 3) output = { issue_type: 'bug', urgency: 'high' };
      else if (i < 7) output = { issue_type: 'billing', urgency: 'low' };
      else {
        output = { issue_type: 'account', priority: 'high' };
        shifted.push(id);
      }
      const valid = !('priority' in output);
      lines.push({ id, text: `message ${id}`, output, time, valid, version: week2 ? 2 : 1, model: week2 ? 'model-b' : 'model-a' });
    }
  }
  return { lines, shifted };
}

describe('charts and the traces behind them', () => {
  it('counts per week and day equal the counts made by hand; a bar lists exactly its traces', async () => {
    const { api } = backend();
    const { lines, shifted } = crafted();
    expect((await api('importTraces', { file: { name: 'crafted.jsonl', content: jsonl(lines) } })).imported).toBe(140);

    const weekly = await api('traceChart', { metric: 'field', field: 'issue_type', bucket: 'week' });
    expect(weekly.buckets).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(weekly.totals).toEqual([70, 70]);
    const series = Object.fromEntries(weekly.series.map((s) => [s.key, s.points.map((p) => p.count)]));
    expect(series).toEqual({ '"bug"': [42, 21], '"billing"': [28, 28], '"account"': [0, 21] });
    expect(weekly.series.find((s) => s.key === '"account"')!.value).toBe('account');
    expect(weekly.series.find((s) => s.key === '"account"')!.points[1]!.share).toBeCloseTo(0.3);

    const unknown = await api('traceChart', { metric: 'unknown_keys', bucket: 'week' });
    expect(unknown.series.map((s) => [s.key, s.points.map((p) => p.count)])).toEqual([['priority', [0, 21]]]);
    const invalid = await api('traceChart', { metric: 'invalid', bucket: 'week' });
    expect(invalid.series.map((s) => [s.key, s.value, s.points.map((p) => p.count)])).toEqual([
      ['valid', true, [70, 49]],
      ['invalid', false, [0, 21]],
    ]);
    const versions = await api('traceChart', { metric: 'version', bucket: 'week' });
    expect(Object.fromEntries(versions.series.map((s) => [s.key, s.points.map((p) => p.count)]))).toEqual({ '1': [70, 0], '2': [0, 70] });
    const models = await api('traceChart', { metric: 'model', bucket: 'day' });
    expect(models.buckets).toHaveLength(14);
    expect(models.series.find((s) => s.key === 'model-b')!.points.map((p) => p.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10]);
    // urgency: a draft field missing from an output counts as null.
    const urgency = await api('traceChart', { metric: 'field', field: 'urgency', bucket: 'week', from: '2026-03-09T00:00:00Z' });
    expect(urgency.buckets).toEqual(['2026-03-09T00:00:00.000Z']);
    expect(Object.fromEntries(urgency.series.map((s) => [s.key, s.points[0]!.count]))).toEqual({ '"high"': 21, '"low"': 28, null: 21 } as never);
    const hourly = await api('traceChart', { metric: 'field', field: 'issue_type', bucket: 'hour', from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' });
    expect(hourly.totals.reduce((a, b) => a + b, 0)).toBe(10);

    // The later week's bar of priority: exactly the shifted traces, newest first, paged.
    const week2 = { from: '2026-03-09T00:00:00Z', to: '2026-03-16T00:00:00Z' };
    const first = await api('listTraces', { ...week2, unknownKey: 'priority', limit: 15 });
    expect(first.matching).toBe(21);
    expect(first.nextCursor).not.toBeNull();
    const rest = await api('listTraces', { ...week2, unknownKey: 'priority', limit: 15, cursor: first.nextCursor });
    expect(rest.nextCursor).toBeNull();
    const listed = [...first.items, ...rest.items];
    expect(listed.map((t) => t.excerpt!.replace('message ', '')).sort()).toEqual([...shifted].sort());
    const times = listed.map((t) => t.time);
    expect(times).toEqual([...times].sort().reverse());

    const account = await api('listTraces', { ...week2, field: 'issue_type', value: 'account', limit: 500 });
    expect(account.matching).toBe(21);
    expect(account.items.every((t) => t.unknownKeys.includes('priority'))).toBe(true);
    // A window not on whole hours is counted from the traces.
    const partial = await api('listTraces', { from: '2026-03-09T00:30:00Z', to: '2026-03-10T00:00:00Z', field: 'issue_type', value: 'account' });
    expect(partial.matching).toBe(3);
    expect((await api('listTraces', { valid: false })).matching).toBe(21);
    expect((await api('listTraces', { version: 1 })).matching).toBe(70);
    expect((await api('listTraces', { model: 'model-b', field: 'issue_type', value: 'bug' })).matching).toBe(21);
    expect((await api('listTraces', { field: 'urgency', value: null })).matching).toBe(21);
  });

  it('charts latency percentiles from the histogram', async () => {
    const { api } = backend();
    const base = { v: 1, service: 's', message: null, output: { issue_type: 'bug' }, valid: true, errors: [], rulebook: { id: 'r', version: 1, hash: 'h' }, provider: 'openai', model: 'm', cached: false, rulesFired: [] };
    const lines = Array.from({ length: 100 }, (_, i) => ({ ...base, messageId: `l${i}`, time: new Date(Date.UTC(2026, 2, 2, 1, 0, i)).toISOString(), latencyMs: i + 1 }));
    await api('importTraces', { file: { name: 'lat.jsonl', content: jsonl(lines) } });
    const chart = await api('traceChart', { metric: 'latency', bucket: 'day' });
    const { p50, p95 } = chart.latency![0]!;
    expect(p50! / 50).toBeGreaterThan(0.95);
    expect(p50! / 50).toBeLessThan(1.05);
    expect(p95! / 95).toBeGreaterThan(0.95);
    expect(p95! / 95).toBeLessThan(1.05);
  });

  it('lists the unknown keys stored at import that the output does not hold, except draft fields', async () => {
    const { h, api } = backend();
    const schema = h.ctx.extraction.current().rulebook.schema;
    // As a runtime line is read whose output lost `priority` (dropped by the runtime as outside its schema).
    const row = traceRowOfLine(JSON.stringify({ text: 'Refund please', output: { issue_type: 'billing' }, time: '2026-03-02T09:00:00Z', id: 'k1' }), readContext('keys.jsonl', schema));
    if (typeof row === 'string') throw new Error(row);
    h.ctx.repos.traces.store.insertBatch([{ ...row, unknownKeys: ['priority', 'issue_type'] }], fieldKinds(schema));
    const page = await api('listTraces', { source: 'keys.jsonl' });
    expect(page.items.map((t) => t.unknownKeys)).toEqual([['priority']]);
    expect((await api('getTrace', { seq: page.items[0]!.seq })).unknownKeys).toEqual(['priority']);
  });

  it('counts and lists a key the runtime dropped from its output (named only in its errors) as an unknown key', async () => {
    const { api } = backend();
    const base = { v: 1, service: 's', message: { text: 'Refund please' }, valid: false, rulebook: { id: 'r', version: 1, hash: 'h' }, provider: 'openai', model: 'm', cached: false, rulesFired: [], latencyMs: 5 };
    // What the pipeline writes when the model answers `priority` under a schema without it.
    const dropped = { path: '/priority', message: 'is not a field of the schema; dropped' };
    const lines = [
      { ...base, messageId: 'd1', time: '2026-03-02T09:00:00Z', output: { issue_type: 'billing' }, errors: [dropped, { path: '/urgency', message: 'is required' }] },
      { ...base, messageId: 'd2', time: '2026-03-02T10:00:00Z', output: { issue_type: 'bug' }, errors: [dropped] },
      // Another error on a field of the schema names no unknown key.
      { ...base, messageId: 'd3', time: '2026-03-02T11:00:00Z', output: { issue_type: 'bug' }, errors: [{ path: '/urgency', message: 'is not a field of the schema; dropped' }] },
      { ...base, messageId: 'd4', time: '2026-03-02T12:00:00Z', output: { issue_type: 'bug' }, valid: true, errors: [] },
    ];
    expect((await api('importTraces', { file: { name: 'dropped.jsonl', content: jsonl(lines) } })).imported).toBe(4);
    const chart = await api('traceChart', { metric: 'unknown_keys', bucket: 'day' });
    expect(chart.series.map((s) => [s.key, s.points.map((p) => p.count)])).toEqual([['priority', [2]]]);
    const page = await api('listTraces', { unknownKey: 'priority' });
    expect(page.matching).toBe(2);
    expect(page.items.map((t) => t.unknownKeys)).toEqual([['priority'], ['priority']]);
  });

  it("charts the workspace's own runs the same way", async () => {
    const { h, api } = backend();
    const chart = await api('traceChart', { origin: 'runs', metric: 'field', field: 'issue_type', bucket: 'day' });
    const extractions = h.ws.db.prepare('SELECT count(*) FROM extractions').pluck().get() as number;
    expect(chart.totals.reduce((a, b) => a + b, 0)).toBe(extractions);
    const bug = chart.series.find((s) => s.key === '"bug"')!;
    const bugs = h.ws.db.prepare("SELECT count(*) FROM extractions WHERE output ->> '$.issue_type' = 'bug'").pluck().get() as number;
    expect(bug.points.reduce((a, p) => a + p.count, 0)).toBe(bugs);
    const page = await api('listTraces', { origin: 'runs', field: 'issue_type', value: 'bug', limit: 5 });
    expect(page.matching).toBe(bugs);
    expect(page.items).toHaveLength(Math.min(5, bugs));
  });
});

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a large file', () => {
  it('is imported on worker threads by default, as the same rows a small one gives, with progress on the way', async () => {
    const { api, h } = backend();
    const lines: string[] = [];
    for (let i = 0; i < 4_000; i += 1) {
      lines.push(
        JSON.stringify({
          v: 1,
          time: new Date(Date.UTC(2026, 2, 2) + i * 60_000).toISOString(),
          service: 's',
          messageId: `req-${i}`,
          message: { subject: null, text: `message ${i}: ${'the card reader is offline again '.repeat(8)}` },
          output: { issue_type: i % 2 ? 'bug' : 'billing' },
          valid: true,
          errors: [],
          rulebook: { id: 'r', version: 1, hash: 'h' },
          provider: 'embedded',
          model: null,
          latencyMs: 1,
          cached: false,
          rulesFired: [],
        }),
      );
    }
    const content = lines.join('\n') + '\n';
    expect(content.length).toBeGreaterThan(1_000_000);
    const result = await api('importTraces', { file: { name: 'big.jsonl', content } });
    expect(result).toMatchObject({ imported: 4_000, duplicates: 0, badCount: 0, from: '2026-03-02T00:00:00.000Z' });
    // Workers by default wherever there is a second core (this project's machines have two).
    expect(traceImporter(h.ctx)?.imported.worker).toBe(availableParallelism() >= 2 ? 1 : 0);
    expect(h.opts.events.some(([e, p]) => e === 'driftChanged' && (p as { status: string }).status === 'running')).toBe(true);
    const chart = await api('traceChart', { metric: 'field', field: 'issue_type', bucket: 'week' });
    const total = (key: string) => chart.series.find((s) => s.key === key)?.points.reduce((n, p) => n + p.count, 0);
    expect([total('"bug"'), total('"billing"')]).toEqual([2_000, 2_000]);
  });
});

describe('a watched folder', () => {
  it('imports appended lines and new files, and waits for a half-written line', async () => {
    const { api, h } = backend(50);
    const dir = join(files.dir, 'watched');
    mkdirSync(dir);
    const line = (id: string, minute: number) =>
      JSON.stringify({ v: 1, time: new Date(Date.UTC(2026, 2, 2, 10, minute)).toISOString(), service: 's', messageId: id, message: { subject: null, text: `t ${id}` }, output: { issue_type: 'bug' }, valid: true, errors: [], rulebook: { id: 'r', version: 1, hash: 'h' }, provider: 'embedded', model: null, latencyMs: 1, cached: false, rulesFired: [] });
    const first = join(dir, 'casebook-trace-2026-03-02.jsonl');
    const half = line('c', 3);
    writeFileSync(first, `${line('a', 1)}\n${line('b', 2)}\n${half.slice(0, 40)}`);
    writeFileSync(join(dir, 'notes.txt'), 'not a trace file\n');

    const state = await api('watchTraceFolder', { path: dir });
    expect(state).toMatchObject({ path: dir, imported: 2, lastError: null, files: [{ name: 'casebook-trace-2026-03-02.jsonl', lines: 2, bad: 0 }] });

    appendFileSync(first, `${half.slice(40)}\n${line('d', 4)}\nnot json\n`);
    await until(async () => (await api('getTraceWatch', {})).imported === 4);
    expect((await api('getTraceWatch', {})).files).toEqual([{ name: 'casebook-trace-2026-03-02.jsonl', lines: 5, bad: 1 }]);

    writeFileSync(join(dir, 'casebook-trace-2026-03-02.1.jsonl'), `${line('e', 5)}\n`);
    await until(async () => (await api('getTraceWatch', {})).imported === 5);
    expect((await api('listTraces', {})).items.map((t) => t.excerpt)).toEqual(['t e', 't d', 't c', 't b', 't a']);
    expect(h.opts.events.filter(([e]) => e === 'driftChanged').length).toBeGreaterThan(0);

    // Stopping: nothing more is read.
    expect(await api('watchTraceFolder', { path: null })).toMatchObject({ path: null });
    await expect(api('watchTraceFolder', { path: join(dir, 'missing') })).rejects.toMatchObject({ failure: { code: 'bad_request' } });
  });
});
