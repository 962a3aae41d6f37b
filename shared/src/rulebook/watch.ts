// Hot reloading for production services: watch a rulebook file or URL, verify every new version
// before swapping it in, and keep serving the last good one when a new version is broken.
import { dirname, resolve } from 'node:path';
import type { RulebookArtifact } from '../domain.js';
import { RulebookError } from './errors.js';
import { fetchRulebookText, filePathOf, isHttpUrl, parseRulebook, readRulebookFile } from './load.js';
import { printable } from './printable.js';
import { watchSource } from './source-watch.js';

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

  const sw = watchSource({
    path,
    intervalMs,
    debounceMs,
    persistent,
    look: runOnce,
    lookOnEveryPoll: () => false,
    onWatchFailure: (why, started) =>
      report(new RulebookError('io', source, started
        ? `watching stopped working (${why}); falling back to polling every ${intervalMs} ms`
        : `cannot watch ${dirname(path!)} (${why}); polling every ${intervalMs} ms`)),
  });

  return {
    current: () => current,
    ready,
    refresh: sw.check,
    close() {
      if (closed) return;
      closed = true;
      sw.close();
      abort.abort();
      if (!settled) {
        settled = true;
        rejectReady(new RulebookError('io', source, 'the watcher was closed before the first load'));
      }
    },
  };
}
