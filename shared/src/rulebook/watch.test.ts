import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { nextVersion, serializeRulebook } from './create.js';
import { RulebookError } from './errors.js';
import { generateSigningKey, signRulebook } from './sign.js';
import { sampleRulebook } from './test-fixtures.js';
import { watchRulebook, type RulebookWatcher, type WatchOptions } from './watch.js';

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const v1 = sampleRulebook();
const v2 = nextVersion(v1, { instructions: 'Version two.' });
const v3 = nextVersion(v2, { instructions: 'Version three.' });

function recorder(extra: WatchOptions = {}) {
  const updates: { rb: RulebookArtifact; prev: RulebookArtifact | null }[] = [];
  const errors: Error[] = [];
  const opts: WatchOptions = {
    debounceMs: 30,
    intervalMs: 200,
    onUpdate: (rb, prev) => updates.push({ rb, prev }),
    onError: (err) => errors.push(err),
    ...extra,
  };
  return { updates, errors, opts };
}

describe('watchRulebook: files', () => {
  let dir: string;
  let file: string;
  let watcher: RulebookWatcher | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casebook-watch-'));
    file = join(dir, 'rulebook.json');
    await writeFile(file, serializeRulebook(v1));
  });

  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('loads first, then swaps in a valid new version', async () => {
    const r = recorder();
    watcher = watchRulebook(file, r.opts);
    expect((await watcher.ready).hash).toBe(v1.hash);
    expect(watcher.current()?.hash).toBe(v1.hash);
    expect(r.updates).toEqual([]); // the first load is `ready`, not an update

    await writeFile(file, serializeRulebook(v2));
    await waitFor('the update to v2', () => r.updates.length === 1);
    expect(r.updates[0]!.rb.hash).toBe(v2.hash);
    expect(r.updates[0]!.prev?.hash).toBe(v1.hash);
    expect(watcher.current()?.version).toBe(2);
  });

  it('keeps the last good version and reports a broken change', async () => {
    const r = recorder();
    watcher = watchRulebook(file, r.opts);
    await watcher.ready;

    await writeFile(file, '{ "format": "casebook.rulebook", garbage');
    // (a reader may also catch the file half-written, so look for this error among any)
    await waitFor('the syntax error', () => r.errors.some((e) => e instanceof RulebookError && e.code === 'syntax' && /rulebook\.json: invalid JSON at line 1, column 34/.test(e.message)));
    expect(watcher.current()?.hash).toBe(v1.hash);

    const tampered = structuredClone(v2);
    tampered.precedents[0]!.output.issue_type = 'billing';
    await writeFile(file, serializeRulebook(tampered));
    await waitFor('the hash mismatch', () => r.errors.some((e) => e instanceof RulebookError && e.code === 'hash_mismatch' && /content was changed after it was hashed/.test(e.message)));
    expect(watcher.current()?.hash).toBe(v1.hash);
    expect(r.updates).toEqual([]);

    await writeFile(file, serializeRulebook(v3));
    await waitFor('the update to v3', () => r.updates.length === 1);
    expect(r.updates[0]!.rb.version).toBe(3);
    expect(r.updates[0]!.prev?.version).toBe(1);
  });

  it('by default reports a reload failure on stderr with control characters from the file escaped', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      watcher = watchRulebook(file, { intervalMs: 3_600_000, debounceMs: 3_600_000, persistent: false });
      await watcher.ready;
      // A format error quotes the unknown field name as it is in the file.
      const broken = structuredClone(v1) as unknown as { rules: { fields?: string[] }[] };
      broken.rules[0]!.fields = ['x\u001b]0;pwned\u0007'];
      await writeFile(file, JSON.stringify(broken));
      await watcher.refresh();
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('')).toContain('rulebook reload failed, keeping the last good version');
    expect(writes.join('')).toContain('unknown field "x\\u001b]0;pwned\\u0007"');
    expect(writes.join('')).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/); // eslint-disable-line no-control-regex
  });

  it('follows a file replaced atomically by rename', async () => {
    const r = recorder();
    watcher = watchRulebook(file, r.opts);
    await watcher.ready;
    const tmp = join(dir, '.rulebook.json.tmp');
    await writeFile(tmp, serializeRulebook(v2));
    await rename(tmp, file);
    await waitFor('the update to v2', () => r.updates.length === 1);
    expect(watcher.current()?.hash).toBe(v2.hash);
    expect(r.errors).toEqual([]);

    // and again: the directory watch survives the replacement
    await writeFile(tmp, serializeRulebook(v3));
    await rename(tmp, file);
    await waitFor('the update to v3', () => r.updates.length === 2);
    expect(watcher.current()?.hash).toBe(v3.hash);
  });

  it('ignores a rewrite with the same hash', async () => {
    const r = recorder();
    watcher = watchRulebook(file, r.opts);
    await watcher.ready;
    const before = watcher.current();
    await writeFile(file, JSON.stringify(v1)); // other formatting, same content
    await writeFile(join(dir, 'other.json'), 'not watched');
    await watcher.refresh(); // a check that starts after the writes
    expect(r.updates).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(watcher.current()).toBe(before);
  });

  it('refuses updates that fail signature checks', async () => {
    const key = generateSigningKey();
    await writeFile(file, serializeRulebook(signRulebook(v1, key.privateKeyPem)));
    const r = recorder({ publicKeys: [key.publicKeyPem] });
    watcher = watchRulebook(file, r.opts);
    await watcher.ready;
    await writeFile(file, serializeRulebook(v2)); // valid hash, unsigned
    await waitFor('the unsigned error', () => r.errors.some((e) => (e as RulebookError).code === 'unsigned'));
    await writeFile(file, serializeRulebook(signRulebook(v2, generateSigningKey().privateKeyPem)));
    await waitFor('the bad signature error', () => r.errors.some((e) => (e as RulebookError).code === 'bad_signature'));
    expect(watcher.current()?.hash).toBe(v1.hash);
    await writeFile(file, serializeRulebook(signRulebook(v2, key.privateKeyPem)));
    await waitFor('the signed update', () => r.updates.length === 1);
    expect(watcher.current()?.hash).toBe(v2.hash);
  });

  it('rejects ready when the first load fails, and recovers when the file is fixed', async () => {
    await writeFile(file, 'nope');
    const r = recorder();
    watcher = watchRulebook(file, r.opts);
    await expect(watcher.ready).rejects.toMatchObject({ code: 'syntax' });
    expect(watcher.current()).toBeUndefined();
    await writeFile(file, serializeRulebook(v2));
    await waitFor('the recovery', () => r.updates.length === 1);
    expect(r.updates[0]).toMatchObject({ rb: { version: 2 }, prev: null });
  });

  it('rejects ready for a missing file, and picks the file up when it appears', async () => {
    const missing = join(dir, 'later.json');
    const r = recorder();
    watcher = watchRulebook(missing, r.opts);
    await expect(watcher.ready).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/no such file/) });
    await writeFile(missing, serializeRulebook(v1));
    await waitFor('the file to be picked up', () => r.updates.length === 1);
    expect(watcher.current()?.hash).toBe(v1.hash);
  });

  it('stops after close', async () => {
    const r = recorder();
    watcher = watchRulebook(file, r.opts);
    await watcher.ready;
    watcher.close();
    await writeFile(file, serializeRulebook(v2));
    await new Promise((res) => setTimeout(res, 400)); // nothing may happen: give it the chance to
    expect(r.updates).toEqual([]);
    expect(watcher.current()?.hash).toBe(v1.hash);
  });
});

