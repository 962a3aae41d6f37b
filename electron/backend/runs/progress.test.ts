// The progress throttle of runs: at most one event per interval per run, the last one never lost.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle } from './progress.js';

// Fake timers move the clock too, so a timer reads the time it fired at.
let start = 0;
const clock = () => Date.now() - start;
let sent: [string, number][];
let throttle: ProgressThrottle;
beforeEach(() => {
  vi.useFakeTimers();
  start = Date.now();
  sent = [];
  throttle = new ProgressThrottle(100, clock, (runId) => void sent.push([runId, clock()]));
});
afterEach(() => {
  throttle.close();
  vi.useRealTimers();
});

const advance = (ms: number) => vi.advanceTimersByTime(ms);

describe('ProgressThrottle', () => {
  it('sends the first at once, then at most one per interval, and the last one at the end of its interval', () => {
    throttle.push('r1');
    expect(sent).toEqual([['r1', 0]]);
    advance(10);
    throttle.push('r1');
    advance(10);
    throttle.push('r1');
    expect(sent).toHaveLength(1);
    // One timer for both: it sends once, when the interval since the last send is over.
    advance(79);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent).toEqual([['r1', 0], ['r1', 100]]);
    advance(500);
    expect(sent).toHaveLength(2);
  });

  it('a push after the interval sends at once and drops the pending timer', () => {
    throttle.push('r1');
    advance(50);
    throttle.push('r1');
    advance(60);
    throttle.push('r1');
    expect(sent).toEqual([['r1', 0], ['r1', 100]]);
    throttle.push('r1', true);
    expect(sent).toEqual([['r1', 0], ['r1', 100], ['r1', 110]]);
    advance(1000);
    expect(sent).toHaveLength(3);
  });

  it('forces through the interval (a run starting or ending), and keeps runs apart', () => {
    throttle.push('r1');
    throttle.push('r1', true);
    throttle.push('r2');
    expect(sent).toEqual([['r1', 0], ['r1', 0], ['r2', 0]]);
  });

  it('sends nothing more once closed', () => {
    throttle.push('r1');
    throttle.push('r1');
    throttle.close();
    advance(1000);
    expect(sent).toHaveLength(1);
  });
});
