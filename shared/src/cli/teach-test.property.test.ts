// The property of issue 11: `casebook test` passes on every rulebook that `casebook teach` writes,
// with the embedded provider. fast-check (fixed seed) makes small example sets for a small schema:
// texts from a pool of support sentences and random words, outputs that conform to the schema,
// duplicate texts with different outputs, texts that differ only in whitespace or case, subjects
// and senders that come and go. Each set is taught with the CLI's own `teach` (in process, on temp
// files) onto a new rulebook, then once more onto the result, and every precedent of each written
// rulebook is replayed as `casebook test` replays it (replayPrecedents, the embedded provider).
// At the end, one round trip through the built bin: new, teach, test, exit 0.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Extraction, RulebookArtifact } from '../domain.js';
import { createRulebook, loadRulebook, serializeRulebook } from '../rulebook/index.js';
import { replayPrecedents } from '../rulebook/replay.js';
import { parseSchemaSpec } from '../schema/spec.js';
import { propertyOptions } from '../testing/property.js';
import { run as teach } from './cmd-teach.js';
import { CliError } from './io.js';

const SCHEMA_SPEC = {
  fields: [
    { name: 'name', type: 'string', description: "The customer's name" },
    { name: 'issue_type', type: 'enum', nullable: false, values: ['account', 'billing', 'bug', 'other'] },
    { name: 'urgent', type: 'boolean', nullable: false },
    { name: 'product', type: 'enum', values: ['reader', 'app', 'web'] },
  ],
};

const SENTENCES = [
  'I was charged twice for my subscription this month.',
  'Locked out of my account after the password reset.',
  'The export button crashes the app every time. - Priya',
  "It's me again. Still locked out. Billing said it wasn't them.",
  'Can you add dark mode to the dashboard?',
  'My card reader will not pair with the iPad.',
  'Refund please, the invoice is wrong.',
  'Hi, I am Marcus and the sync keeps failing since Monday.',
  'Where is my order #48213? It has been two weeks.',
  'The receipt printer prints blank pages.',
  'Please cancel my plan at the end of the month.',
  'Two-factor codes never arrive by SMS.',
];
const WORDS = ['refund', 'login', 'crash', 'urgent', 'invoice', 'reader', 'sync', 'please', 'thanks', 'again', 'broken', 'Tuesday', 'café', 'naïve'];
const NAMES = [null, 'Priya', 'Marcus Hale', 'Jo', 'Ana María'];
const SUBJECTS = ['Help', 'Billing question', 'Re: locked out'];
const SENDERS = ['Priya Raman <priya@example.com>', 'marcus@example.com', 'Jo'];
const CONTEXTS = [['Earlier: my reader is offline.'], ['Earlier: I was refunded last week.', 'Agent: we are looking into it.']];

/** A message text: a pool sentence, random words, or both. */
const baseText = fc.oneof(
  fc.constantFrom(...SENTENCES),
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => w.join(' ')),
  fc.tuple(fc.constantFrom(...SENTENCES), fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 })).map(([s, w]) => `${s} ${w.join(' ')}`),
);

/** The same text, perhaps with other whitespace or case (which the pipeline's normalisation may or may not fold). */
const variant = (text: string) =>
  fc.constantFrom<(t: string) => string>(
    (t) => t,
    (t) => `  ${t}\n`,
    (t) => t.replace(/ /g, '  '),
    (t) => t.replace(/ /, '\n'),
    (t) => t.replace(/ /, '\t'),
    (t) => t.replace(/ /, '\n\n\n'),
    (t) => t.replace(/ /, ' \u200B'),
    (t) => t.replace(/\n/g, '\r\n'),
    (t) => t.toLowerCase(),
    (t) => t.toUpperCase(),
  ).map((f) => f(text));

const output = fc.record({
  name: fc.constantFrom(...NAMES),
  issue_type: fc.constantFrom('account', 'billing', 'bug', 'other'),
  urgent: fc.boolean(),
  product: fc.constantFrom(null, 'reader', 'app', 'web'),
});

interface Example {
  text: string;
  output: Extraction;
  subject?: string;
  sender?: string;
  context?: string[];
  note?: string;
}

