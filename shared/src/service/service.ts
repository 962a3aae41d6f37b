// A production service's rulebook, in one object: watch the file or URL (hot reload, verified),
// extract with the newest good version, report status, write the trace log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ExtractionResult, MessageInput, RulebookArtifact } from '../domain.js';
import { createExtractor, type Extractor } from '../pipeline/extractor.js';
import type { ResponseCache } from '../pipeline/cache.js';
import type { ProviderConfig } from '../providers/create.js';
import type { Provider } from '../providers/types.js';
import { dirname, resolve } from 'node:path';
import { fetchRulebookText, filePathOf, isHttpUrl, parseRulebook, readRulebookFile } from '../rulebook/load.js';
import { watchSource } from '../rulebook/source-watch.js';
import { createStatusReporter, statusHandler, type StatusReporter } from './status.js';
import { createTraceLog, traceLineOf, type TraceLog } from './trace-log.js';
import type { LoadedRulebook, RuntimeStatus } from './types.js';

export interface RulebookServiceOptions {
  /** The rulebook: a file path (a label's synced file, `production.json`), a `file:` URL or an http(s) URL. */
  source: string;
  /** Trusted Ed25519 public keys (SPKI PEM): every version must be signed by one of them. */
  publicKeys?: string[];
  /** Without `publicKeys`, load unsigned rulebooks (a signature is then not checked). Required in that case. */
  allowUnsigned?: boolean;
  /** Default: the rulebook's own settings (embedded unless it says openai). */
  provider?: Provider | ProviderConfig;
  cache?: ResponseCache | string | false;
  /** The service's name, in the status report and every trace line. */
  service: string;
  /** A trace log, or where to make one (closed with the service). None by default. */
  traceLog?: TraceLog | { dir: string; includeText?: boolean };
  /** How often the source is checked (files also use fs.watch). Default 5000 ms. */
  pollMs?: number;
  /** Where the status handler answers. Default `/casebook/status`. */
  statusPath?: string;
  /** Refused versions and trace log failures, besides the status report. Default: a line on stderr. */
  onError?: (err: Error) => void;
}

export interface ExtractCallOptions {
  /** The caller's id for the message, for the trace log (default `message.id`). */
  messageId?: string;
  signal?: AbortSignal;
}

export interface RulebookService {
  /** Resolves once the first version is loaded and ready; rejects when that first load fails (the service keeps watching). */
  ready(): Promise<void>;
  /** Extracts with the version serving now; rejects before any good load. */
  extract(message: MessageInput, opts?: ExtractCallOptions): Promise<ExtractionResult>;
  status(): RuntimeStatus;
  /** The status report's node:http handler (true when it answered). */
  statusHandler: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The rulebook serving now, if any. */
  current(): RulebookArtifact | undefined;
  /** Stops watching and flushes (and closes, when the service made it) the trace log. */
  close(): Promise<void>;
}

