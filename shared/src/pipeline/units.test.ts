import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, FolderCache, MemoryCache, promptHash, type CacheKeyInput } from './cache.js';
import { mapInOrder } from './many.js';
import { normaliseMessage, normaliseText } from './normalise.js';
import { parseModelOutput } from './parse.js';

describe('normalise', () => {
  it('makes differently-arrived copies of a message identical', () => {
    const a = normaliseText('Cafe\u0301 is down\r\n\r\n\r\n\r\nplease  \u200Bhelp\t ');
    const b = normaliseText('Café is down\n\nplease help');
    expect(a).toBe(b);
  });

  it('drops empty parts and the caller id', () => {
    expect(normaliseMessage({ id: 'x', text: ' hi ', subject: '  ', sender: ' Ana  <a@b.c> ', context: ['', 'earlier'] })).toEqual({
      text: 'hi', sender: 'Ana <a@b.c>', context: ['earlier'],
    });
  });
});

describe('parseModelOutput', () => {
  it('reads bare JSON, fenced JSON and JSON inside prose', () => {
    expect(parseModelOutput('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseModelOutput('Here:\n```json\n{"a":2}\n```')).toEqual({ ok: true, value: { a: 2 } });
    expect(parseModelOutput('Sure! {"a":3} Hope it helps')).toEqual({ ok: true, value: { a: 3 } });
  });
  it('says what came back when it is not an object', () => {
    expect(parseModelOutput('')).toEqual({ ok: false, error: 'the model returned an empty answer' });
    expect(parseModelOutput('{"a": tru')).toMatchObject({ ok: false, error: expect.stringContaining('not valid JSON: "{\\"a\\": tru"') });
    expect(parseModelOutput('[1,2]')).toMatchObject({ ok: false, error: expect.stringContaining('not an object') });
  });
});

describe('cache', () => {
  const base: CacheKeyInput = {
    providerIdentity: 'openai:http://127.0.0.1:1/v1', model: 'm', params: { temperature: 0, seed: 7 }, schemaName: 's',
    promptHash: promptHash([{ role: 'user', content: 'hi' }], { type: 'object', properties: { a: { type: 'string' } } }),
  };

  it('keys on everything that decides the answer, and nothing else', () => {
    const k = cacheKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    // key order is irrelevant
    expect(cacheKey({ ...base, promptHash: promptHash([{ content: 'hi', role: 'user' }], { properties: { a: { type: 'string' } }, type: 'object' }) })).toBe(k);
    expect(cacheKey({ ...base, model: 'm2' })).not.toBe(k);
    expect(cacheKey({ ...base, providerIdentity: 'openai:http://other/v1' })).not.toBe(k);
    expect(cacheKey({ ...base, params: { temperature: 0, seed: 8 } })).not.toBe(k);
    expect(cacheKey({ ...base, params: { temperature: 0, seed: 7, maxTokens: 10 } })).not.toBe(k);
    expect(cacheKey({ ...base, promptHash: promptHash([{ role: 'user', content: 'hi!' }], { type: 'object', properties: { a: { type: 'string' } } }) })).not.toBe(k);
    expect(cacheKey({ ...base, promptHash: promptHash([{ role: 'user', content: 'hi' }], { type: 'object', properties: { a: { type: 'number' } } }) })).not.toBe(k);
    expect(cacheKey({ ...base, schemaName: 't' })).not.toBe(k);
  });

  const response = { raw: '{"a":"x"}', usage: null, model: 'm', attempts: 1, responseFormat: 'json_schema' };

  it('memory cache evicts the least recently used', async () => {
    const c = new MemoryCache(2);
    await c.set('a', response);
    await c.set('b', response);
    await c.get('a');
    await c.set('c', response);
    expect(await c.get('b')).toBeUndefined();
    expect(await c.get('a')).toEqual(response);
    expect(c.size).toBe(2);
  });

  it('folder cache survives a new instance and treats a corrupt entry as a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-cache-'));
    const key = cacheKey(base);
    await new FolderCache(dir).set(key, response);
    expect(await new FolderCache(dir).get(key)).toEqual(response);
    expect(readdirSync(join(dir, key.slice(0, 2)))).toEqual([`${key}.json`]);
    writeFileSync(join(dir, key.slice(0, 2), `${key}.json`), '{"raw": ');
    expect(await new FolderCache(dir).get(key)).toBeUndefined();
    await expect(new FolderCache(dir).get('../../etc/passwd')).rejects.toThrow(/not a cache key/);
  });
});

describe('mapInOrder', () => {
  it('keeps input order whatever order the work finishes in, within the concurrency limit', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const n = await mapInOrder(
      [30, 5, 20, 1, 10, 0],
      3,
      async (ms) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, ms));
        inFlight--;
        return ms;
      },
      (r) => void seen.push(r),
    );
    expect(n).toBe(6);
    expect(seen).toEqual([30, 5, 20, 1, 10, 0]);
    expect(most).toBeLessThanOrEqual(3);
  });

  it('reads async input lazily', async () => {
    async function* gen() {
      for (let i = 0; i < 5; i++) yield i;
    }
    const out: number[] = [];
    await mapInOrder(gen(), 2, async (x) => x * 2, (r) => void out.push(r));
    expect(out).toEqual([0, 2, 4, 6, 8]);
  });
});
