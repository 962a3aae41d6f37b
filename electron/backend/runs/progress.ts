// How often a run's progress reaches the window: at most one event per interval per run, and the
// last one never lost (a call inside the interval makes sure one event follows at its end).

export class ProgressThrottle {
  private readonly lastSent = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  /** `send` reads the run's state when it is called, so a delayed event carries the newest counts. */
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly send: (runId: string) => void,
  ) {}

  /** Sends now when the interval since the last event has passed (or `force`); else one event follows when it has. */
  push(runId: string, force = false): void {
    if (this.closed) return;
    const now = this.now();
    const last = this.lastSent.get(runId);
    const timer = this.timers.get(runId);
    if (!force && last !== undefined && now - last < this.intervalMs) {
      if (!timer) {
        const t = setTimeout(() => {
          this.timers.delete(runId);
          this.push(runId, true);
        }, this.intervalMs - (now - last));
        t.unref?.();
        this.timers.set(runId, t);
      }
      return;
    }
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(runId);
    }
    this.lastSent.set(runId, now);
    this.send(runId);
  }

  /** No event after this; pending ones are dropped. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