export function createRulebookService(opts: RulebookServiceOptions): RulebookService {
  const publicKeys = opts.publicKeys?.filter((k) => k.trim()) ?? [];
  if (publicKeys.length === 0 && !opts.allowUnsigned) {
    throw new TypeError('createRulebookService: give publicKeys to verify signed rulebooks, or allowUnsigned: true to load unsigned ones');
  }
  const { source, service } = opts;
  const report = (err: Error) => {
    try {
      if (opts.onError) opts.onError(err);
      else process.stderr.write(`casebook: ${err.message}\n`);
    } catch {
      // a handler that throws must not stop the service
    }
  };

  const ownsLog = opts.traceLog !== undefined && !isTraceLog(opts.traceLog);
  const log: TraceLog | null = opts.traceLog === undefined
    ? null
    : isTraceLog(opts.traceLog)
      ? opts.traceLog
      : createTraceLog({ dir: opts.traceLog.dir, service, includeText: opts.traceLog.includeText ?? true, onError: report });
  const reporter: StatusReporter = createStatusReporter({ service, traceLog: log });

  // The service watches its source itself (not with watchRulebook): it must look again at a
  // version that verified but could not be prepared (on the next poll, or when the file changes),
  // and notice the source going back to the version that serves (after a refusal) to clear it.
  const url = isHttpUrl(source) ? source : null;
  const path = url ? null : resolve(filePathOf(source));
  const intervalMs = Math.max(10, opts.pollMs ?? 5000);
  const debounceMs = Math.min(100, intervalMs);

  let serving: Extractor | null = null;
  let closed = false;
  /** Every look at a new text of the source, and every failure to read it, in order. */
  let seq = 0;
  /** The look whose version serves (or that found the source back at the version serving). */
  let servingSeq = 0;
  /** The look whose refusal the status reports now (0: none). */
  let refusalSeq = 0;
  let lastText: string | undefined;
  /** The last look's version could not be prepared: look again even when the text is the same. */
  let retry = false;
  let lastReported: string | undefined;
  let etag: string | null = null;
  let lastModified: string | null = null;
  const abort = new AbortController();

  let settled = false;
  let resolveReady!: () => void;
  let rejectReady!: (err: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined); // the caller may not ask

  /** A load refused: reported (once per distinct reason) and in the status, unless a newer look already served or was refused. */
  function refuse(err: Error, mine: number, detail: Partial<LoadedRulebook> | null): void {
    if (closed) return;
    if (!settled) {
      settled = true;
      rejectReady(err);
    }
    if (err.message !== lastReported) {
      lastReported = err.message;
      report(err);
    }
    if (mine < servingSeq || mine < refusalSeq) return;
    const same = refusalSeq !== 0 && reporter.status().lastError?.message === err.message;
    refusalSeq = mine;
    if (!same) reporter.refused(err, source, detail);
  }

  /** Verified: builds its extractor and swaps it in once prepared, unless a later look has served by then. */
  async function serve(rb: RulebookArtifact, mine: number): Promise<void> {
    const keyId = publicKeys.length ? (rb.signature?.keyId ?? null) : null;
    if (serving && rb.hash === serving.rulebook.hash) {
      // The source is back at the version serving (a refused file replaced by the good one).
      servingSeq = Math.max(servingSeq, mine);
      if (refusalSeq < mine) refusalSeq = 0;
      reporter.loaded(serving.rulebook, source, { keyId, clearsRefusal: refusalSeq === 0 });
      return;
    }
    let extractor: Extractor;
    try {
      extractor = createExtractor(rb, {
        ...(opts.provider ? { provider: opts.provider } : {}),
        ...(opts.cache !== undefined ? { cache: opts.cache } : {}),
      });
      await extractor.prepare();
    } catch (err) {
      // A refusal like any other: reported, and tried again on the next poll or change while it is
      // what the source holds.
      if (mine === seq) retry = true;
      refuse(new Error(`${source}: version ${rb.version} could not be prepared: ${(err as Error).message}`), mine, loadedOf(rb, keyId));
      return;
    }
    if (closed || mine < servingSeq) return;
    serving = extractor;
    servingSeq = mine;
    // A refusal of a later look (a newer version that failed while this one prepared) stands.
    if (refusalSeq < mine) refusalSeq = 0;
    reporter.loaded(rb, source, { keyId, clearsRefusal: refusalSeq === 0 });
    if (!settled) {
      settled = true;
      resolveReady();
    }
  }

  /** Reads the source; a new text (or the same after a failed prepare) is verified and served. */
  async function look(): Promise<void> {
    let text: string;
    try {
      if (url) {
        const again = retry;
        const got = await fetchRulebookText(url, { etag: again ? null : etag, lastModified: again ? null : lastModified, signal: abort.signal });
        if (got.text === null) return; // 304 Not Modified
        text = got.text;
        etag = got.etag;
        lastModified = got.lastModified;
      } else {
        text = await readRulebookFile(path!);
      }
    } catch (err) {
      lastText = undefined;
      refuse(err instanceof Error ? err : new Error(String(err)), ++seq, null);
      return;
    }
    if (closed || (text === lastText && !retry)) return;
    const retrying = retry && text === lastText;
    lastText = text;
    retry = false;
    const mine = ++seq;
    let rb: RulebookArtifact;
    try {
      rb = parseRulebook(text, { source, ...(publicKeys.length ? { publicKeys } : {}) });
    } catch (err) {
      refuse(err instanceof Error ? err : new Error(String(err)), mine, refusedRulebook(text));
      return;
    }
    // A retry that fails as before is not reported again.
    if (!retrying) lastReported = undefined;
    // Not awaited: a newer version may arrive (and serve) while this one prepares.
    void serve(rb, mine);
  }

  const sw = watchSource({
    path,
    intervalMs,
    debounceMs,
    persistent: false,
    look,
    lookOnEveryPoll: () => retry,
    onWatchFailure: (why, started) =>
      report(new Error(started
        ? `${source}: watching stopped working (${why}); polling every ${intervalMs} ms`
        : `${source}: cannot watch ${dirname(path!)} (${why}); polling every ${intervalMs} ms`)),
  });

  async function extract(message: MessageInput, o: ExtractCallOptions = {}): Promise<ExtractionResult> {
    const extractor = serving;
    if (!extractor) {
      const why = reporter.status().lastError?.message;
      throw new Error(`casebook: no rulebook is loaded yet from ${source}${why ? ` (last refusal: ${why})` : ''}`);
    }
    const t0 = performance.now();
    let result: ExtractionResult;
    try {
      result = await extractor.extract(message, o.signal ? { signal: o.signal } : {});
    } catch (err) {
      reporter.errored();
      throw err;
    }
    reporter.extracted(result);
    if (log) {
      try {
        log.write(traceLineOf(result, message, {
          service,
          messageId: o.messageId ?? message.id ?? null,
          latencyMs: performance.now() - t0,
          includeText: log.includeText,
        }));
      } catch (err) {
        report(err instanceof Error ? err : new Error(String(err))); // never at extract time
      }
    }
    return result;
  }

  return {
    ready: () => ready,
    extract,
    status: () => reporter.status(),
    statusHandler: statusHandler(reporter, opts.statusPath ? { path: opts.statusPath } : {}),
    current: () => serving?.rulebook,
    async close() {
      if (closed) return;
      closed = true;
      sw.close();
      abort.abort();
      if (!settled) {
        settled = true;
        rejectReady(new Error(`${source}: the service was closed before the first load`));
      }
      if (log) await (ownsLog ? log.close() : log.flush());
    },
  };
}

function isTraceLog(x: unknown): x is TraceLog {
  return typeof (x as TraceLog).write === 'function' && typeof (x as TraceLog).flush === 'function';
}

function loadedOf(rb: RulebookArtifact, keyId: string | null): Partial<LoadedRulebook> {
  return { id: rb.id, version: rb.version, hash: rb.hash, ...(keyId ? { keyId } : {}) };
}

/** What a refused text says it is (id, version, hash, key id), when it parses as JSON at all. */
function refusedRulebook(text: string): Partial<LoadedRulebook> | null {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const sig = j.signature as { keyId?: unknown } | undefined;
    const out: Partial<LoadedRulebook> = {};
    if (typeof j.id === 'string') out.id = j.id;
    if (typeof j.version === 'number') out.version = j.version;
    if (typeof j.hash === 'string') out.hash = j.hash;
    if (typeof sig?.keyId === 'string') out.keyId = sig.keyId;
    return Object.keys(out).length ? out : null;
  } catch {
    return null;
  }
}