/** One example line, perhaps with a subject and a sender. */
const example = (text: fc.Arbitrary<string>): fc.Arbitrary<Example> =>
  fc.record(
    { text, output, subject: fc.constantFrom(...SUBJECTS), sender: fc.constantFrom(...SENDERS), context: fc.constantFrom(...CONTEXTS), note: fc.constant('taught by the property') },
    { requiredKeys: ['text', 'output'] },
  );

/**
 * A set of examples: some fresh texts, then copies of earlier ones with another output, and
 * variants of earlier ones (whitespace, case), shuffled.
 */
const exampleSet: fc.Arbitrary<Example[]> = fc
  .array(example(baseText), { minLength: 1, maxLength: 8 })
  .chain((fresh) =>
    fc
      .tuple(
        fc.constant(fresh),
        fc.array(fc.nat(fresh.length - 1).chain((i) => example(fc.constant(fresh[i]!.text))), { maxLength: 4 }),
        fc.array(fc.nat(fresh.length - 1).chain((i) => example(variant(fresh[i]!.text))), { maxLength: 4 }),
      )
      .map(([a, b, c]) => [...a, ...b, ...c]),
  )
  .chain((all) => fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'casebook-teach-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A new rulebook (what `casebook new` writes for the schema); its path. */
function newRulebook(): string {
  const path = join(dir, `rb-${++n}.json`);
  writeFileSync(path, serializeRulebook(createRulebook({ id: 'support', name: 'Support', schema: parseSchemaSpec(SCHEMA_SPEC, 'schema.json') })));
  return path;
}

/** `casebook teach` in process; the rulebook it wrote, or the CliError it refused with. */
async function teachFile(rulebook: string, examples: Example[], extra: string[] = []): Promise<{ rulebook: RulebookArtifact; out: string; stderr: string } | CliError> {
  const file = join(dir, `ex-${++n}.jsonl`);
  const out = join(dir, `rb-${++n}.json`);
  writeFileSync(file, jsonl(examples));
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await teach(['--rulebook', rulebook, '--examples', file, '--out', out, '--author', 'property', ...extra]);
    expect(code).toBe(0);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  } finally {
    spy.mockRestore();
  }
  return { rulebook: await loadRulebook(out), out, stderr };
}

/** What `casebook test` finds: the failing precedents with their differences. */
async function failures(rulebook: RulebookArtifact) {
  const summary = await replayPrecedents(rulebook, { provider: { kind: 'embedded' }, sliceMs: 1000 });
  expect(summary.total).toBe(rulebook.precedents.length);
  return summary.results
    .filter((r) => !r.pass)
    .map((r) => ({ ...r, precedent: rulebook.precedents.find((p) => p.id === r.id)!.message }));
}

