// The `casebook` bin, spawned as a service's CI would run it: the built JavaScript under plain Node.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../testkit/scripted-server.js';
import { createRulebook, generateSigningKey, serializeRulebook } from '../rulebook/index.js';
import { samplePrecedents, sampleRules, sampleSchema } from '../rulebook/test-fixtures.js';

// The bin the package declares, as `npx casebook` runs it.
const PACKAGE = resolve(import.meta.dirname, '../..');
const BIN = resolve(PACKAGE, (JSON.parse(readFileSync(resolve(PACKAGE, 'package.json'), 'utf8')) as { bin: { casebook: string } }).bin.casebook);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function casebook(args: string[], opts: { cwd: string; input?: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

const schema = {
  fields: [
    { name: 'name', type: 'string', description: "The sender's name" },
    { name: 'issue_type', type: 'enum', nullable: false, values: ['account', { value: 'billing', description: 'charges, refunds' }, 'other'] },
    { name: 'urgency', type: 'enum', nullable: false, aliases: ['priority'], values: ['low', 'medium', { value: 'high', aliases: ['ASAP'] }] },
  ],
};

const examples = [
  { text: 'I was charged twice for my subscription', output: { name: null, issue_type: 'billing', urgency: 'medium' }, note: 'a double charge is billing' },
  { text: 'Locked out of my account after the password reset', output: { name: null, issue_type: 'account', urgency: 'high' }, note: 'lock-outs block work' },
  { text: "It's me again. Still locked out. Billing said it wasn't them.", output: { name: null, issue_type: 'account', priority: 'high' }, note: 'prioritize the current problem over historical mentions' },
];

let dir: string;
let server: ScriptedServer;
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'casebook-cli-'));
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(schema));
  writeFileSync(join(dir, 'examples.jsonl'), jsonl(examples));
  server = await startScriptedServer();
  const made = await casebook(['new', '--schema', 'schema.json', '--out', 'rb.json', '--id', 'support', '--name', 'Support triage'], { cwd: dir });
  expect(made.code).toBe(0);
  const taught = await casebook(['teach', '--rulebook', 'rb.json', '--examples', 'examples.jsonl', '--out', 'rb2.json'], { cwd: dir });
  expect(taught.stderr).toContain('taught 3 precedent(s)');
  expect(taught.code).toBe(0);
});
afterAll(() => server?.close());

describe('the bin', () => {
  it('is a committed file, not build output, so npm links it at install time in a fresh clone', () => {
    expect(BIN.startsWith(resolve(PACKAGE, 'dist'))).toBe(false);
    expect(existsSync(BIN)).toBe(true);
  });

  it('runs the CLI', async () => {
    const r = await casebook(['--help'], { cwd: PACKAGE });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^casebook \d+\.\d+\.\d+: load, test and run Casebook rulebooks/);
  });
});

describe('casebook new and teach', () => {
  it('writes version 1, then version 2 with the examples as precedents and the alias applied', () => {
    const v1 = JSON.parse(readFileSync(join(dir, 'rb.json'), 'utf8'));
    const v2 = JSON.parse(readFileSync(join(dir, 'rb2.json'), 'utf8'));
    expect(v1).toMatchObject({ format: 'casebook.rulebook', id: 'support', version: 1, parent: null });
    expect(v2.version).toBe(2);
    expect(v2.parent).toEqual({ version: 1, hash: v1.hash });
    expect(v2.precedents).toHaveLength(3);
    expect(v2.precedents[2].output).toEqual({ name: null, issue_type: 'account', urgency: 'high' });
    expect(v2.precedents[2].rationale).toBe('prioritize the current problem over historical mentions');
  });

  it('names the file and line of a bad example and writes nothing', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), jsonl([examples[0]]) + '{"text": "x", "output": {"issue_type": "refunds", "urgency": "low", "name": null}}\n{oops\n');
    const r = await casebook(['teach', '--rulebook', 'rb2.json', '--examples', 'bad.jsonl', '--out', 'rb3.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.jsonl:2: output /issue_type must be one of "account", "billing", "other"');
    expect(r.stderr).toMatch(/bad\.jsonl:3: not valid JSON/);
    expect(existsSync(join(dir, 'rb3.json'))).toBe(false);
  });

  it('names the schema problem', async () => {
    writeFileSync(join(dir, 'bad-schema.json'), JSON.stringify({ fields: [{ name: 'x', type: 'colour' }] }));
    const r = await casebook(['new', '--schema', 'bad-schema.json', '--out', 'x.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad-schema.json: invalid schema');
    expect(r.stderr).toContain('fields[0].type: "colour" is not one of');
  });
});

