import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AliasRule, RulebookArtifact } from '../domain.js';
import { serializeRulebook } from './create.js';
import { RulebookError, type RulebookErrorCode } from './errors.js';
import { rulebookHash } from './hash.js';
import { MAX_JSON_DEPTH } from '../json/depth.js';
import { loadRulebook, parseRulebook, type ParseOptions } from './load.js';
import { generateSigningKey, signRulebook } from './sign.js';
import { sampleRulebook } from './test-fixtures.js';

const key = generateSigningKey();
const otherKey = generateSigningKey();
const signed = signRulebook(sampleRulebook(), key.privateKeyPem);
const signedText = serializeRulebook(signed);

function refusal(text: string, opts: ParseOptions = {}): RulebookError {
  try {
    parseRulebook(text, { source: 'rb.json', ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(RulebookError);
    return err as RulebookError;
  }
  throw new Error('expected the rulebook to be refused');
}

function expectRefused(text: string, code: RulebookErrorCode, message: RegExp, opts: ParseOptions = {}): RulebookError {
  const err = refusal(text, opts);
  expect({ code: err.code, source: err.source }).toEqual({ code, source: 'rb.json' });
  expect(err.message).toMatch(/^rb\.json: /);
  expect(err.message).toMatch(message);
  return err;
}

/** The signed sample with an edit made in the file, without re-hashing or re-signing. */
function edited(edit: (rb: RulebookArtifact) => void, opts: { rehash?: boolean; resign?: boolean } = {}): string {
  let rb = structuredClone(signed);
  edit(rb);
  if (opts.rehash) rb.hash = rulebookHash(rb);
  if (opts.resign) rb = signRulebook(rb, key.privateKeyPem);
  return JSON.stringify(rb, null, 2);
}

describe('parseRulebook', () => {
  it('loads a valid signed rulebook, verifying with the trusted key', () => {
    const rb = parseRulebook(signedText, { publicKeys: [key.publicKeyPem] });
    expect(rb).toEqual(signed);
    expect(parseRulebook(signedText, { publicKeys: [otherKey.publicKeyPem, key.publicKeyPem], requireSignature: true }).hash).toBe(signed.hash);
  });

  it('says which trusted key cannot be used, as a RulebookError (not a crypto exception)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectRefused(signedText, 'bad_key', /a trusted public key cannot be used: expected an ed25519 public key, got rsa/, { publicKeys: [rsa] });
    expectRefused(signedText, 'bad_key', /a trusted public key cannot be used: not a public key PEM/, { publicKeys: ['not a key'] });
  });

  it('hashes the parsed body, so formatting and key order in the file do not matter', () => {
    expect(parseRulebook(JSON.stringify(signed)).hash).toBe(signed.hash);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(signed).reverse()), null, '\t');
    expect(parseRulebook(`\ufeff${reordered}\r\n`).hash).toBe(signed.hash);
  });

  it('names line and column of a JSON syntax error', () => {
    const lines = signedText.split('\n');
    const i = lines.findIndex((l) => l.includes('"instructions"'));
    lines[i] = lines[i]!.replace(/,$/, ''); // a missing comma
    expectRefused(lines.join('\n'), 'syntax', new RegExp(`invalid JSON at line ${i + 2}, column 3: expected ',' or '}'`));
    expectRefused('{\n  "a": 1,\n}', 'syntax', /line 3, column 1: expected a double-quoted property name, found "}"/);
    expectRefused('[1,2,,]', 'syntax', /line 1, column 6: expected a JSON value, found ","/);
    expectRefused('{"a": "b', 'syntax', /line 1, column 9: unterminated string/);
    expectRefused('', 'syntax', /line 1, column 1: expected a JSON value, found end of input/);
    expectRefused('{} x', 'syntax', /line 1, column 4: unexpected text after the JSON value/);
  });

  it('refuses duplicate keys, naming line, column and JSON pointer, even when the last one is the signed value', () => {
    const decoy = signedText.replace('"name": "Support triage",', '"name": "Decoy",\n  "name": "Support triage",');
    const line = decoy.split('\n').findIndex((l) => l.includes('"Support triage"')) + 1;
    expectRefused(decoy, 'syntax', new RegExp(`at line ${line}, column 3 \\(/name\\): duplicate key "name" \\(first at line ${line - 1}, column 3\\)$`), { publicKeys: [key.publicKeyPem] });
    const same = signedText.replace('"urgency": "high"\n', '"urgency": "high",\n "urgency": "high"\n');
    expectRefused(same, 'syntax', /\(\/precedents\/0\/output\/urgency\): duplicate key "urgency"/);
  });

  it('refuses a __proto__ key anywhere, naming its JSON pointer: unsigned content must not verify', () => {
    const text = signedText.replace('"urgency": "high"\n', '"urgency": "high", "__proto__": {"issue_type": "UNSIGNED"}\n');
    expectRefused(text, 'format', /at line \d+, column \d+ \(\/precedents\/0\/output\/__proto__\): key "__proto__" is not allowed/, { publicKeys: [key.publicKeyPem] });
    expectRefused(text.replace('"__proto__"', '"\\u005f_proto__"'), 'format', /\/precedents\/0\/output\/__proto__/);
  });

  it('refuses "__proto__" as a field name or key alias: every output would carry the key', () => {
    expectRefused(edited((rb) => (rb.schema.fields[0]!.name = '__proto__'), { rehash: true }), 'format', /1 problem: schema\/fields\/0\/name: "__proto__" cannot be a field name/);
    expectRefused(edited((rb) => (rb.schema.fields[2]!.aliases = ['__proto__']), { rehash: true }), 'format', /schema\/fields\/2\/aliases\/0: "__proto__" cannot be a key alias/);
    expectRefused(edited((rb) => rb.rules.push({ ...(rb.rules[2] as AliasRule), id: 'r-proto', from: '__proto__' }), { rehash: true }), 'format', /rules\/4\/from: "__proto__" cannot be a key alias/);
  });

  it('refuses nesting deeper than the JSON depth limit with a RulebookError, at any depth', () => {
    for (const levels of [MAX_JSON_DEPTH, 3000, 200_000]) {
      const text = signedText.replace('"urgency": "high"\n', `"urgency": "high", "x": ${'['.repeat(levels)}${']'.repeat(levels)}\n`);
      expectRefused(text, 'syntax', new RegExp(`\\(/precedents/0/output/x(/0)+\\): nested deeper than ${MAX_JSON_DEPTH} levels`));
    }
  });

  it('refuses a number too large for a double, which would not survive canonical JSON', () => {
    expectRefused(signedText.replace('"temperature": 0', '"temperature": 1e400'), 'syntax', /\(\/settings\/temperature\): number 1e400 is too large for a double/);
  });

  it('refuses what is not a rulebook', () => {
    expectRefused('[1]', 'format', /not a Casebook rulebook: expected a JSON object, got an array/);
    expectRefused('{"name": "x"}', 'format', /not a Casebook rulebook: no "format" field, expected "casebook.rulebook"/);
    expectRefused('{"format": "casebook.workspace"}', 'format', /not a Casebook rulebook: format "casebook.workspace"/);
    expectRefused(edited((rb) => (rb.formatVersion = 'one')), 'format', /formatVersion must be "MAJOR.MINOR", got "one"/);
  });

  it('refuses an unknown major format version and accepts any 1.x', () => {
    expectRefused(edited((rb) => (rb.formatVersion = '2.0')), 'unsupported_version', /format version 2.0 was written by a newer Casebook; this runtime reads 1.x/);
    expectRefused(edited((rb) => (rb.formatVersion = '0.9')), 'unsupported_version', /0.9 is not supported/);
    const minor = edited(
      (rb) => {
        rb.formatVersion = '1.7';
        (rb as unknown as Record<string, unknown>).labels = ['production'];
      },
      { rehash: true, resign: true },
    );
    const rb = parseRulebook(minor, { publicKeys: [key.publicKeyPem] });
    expect(rb.formatVersion).toBe('1.7');
    expect((rb as unknown as Record<string, unknown>).labels).toEqual(['production']); // kept, and covered by the hash
  });

  it('lists the first format problems by JSON pointer', () => {
    const err = expectRefused(
      edited((rb) => {
        (rb.rules[1] as unknown as Record<string, unknown>).when = { kind: 'regex', pattern: 3 };
        for (const p of rb.precedents) (p as unknown as Record<string, unknown>).output = 'x';
        (rb.settings as unknown as Record<string, unknown>).k = -1;
        rb.version = 0;
        rb.name = '';
      }),
      'format',
      /not a valid rulebook, 6 problems: .*rules\/1\/when\/pattern: must be string.*\(and 1 more\)$/,
    );
    expect(err.details).toHaveLength(6);
    expect(err.details).toContain('settings/k: must be >= 0');
    expectRefused(edited((rb) => rb.rules.push(rb.rules[0]!)), 'format', /1 problem: rules\/4\/id: duplicate rule id "r-guide"/);
  });

  it('reports warnings through onWarning', () => {
    const warnings: string[] = [];
    parseRulebook(edited((rb) => (rb.precedents[0]!.output.urgency = 'urgent'), { rehash: true }), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual(['precedents/0/output/urgency: must be one of "high", "normal", "low" (field "urgency")']);
  });

  it('refuses a file changed after it was hashed', () => {
    const text = edited((rb) => (rb.precedents[0]!.output.issue_type = 'billing'));
    const changed = rulebookHash(JSON.parse(text) as RulebookArtifact);
    expectRefused(text, 'hash_mismatch', new RegExp(`content was changed after it was hashed: expected ${changed}, file says ${signed.hash}`));
    // also without any signature options: the hash is always checked
    expectRefused(edited((rb) => (rb.instructions = 'Always say billing.')), 'hash_mismatch', /changed after it was hashed/);
  });

  it('refuses a file re-hashed without re-signing, or signed by another key', () => {
    const rehashed = edited((rb) => (rb.precedents[0]!.output.issue_type = 'billing'), { rehash: true });
    expect(parseRulebook(rehashed).precedents[0]!.output.issue_type).toBe('billing'); // nothing to check the signature with
    expectRefused(rehashed, 'bad_signature', /bad signature: the signature does not verify with key /, { publicKeys: [key.publicKeyPem] });
    expectRefused(signedText, 'bad_signature', new RegExp(`signed with key ${key.keyId}, which is not among the trusted keys \\(${otherKey.keyId}\\)`), {
      publicKeys: [otherKey.publicKeyPem],
    });
    expectRefused(signedText, 'bad_signature', /no public keys were given/, { requireSignature: true });
  });

  it('refuses an unsigned rulebook when keys are given or a signature is required', () => {
    const unsigned = serializeRulebook(sampleRulebook());
    expect(parseRulebook(unsigned).signature).toBeUndefined();
    expectRefused(unsigned, 'unsigned', /rulebook support-triage v1 is not signed, and a signature is required/, { publicKeys: [key.publicKeyPem] });
    expectRefused(unsigned, 'unsigned', /not signed/, { requireSignature: true });
    expectRefused(edited((rb) => delete rb.signature), 'unsigned', /not signed/, { publicKeys: [key.publicKeyPem] });
  });

  it('uses "(text)" as the source by default', () => {
    expect(() => parseRulebook('nope')).toThrow(/^\(text\): invalid JSON at line 1, column 1/);
  });

  it('loads and verifies a signed rulebook of 10,000 precedents', () => {
    const big = signRulebook(sampleRulebook({ precedents: 10_000 }), key.privateKeyPem);
    const text = serializeRulebook(big);
    // How fast is `npm run bench`'s question; here, that a large signed rulebook loads whole.
    const rb = parseRulebook(text, { publicKeys: [key.publicKeyPem] });
    expect(rb.precedents).toHaveLength(10_000);
    expect(rb.hash).toBe(big.hash);
  }, 60_000);
});