describe('casebook test on what casebook teach writes (embedded provider)', () => {
  it('passes every precedent, after one teach and after a second teach onto the result', async () => {
    await fc.assert(
      fc.asyncProperty(exampleSet, exampleSet, async (first, second) => {
        const once = await teachFile(newRulebook(), first);
        if (once instanceof CliError) throw once;
        expect(await failures(once.rulebook)).toEqual([]);
        const twice = await teachFile(once.out, second);
        if (twice instanceof CliError) throw twice;
        expect(await failures(twice.rulebook)).toEqual([]);
      }),
      propertyOptions(40),
    );
  }, 60_000);

  it('keeps two precedents that share a text but not a subject or sender, and each replays its own output', async () => {
    const text = 'I was charged twice for my subscription this month.';
    const taught = await teachFile(newRulebook(), [
      { text, subject: 'Help', sender: 'Priya Raman <priya@example.com>', output: { name: null, issue_type: 'account', urgent: false, product: 'reader' } },
      { text, subject: 'Help', output: { name: null, issue_type: 'billing', urgent: true, product: null } },
      { text, output: { name: 'Jo', issue_type: 'other', urgent: false, product: 'web' } },
      { text, context: ['Earlier: my reader is offline.'], output: { name: null, issue_type: 'bug', urgent: true, product: 'app' } },
    ]);
    if (taught instanceof CliError) throw taught;
    expect(taught.rulebook.precedents).toHaveLength(4);
    expect(await failures(taught.rulebook)).toEqual([]);
  });

  it('the same message taught again (after normalisation: whitespace, CRLF, zero-width characters) replaces the earlier precedent, keeping its id', async () => {
    const first = await teachFile(newRulebook(), [{ text: 'Refund please, the invoice is wrong.', output: { name: null, issue_type: 'billing', urgent: false, product: null } }]);
    if (first instanceof CliError) throw first;
    const again = await teachFile(first.out, [
      { text: '  Refund  please,\u200B the invoice is wrong.\r\n', output: { name: null, issue_type: 'other', urgent: true, product: null } },
      { text: 'Refund please, the invoice is wrong.', output: { name: null, issue_type: 'bug', urgent: true, product: 'web' } },
      { text: 'REFUND PLEASE, THE INVOICE IS WRONG.', output: { name: null, issue_type: 'account', urgent: false, product: null } },
    ]);
    if (again instanceof CliError) throw again;
    expect(again.stderr).toContain('taught 3 precedent(s) (2 replaced, 0 skipped)');
    // The newest correction of the message wins; a text in other case is another message.
    expect(again.rulebook.precedents.map((p) => [p.id, p.message.text, p.output.issue_type])).toEqual([
      [first.rulebook.precedents[0]!.id, 'Refund please, the invoice is wrong.', 'bug'],
      [expect.any(String), 'REFUND PLEASE, THE INVOICE IS WRONG.', 'account'],
    ]);
    expect(await failures(again.rulebook)).toEqual([]);
  });

  it('refuses a text that is empty once normalised (only invisible characters), naming the line; --skip-invalid skips it', async () => {
    const rb = newRulebook();
    const examples: Example[] = [
      { text: 'Locked out of my account after the password reset.', output: { name: null, issue_type: 'account', urgent: true, product: null } },
      { text: '\u200B\u2060\u200B', output: { name: null, issue_type: 'billing', urgent: false, product: null } },
    ];
    const refused = await teachFile(rb, examples);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).details.join('\n')).toMatch(/ex-\d+\.jsonl:2: "text" is empty once normalised/);
    const skipped = await teachFile(rb, examples, ['--skip-invalid']);
    if (skipped instanceof CliError) throw skipped;
    expect(skipped.stderr).toContain('taught 1 precedent(s) (0 replaced, 1 skipped)');
    expect(skipped.rulebook.precedents.map((p) => p.message.text)).toEqual(['Locked out of my account after the password reset.']);
    expect(await failures(skipped.rulebook)).toEqual([]);
  });
});

// One round trip through the built bin, as a service's CI runs it.
const PACKAGE = resolve(import.meta.dirname, '../..');
const BIN = resolve(PACKAGE, (JSON.parse(readFileSync(resolve(PACKAGE, 'package.json'), 'utf8')) as { bin: { casebook: string } }).bin.casebook);
const built = existsSync(resolve(PACKAGE, 'dist', 'cli', 'main.js'));

function casebook(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe.skipIf(!built)('casebook new, teach and test, spawned', () => {
  it('test exits 0 on what teach wrote, for a generated example set with shared texts and variants', async () => {
    const [examples] = fc.sample(exampleSet.filter((e) => e.length >= 8), { seed: 20261130, numRuns: 1 });
    writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA_SPEC));
    writeFileSync(join(dir, 'cli-examples.jsonl'), jsonl(examples!));
    expect((await casebook(['new', '--schema', 'schema.json', '--out', 'cli-rb.json', '--id', 'support', '--force'], dir)).code).toBe(0);
    const taught = await casebook(['teach', '--rulebook', 'cli-rb.json', '--examples', 'cli-examples.jsonl', '--out', 'cli-rb2.json'], dir);
    expect(taught.stderr).toContain(`taught ${examples!.length} precedent(s)`);
    expect(taught.code).toBe(0);
    const tested = await casebook(['test', '--rulebook', 'cli-rb2.json', '--provider', 'embedded'], dir);
    const precedents = (JSON.parse(readFileSync(join(dir, 'cli-rb2.json'), 'utf8')) as RulebookArtifact).precedents.length;
    expect(tested.stdout).toContain(`${precedents} passed, 0 failed`);
    expect(tested.code).toBe(0);
  }, 30_000);
});
