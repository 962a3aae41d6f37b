import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExtractor } from '../pipeline/extractor.js';
import { sampleRulebook } from '../rulebook/test-fixtures.js';
import { propertyOptions } from '../testing/property.js';
import { createTraceLog, traceFileName, traceLineOf } from './trace-log.js';
import { TRACE_LINE_VERSION, type TraceLine } from './types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'casebook-trace-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (i: number, extra: Partial<TraceLine> = {}): TraceLine => ({
  v: TRACE_LINE_VERSION,
  time: '2026-12-01T10:00:00.000Z',
  service: 'svc',
  messageId: `m${i}`,
  message: { subject: 'Hello', text: `message number ${i}` },
  output: { issue_type: 'billing', n: i },
  valid: true,
  errors: [],
  rulebook: { id: 'rb', version: 1, hash: 'sha256:' + '0'.repeat(64) },
  provider: 'embedded',
  model: null,
  latencyMs: 1.5,
  cached: false,
  rulesFired: [],
  ...extra,
});

async function readLines(path: string): Promise<TraceLine[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as TraceLine);
}

describe('traceLineOf', () => {
  it('builds a line from an extraction: rulebook, provider, rules fired, message or not', async () => {
    const rb = sampleRulebook();
    const extractor = createExtractor(rb, { provider: { kind: 'embedded' } });
    const message = { id: 'ext-1', subject: 'Locked', text: 'I am locked out again, cannot log in.' };
    const result = await extractor.extract(message);
    const l = traceLineOf(result, message, { service: 'svc', latencyMs: 2.34567, includeText: true, time: new Date('2026-12-01T00:00:00Z') });
    expect(l).toMatchObject({
      v: 1,
      time: '2026-12-01T00:00:00.000Z',
      service: 'svc',
      messageId: 'ext-1',
      message: { subject: 'Locked', text: message.text },
      output: result.output,
      valid: result.valid,
      rulebook: { id: rb.id, version: rb.version, hash: rb.hash },
      provider: 'embedded',
      model: null,
      latencyMs: 2.346,
      cached: false,
    });
    expect(l.rulesFired).toContain('r-lockout');
    expect(l.promptHash).toBe(result.trace.promptHash);
    expect(l.precedents!.map((p) => p.id)).toEqual(result.trace.precedents.map((p) => p.id));
    expect(l.precedents!.length).toBeGreaterThan(0);
    expect(l.precedents!.every((p) => p.score > 0)).toBe(true);
    const hidden = traceLineOf(result, { text: 'x' }, { service: 'svc', messageId: 'given', latencyMs: 1, includeText: false });
    expect(hidden.message).toBeNull();
    expect(hidden.messageId).toBe('given');
  });
});

