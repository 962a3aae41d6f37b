// The trace import's write lock (import-pool.ts): an Int32 in shared memory, 0 when free, else its
// holder's id (a worker's threadId; the backend's thread uses -1). It only spares SQLite's busy
// sleeps between writers: SQLite's own lock still guards the database.

/** How long one wait sleeps before looking again (a holder that died is freed by the pool). */
const WAIT_MS = 100;

/** Runs `write` holding the lock as `holder`, waiting for it first. */
export function underWriteLock<T>(lock: Int32Array, holder: number, write: () => T): T {
  for (;;) {
    const current = Atomics.compareExchange(lock, 0, 0, holder);
    if (current === 0) break;
    Atomics.wait(lock, 0, current, WAIT_MS);
  }
  try {
    return write();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0);
  }
}
