// What a production service around the pipeline reports: the trace log's line (one per extraction,
// the documented format the drift investigation imports) and the status report (what
// `GET /casebook/status` answers). Plain data: the app reads both from services it polls or
// files it imports, so they are versioned (`v`) and only ever grow.
import type { Extraction, ValidationError } from '../domain.js';

/** The trace log's format version; a reader refuses a greater major. */
export const TRACE_LINE_VERSION = 1;

/** One line of the trace log (JSONL): one extraction in production. */
export interface TraceLine {
  v: typeof TRACE_LINE_VERSION;
  /** When the extraction finished, ISO 8601. */
  time: string;
  /** The service that extracted (its configured name). */
  service: string;
  /** The caller's id for the message, when it gave one. */
  messageId: string | null;
  /** The message: subject and text. Left out (null) when the service logs without text, for privacy. */
  message: { subject: string | null; text: string } | null;
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  rulebook: { id: string; version: number; hash: string };
  provider: string;
  /** The model that answered (null for the embedded provider or a cached answer without one). */
  model: string | null;
  latencyMs: number;
  cached: boolean;
  /** Ids of the rules that fired (pre-rules, overrides, aliases). */
  rulesFired: string[];
  /**
   * The precedents shown to the provider, most similar first, with their retrieval score (higher
   * is closer; comparable within one rulebook): which examples an answer was made from, and whether
   * any was close (drift attribution reads it).
   * Absent from lines written before it was added.
   */
  precedents?: { id: string; score: number }[];
  /** sha256 hex of the canonical prompt: the same prompt giving another answer is the model's doing. Absent from older lines. */
  promptHash?: string;
}

/** A rulebook a service loaded (or refused). */
export interface LoadedRulebook {
  id: string;
  version: number;
  hash: string;
  /** The key id of the signature that was verified, or null when unsigned (and allowed). */
  keyId: string | null;
}

/** What a service reports about itself (`GET /casebook/status`). */
export interface RuntimeStatus {
  /** `casebook-status/1`: the shape of this report. */
  format: 'casebook-status/1';
  service: string;
  runtimeVersion: string;
  /** When the service (its status reporter) started, ISO 8601. */
  startedAt: string;
  /** The rulebook serving now, and since when; null before the first good load. */
  active: (LoadedRulebook & { since: string; source: string }) | null;
  /** The newest load that was refused (corrupt, wrongly signed, unreadable), kept until a later good load of a newer version. */
  lastError: { at: string; message: string; source: string; rulebook: Partial<LoadedRulebook> | null } | null;
  counts: { extractions: number; invalid: number; errors: number; traceLinesDropped: number };
}
