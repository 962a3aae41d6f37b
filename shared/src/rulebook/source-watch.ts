// How a rulebook source is watched, for watchRulebook and createRulebookService alike: one look at a
// time (a request during a look makes exactly one more after it), a file's directory watched with a
// debounce and its stat polled as a fallback, a URL polled. What a look does is the caller's.
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface SourceWatchOptions {
  /** The file to watch; null for a URL, which is only polled. */
  path: string | null;
  intervalMs: number;
  debounceMs: number;
  /** Whether the timers and the fs watcher keep the process alive. */
  persistent: boolean;
  /** One look at the source; never called twice at once. */
  look(): Promise<void>;
  /** On a poll tick, look even when the file's stat did not change (a URL, a retry). */
  lookOnEveryPoll(): boolean;
  /** The fs watcher could not start or stopped; polling goes on. `why` is the system's message. */
  onWatchFailure(why: string, started: boolean): void;
}

export interface SourceWatch {
  /** Looks now (or once more after the look under way); resolves when that look is done. */
  check(): Promise<void>;
  close(): void;
}

export function watchSource(opts: SourceWatchOptions): SourceWatch {
  const { path, intervalMs, debounceMs, persistent } = opts;
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let debounceTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let fileWatcher: FSWatcher | undefined;
  let lastStat: string | undefined;

  function check(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await opts.look();
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => void check(), debounceMs);
    if (!persistent) debounceTimer.unref();
  }

  /** Whether the file changed since the last stat (its first stat is no change; missing is a state too). */
  async function statChanged(): Promise<boolean> {
    let sig = 'missing';
    try {
      const st = await stat(path!);
      sig = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      // missing: compared like any other state
    }
    const changed = lastStat !== undefined && sig !== lastStat;
    lastStat = sig;
    return changed;
  }

  function poll(): void {
    if (closed) return;
    pollTimer = setTimeout(async () => {
      if (!path || opts.lookOnEveryPoll()) await check();
      else if (await statChanged()) schedule();
      poll();
    }, intervalMs);
    if (!persistent) pollTimer.unref();
  }

  if (path) {
    // The directory, not the file: editors, atomic writers and syncs replace the file by a rename,
    // after which a watch on the old file would see nothing.
    const base = basename(path);
    try {
      fileWatcher = fsWatch(dirname(path), { persistent }, (_event, filename) => {
        if (filename === null || filename === base) schedule();
      });
      fileWatcher.on('error', (err) => opts.onWatchFailure(err.message, true));
    } catch (err) {
      opts.onWatchFailure((err as Error).message, false);
    }
    void statChanged();
  }
  void check();
  poll();

  return {
    check,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(debounceTimer);
      clearTimeout(pollTimer);
      fileWatcher?.close();
    },
  };
}
