import { describe, expect, it } from 'vitest';
import type { Provider } from '../providers/types.js';
import { MemoryCache } from '../pipeline/cache.js';
import { diffOutputs, replayPrecedents } from './replay.js';
import { sampleRulebook } from './test-fixtures.js';

/** A provider answering the same JSON for every message, counting its calls. */
function scripted(answer: Record<string, unknown>): Provider & { calls: number } {
  const p = {
    name: 'openai' as const,
    model: 'scripted',
    identity: 'scripted',
    calls: 0,
    async complete() {
      p.calls++;
      return { raw: JSON.stringify(answer), usage: null, model: 'scripted', attempts: 1, responseFormat: 'json_schema' };
    },
  };
  return p as unknown as Provider & { calls: number };
}

describe('diffOutputs', () => {
  it('compares the named fields, a missing value as null', () => {
    expect(diffOutputs({ a: 1, b: null }, { a: 2 }, ['a', 'b'])).toEqual([{ field: 'a', expected: 1, actual: 2 }]);
  });
});

describe('replayPrecedents', () => {
  it('passes every precedent with the embedded provider, and yields to the event loop', async () => {
    const rb = sampleRulebook({ precedents: 30 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const progress: number[] = [];
    const r = await replayPrecedents(rb, { provider: { kind: 'embedded' }, sliceMs: 0, onProgress: (done) => progress.push(done) });
    clearInterval(timer);
    expect(r).toMatchObject({ total: 30, passed: 30, failed: 0, aborted: false });
    expect(r.results.every((x) => x.pass && !x.cached)).toBe(true);
    expect(progress.at(-1)).toBe(30);
    expect(ticks).toBeGreaterThan(0);
  });

  it('reports field differences, reuses cached answers and replays a subset', async () => {
    const rb = sampleRulebook({ precedents: 3 });
    const provider = scripted({ name: null, issue_type: 'billing', urgency: 'high', order_date: null });
    const cache = new MemoryCache();
    const first = await replayPrecedents(rb, { provider, cache });
    // The lock-out override rule sets issue_type back to account for these messages.
    expect(first.passed + first.failed).toBe(3);
    const again = await replayPrecedents(rb, { provider, cache, precedents: rb.precedents.slice(1) });
    expect(again.total).toBe(2);
    expect(again.cached).toBe(2);
    expect(provider.calls).toBe(3);

    const wrong = scripted({ name: 'Zed', issue_type: 'account', urgency: 'low', order_date: null });
    const r = await replayPrecedents(rb, { provider: wrong, cache: false });
    expect(r.failed).toBe(3);
    expect(r.results[0]!.diffs).toEqual([
      { field: 'name', expected: null, actual: 'Zed' },
      { field: 'urgency', expected: 'high', actual: 'low' },
    ]);
  });

  it('stops when the signal aborts', async () => {
    const rb = sampleRulebook({ precedents: 50 });
    const ctl = new AbortController();
    const r = await replayPrecedents(rb, { provider: { kind: 'embedded' }, concurrency: 1, signal: ctl.signal, onProgress: (done) => done === 5 && ctl.abort() });
    expect(r.aborted).toBe(true);
    expect(r.results.length).toBeLessThan(50);
  });
});
