// What the app's backend hands the window: rows of the workspace as plain data.
import type { EnumValue, Extraction, ExtractionSchema, FieldChange, FieldSpec, FieldType, JsonValue, MessageInput, ModelSettings, Precedent, Rule, Trace, ValidationError } from '../domain.js';

import type { DraftChangeKind, GateStatus, ImportFormat, ReviewStatus, RunStatus, SyncTargetKind, WorkspaceTemplate } from './names.js';
import type { RuntimeStatus } from '../service/types.js';
import type { ChangelogEntry } from '../rulebook/changelog.js';

export { REVIEW_STATUSES, type DraftChangeKind, type ImportFormat, type ReviewStatus, type RunStatus, type WorkspaceTemplate } from './names.js';

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
  /** Made under an earlier schema of the draft: shown as it was, not validated again; a re-run clears it. */
  stale: boolean;
  /** How sure the machine was, 0..1; null for a person's answer (and extractions stored before confidences were kept). */
  confidence: number | null;
  /** Why the confidence is what it is, in words a person reads ("2 of 8 nearest precedents agree"). */
  reasons: ReviewReasonRecord[];
  /** A person's answer (a correction), not a machine's. */
  human: boolean;
  /** The content hash of the rulebook (the draft as it was) it ran under. */
  rulebookHash: string;
  /** Whether that is the draft as it is now. */
  current: boolean;
}

/** One reason behind a confidence. `kind` is stable (for tests and icons); `text` is for people. */
export interface ReviewReasonRecord {
  kind: 'invalid' | 'disagreement' | 'no_close_precedent' | 'vote_margin' | 'precedent_agreement' | 'override_fired' | 'regression' | 'logprobs' | 'exact_precedent' | (string & {});
  text: string;
  /** The field it is about, when it is about one. */
  field?: string;
}

/** One extraction of a message, for its history. */
export interface ExtractionHistoryItem {
  id: string;
  createdAt: string;
  runId: string | null;
  rulebookVersion: number;
  rulebookHash: string;
  /** Ran under the draft as it is now. */
  current: boolean;
  /** `human` for a person's correction; the provider's name otherwise. */
  provider: string;
  /** The model that answered (the author, for a person's correction). */
  model: string;
  human: boolean;
  output: Extraction;
  valid: boolean;
  confidence: number | null;
  /** This is the answer of record (what the inbox shows, exports and drift use). */
  isRecord: boolean;
  /** Fields whose value differs from the answer of record's. */
  differsFromRecord: string[];
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
  /** The latest extraction was made under an earlier schema of the draft. */
  stale: boolean;
  /** The answer of record's confidence (null for a person's answer or none). */
  confidence: number | null;
  /** Short reasons for the row (the detail's why panel has them all). */
  reasons: string[];
  /** A later machine answer disagrees with the person's answer of record. */
  regression: boolean;
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
  /** The answer of record: a person's correction or acceptance, else the newest machine answer. */
  extraction: ExtractionRecord | null;
  /** When a later machine answer disagrees with the person's answer of record: that answer, and the fields that differ. */
  regression: { extraction: ExtractionRecord; fields: string[] } | null;
  /** What undoReview would undo now ("accept", "correction"), or null. */
  undoable: 'accept' | 'correction' | null;
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
  /** The content hash of the draft as it is now (what an extraction made now records). */
  hash: string;
  /** The newest published version, or null when none has been published. */
  published: { version: number; hash: string } | null;
  /** Whether the draft differs from the newest published version (always true when none is published). */
  changedSincePublished: boolean;
}

export interface AppInfo {
  version: string;
  runtimeVersion: string;
  host: 'electron' | 'web';
  /** The open workspace's file, or null when none is open (the start screen). */
  workspacePath: string | null;
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
  /** Below this confidence a machine's answer goes to Needs review. */
  reviewThreshold: number;
  /** Extract newly imported messages at once, without asking. */
  autoExtractImports: boolean;
  /** Where this host keeps the API key, in plain words. */
  keyStorage: string;
  /** Runs ask the model for token log-probabilities (a server that refuses them is asked again without). */
  logprobs: boolean;
}

