// Which message a run's workers extract next. The run's items in the workspace are the ledger
// (RunRepository); the scanner reads its pending items a page at a time, in message id order.

/** A run's pending items, read a page at a time (RunRepository.pendingMessageIds for one run). */
export interface PendingSource {
  pendingMessageIds(options: { after: string; limit: number }): string[];
}

/**
 * Hands out a run's pending items one at a time, each to one worker: items in flight are skipped.
 * When a pass over the pending items ends, another starts from the beginning (items made pending
 * again by a retry while the run executes); a pass that finds nothing new ends the work.
 */
export class PendingScanner {
  private readonly buffer: string[] = [];
  private readonly inFlight = new Set<string>();
  /** The last message id of the page read last: the next page starts after it. */
  private after = '';
  private passFoundAny = false;

  /** `onPage` is called for each page with something new (the run takes the current extractor then). */
  constructor(
    private readonly source: PendingSource,
    private readonly pageSize: number,
    private readonly onPage: () => void = () => undefined,
  ) {}

  /** The next message to extract, now in flight until `release`; null when a whole pass found nothing new. */
  next(): string | null {
    if (this.buffer.length === 0 && !this.refill()) return null;
    const messageId = this.buffer.shift()!;
    this.inFlight.add(messageId);
    return messageId;
  }

  /** The message is no longer in flight (finished, failed or dropped); a later pass may hand it out again if it is still pending. */
  release(messageId: string): void {
    this.inFlight.delete(messageId);
  }

  /** Whether the ledger holds any pending item, in flight or not. */
  hasPending(): boolean {
    return this.source.pendingMessageIds({ after: '', limit: 1 }).length > 0;
  }

  /** Starts a fresh pass from the beginning (once every worker ran out of work). */
  restart(): void {
    this.after = '';
    this.passFoundAny = false;
  }

  private refill(): boolean {
    for (;;) {
      const page = this.source.pendingMessageIds({ after: this.after, limit: this.pageSize });
      if (page.length) this.after = page[page.length - 1]!;
      const fresh = page.filter((id) => !this.inFlight.has(id));
      if (fresh.length) {
        this.buffer.push(...fresh);
        this.passFoundAny = true;
        this.onPage();
        return true;
      }
      if (page.length === this.pageSize) continue;
      if (!this.passFoundAny) return false;
      this.restart();
    }
  }
}
