// Spacing requests to a provider: at most `ratePerSecond()` starts per second (0 or less: no limit).
// Each caller is given the next free slot, so concurrent callers queue fairly without busy waiting.

export class RateLimiter {
  private next = 0;

  constructor(
    private readonly ratePerSecond: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when the caller may send its request; rejects with the signal's reason when aborted first. */
  async wait(signal?: AbortSignal): Promise<void> {
    const rate = this.ratePerSecond();
    if (!(rate > 0) || !Number.isFinite(rate)) return;
    if (signal?.aborted) throw signal.reason;
    const now = this.now();
    const slot = Math.max(now, this.next);
    this.next = slot + 1000 / rate;
    const ms = slot - now;
    if (ms <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
