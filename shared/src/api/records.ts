// What the app's backend hands the window: rows of the workspace as plain data.
import type { Extraction, ExtractionSchema, FieldChange, JsonValue, MessageInput, ModelSettings, Precedent, Rule, Trace, ValidationError } from '../domain.js';

import type { ImportFormat, ReviewStatus, RunStatus } from './names.js';

export { REVIEW_STATUSES, type ImportFormat, type ReviewStatus, type RunStatus } from './names.js';

export interface MessageRecord extends MessageInput {
  id: string;
  receivedAt: string | null;
  /** Where it came from: `demo`, a file name, `paste`... */
  source: string;
  status: ReviewStatus;
}

export interface ExtractionRecord {
  id: string;
  messageId: string;
  runId: string | null;
  rulebookVersion: number;
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  trace: Trace;
  createdAt: string;
}

/** One inbox row: enough to list and filter without loading traces. */
export interface MessageSummary {
  id: string;
  subject: string | null;
  sender: string | null;
  /** The first characters of the text, for the list. */
  preview: string;
  receivedAt: string | null;
  status: ReviewStatus;
  /** The latest extraction's output and validity, when there is one. */
  output: Extraction | null;
  valid: boolean | null;
}

export interface MessagePage {
  items: MessageSummary[];
  /** Pass back to get the next page; null at the end. */
  nextCursor: string | null;
  /** How many messages match the filter. */
  total: number;
}

export interface MessageDetail {
  message: MessageRecord;
  extraction: ExtractionRecord | null;
}

/**
 * The rulebook being edited in the workspace (not yet published), whole, as the window sees it:
 * with its rules, precedents and the version it will publish as. (The workspace stores only the
 * draft's own part, as the backend's `StoredDraft`.)
 */
export interface DraftRulebook {
  id: string;
  name: string;
  /** The version the draft will publish as. */
  version: number;
  instructions: string;
  schema: ExtractionSchema;
  rules: Rule[];
  precedents: Precedent[];
  settings: ModelSettings;
}

export interface AppInfo {
  version: string;
  runtimeVersion: string;
  host: 'electron' | 'web';
  workspacePath: string;
  messageCount: number;
}

export interface ProviderSettings {
  provider: 'embedded' | 'openai';
  baseURL: string;
  model: string;
  /** Whether an API key is stored. The key itself never leaves the backend. */
  hasApiKey: boolean;
  /** Precedents shown to the model. */
  k: number;
  concurrency: number;
  /** Requests a second to the model during runs; 0 for no limit. */
  ratePerSecond: number;
}

export interface Counts {
  total: number;
  byStatus: Record<ReviewStatus, number>;
  invalid: number;
}

// ---------------------------------------------------------------------------------------------
// Triage and teach (issue 4).

export interface PrecedentRecord extends Precedent {
  /** The workspace message it was made from, when it was made from one. */
  messageId: string | null;
  deletedAt: string | null;
}

export interface RuleRecord {
  rule: Rule;
  position: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** What saving a rule would change: messages whose latest output differs, old value beside new. */
export interface RuleImpact {
  /** How many messages with an extraction were looked at. */
  checked: number;
  changed: {
    messageId: string;
    subject: string | null;
    preview: string;
    fields: { field: string; from: JsonValue | null; to: JsonValue | null }[];
  }[];
  /** True when `changed` was cut at the limit. */
  truncated: boolean;
}

/** The messages a rule acted on: those whose newest extraction's trace lists it among the rules fired. */
export interface RuleMessages {
  /** Newest message first, at most the limit asked for. */
  messages: {
    messageId: string;
    subject: string | null;
    preview: string;
    /** What the rule changed in that extraction; empty when it matched but the output already agreed. */
    changed: FieldChange[];
  }[];
  /** How many messages it fired on in all. */
  total: number;
}


export interface RunRecord {
  id: string;
  kind: string;
  status: RunStatus;
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface RunErrorItem {
  messageId: string;
  error: string;
}


export interface ImportProblem {
  /** 1-based line (or record) number in the file. */
  line: number;
  reason: string;
}

export interface ImportPreview {
  format: ImportFormat;
  /** CSV: the header's columns; JSONL: the keys seen in the first rows. */
  columns: string[];
  /** A guess of which column is which, for the mapping step. */
  suggestedMapping: ImportMapping;
  /** The first rows as they would be imported. */
  rows: { text: string; subject?: string; sender?: string; receivedAt?: string; labels?: Record<string, JsonValue> }[];
  /** Rows counted in the whole file, and problems found so far. */
  totalRows: number;
  problems: ImportProblem[];
}

export interface ImportMapping {
  text: string | null;
  subject?: string | null;
  sender?: string | null;
  receivedAt?: string | null;
  id?: string | null;
  /** Columns that carry the right value of a schema field (labelled history): column -> field. */
  labels?: Record<string, string>;
}

export interface ImportResult {
  format: ImportFormat;
  inserted: number;
  /** Duplicates of messages already in the workspace (same content hash). */
  skipped: number;
  /** Precedents made from labelled rows. */
  precedents: number;
  problems: ImportProblem[];
}