export interface Counts {
  total: number;
  byStatus: Record<ReviewStatus, number>;
  invalid: number;
  /** The review queue: messages needing review plus regressions. */
  needsReview: number;
  /** Messages whose person's answer a later machine answer disagrees with. */
  regressions: number;
}

/** Phrases that set a message apart from messages with a different answer for a field. */
export interface PhraseSuggestions {
  field: string;
  /** The message's answer of record for the field. */
  value: JsonValue | null;
  /** Best first. `with`: messages with this answer holding the phrase; `against`: messages with another answer holding it. */
  phrases: { phrase: string; score: number; with: number; against: number }[];
}

/** What a connection test found. */
export interface ConnectionReport {
  ok: boolean;
  baseURL: string;
  /** The model asked. */
  model: string;
  /** The model the server said answered. */
  answeredModel: string | null;
  latencyMs: number;
  /** null: not found out (the test stopped before). */
  supports: { jsonSchema: boolean | null; jsonMode: boolean | null; logprobs: boolean | null };
  /** Each step as tried, in order, with what it found. */
  checks: { name: string; ok: boolean | null; detail: string }[];
  /** What went wrong, in words a person can act on; null when ok. */
  error: string | null;
}

/** A file the backend made for the person to save. */
export interface ExportedFile {
  name: string;
  mimeType: string;
  content: string;
  /** Rows in it. */
  count: number;
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
  /**
   * Why a schema change set the rule aside (it names a field or value the schema no longer has):
   * it is kept, disabled and out of the rulebook until edited to fit. Null for every other rule.
   */
  setAside: string | null;
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
  /** What the run extracted under: the rulebook (a published version, or null for the draft, with its hash), the provider and model. */
  rulebook: { version: number | null; hash: string | null };
  provider: string;
  model: string;
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

// ---------------------------------------------------------------------------------------------
// Workspaces and the draft edited in the app (issue 9).

/** A workspace file the host knows. */
export interface WorkspaceSummary {
  path: string;
  /** The draft rulebook's name, as of when it was last open. */
  name: string;
  /** ISO 8601: when it was last opened. */
  openedAt: string;
  /** False when the file is gone (moved or deleted): it stays listed until forgotten. */
  exists: boolean;
}

export interface WorkspaceState {
  /** The open workspace; null before the first one is made or opened (the start screen). */
  current: WorkspaceSummary | null;
  /** Recently opened workspaces, newest first, the open one included. */
  recent: WorkspaceSummary[];
  /** Where new workspaces are made unless a path is given. */
  folder: string;
  templates: { id: WorkspaceTemplate; name: string; description: string; fields: string[] }[];
}

/** One labelled column as the person confirmed it: the field it becomes. */
export interface LabelledField {
  column: string;
  field: FieldSpec;
}

/** How a new workspace starts. */
export type WorkspaceStart =
  | { kind: 'demo' }
  | { kind: 'template'; template: WorkspaceTemplate }
  | { kind: 'labelled'; file: ImportFileArg; mapping: ImportMapping; fields: LabelledField[] }
  | { kind: 'rulebook'; file: ImportFileArg };

/** A file as the import calls carry it (text, or bytes as base64). */
export interface ImportFileArg {
  name: string;
  content: string;
  encoding?: 'text' | 'base64';
  format?: ImportFormat;
}

export interface CreatedWorkspace {
  workspace: WorkspaceState;
  /** For a labelled history: what was imported (messages and precedents). */
  imported: ImportResult | null;
}

/** A field proposed for a labelled column, with what the values said. */
export interface ProposedField {
  column: string;
  field: FieldSpec;
  /** Rows with a value in this column, rows without, and distinct values. */
  filled: number;
  empty: number;
  distinct: number;
  /** A few values as found. */
  examples: string[];
  /** Why this type (and what would not fit another), for the person confirming it. */
  reasons: string[];
  /** True when the column looks like a label (few values, or named like one); text-like columns are offered unticked. */
  suggested: boolean;
  /**
   * The column's commonest values with the rows holding each, commonest first (at most 30; case
   * variants counted as one): counts beside an enum's values, and the values an enum starts with
   * when the person makes another type an enum.
   */
  topValues?: { value: string; count: number }[];
}

export interface FieldProposal {
  format: ImportFormat;
  columns: string[];
  /** The mapping of text, subject, sender, time and id columns (labels excluded). */
  mapping: ImportMapping;
  rows: number;
  fields: ProposedField[];
  /** Columns that cannot become a field, each with why (a reserved or invalid name, no values at all). */
  refused: { column: string; reason: string }[];
  problems: ImportProblem[];
}

/** One edit of the draft's schema. Every change is previewed, then applied in one transaction, and can be undone. */
export type SchemaChange =
  | { op: 'add_field'; field: FieldSpec; index?: number }
  | { op: 'rename_field'; field: string; to: string }
  | { op: 'move_field'; field: string; index: number }
  | { op: 'remove_field'; field: string }
  | {
      op: 'update_field';
      field: string;
      /** `values`: only when `type` becomes enum (without them, the values its precedents and rules use). */
      set: { type?: FieldType; nullable?: boolean; description?: string | null; aliases?: string[]; values?: EnumValue[] };
    }
  | { op: 'add_value'; field: string; value: EnumValue; index?: number }
  | { op: 'rename_value'; field: string; value: string; to: string }
  | { op: 'update_value'; field: string; value: string; set: { description?: string | null; aliases?: string[] } }
  | { op: 'merge_values'; field: string; values: string[]; into: string }
  | { op: 'remove_value'; field: string; value: string };

/** What a schema change would do to what is stored, before it is saved. */
export interface SchemaImpact {
  /** One line a person reads: "Rename urgency value "high" to "urgent": 4 precedents, 1 rule". */
  summary: string;
  /** False when the change cannot be made as it is (problems say why and where). */
  allowed: boolean;
  /** Removing data (a field, a value, rules disabled) needs the person's confirmation. */
  needsConfirmation: boolean;
  problems: { path: string; message: string }[];
  /** The schema as it would be. */
  schema: ExtractionSchema;
  precedents: {
    id: string;
    preview: string;
    action: 'rewritten' | 'value_dropped' | 'field_dropped' | 'does_not_convert';
    field: string;
    from: JsonValue | null;
    to: JsonValue | null;
  }[];
  rules: { id: string; kind: Rule['kind']; action: 'rewritten' | 'disabled'; detail: string }[];
  /** Old names kept as aliases, so answers in the old shape still map. */
  aliasesAdded: string[];
  /** Extractions that would be marked stale (made under the schema before the change). */
  staleExtractions: number;
}

export interface DraftHistoryEntry {
  id: string;
  at: string;
  author: string;
  kind: DraftChangeKind;
  summary: string;
  /** The change as it was asked for (a SchemaChange, the instructions' new text, the settings set). */
  change: JsonValue;
  /** Undo is offered for the newest change not yet undone, and only while what it touched is as it left it. */
  undoable: boolean;
  /** The entry that undid this one, or null. */
  undoneBy: string | null;
  /** For an undo: the entry it undid. */
  undoOf: string | null;
}

export interface DraftChangeResult {
  draft: DraftRulebook;
  /** The history entry the change wrote; null when an updateDraft changed nothing (no entry is written). */
  entry: DraftHistoryEntry | null;
}

/** The prompt as the model would see it for a message (or a text), with the examples retrieval picks. */
export interface PromptPreview {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  precedents: { id: string; score: number; preview: string }[];
  /** The JSON schema sent for structured output. */
  jsonSchema: Record<string, JsonValue>;
  provider: 'embedded' | 'openai';
  /** The model asked, or null for the embedded provider (no model at all). */
  model: string | null;
}

// ---------------------------------------------------------------------------------------------
// Publish, sync and the production loop (issue 11).

/** One precedent the gate replayed and found different. */
export interface GateFailure {
  precedentId: string;
  /** The precedent's message, shortened for the list. */
  excerpt: string;
  /** Fields whose replayed value differs from the precedent's. */
  fields: { field: string; expected: JsonValue; actual: JsonValue }[];
  /** Validation errors of the replayed output, or the provider's error. */
  errors: string[];
  /** It passed under the newest published version (so this draft broke it). */
  regression: boolean;
}

/** The regression gate: every precedent replayed against the draft (cached answers reused). */
export interface GateReport {
  id: string;
  status: GateStatus;
  /** The draft's hash when the gate started; publishing needs it to still be the draft's. */
  draftHash: string;
  /** The newest published version regressions are judged against, or null. */
  baseline: { version: number; hash: string } | null;
  total: number;
  done: number;
  passed: number;
  failed: number;
  /** Of the failures: precedents that passed under the baseline. */
  regressions: number;
  /** Answers taken from the response cache rather than asked again. */
  cached: number;
  /** Failures, regressions first (at most 500). */
  failures: GateFailure[];
  startedAt: string;
  finishedAt: string | null;
  /** Why the gate could not finish (status `failed`). */
  error: string | null;
}

export type GateProgress = Omit<GateReport, 'failures'>;

export type { ChangelogEntry, ChangelogKind } from '../rulebook/changelog.js';

/** A published version, for lists. */
export interface VersionSummary {
  rulebookId: string;
  version: number;
  hash: string;
  parent: { version: number; hash: string } | null;
  /** When it was published (the artifact's createdAt). */
  publishedAt: string;
  author: string;
  note: string;
  /** Labels that point at it now. */
  labels: string[];
  /** Key id of the signature, or null when unsigned. */
  keyId: string | null;
  gate: { passed: number; failed: number; regressions: number; overrideReason: string | null } | null;
  /** Counts of what it holds. */
  counts: { fields: number; rules: number; precedents: number };
}

export interface VersionDetail extends VersionSummary {
  changelog: ChangelogEntry[];
}

/** The difference between two versions (or a version and the draft), as `casebook diff` prints it. */
export interface VersionDiff {
  from: { version: number | 'draft'; hash: string };
  to: { version: number | 'draft'; hash: string };
  empty: boolean;
  /** `casebook diff`'s text. */
  text: string;
  /** The same difference as changelog lines. */
  changelog: ChangelogEntry[];
}

export interface LabelRecord {
  label: string;
  version: number;
  hash: string;
  setBy: string | null;
  setAt: string;
}

/** One move of a label: how versions are promoted and rolled back. */
export interface LabelMoveRecord {
  label: string;
  /** Null when the label was new. */
  from: number | null;
  /** Null when the label was removed. */
  to: number | null;
  by: string | null;
  at: string;
  reason: string;
}

export interface LabelsState {
  /** Every label that points at a version, plus DEFAULT_LABELS not yet set (version 0 means unset). */
  labels: LabelRecord[];
  /** Every move, newest first. */
  moves: LabelMoveRecord[];
}

export interface SigningKeyRecord {
  keyId: string;
  publicKeyPem: string;
  createdAt: string;
  /** Retired keys are no longer listed for services to trust. */
  retiredAt: string | null;
  /** The key new versions are signed with. */
  active: boolean;
}

export interface SigningKeys {
  keys: SigningKeyRecord[];
  /** Where private keys are kept on this host, in honest words. */
  storage: string;
}

export interface SyncTargetRecord {
  id: string;
  kind: SyncTargetKind;
  name: string;
  /** Folder targets: the folder. */
  path: string | null;
  /** HTTP targets: the base URL files are PUT under. */
  url: string | null;
  /** HTTP targets: whether a bearer token is stored (the token never leaves the backend). */
  hasToken: boolean;
  enabled: boolean;
  /** Folder targets: whether the folder is a git working copy (commits and pushes). */
  git: boolean;
  status: 'never' | 'ok' | 'failed' | 'syncing';
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** When the next retry of a failed sync is due. */
  retryAt: string | null;
  /** The last commit made (git folders). */
  lastCommit: string | null;
}

export interface DeploymentRecord {
  id: string;
  name: string;
  statusUrl: string;
  lastPolledAt: string | null;
  /** The last report, when the last poll answered. */
  status: RuntimeStatus | null;
  /** Why the last poll failed (timeout, not a status report ...). */
  error: string | null;
  /** The published version whose hash the service runs, or null when it runs none of ours. */
  version: number | null;
  /** Labels pointing at the version it runs. */
  labels: string[];
}

// ---------------------------------------------------------------------------------------------
// Drift investigation (issue 12).

/** How one field changed between two runs over the messages both extracted. */
export interface FieldChangeCount {
  field: string;
  /** Messages whose value of this field differs. */
  changed: number;
  /** Old value → new value with counts, most frequent first (enum and boolean fields; empty for others). */
  transitions: { from: JsonValue; to: JsonValue; count: number }[];
}

/** One message both runs extracted, with what differs. */
export interface RunComparisonItem {
  messageId: string;
  subject: string | null;
  /** The message's text, shortened. */
  excerpt: string;
  /** Fields whose values differ (schema order), then keys outside the schema that one side has. */
  changedFields: string[];
  /** `unknownKeys`: the keys outside the schema in that side's answer (dropped from its output as no field, or kept). */
  a: { valid: boolean; output: Extraction; unknownKeys: string[] };
  b: { valid: boolean; output: Extraction; unknownKeys: string[] };
}

/** Two runs compared over the messages both extracted (a: the earlier or reference run, b: the other). */
export interface RunComparison {
  a: RunRecord;
  b: RunRecord;
  /** Messages both runs extracted. */
  overlap: number;
  /** Of those, messages whose output differs in any field or key. */
  changed: number;
  validity: { becameInvalid: number; becameValid: number };
  /** Every schema field, schema order. */
  fields: FieldChangeCount[];
  /** Keys outside the schema in either run's answers (`priority` beside or instead of `urgency`): messages with it in a, in b. */
  unknownKeys: { key: string; a: number; b: number }[];
  /** Changed messages matching the filter, a page of them. */
  matching: number;
  items: RunComparisonItem[];
  nextCursor: string | null;
}

/** One message under two runs, side by side with both traces. */
export interface RunPair {
  messageId: string;
  subject: string | null;
  text: string;
  a: ExtractionRecord | null;
  b: ExtractionRecord | null;
  runs: { a: RunRecord; b: RunRecord };
}

/** Repeat runs of the same messages under one rulebook and model, and how far their answers agree. */
export interface ConsistencyReport {
  id: string;
  status: RunStatus;
  repeats: number;
  varySeed: boolean;
  /** The runs, one per repeat. */
  runs: RunRecord[];
  /** Messages every repeat answered. */
  messages: number;
  /** Of those, messages where some field differs between repeats. */
  unstable: number;
  /** Per schema field: the share of messages whose repeats all agree, and how many do not. */
  fields: { field: string; agreement: number; unstable: number }[];
  /** Unstable messages first, a page of them. */
  items: ConsistencyItem[];
  nextCursor: string | null;
}

export interface ConsistencyItem {
  messageId: string;
  subject: string | null;
  excerpt: string;
  /** Fields whose answers differ between repeats. */
  unstableFields: string[];
  /** Per field, the share of repeats giving its most common answer. */
  agreement: number;
  /** Each repeat's answer, in repeat order. */
  answers: { valid: boolean; output: Extraction }[];
}

export interface TraceImportResult {
  source: string;
  format: 'casebook-trace' | 'minimal-jsonl' | 'csv';
  imported: number;
  /** Lines already imported (the same source and id). */
  duplicates: number;
  /** Lines that could not be imported, with their line numbers (the first 200). */
  bad: { line: number; message: string }[];
  badCount: number;
  /** The time range of what was imported. */
  from: string | null;
  to: string | null;
}

export interface TraceWatchState {
  /** The folder watched, or null. */
  path: string | null;
  files: { name: string; lines: number; bad: number }[];
  lastScanAt: string | null;
  lastError: string | null;
  /** Traces imported from the folder so far. */
  imported: number;
}

/** One series of a chart: a value (or version, model, key) and its count and share per bucket. */
export interface TraceSeries {
  key: string;
  /** The value as JSON, for filtering (`"bug"`, `true`, `3`). */
  value: JsonValue;
  points: { t: string; count: number; share: number }[];
}

export interface TraceChart {
  metric: 'field' | 'invalid' | 'unknown_keys' | 'version' | 'model' | 'latency';
  field: string | null;
  bucket: 'hour' | 'day' | 'week';
  /** Bucket starts (UTC, ISO 8601) from the first to the last with traces. */
  buckets: string[];
  /** Traces per bucket. */
  totals: number[];
  series: TraceSeries[];
  /** For `latency`: per bucket, median and 95th percentile in ms (null for an empty bucket). */
  latency: { p50: number | null; p95: number | null }[] | null;
}

export interface TraceSummary {
  seq: number;
  time: string;
  source: string;
  service: string | null;
  subject: string | null;
  /** The message's text, shortened; null when the trace was logged without text. */
  excerpt: string | null;
  output: Extraction;
  valid: boolean;
  version: number | null;
  model: string | null;
  /** Keys of the output outside the schema. */
  unknownKeys: string[];
}

export interface TracePage {
  items: TraceSummary[];
  /** Traces matching, in all. */
  matching: number;
  nextCursor: string | null;
}

export interface TraceDetail extends TraceSummary {
  text: string | null;
  errors: ValidationError[];
  rulebook: { id: string | null; version: number | null; hash: string | null };
  provider: string | null;
  latencyMs: number | null;
  rulesFired: string[];
  precedents: { id: string; score: number }[];
  /** The workspace message with the same text, when there is one (to open it in review). */
  messageId: string | null;
}

export type Attribution = 'rulebook' | 'model' | 'traffic';

export interface ReplayItem {
  seq: number;
  time: string;
  subject: string | null;
  excerpt: string | null;
  changedFields: string[];
  production: { output: Extraction; valid: boolean; version: number | null; hash: string | null; model: string | null };
  replay: { output: Extraction; valid: boolean };
  attribution: Attribution;
  /** Why, in words ("rule r-12 fired here, not in production", "same prompt, another answer", "no precedent closer than ..."). */
  why: string;
  /** The workspace message with the same text, when there is one. */
  messageId: string | null;
}

export interface ReplayReport {
  id: string;
  status: RunStatus;
  rulebook: { version: number | null; hash: string };
  provider: string;
  model: string;
  total: number;
  done: number;
  /** Traces without text cannot be replayed. */
  skipped: number;
  same: number;
  differ: number;
  attribution: Record<Attribution, number>;
  items: ReplayItem[];
  nextCursor: string | null;
  error: string | null;
}

export interface RegressionBoard {
  version: number | 'draft';
  hash: string;
  /** Precedents replayed. */
  total: number;
  items: {
    precedentId: string;
    excerpt: string;
    fields: { field: string; expected: JsonValue; actual: JsonValue }[];
    /** The first version (in order) from which it has failed without a pass since; null when it never passed in a published version. */
    failingSince: number | 'draft' | null;
    /** The versions it passed under. */
    passedIn: number[];
  }[];
}
