// Replaying a rulebook's precedents through the pipeline and comparing each output with the
// precedent's, field by field: what `casebook test` prints and what the app's regression gate
// judges a draft by. Plain runtime code: no Electron, no native modules.
import type { JsonValue, Precedent, RulebookArtifact } from '../domain.js';
import type { ResponseCache } from '../pipeline/cache.js';
import { createExtractor, type Extractor } from '../pipeline/extractor.js';
import { mapInOrder } from '../pipeline/many.js';
import type { ProviderConfig } from '../providers/create.js';
import { ProviderError, type Provider } from '../providers/types.js';

/** A field whose replayed value differs from the precedent's (undefined: absent on that side). */
export interface ReplayFieldDiff {
  field: string;
  expected: JsonValue | undefined;
  actual: JsonValue | undefined;
}

/** One precedent replayed. */
export interface PrecedentReplay {
  id: string;
  /** No field differs and the output is valid. */
  pass: boolean;
  diffs: ReplayFieldDiff[];
  /** Validation errors of the output (`/path message`), or the provider's error. */
  errors: string[];
  /** The answer came from the response cache. */
  cached: boolean;
}

export interface ReplayOptions {
  /** The extractor to replay with (the app passes its own, with its cache and rate limit). */
  extractor?: Extractor;
  /** Without `extractor`: the provider, or how to make one (default: the rulebook's settings). */
  provider?: Provider | ProviderConfig;
  /** Without `extractor`: a cache, a cache folder, or false for none. */
  cache?: ResponseCache | string | false;
  /** Precedents replayed at once (default 4). */
  concurrency?: number;
  /** Stops handing out precedents; the replay ends with `aborted` set. */
  signal?: AbortSignal;
  /** Do not show a precedent its own example (measures generalisation). */
  leaveOneOut?: boolean;
  /** Replay only these precedents (default: every precedent of the rulebook), in their order. */
  precedents?: readonly Precedent[];
  /** Each result, in the precedents' order, as it is known. */
  onResult?: (result: PrecedentReplay, precedent: Precedent, index: number) => void | Promise<void>;
  /** After each result: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
  /** The event loop gets a turn at least this often (ms; default 3). */
  sliceMs?: number;
}

export interface ReplaySummary {
  results: PrecedentReplay[];
  total: number;
  passed: number;
  failed: number;
  cached: number;
  /** The signal stopped the replay before every precedent was replayed. */
  aborted: boolean;
}

/** The fields of `fields` whose values differ (a missing value counts as null). */
export function diffOutputs(expected: Record<string, JsonValue>, actual: Record<string, JsonValue>, fields: readonly string[]): ReplayFieldDiff[] {
  const diffs: ReplayFieldDiff[] = [];
  for (const field of fields) {
    const e = expected[field];
    const a = actual[field];
    if (JSON.stringify(e ?? null) !== JSON.stringify(a ?? null)) diffs.push({ field, expected: e, actual: a });
  }
  return diffs;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Replays the precedents (all, or `precedents`) through `rulebook`'s pipeline, `concurrency` at a
 * time, results in order. A provider's error fails that precedent (its message in `errors`); any
 * other error rejects. Gives the event loop a turn between precedents every `sliceMs`.
 */
export async function replayPrecedents(rulebook: RulebookArtifact, opts: ReplayOptions = {}): Promise<ReplaySummary> {
  const extractor =
    opts.extractor ??
    createExtractor(rulebook, { ...(opts.provider ? { provider: opts.provider } : {}), ...(opts.cache !== undefined ? { cache: opts.cache } : {}) });
  const precedents = opts.precedents ?? rulebook.precedents;
  const fields = rulebook.schema.fields.map((f) => f.name);
  const signal = opts.signal;
  const sliceMs = opts.sliceMs ?? 3;
  const summary: ReplaySummary = { results: [], total: precedents.length, passed: 0, failed: 0, cached: 0, aborted: false };
  if (precedents.length === 0) return summary;
  await extractor.prepare();

  let sliceStart = performance.now();
  const yieldIfDue = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await nextTurn();
    sliceStart = performance.now();
  };
  function* handOut(): Generator<Precedent> {
    for (const p of precedents) {
      if (signal?.aborted) return;
      yield p;
    }
  }

  await mapInOrder(
    handOut(),
    Math.max(1, opts.concurrency ?? 4),
    async (p): Promise<PrecedentReplay | null> => {
      await yieldIfDue();
      if (signal?.aborted) return null;
      try {
        const r = await extractor.extract(p.message, {
          ...(opts.leaveOneOut ? { excludePrecedents: new Set([p.id]) } : {}),
          ...(signal ? { signal } : {}),
        });
        const diffs = diffOutputs(p.output, r.output, fields);
        const errors = r.errors.map((e) => `${e.path || '/'} ${e.message}`);
        return { id: p.id, pass: diffs.length === 0 && errors.length === 0, diffs, errors, cached: r.trace.cacheHit };
      } catch (err) {
        if (signal?.aborted) return null;
        if (err instanceof ProviderError) return { id: p.id, pass: false, diffs: [], errors: [`provider error (${err.code}): ${err.message}`], cached: false };
        throw err;
      }
    },
    async (result, index) => {
      if (result === null) return;
      summary.results.push(result);
      if (result.pass) summary.passed++;
      else summary.failed++;
      if (result.cached) summary.cached++;
      await opts.onResult?.(result, precedents[index]!, index);
      opts.onProgress?.(summary.results.length, summary.total);
    },
  );
  summary.aborted = summary.results.length < summary.total;
  return summary;
}
