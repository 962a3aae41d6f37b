// The example production service (shared/examples/service.mjs), run as production runs it: a
// child process importing the built package. Needs shared/dist (`npm run build -w @casebook/runtime`;
// `npm test` builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextVersion, serializeRulebook } from '../rulebook/create.js';
import { generateSigningKey, signRulebook } from '../rulebook/sign.js';
import { sampleRulebook } from '../rulebook/test-fixtures.js';
import type { RuntimeStatus, TraceLine } from './types.js';

const shared = resolve(import.meta.dirname, '../..');
const example = join(shared, 'examples', 'service.mjs');
const dist = join(shared, 'dist', 'index.js');
const built = existsSync(dist) && readFileSync(dist, 'utf8').includes('createRulebookService');
if (!built) console.warn(`example service test skipped: ${dist} is missing or predates createRulebookService; run \`npm run build -w @casebook/runtime\` first`);

describe.skipIf(!built)('the example service (shared/examples/service.mjs)', () => {
  const key = generateSigningKey();
  const v1 = signRulebook(sampleRulebook(), key.privateKeyPem);
  const v2 = signRulebook(nextVersion(v1, { instructions: 'Version two.' }), key.privateKeyPem);
  let dir: string;
  let child: ChildProcess;
  let base: string;
  let stderr = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casebook-example-'));
    await writeFile(join(dir, 'production.json'), serializeRulebook(v1));
    await writeFile(join(dir, 'key.pem'), key.publicKeyPem);
    child = spawn(process.execPath, [example, '--rulebook', 'production.json', '--public-key', 'key.pem', '--port', '0', '--trace-dir', 'traces', '--service-name', 'example-bot', '--no-trace-text'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    base = await new Promise<string>((res, rej) => {
      let out = '';
      const timer = setTimeout(() => rej(new Error(`no start line in 15 s; stdout ${out}, stderr ${stderr}`)), 15_000);
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      });
      child.on('exit', (code) => rej(new Error(`exited ${code}: ${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const extract = async (body: unknown) => {
    const res = await fetch(`${base}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { output: Record<string, unknown>; valid: boolean; errors: unknown[]; rulebook: { id: string; version: number; hash: string }; error?: string } };
  };

  it('answers POST /extract with the output and the rulebook that made it', async () => {
    const { status, body } = await extract({ id: 'm-1', subject: 'Locked', text: 'I am locked out again and cannot log in.' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ output: { issue_type: 'account' }, valid: true, errors: [], rulebook: { id: v1.id, version: 1, hash: v1.hash } });
    expect((await extract({ subject: 'no text' })).status).toBe(400);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('answers GET /casebook/status', async () => {
    const res = await fetch(`${base}/casebook/status`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const st = (await res.json()) as RuntimeStatus;
    expect(st).toMatchObject({ format: 'casebook-status/1', service: 'example-bot', active: { version: 1, keyId: key.keyId }, lastError: null });
    expect(st.counts.extractions).toBeGreaterThanOrEqual(1);
  });

  it('serves a newly synced version without a restart, and wrote trace lines without text', async () => {
    await writeFile(join(dir, 'production.json.tmp'), serializeRulebook(v2));
    await rename(join(dir, 'production.json.tmp'), join(dir, 'production.json'));
    const t0 = Date.now();
    let version = 1;
    while (version !== 2 && Date.now() - t0 < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      version = ((await (await fetch(`${base}/casebook/status`)).json()) as RuntimeStatus).active?.version ?? 0;
    }
    expect(version).toBe(2);
    expect((await extract({ text: 'Where is my parcel?' })).body.rulebook.version).toBe(2);
    const files = await readdir(join(dir, 'traces'));
    expect(files).toHaveLength(1);
    // the writer appends soon after the answer; give it a moment
    let lines: TraceLine[] = [];
    for (let i = 0; i < 50 && lines.length < 2; i++) {
      lines = (await readFile(join(dir, 'traces', files[0]!), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as TraceLine);
      if (lines.length < 2) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lines.map((l) => [l.messageId, l.rulebook.version, l.message])).toEqual([['m-1', 1, null], [null, 2, null]]);
  });
});
