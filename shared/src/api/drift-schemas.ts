// Arguments of the drift investigation's calls beyond comparing two runs (issue 12): repeat runs
// (consistency), production traces (import, watch, charts, lists), replay with attribution, and
// the regressions board. Parsed before any handler sees them.
import { z } from 'zod';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });
const version = z.union([z.number().int().min(1).max(1_000_000), z.literal('draft')]);
const fieldValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const cursor = z.string().max(500).nullable().optional();

/** Which traces: a time window, and optionally one source (a service or an imported file). */
const traceWindow = {
  from: isoTime.optional(),
  to: isoTime.optional(),
  /** `production`: imported traces; `runs`: the workspace's own extractions, charted the same way. */
  origin: z.enum(['production', 'runs']).default('production'),
  source: z.string().max(500).optional(),
};

export const TRACE_BUCKETS = ['hour', 'day', 'week'] as const;
export const TRACE_METRICS = ['field', 'invalid', 'unknown_keys', 'version', 'model', 'latency'] as const;
export const ATTRIBUTIONS = ['rulebook', 'model', 'traffic'] as const;

export const driftArgs = {
  /**
   * Runs each selected message `repeats` times under one rulebook and model, the cache bypassed,
   * the seed varied (seed + i) or not; messages whose answers disagree are unstable and go to the
   * review queue with their answers side by side.
   */
  startConsistency: z
    .object({
      selection: z.union([z.object({ ids: z.array(id).min(1).max(2000) }).strict(), z.object({ all: z.literal(true) }).strict()]),
      repeats: z.number().int().min(2).max(10).default(3),
      varySeed: z.boolean().default(true),
      version: version.default('draft'),
      provider: z.enum(['embedded', 'openai']).optional(),
      model: z.string().trim().min(1).max(200).optional(),
    })
    .strict(),
  getConsistency: z.object({ id, cursor, limit: z.number().int().min(1).max(500).default(100) }).strict(),
  cancelConsistency: z.object({ id }).strict(),

  /**
   * Production traces from a file: the runtime's trace log (JSONL, `v: 1`), or the minimal format
   * from other systems (JSONL or CSV: message text, output, time; version and model optional).
   * Every good line is imported; bad ones are listed with their line numbers.
   */
  importTraces: z
    .object({
      file: z.object({ name: z.string().min(1).max(500), content: z.string(), encoding: z.enum(['text', 'base64']).optional() }).strict(),
      /** Names where the traces came from (default: the file's name). */
      source: z.string().trim().min(1).max(500).optional(),
    })
    .strict(),
  /** Watches a folder of trace files (the runtime's trace log folder): new lines are imported as they are written. Null stops watching. */
  watchTraceFolder: z.object({ path: z.string().min(1).max(4096).nullable() }).strict(),
  getTraceWatch: z.object({}).strict(),
  /** A chart over time: per bucket, counts by value of a field, or invalid share, unknown keys, versions, models, latency. */
  traceChart: z
    .object({
      ...traceWindow,
      metric: z.enum(TRACE_METRICS),
      /** For `field`. */
      field: z.string().min(1).max(64).optional(),
      bucket: z.enum(TRACE_BUCKETS).default('day'),
    })
    .strict(),
  /** The traces behind a point or a bar: a bucket's window and what was selected. */
  listTraces: z
    .object({
      ...traceWindow,
      field: z.string().min(1).max(64).optional(),
      value: fieldValue.optional(),
      valid: z.boolean().optional(),
      unknownKey: z.string().min(1).max(64).optional(),
      version: z.number().int().min(0).optional(),
      model: z.string().max(200).optional(),
      cursor,
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
  getTrace: z.object({ seq: z.number().int().min(1) }).strict(),

  /**
   * Re-runs production traces under a rulebook (the draft by default) and model, and sorts each
   * difference from what production returned: the rulebook's doing, the model's, or traffic.
   */
  startReplay: z
    .object({
      from: isoTime.optional(),
      to: isoTime.optional(),
      source: z.string().max(500).optional(),
      seqs: z.array(z.number().int().min(1)).min(1).max(100_000).optional(),
      version: version.default('draft'),
      provider: z.enum(['embedded', 'openai']).optional(),
      model: z.string().trim().min(1).max(200).optional(),
      limit: z.number().int().min(1).max(100_000).default(10_000),
    })
    .strict(),
  getReplay: z.object({ id, attribution: z.enum(ATTRIBUTIONS).optional(), cursor, limit: z.number().int().min(1).max(500).default(100) }).strict(),
  cancelReplay: z.object({ id }).strict(),
  listReplays: z.object({}).strict(),

  /** Precedents that fail under a version, each with the version at which it started failing. */
  regressionBoard: z.object({ version }).strict(),
} as const;
