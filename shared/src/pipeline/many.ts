// Running the pipeline over many messages with bounded concurrency, results in input order.

/**
 * Calls `worker` for each item with at most `concurrency` in flight and hands results to `onResult`
 * strictly in input order (a slow item holds back later ones, never reorders them). Reads the
 * input lazily, so a large stream is never held in memory at once beyond the window.
 */
export async function mapInOrder<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
  onResult: (result: R, index: number) => void | Promise<void>,
): Promise<number> {
  const limit = Math.max(1, Math.floor(concurrency));
  const pending = new Map<number, Promise<R>>();
  let next = 0; // next index to hand out
  let emit = 0; // next index to emit
  const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()) as
    | AsyncIterator<T>
    | Iterator<T>;
  let done = false;
  while (!done || emit < next) {
    while (!done && pending.size < limit) {
      const r = await iterator.next();
      if (r.done) {
        done = true;
        break;
      }
      const i = next++;
      // Attach a no-op catch so a rejection waiting its turn is not reported as unhandled.
      const p = worker(r.value, i);
      p.catch(() => undefined);
      pending.set(i, p);
    }
    if (emit < next) {
      const result = await pending.get(emit)!;
      pending.delete(emit);
      await onResult(result, emit);
      emit++;
    }
  }
  return next;
}
