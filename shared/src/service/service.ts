// A production service's rulebook, in one object: watch the file or URL (hot reload, verified),
// extract with the newest good version, report status, write the trace log.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ExtractionResult, MessageInput, RulebookArtifact } from '../domain.js';
import { createExtractor, type Extractor } from '../pipeline/extractor.js';
import type { ResponseCache } from '../pipeline/cache.js';
import type { ProviderConfig } from '../providers/create.js';
import type { Provider } from '../providers/types.js';
import { filePathOf, isHttpUrl } from '../rulebook/load.js';
import { watchRulebook, type RulebookWatcher } from '../rulebook/watch.js';
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

  let serving: Extractor | null = null;
  let generation = 0;
  let closed = false;

  /** Builds the extractor for a verified version and swaps it in once prepared (the newest load wins). */
  async function serve(rb: RulebookArtifact): Promise<void> {
    const mine = ++generation;
    const extractor = createExtractor(rb, {
      ...(opts.provider ? { provider: opts.provider } : {}),
      ...(opts.cache !== undefined ? { cache: opts.cache } : {}),
    });
    await extractor.prepare();
    if (mine !== generation || closed) return;
    serving = extractor;
    events++;
    reporter.loaded(rb, source, { keyId: publicKeys.length ? (rb.signature?.keyId ?? null) : null });
  }

  let events = 0; // loads and refusals, so a late detail never overwrites what happened since

  async function refused(err: Error): Promise<void> {
    report(err);
    const seq = ++events;
    reporter.refused(err, source, null);
    const detail = await refusedRulebook();
    if (detail && seq === events && !closed) reporter.refused(err, source, detail);
  }

  /** What the refused file says it is (id, version, hash), when it is a file and parses as JSON at all. */
  async function refusedRulebook(): Promise<Partial<LoadedRulebook> | null> {
    if (isHttpUrl(source)) return null;
    try {
      const j = JSON.parse(await readFile(filePathOf(source), 'utf8')) as Record<string, unknown>;
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

  const watcher: RulebookWatcher = watchRulebook(source, {
    ...(publicKeys.length ? { publicKeys } : {}),
    ...(opts.pollMs !== undefined ? { intervalMs: opts.pollMs, debounceMs: Math.min(100, opts.pollMs) } : {}),
    persistent: false,
    onUpdate: (rb) => {
      serve(rb).catch((err: Error) => void refused(new Error(`${source}: version ${rb.version} could not be prepared: ${err.message}`)));
    },
    onError: (err) => void refused(err),
  });

  const ready = watcher.ready.then(
    (rb) => serve(rb),
    async (err: Error) => {
      await refused(err);
      throw err;
    },
  );
  ready.catch(() => undefined); // the caller may not ask

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
      watcher.close();
      if (log) await (ownsLog ? log.close() : log.flush());
    },
  };
}

function isTraceLog(x: unknown): x is TraceLog {
  return typeof (x as TraceLog).write === 'function' && typeof (x as TraceLog).flush === 'function';
}