describe('casebook extract', () => {
  const input = jsonl([
    { id: 'a', text: 'Still locked out of my account, billing said not them' },
    { id: 'b', text: '' },
    { id: 'c', text: 'I was charged twice, please refund', subject: 'Double charge' },
  ]) + 'not json\n';

  it('writes one line per input, in order, with an error line for each bad one, and goes on', async () => {
    const r = await casebook(['extract', '--rulebook', 'rb2.json'], { cwd: dir, input });
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'c', null]);
    expect(lines[0]).toMatchObject({ valid: true, output: { issue_type: 'account' } });
    expect(lines[0].trace).toMatchObject({ rulebook: { id: 'support', version: 2 }, provider: { name: 'embedded' } });
    expect(lines[1]).toEqual({ id: 'b', line: 2, error: { code: 'bad_input', message: 'stdin:2: "text" is empty' } });
    expect(lines[2].output.issue_type).toBe('billing');
    expect(lines[3].error.message).toMatch(/^stdin:4: not valid JSON/);
    expect(r.stderr).toContain('extracted 2 of 4 message(s), 2 failed');
  });

  it('runs against an OpenAI-compatible endpoint, concurrently, in input order, with a cache folder; the key never shows', async () => {
    writeFileSync(join(dir, 'in.jsonl'), jsonl(Array.from({ length: 12 }, (_, i) => ({ id: `m${i}`, text: `message ${i}: please refund, urgency ${i % 2 ? 'high' : 'low'}` }))));
    const args = ['extract', '--rulebook', 'rb2.json', '--in', 'in.jsonl', '--base-url', server.url, '--model', 'casebook-test-1', '--concurrency', '4', '--cache', 'cache'];
    server.reset();
    server.script({ latencyMs: 20 });
    const env = { OPENAI_API_KEY: 'sk-cli-secret' };
    const first = await casebook(args, { cwd: dir, env });
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(lines.every((l) => l.trace.provider.name === 'openai' && l.trace.cacheHit === false)).toBe(true);
    expect(server.chatRequests).toHaveLength(12);
    expect(server.chatRequests[0]!.headers.authorization).toBe('Bearer sk-cli-secret');
    expect(first.stdout + first.stderr).not.toContain('sk-cli-secret');

    const again = await casebook(args, { cwd: dir, env });
    const hits = again.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(hits.every((l) => l.trace.cacheHit)).toBe(true);
    expect(hits.map((l) => l.output)).toEqual(lines.map((l) => l.output));
    expect(server.chatRequests).toHaveLength(12);
  });

  it('reports a refused key on every line without asking again and again', async () => {
    server.reset();
    server.script({ requireApiKey: 'right-key' });
    const r = await casebook(['extract', '--rulebook', 'rb2.json', '--base-url', server.url, '--retries', '0'], {
      cwd: dir,
      input: jsonl([{ id: 'x', text: 'hello' }, { id: 'y', text: 'hello again' }]),
      env: { OPENAI_API_KEY: 'wrong-key' },
    });
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.error.code)).toEqual(['auth', 'auth']);
    expect(r.stdout).not.toContain('wrong-key');
  });
});

