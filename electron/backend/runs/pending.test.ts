// The pending scanner of a run, over a ledger the test controls: pages in message id order, items in
// flight skipped, a new pass when one ends, and the end of the work when a pass finds nothing new.
import { describe, expect, it } from 'vitest';
import { PendingScanner } from './pending.js';

/** A run's ledger: the ids still pending, read a page at a time as RunRepository.pendingMessageIds does. */
function ledger(ids: string[]) {
  const pending = new Set(ids);
  const reads: { after: string; limit: number }[] = [];
  return {
    pending,
    reads,
    source: {
      pendingMessageIds: (options: { after: string; limit: number }) => {
        reads.push(options);
        return [...pending].sort().filter((id) => id > options.after).slice(0, options.limit);
      },
    },
  };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `m${String(i).padStart(3, '0')}`);

/** Takes items until the scanner says the work is done, finishing each at once. */
function drain(scanner: PendingScanner, l: ReturnType<typeof ledger>): string[] {
  const taken: string[] = [];
  for (let id = scanner.next(); id !== null; id = scanner.next()) {
    taken.push(id);
    l.pending.delete(id);
    scanner.release(id);
  }
  return taken;
}

describe('PendingScanner', () => {
  it('hands out every pending item once, in message id order, a page at a time', () => {
    const l = ledger(ids(10));
    const scanner = new PendingScanner(l.source, 4);
    expect(drain(scanner, l)).toEqual(ids(10));
    // Pages from the start, after m003 and after m007; past m009 the pass ends, and a new pass from
    // the start finds nothing: the work is done.
    expect(l.reads.map((r) => r.after)).toEqual(['', 'm003', 'm007', 'm009', '']);
    expect(l.reads.every((r) => r.limit === 4)).toBe(true);
    expect(scanner.next()).toBeNull();
  });

  it('skips items in flight: another worker never gets the same message', () => {
    const l = ledger(ids(3));
    const scanner = new PendingScanner(l.source, 2);
    const a = scanner.next();
    const b = scanner.next();
    const c = scanner.next();
    expect([a, b, c]).toEqual(['m000', 'm001', 'm002']);
    // None finished yet: a new pass finds only items in flight, so there is nothing to hand out.
    expect(scanner.next()).toBeNull();
  });

  it('starts another pass when one ends: items made pending again (a retry) are picked up', () => {
    const l = ledger(ids(3));
    const scanner = new PendingScanner(l.source, 2);
    const first = scanner.next()!;
    scanner.release(first); // failed: stays out of the ledger's pending set only once the test says so
    l.pending.delete(first);
    expect(scanner.next()).toBe('m001');
    scanner.release('m001');
    l.pending.delete('m001');
    l.pending.add(first); // retried while the run executes
    expect(scanner.next()).toBe('m002');
    scanner.release('m002');
    l.pending.delete('m002');
    expect(scanner.next()).toBe(first);
    scanner.release(first);
    l.pending.delete(first);
    expect(scanner.next()).toBeNull();
  });

  it('tells each new page, so the run can take the current extractor once per page', () => {
    const l = ledger(ids(5));
    let pages = 0;
    const scanner = new PendingScanner(l.source, 2, () => pages++);
    drain(scanner, l);
    expect(pages).toBe(3);
  });

  it('restart() begins a fresh pass after every worker ran out of work; hasPending() asks the ledger', () => {
    const l = ledger(ids(2));
    const scanner = new PendingScanner(l.source, 2);
    drain(scanner, l);
    expect(scanner.hasPending()).toBe(false);
    l.pending.add('m000');
    expect(scanner.hasPending()).toBe(true);
    scanner.restart();
    expect(drain(scanner, l)).toEqual(['m000']);
  });
});