describe('watchRulebook: URLs', () => {
  let server: Server;
  let url: string;
  let body: string;
  let status = 200;
  const requests: { ifNoneMatch: string | undefined; status: number }[] = [];
  let watcher: RulebookWatcher | undefined;

  let versions = 0;
  const etagOf = (_text: string) => `"v${++versions}"`;
  let etag = '';

  beforeEach(async () => {
    body = serializeRulebook(v1);
    etag = etagOf(body);
    status = 200;
    requests.length = 0;
    server = createServer((req, res) => {
      const inm = req.headers['if-none-match'];
      let code: number;
      if (status !== 200) {
        code = status;
        res.writeHead(code);
        res.end('server error');
      } else if (inm === etag) {
        code = 304;
        res.writeHead(304, { etag });
        res.end();
      } else {
        code = 200;
        res.writeHead(200, { 'content-type': 'application/json', etag });
        res.end(body);
      }
      requests.push({ ifNoneMatch: inm, status: code });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rulebook.json`;
  });

  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const publish = (text: string) => {
    body = text;
    etag = etagOf(text);
  };

  it('polls with If-None-Match, treats 304 as unchanged, and swaps on a new version', async () => {
    const r = recorder({ intervalMs: 40 });
    watcher = watchRulebook(url, r.opts);
    expect((await watcher.ready).hash).toBe(v1.hash);
    await waitFor('a few conditional polls', () => requests.filter((q) => q.status === 304).length >= 3);
    expect(requests[0]).toEqual({ ifNoneMatch: undefined, status: 200 });
    expect(requests.slice(1).every((q) => q.ifNoneMatch !== undefined)).toBe(true);
    expect(r.updates).toEqual([]);

    publish(serializeRulebook(v2));
    await waitFor('the update to v2', () => r.updates.length === 1);
    expect(r.updates[0]!.prev?.hash).toBe(v1.hash);
    expect(watcher.current()?.hash).toBe(v2.hash);
    expect(r.errors).toEqual([]);
  });

  it('keeps the last good version when the server serves garbage or fails, reporting each failure once', async () => {
    const r = recorder({ intervalMs: 40 });
    watcher = watchRulebook(url, r.opts);
    await watcher.ready;

    publish('<html>oops</html>');
    await waitFor('the syntax error', () => r.errors.length === 1);
    expect(r.errors[0]).toMatchObject({ code: 'syntax', source: url });
    const before = requests.length;
    await waitFor('more polls', () => requests.length >= before + 3);
    expect(r.errors).toHaveLength(1); // a broken version is not reported on every poll

    status = 503;
    await waitFor('the HTTP error', () => r.errors.length === 2);
    expect(r.errors[1]).toMatchObject({ code: 'io', message: expect.stringMatching(/HTTP 503/) });
    expect(watcher.current()?.hash).toBe(v1.hash);

    status = 200;
    publish(serializeRulebook(v3));
    await waitFor('the update to v3', () => r.updates.length === 1);
    expect(watcher.current()?.hash).toBe(v3.hash);
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const r = recorder({
      intervalMs: 40,
      fetch: async (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    watcher = watchRulebook(url, r.opts);
    await watcher.ready;
    expect(calls[0]).toBe(url);
  });
});
