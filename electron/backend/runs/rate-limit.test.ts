// The rate limiter's schedule, on a fake clock: which slot each caller gets, not how long a
// machine takes to honour it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives concurrent callers one slot each, 1000/rate ms apart', async () => {
    let now = 0;
    const limiter = new RateLimiter(() => 20, () => now);
    const released: number[] = [];
    const waits = Array.from({ length: 5 }, (_, i) => limiter.wait().then(() => released.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toEqual([0]);
    for (const expected of [[0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]]) {
      now += 50;
      await vi.advanceTimersByTimeAsync(50);
      expect(released).toEqual(expected);
    }
    await Promise.all(waits);
  });

  it('does not wait at all without a limit, and an abort rejects a waiting caller', async () => {
    const free = new RateLimiter(() => 0, () => 0);
    await expect(free.wait()).resolves.toBeUndefined();

    const limiter = new RateLimiter(() => 1, () => 0);
    await limiter.wait();
    const controller = new AbortController();
    const waiting = limiter.wait(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
