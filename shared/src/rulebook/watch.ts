// Hot reloading for production services: watch a rulebook file or URL, verify every new version
// before swapping it in, and keep serving the last good one when a new version is broken.
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { RulebookArtifact } from '../domain.js';
import { RulebookError } from './errors.js';
import { fetchRulebookText, filePathOf, isHttpUrl, parseRulebook, readRulebookFile } from './load.js';
import { printable } from './printable.js';

export interface WatchOptions {
  publicKeys?: string[];
  requireSignature?: boolean;
  /** URLs: how often to poll (default 5000 ms). Files: how often to stat the file as a fallback to fs.watch (same default). */
  intervalMs?: number;
  /** Files: how long to wait after the last change event before reloading (default 100 ms). */
  debounceMs?: number;
  /** A new, verified version replaced `prev` (null when the first load had failed). Not called for the first load: see `ready`. */
  onUpdate?: (rulebook: RulebookArtifact, prev: RulebookArtifact | null) => void;
  /**
   * A reload failed (RulebookError: broken file, bad hash or signature, unreachable URL) and the
   * last good version stays in use, or `onUpdate` threw. The same failure is reported once, not on
   * every poll. Default: a line on stderr.
   */
  onError?: (err: Error) => void;
  /** For URLs; default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Whether the watcher keeps the process alive (default true, as fs.watch). */
  persistent?: boolean;
}

export interface RulebookWatcher {
  /** The last good rulebook; undefined until the first successful load. */
  current(): RulebookArtifact | undefined;
  /** The first load; rejects (with a RulebookError) when it fails. The watcher keeps watching either way until closed. */
  readonly ready: Promise<RulebookArtifact>;
  /** Checks the source now, e.g. on SIGHUP. Resolves when that check is done. */
  refresh(): Promise<void>;
  close(): void;
}

/** Watches a rulebook file path, `file:` URL or http(s) URL. */
export function watchRulebook(source: string, opts: WatchOptions = {}): RulebookWatcher {
  const url = isHttpUrl(source) ? source : null;
  const path = url ? null : resolve(filePathOf(source));
  const intervalMs = Math.max(10, opts.intervalMs ?? 5000);
  const debounceMs = Math.max(0, opts.debounceMs ?? 100);
  const persistent = opts.persistent ?? true;
  const report = (err: Error) => {
    try {
      if (opts.onError) opts.onError(err);
      else process.stderr.write(`casebook: rulebook reload failed, keeping the last good version: ${printable(err.message)}\n`);
    } catch {
      // an error handler that throws must not stop the watcher
    }
  };

  let current: RulebookArtifact | undefined;
  let settled = false;
  let closed = false;
  let lastText: string | undefined;
  let lastErrorMessage: string | undefined;
  let etag: string | null = null;
  let lastModified: string | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let debounceTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let fileWatcher: FSWatcher | undefined;
  let lastStat: string | undefined;
  const abort = new AbortController();

  let resolveReady!: (rb: RulebookArtifact) => void;
  let rejectReady!: (err: Error) => void;
  const ready = new Promise<RulebookArtifact>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined); // the caller may not listen; that must not be an unhandled rejection

  async function once(): Promise<void> {
    let text: string;
    if (url) {
      const got = await fetchRulebookText(url, { ...(opts.fetch ? { fetch: opts.fetch } : {}), etag, lastModified, signal: abort.signal });
      if (got.text === null) return; // 304 Not Modified
      text = got.text;
      // Remember validators only once the body was read; a broken body is then not refetched until it changes.
      etag = got.etag;
      lastModified = got.lastModified;
    } else {
      text = await readRulebookFile(path!);
    }
    if (text === lastText) return;
    lastText = text;
    const rb = parseRulebook(text, {
      source,
      ...(opts.publicKeys ? { publicKeys: opts.publicKeys } : {}),
      ...(opts.requireSignature ? { requireSignature: true } : {}),
    });
    lastErrorMessage = undefined;
    if (closed || (current && rb.hash === current.hash)) return;
    const prev = current ?? null;
    current = rb;
    if (!settled) {
      settled = true;
      resolveReady(rb);
      return;
    }
    try {
      opts.onUpdate?.(rb, prev);
    } catch (err) {
      report(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async function runOnce(): Promise<void> {
    try {
      await once();
    } catch (err) {
      if (closed) return;
      const e = err instanceof Error ? err : new Error(String(err));
      if (!settled) {
        settled = true;
        rejectReady(e);
        lastErrorMessage = e.message;
        return;
      }
      if (e.message === lastErrorMessage) return;
      lastErrorMessage = e.message;
      report(e);
    }
  }

  /** Runs checks one at a time; a request during a check runs one more check after it. */
  function check(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
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

  async function statChanged(): Promise<boolean> {
    try {
      const s = await stat(path!);
      const sig = `${s.ino}:${s.size}:${s.mtimeMs}`;
      const changed = lastStat !== undefined && sig !== lastStat;
      lastStat = sig;
      return changed;
    } catch {
      const changed = lastStat !== 'missing';
      lastStat = 'missing';
      return changed;
    }
  }

  function poll(): void {
    if (closed) return;
    pollTimer = setTimeout(async () => {
      if (url) await check();
      else if (await statChanged()) schedule();
      poll();
    }, intervalMs);
    if (!persistent) pollTimer.unref();
  }

  if (path) {
    // Watch the directory, not the file: editors and atomic writers replace the file by a rename,
    // after which a watch on the old file would see nothing.
    const base = basename(path);
    try {
      fileWatcher = fsWatch(dirname(path), { persistent }, (_event, filename) => {
        if (filename === null || filename === base) schedule();
      });
      fileWatcher.on('error', (err) => report(new RulebookError('io', source, `watching stopped working (${err.message}); falling back to polling every ${intervalMs} ms`)));
    } catch (err) {
      report(new RulebookError('io', source, `cannot watch ${dirname(path)} (${(err as Error).message}); polling every ${intervalMs} ms`));
    }
    void statChanged();
  }
  void check();
  poll();

  return {
    current: () => current,
    ready,
    refresh: check,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(debounceTimer);
      clearTimeout(pollTimer);
      fileWatcher?.close();
      abort.abort();
      if (!settled) {
        settled = true;
        rejectReady(new RulebookError('io', source, 'the watcher was closed before the first load'));
      }
    },
  };
}