describe('casebook test', () => {
  it('passes when every precedent replays, and fails with field differences otherwise', async () => {
    const pass = await casebook(['test', '--rulebook', 'rb2.json'], { cwd: dir });
    expect(pass.code).toBe(0);
    expect(pass.stdout).toContain('3 passed, 0 failed');

    server.reset();
    server.script({ answer: () => ({ name: null, issue_type: 'billing', urgency: 'high' }) });
    const fail = await casebook(['test', '--rulebook', 'rb2.json', '--base-url', server.url], { cwd: dir });
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/FAIL p_\w+ {2}"Locked out of my account/);
    expect(fail.stdout).toContain('issue_type: expected "account", got "billing"');
    expect(fail.stdout).toContain('urgency: expected "medium", got "high"');
    expect(fail.stdout).toContain('0 passed, 3 failed');
  });
});

describe('casebook keygen, sign, verify and diff', () => {
  it('signs, verifies, and refuses tampering and the wrong key', async () => {
    expect((await casebook(['keygen', '--out', 'ops'], { cwd: dir })).code).toBe(0);
    expect((await casebook(['keygen', '--out', 'other'], { cwd: dir })).code).toBe(0);
    expect((await casebook(['keygen', '--out', 'ops'], { cwd: dir })).stderr).toContain('ops.key already exists');
    const signed = await casebook(['sign', 'rb2.json', '--key', 'ops.key', '--out', 'signed.json'], { cwd: dir });
    expect(signed.code).toBe(0);

    const ok = await casebook(['verify', 'signed.json', '--public-key', 'ops.pub'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/version: +2/);
    expect(ok.stdout).toMatch(/signature: valid, key [0-9a-f]{16}/);

    expect((await casebook(['verify', 'signed.json', '--public-key', 'other.pub'], { cwd: dir })).code).toBe(1);
    expect((await casebook(['verify', 'rb2.json', '--public-key', 'ops.pub'], { cwd: dir })).code).toBe(1);
    expect((await casebook(['verify', 'rb2.json', '--require-signature'], { cwd: dir })).code).toBe(1);

    const text = readFileSync(join(dir, 'signed.json'), 'utf8');
    writeFileSync(join(dir, 'tampered.json'), text.replace('"billing"', '"account"'));
    const tampered = await casebook(['verify', 'tampered.json'], { cwd: dir });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('tampered.json: content was changed after it was hashed');

    writeFileSync(join(dir, 'broken.json'), '{\n  "format": "casebook.rulebook",\n  "id": \n}\n');
    const broken = await casebook(['verify', 'broken.json'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json: invalid JSON at line 4, column 1/);
  });

  it('verifies with a key set (one file, several keys: what the app exports after a rotation)', async () => {
    writeFileSync(join(dir, 'set.pem'), readFileSync(join(dir, 'other.pub'), 'utf8') + readFileSync(join(dir, 'ops.pub'), 'utf8'));
    const ok = await casebook(['verify', 'signed.json', '--public-key', 'set.pem'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/signature: valid/);
    writeFileSync(join(dir, 'set-with-private.pem'), readFileSync(join(dir, 'other.pub'), 'utf8') + readFileSync(join(dir, 'ops.key'), 'utf8'));
    const bad = await casebook(['verify', 'signed.json', '--public-key', 'set-with-private.pem'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('set-with-private.pem: a private key');
  });

  it('diffs two versions', async () => {
    const r = await casebook(['diff', 'rb.json', 'rb2.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('~ version: 1 -> 2');
    expect(r.stdout.match(/^\+ precedent /gm)).toHaveLength(3);
    expect((await casebook(['diff', 'rb2.json', 'rb2.json'], { cwd: dir })).code).toBe(0);
  });
});

describe('casebook help and usage errors', () => {
  it('has --help for each command and exits 2 on a usage error', async () => {
    for (const cmd of ['new', 'teach', 'extract', 'test', 'verify', 'keygen', 'sign', 'diff']) {
      const r = await casebook([cmd, '--help'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`casebook ${cmd}`);
    }
    const unknown = await casebook(['extract', '--rulebook', 'rb2.json', '--bogus'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    const missing = await casebook(['extract', '--rulebook', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json');
  });
});

// What a terminal acts on: C0 controls but the line break, DEL, C1 controls (U+009B is CSI), and the
// bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex -- control characters are what must not be printed
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const EVIL = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil\r';

describe('content from files reaches the terminal escaped', () => {
  beforeAll(() => {
    const precedents = samplePrecedents(2);
    precedents[0]!.id = `p${EVIL}`;
    precedents[1]!.message.text = `Locked out again ${EVIL}`;
    const rules = sampleRules();
    rules[0]!.id = `r${EVIL}`;
    const schema = sampleSchema();
    schema.fields[1]!.values!.push({ value: `other${EVIL}` });
    const evil = createRulebook({ id: `support${EVIL}`, name: `Support${EVIL}\nsignature: valid`, instructions: `Extract.${EVIL}\nSecond line.`, schema, rules, precedents });
    writeFileSync(join(dir, 'evil.json'), serializeRulebook(evil));
    writeFileSync(join(dir, 'plain.json'), serializeRulebook(createRulebook({ id: 'support', name: 'Support', schema: sampleSchema(), rules: sampleRules(), precedents: samplePrecedents(2) })));
    const broken = JSON.parse(serializeRulebook(evil));
    broken.rules[0].fields = [`field${EVIL}`];
    writeFileSync(join(dir, 'evil-broken.json'), JSON.stringify(broken));
  });

  it('verify, sign, diff and test print ids, names and texts with control characters shown as escapes', async () => {
    const verify = await casebook(['verify', 'evil.json'], { cwd: dir });
    expect(verify.code).toBe(0);
    expect(verify.stdout).not.toMatch(CONTROL);
    expect(verify.stdout).toContain('Support\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202eevil\\r\\nsignature: valid');
    expect(verify.stdout).not.toMatch(/^signature: valid/m);

    const keys = await casebook(['keygen', '--out', 'evil-signing'], { cwd: dir });
    expect(keys.code).toBe(0);
    const sign = await casebook(['sign', 'evil.json', '--key', 'evil-signing.key', '--out', 'evil-signed.json'], { cwd: dir });
    expect(sign.code).toBe(0);
    expect(sign.stdout).toContain('signed support\\u001b]0;pwned');
    const verified = await casebook(['verify', 'evil-signed.json', '--public-key', 'evil-signing.pub'], { cwd: dir });
    expect(verified.code).toBe(0);
    for (const r of [sign, verified]) expect(r.stdout + r.stderr).not.toMatch(CONTROL);

    const diff = await casebook(['diff', 'plain.json', 'evil.json'], { cwd: dir });
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('\\u001b]0;pwned');
    const diffJson = await casebook(['diff', 'plain.json', 'evil.json', '--json'], { cwd: dir });
    expect(JSON.parse(diffJson.stdout).meta.name.to).toBe(`Support${EVIL}\nsignature: valid`); // the same JSON, escaped
    const test = await casebook(['test', '--rulebook', 'evil.json'], { cwd: dir });
    expect(test.stdout).toContain('p\\u001b]0;pwned');
    const testJson = await casebook(['test', '--rulebook', 'evil.json', '--json'], { cwd: dir });
    expect(JSON.parse(testJson.stdout.split('\n')[0]!).id).toBe(`p${EVIL}`);
    for (const r of [diff, diffJson, test, testJson]) expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });

  it('extract and teach escape what they echo from a file: errors on stderr, JSON on stdout', async () => {
    const extract = await casebook(['extract', '--rulebook', 'evil.json'], { cwd: dir, input: jsonl([{ id: `m${EVIL}`, text: `help ${EVIL}` }, { id: 2, text: 5 }]) + `not json ${EVIL}\n` });
    expect(extract.code).toBe(3);
    expect(JSON.parse(extract.stdout.split('\n')[0]!).id).toBe(`m${EVIL}`);
    const brokenRulebook = await casebook(['extract', '--rulebook', 'evil-broken.json'], { cwd: dir });
    expect(brokenRulebook.code).toBe(1);
    expect(brokenRulebook.stderr).toContain('unknown field "field\\u001b]0;pwned');
    writeFileSync(join(dir, 'evil-examples.jsonl'), jsonl([{ text: 'a', output: { [`key${EVIL}`]: 1 } }, { text: 'b', output: { name: null, issue_type: `x${EVIL}`, urgency: 'low' } }]) + `not json ${EVIL}\n`);
    const teach = await casebook(['teach', '--rulebook', 'evil.json', '--examples', 'evil-examples.jsonl', '--out', 'evil-taught.json'], { cwd: dir });
    expect(teach.code).toBe(1);
    expect(teach.stderr).toContain('evil-examples.jsonl:1:');
    const skipped = await casebook(['teach', '--rulebook', 'evil.json', '--examples', 'evil-examples.jsonl', '--out', 'evil-taught.json', '--skip-invalid'], { cwd: dir });
    expect(skipped.stderr).toContain('skipped evil-examples.jsonl:3');
    for (const r of [extract, brokenRulebook, teach, skipped]) expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });
});

describe('malformed input files are usage errors, never internal errors', () => {
  beforeAll(() => {
    const pem = (k: { export(o: object): string | Buffer }, type: string) => k.export({ type, format: 'pem' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ed = generateSigningKey();
    writeFileSync(join(dir, 'empty.pub'), '');
    writeFileSync(join(dir, 'text.pub'), 'not a key\n');
    writeFileSync(join(dir, 'rsa.pub'), pem(rsa.publicKey, 'spki'));
    writeFileSync(join(dir, 'rsa.key'), pem(rsa.privateKey, 'pkcs8'));
    writeFileSync(join(dir, 'ec.pub'), pem(ec.publicKey, 'spki'));
    writeFileSync(join(dir, 'ed.key'), ed.privateKeyPem);
    writeFileSync(join(dir, 'ed.pub'), ed.publicKeyPem);
  });

  it('says what is wrong with a --public-key file, naming it, with exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['empty.pub', /empty\.pub: the file is empty; expected an Ed25519 public key/],
      ['text.pub', /text\.pub: not a PEM public key/],
      ['rsa.pub', /rsa\.pub: an RSA key; rulebooks are signed with Ed25519/],
      ['ec.pub', /ec\.pub: an EC key; rulebooks are signed with Ed25519/],
      ['rsa.key', /rsa\.key: a private key; pass the public key/],
      ['ed.key', /ed\.key: a private key; pass the public key/],
      ['missing.pub', /missing\.pub: no such public key file/],
    ];
    for (const [file, message] of cases) {
      for (const args of [['verify', 'rb2.json'], ['extract', '--rulebook', 'rb2.json'], ['test', '--rulebook', 'rb2.json']]) {
        const r = await casebook([...args, '--public-key', 'ed.pub', '--public-key', file], { cwd: dir });
        expect([args[0], file, r.code, r.stderr]).toEqual([args[0], file, 2, expect.stringMatching(message)]);
      }
    }
  });

  it('says what is wrong with a --key file for sign, with exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['empty.pub', /empty\.pub: the file is empty; expected an Ed25519 private key/],
      ['text.pub', /text\.pub: not a PEM private key/],
      ['ed.pub', /ed\.pub: a public key; signing needs the private key/],
      ['rsa.key', /rsa\.key: an RSA key; rulebooks are signed with Ed25519/],
    ];
    for (const [file, message] of cases) {
      const r = await casebook(['sign', 'rb2.json', '--key', file, '--out', 'never.json'], { cwd: dir });
      expect([file, r.code, r.stderr]).toEqual([file, 2, expect.stringMatching(message)]);
    }
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('refuses what would have been an internal error: deep input lines, prototype keys, clashing ids, a cache that is a file', async () => {
    const deep = `{"id": ${'['.repeat(200_000)}${']'.repeat(200_000)}, "text": "hello"}\n`;
    const extract = await casebook(['extract', '--rulebook', 'rb2.json'], { cwd: dir, input: deep });
    expect(extract.code).toBe(3);
    expect(JSON.parse(extract.stdout).error).toEqual({ code: 'bad_input', message: 'stdin:1: nested deeper than 64 levels' });

    writeFileSync(join(dir, 'proto.jsonl'), '{"text": "hello", "output": {"__proto__": {"issue_type": "billing"}, "name": null}}\n');
    const proto = await casebook(['teach', '--rulebook', 'rb2.json', '--examples', 'proto.jsonl', '--out', 'never.json'], { cwd: dir });
    expect([proto.code, proto.stderr]).toEqual([1, expect.stringContaining('proto.jsonl:1: output key "__proto__" is not allowed')]);

    writeFileSync(join(dir, 'ids.jsonl'), jsonl([{ id: 'x1', text: 'first', output: examples[0]!.output }, { id: 'x1', text: 'second', output: examples[0]!.output }]));
    const ids = await casebook(['teach', '--rulebook', 'rb2.json', '--examples', 'ids.jsonl', '--out', 'never.json'], { cwd: dir });
    expect([ids.code, ids.stderr]).toEqual([1, expect.stringContaining('ids.jsonl:2: id "x1" is already the id of line 1')]);
    const v2 = JSON.parse(readFileSync(join(dir, 'rb2.json'), 'utf8'));
    writeFileSync(join(dir, 'taken.jsonl'), jsonl([{ id: v2.precedents[0].id, text: 'a message not taught yet', output: examples[0]!.output }]));
    const taken = await casebook(['teach', '--rulebook', 'rb2.json', '--examples', 'taken.jsonl', '--out', 'never.json'], { cwd: dir });
    expect([taken.code, taken.stderr]).toEqual([1, expect.stringContaining(`taken.jsonl:1: id "${v2.precedents[0].id}" is already the id of another precedent`)]);

    writeFileSync(join(dir, 'proto-schema.json'), JSON.stringify({ fields: [{ name: '__proto__', type: 'string' }] }));
    const protoField = await casebook(['new', '--schema', 'proto-schema.json', '--out', 'never.json'], { cwd: dir });
    expect([protoField.code, protoField.stderr]).toEqual([1, expect.stringContaining('schema/fields/0/name: "__proto__" cannot be a field name')]);

    const noName = await casebook(['new', '--schema', 'schema.json', '--out', 'never.json', '--name', ''], { cwd: dir });
    expect([noName.code, noName.stderr]).toEqual([2, expect.stringContaining('--name must not be empty')]);

    // An output that cannot be written: named, and no temporary file left behind.
    mkdirSync(join(dir, 'a-folder'), { recursive: true });
    for (const args of [['sign', 'rb2.json', '--key', 'ed.key', '--out', 'a-folder'], ['new', '--schema', 'schema.json', '--out', 'no-such-folder/rb.json'], ['keygen', '--out', 'no-such-folder/k']]) {
      const r = await casebook(args, { cwd: dir });
      expect([args[0], r.code, r.stderr]).toEqual([args[0], 1, expect.stringMatching(/(a-folder|no-such-folder\/(rb\.json|k\.key)): cannot write: /)]);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    writeFileSync(join(dir, 'cache-file'), 'x');
    for (const cmd of ['extract', 'test']) {
      const r = await casebook([cmd, '--rulebook', 'rb2.json', '--cache', 'cache-file'], { cwd: dir, input: jsonl([{ text: 'hello' }]) });
      expect([cmd, r.code, r.stderr]).toEqual([cmd, 2, expect.stringContaining('--cache cache-file: not a folder')]);
    }
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});
