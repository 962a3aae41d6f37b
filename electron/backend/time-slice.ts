// Long work in the backend shares one event loop with every call the window makes. Work whose
// awaits settle at once (the embedded provider, cached answers, SQLite) never lets that loop turn,
// so it gives the loop a turn itself, at most every few milliseconds: often enough that a call
// waits no longer than a slice, seldom enough to cost next to nothing.

/** How long work may hold the event loop at a stretch, by default. */
export const DEFAULT_SLICE_MS = 3;

/** Resolves after every pending I/O callback and timer has had its turn. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class TimeSlice {
  private started = performance.now();
  private turn: Promise<void> | null = null;

  constructor(private readonly ms = DEFAULT_SLICE_MS) {}

  /**
   * Gives the event loop a turn when this slice has run for `ms`, then starts a new slice. Several
   * workers sharing a slice wait for the same turn, and check again after it: work another worker
   * did on waking counts against the new slice.
   */
  async yieldIfDue(): Promise<void> {
    while (performance.now() - this.started >= this.ms) {
      this.turn ??= nextTurn().then(() => {
        this.turn = null;
        this.started = performance.now();
      });
      await this.turn;
    }
  }
}
