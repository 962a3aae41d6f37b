// The status report of a production service (`GET /casebook/status`): which rulebook serves and
// since when, the newest refused load and why, and counts. The app polls it to show deployments.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtractionResult, RulebookArtifact } from '../domain.js';
import { RUNTIME_VERSION } from '../version.js';
import type { LoadedRulebook, RuntimeStatus } from './types.js';

/** Where a service answers with its status, unless told otherwise. */
export const DEFAULT_STATUS_PATH = '/casebook/status';

export interface StatusReporterOptions {
  service: string;
  /** The clock (for tests). */
  now?: () => Date;
  /** Where `counts.traceLinesDropped` comes from (a TraceLog). */
  traceLog?: { dropped(): number } | null;
}

export interface LoadedOptions {
  /** The key that verified the signature (default: the signature's key id; null when not verified). */
  keyId?: string | null;
  /**
   * Whether this load ends the reported refusal. By default a good load from the refusal's source
   * does, unless it is the very version (hash) that was refused. A caller that knows the order of
   * events says so: false for a load of a version that arrived before the refusal (it finished
   * preparing late), true for a good load of what the source holds now.
   */
  clearsRefusal?: boolean;
}

export interface StatusReporter {
  /**
   * A rulebook now serves. `keyId`: the key that verified its signature; by default the
   * signature's key id, or null when unsigned (pass null when a signature was not verified).
   */
  loaded(rulebook: RulebookArtifact, source: string, opts?: LoadedOptions): void;
  /** A load was refused (corrupt, wrongly signed, unreadable); what serves does not change. */
  refused(error: Error | string, source: string, rulebook?: Partial<LoadedRulebook> | null): void;
  /** Counts an extraction (and whether its output was invalid). */
  extracted(result: Pick<ExtractionResult, 'valid'>): void;
  /** Counts an extraction that failed (the provider, a bad message). */
  errored(): void;
  status(): RuntimeStatus;
}

export function createStatusReporter(opts: StatusReporterOptions): StatusReporter {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  let active: RuntimeStatus['active'] = null;
  let lastError: RuntimeStatus['lastError'] = null;
  const counts = { extractions: 0, invalid: 0, errors: 0 };

  return {
    loaded(rulebook, source, o = {}) {
      const keyId = o.keyId !== undefined ? o.keyId : (rulebook.signature?.keyId ?? null);
      // The same version from the same source again (the source went back to it after a refusal)
      // has served all along: its `since` stays.
      const since = active && active.hash === rulebook.hash && active.source === source ? active.since : now().toISOString();
      active = { id: rulebook.id, version: rulebook.version, hash: rulebook.hash, keyId, since, source };
      // A good load from the refused source ends the refusal (a rollback to an older version, the
      // good file back over a tampered one), unless it is the very version that was refused.
      if (!lastError) return;
      const clears = o.clearsRefusal ?? (lastError.source === source && lastError.rulebook?.hash !== rulebook.hash);
      if (clears) lastError = null;
    },
    refused(error, source, rulebook = null) {
      const message = typeof error === 'string' ? error : error.message;
      lastError = { at: now().toISOString(), message, source, rulebook: rulebook && Object.keys(rulebook).length ? { ...rulebook } : null };
    },
    extracted(result) {
      counts.extractions++;
      if (!result.valid) counts.invalid++;
    },
    errored() {
      counts.errors++;
    },
    status() {
      let traceLinesDropped = 0;
      try {
        traceLinesDropped = opts.traceLog?.dropped() ?? 0;
      } catch {
        // a status report never fails for its counts
      }
      return {
        format: 'casebook-status/1',
        service: opts.service,
        runtimeVersion: RUNTIME_VERSION,
        startedAt,
        active: active ? { ...active } : null,
        lastError: lastError ? { ...lastError, rulebook: lastError.rulebook ? { ...lastError.rulebook } : null } : null,
        counts: { ...counts, traceLinesDropped },
      };
    },
  };
}

/**
 * A node:http handler for the status report: answers GET and HEAD on `path` (query strings
 * ignored) with the JSON report and returns true; returns false, touching nothing, for any other
 * request, so the service's own routing continues.
 */
export function statusHandler(
  reporter: { status(): RuntimeStatus },
  opts: { path?: string } = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const path = opts.path ?? DEFAULT_STATUS_PATH;
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) return false;
    const body = JSON.stringify(reporter.status());
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
