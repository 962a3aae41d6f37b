// The `casebook` bin, spawned as a service's CI would run it: the built JavaScript under plain Node.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../testkit/scripted-server.js';

const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');

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