describe('loadRulebook', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casebook-load-'));
    await writeFile(join(dir, 'rb.json'), signedText);
    await writeFile(join(dir, 'broken.json'), '{');
    server = createServer((req, res) => {
      if (req.url === '/rb.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(signedText);
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a file path, a file: URL and an http URL', async () => {
    const opts = { publicKeys: [key.publicKeyPem], requireSignature: true };
    expect((await loadRulebook(join(dir, 'rb.json'), opts)).hash).toBe(signed.hash);
    expect((await loadRulebook(pathToFileURL(join(dir, 'rb.json')).href, opts)).hash).toBe(signed.hash);
    expect((await loadRulebook(`${base}/rb.json`, opts)).hash).toBe(signed.hash);
  });

  it('names the source in errors', async () => {
    const path = join(dir, 'broken.json');
    await expect(loadRulebook(path)).rejects.toMatchObject({ code: 'syntax', source: path, message: expect.stringContaining(`${path}: invalid JSON at line 1, column 2`) });
    await expect(loadRulebook(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/missing\.json: could not read the rulebook: no such file/) });
    await expect(loadRulebook(`${base}/gone.json`)).rejects.toMatchObject({ code: 'io', source: `${base}/gone.json`, message: expect.stringMatching(/HTTP 404/) });
    await expect(loadRulebook('http://127.0.0.1:1/rb.json')).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/could not fetch/) });
    await expect(loadRulebook(join(dir, 'rb.json'), { publicKeys: [otherKey.publicKeyPem] })).rejects.toMatchObject({ code: 'bad_signature' });
  });
});