describe('createTraceLog', () => {
  it('writes one JSON line per write, parsing back as the lines given', async () => {
    const log = createTraceLog({ dir: join(dir, 'nested'), service: 'svc', now: () => new Date('2026-12-01T23:00:00Z') });
    for (let i = 0; i < 5; i++) log.write(line(i));
    await log.close();
    expect(log.files()).toEqual([join(dir, 'nested', 'casebook-trace-2026-12-01.jsonl')]);
    expect(await readLines(log.files()[0]!)).toEqual([0, 1, 2, 3, 4].map((i) => line(i)));
    expect(log.dropped()).toBe(0);
  });

  it('leaves the text out when includeText is false, and fills in the service name', async () => {
    const log = createTraceLog({ dir, service: 'named', includeText: false });
    log.write(line(1, { service: '' }));
    await log.flush();
    const [got] = await readLines(log.files()[0]!);
    expect(got!.message).toBeNull();
    expect(got!.service).toBe('named');
    expect(JSON.stringify(got)).not.toContain('message number');
    await log.close();
  });

  it('write returns before any I/O: nothing is on disk until the writer runs', async () => {
    const log = createTraceLog({ dir: join(dir, 'later'), service: 'svc' });
    log.write(line(1));
    expect(log.files()).toEqual([]);
    await expect(readdir(join(dir, 'later'))).rejects.toThrow(); // not even the folder yet
    await log.flush();
    expect(log.files()).toHaveLength(1);
    await log.close();
  });

  it('rotates by size into .1, .2 ... and never splits a line', async () => {
    const one = JSON.stringify(line(0)).length + 1;
    const log = createTraceLog({ dir, service: 'svc', maxBytes: one * 3, rotate: 'size', now: () => new Date('2026-12-01T10:00:00Z') });
    for (let i = 0; i < 10; i++) log.write(line(i));
    await log.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['casebook-trace-2026-12-01.1.jsonl', 'casebook-trace-2026-12-01.2.jsonl', 'casebook-trace-2026-12-01.3.jsonl', 'casebook-trace-2026-12-01.jsonl']);
    const all: TraceLine[] = [];
    for (const f of log.files()) all.push(...(await readLines(f)));
    expect(all.map((l) => l.messageId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `m${i}`));
  });

  it('rotates by UTC day, and continues the day\'s file after a restart', async () => {
    let t = new Date('2026-12-01T23:59:59.900Z');
    const now = () => t;
    const log = createTraceLog({ dir, service: 'svc', rotate: 'day', maxBytes: 10, now });
    log.write(line(1));
    log.write(line(2)); // maxBytes is ignored with rotate: 'day'
    t = new Date('2026-12-02T00:00:00.100Z');
    log.write(line(3));
    await log.close();
    expect(log.files().map((f) => f.slice(dir.length + 1))).toEqual(['casebook-trace-2026-12-01.jsonl', 'casebook-trace-2026-12-02.jsonl']);
    expect((await readLines(log.files()[0]!)).map((l) => l.messageId)).toEqual(['m1', 'm2']);

    const again = createTraceLog({ dir, service: 'svc', now });
    again.write(line(4));
    await again.close();
    expect((await readLines(join(dir, 'casebook-trace-2026-12-02.jsonl'))).map((l) => l.messageId)).toEqual(['m3', 'm4']);
  });

  it('does not append to a file an earlier run left with half a line', async () => {
    const now = () => new Date('2026-12-01T10:00:00Z');
    await writeFile(join(dir, traceFileName('2026-12-01', 0)), '{"v":1,"cut');
    const log = createTraceLog({ dir, service: 'svc', now });
    log.write(line(1));
    await log.close();
    expect(log.files()).toEqual([join(dir, 'casebook-trace-2026-12-01.1.jsonl')]);
  });

  it('drops and counts lines when the queue is full, without throwing', async () => {
    const log = createTraceLog({ dir, service: 'svc', maxQueue: 3 });
    for (let i = 0; i < 10; i++) expect(() => log.write(line(i))).not.toThrow();
    expect(log.dropped()).toBe(7);
    await log.flush();
    expect((await readLines(log.files()[0]!)).map((l) => l.messageId)).toEqual(['m0', 'm1', 'm2']);
    // room again once written
    log.write(line(10));
    await log.close();
    expect(log.dropped()).toBe(7);
    log.write(line(11)); // after close: dropped, not thrown
    expect(log.dropped()).toBe(8);
  });

  it('counts an unserialisable line as dropped', async () => {
    const log = createTraceLog({ dir, service: 'svc' });
    const bad = line(1, { output: { n: 1n as unknown as number } });
    expect(() => log.write(bad)).not.toThrow();
    expect(log.dropped()).toBe(1);
    await log.close();
  });

  it('reports an I/O error through onError and counts it; writing goes on', async () => {
    const notADir = join(dir, 'file');
    await writeFile(notADir, 'x');
    const errors: Error[] = [];
    const log = createTraceLog({ dir: notADir, service: 'svc', onError: (e) => errors.push(e) });
    log.write(line(1));
    log.write(line(2));
    await log.flush();
    expect(log.errors()).toBe(1);
    expect(log.dropped()).toBe(2);
    expect(errors[0]!.message).toMatch(/could not append 2 lines/);
    expect(() => log.write(line(3))).not.toThrow();
    await log.close();
    expect(log.errors()).toBe(2);
  });

  it('property: any TraceLine round-trips through the file as JSON', async () => {
    const json = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<TraceLine['output'][string]>;
    const arbLine: fc.Arbitrary<TraceLine> = fc.record({
      v: fc.constant(TRACE_LINE_VERSION),
      time: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      service: fc.string({ minLength: 1 }),
      messageId: fc.option(fc.string()),
      message: fc.option(fc.record({ subject: fc.option(fc.string()), text: fc.string({ unit: 'grapheme' }) })),
      output: fc.dictionary(fc.string(), json),
      valid: fc.boolean(),
      errors: fc.array(fc.record({ path: fc.string(), message: fc.string() }), { maxLength: 3 }),
      rulebook: fc.record({ id: fc.string(), version: fc.nat(), hash: fc.string() }),
      provider: fc.string(),
      model: fc.option(fc.string()),
      latencyMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
      cached: fc.boolean(),
      rulesFired: fc.array(fc.string(), { maxLength: 4 }),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbLine, { minLength: 1, maxLength: 8 }), async (lines) => {
        const d = join(dir, `p${n++}`);
        const log = createTraceLog({ dir: d, service: 'svc' });
        for (const l of lines) log.write(l);
        await log.close();
        const back = await readLines(log.files()[0]!);
        // JSON's own rule: -0 reads back as 0, and `__proto__` keys are plain keys both ways
        expect(back).toEqual(JSON.parse(JSON.stringify(lines)));
      }),
      propertyOptions(40),
    );
  });

  it('property: size rotation never splits a line, keeps the order and each file within maxBytes', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 200, unit: 'binary' }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 50, max: 1500 }),
        fc.integer({ min: 1, max: 5 }),
        async (texts, maxBytes, batches) => {
          const d = join(dir, `r${n++}`);
          const log = createTraceLog({ dir: d, service: 'svc', maxBytes, rotate: 'both', now: () => new Date('2026-12-01T10:00:00Z') });
          const per = Math.ceil(texts.length / batches);
          for (let i = 0; i < texts.length; i++) {
            log.write(line(i, { message: { subject: null, text: texts[i]! } }));
            if ((i + 1) % per === 0) await log.flush();
          }
          await log.close();
          const back: TraceLine[] = [];
          for (const f of log.files()) {
            const buf = await readFile(f);
            const lines = await readLines(f);
            if (lines.length > 1) expect(buf.length).toBeLessThanOrEqual(maxBytes);
            back.push(...lines);
          }
          expect(back.map((l) => l.message?.text)).toEqual(texts.map((t) => JSON.parse(JSON.stringify(t)) as string));
        },
      ),
      propertyOptions(40),
    );
  });
});
