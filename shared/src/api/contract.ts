// The one typed API between the window and the backend. Every method is named here with its
// argument validator and result type. The Electron preload and the browser host's HTTP adapter
// both implement exactly this; the renderer cannot tell them apart. Arguments are `unknown` until
// the backend has parsed them with these validators.
import { z } from 'zod';
import type {
  AppInfo,
  CreatedWorkspace,
  DraftChangeResult,
  DraftHistoryEntry,
  FieldProposal,
  PromptPreview,
  SchemaImpact,
  WorkspaceState,
  Counts,
  DraftRulebook,
  ImportPreview,
  ImportResult,
  MessageDetail,
  MessagePage,
  PrecedentRecord,
  ProviderSettings,
  RuleImpact,
  RuleMessages,
  RuleRecord,
  RunErrorItem,
  RunRecord,
  ConnectionReport,
  ExportedFile,
  ExtractionHistoryItem,
  PhraseSuggestions,
  DeploymentRecord,
  GateProgress,
  GateReport,
  LabelsState,
  SigningKeys,
  SyncTargetRecord,
  VersionDetail,
  VersionDiff,
  VersionSummary,
  RunComparison,
  RunPair,
  ConsistencyReport,
  TraceImportResult,
  TraceWatchState,
  TraceChart,
  TracePage,
  TraceDetail,
  ReplayReport,
  RegressionBoard,
} from './records.js';
import {
  API_EVENT_NAMES,
  API_METHOD_NAMES,
  IMPORT_FORMATS,
  MAX_IMPORT_BASE64_CHARS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_CHARS,
  MAX_INSTRUCTIONS_CHARS,
  REVIEW_STATUSES,
  INBOX_SORTS,
  EXPORT_FORMATS,
  type MenuCommand,
  type ApiEventName,
  type ApiMethod,
  type FailureCode,
} from './names.js';

export { API_EVENT_NAMES, API_METHOD_NAMES, type ApiEventName, type ApiMethod } from './names.js';
import { extractionOutput, fieldName, rule } from './teach-schemas.js';
import { schemaChange, workspaceStart } from './draft-schemas.js';
import { publishArgs } from './publish-schemas.js';
import { driftArgs } from './drift-schemas.js';
import { MAX_JSON_DEPTH, unsafeValueAt } from '../json/depth.js';

const id = z.string().min(1).max(200);
const text = (max: number) => z.string().max(max);

export const listMessagesArgs = z
  .object({
    status: z.enum(REVIEW_STATUSES).optional(),
    valid: z.boolean().optional(),
    /** Only messages whose latest extraction was made under an earlier schema (true), or only current ones (false). */
    stale: z.boolean().optional(),
    field: z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), value: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]) }).strict().optional(),
    search: text(500).optional(),
    /** Needs review: messages the machine was unsure of (status needs_review) and regressions (a later answer disagrees with a person's). */
    queue: z.boolean().optional(),
    /** `confidence`: least confident first. Without a sort, the queue is ordered by confidence and everything else newest first. */
    sort: z.enum(INBOX_SORTS).optional(),
    cursor: text(500).nullable().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Which messages a run or a bulk action covers: listed ids, a filter like the inbox's, or all. */
export const messageSelection = z.union([
  z.object({ ids: z.array(id).min(1).max(100_000) }).strict(),
  z.object({ filter: listMessagesArgs.pick({ status: true, queue: true, valid: true, stale: true, field: true, search: true }) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

/**
 * Imported files travel as their bytes, base64 (`encoding: 'base64'`), so the backend decodes each
 * mail part by its declared charset; pasted text travels as text. The browser host accepts large
 * bodies for the import calls only: up to MAX_IMPORT_BASE64_CHARS bytes of base64 (ASCII), or
 * MAX_IMPORT_CHARS characters of text, plus the rest of the call.
 */
const importFile = z
  .object({
    name: z.string().min(1).max(500),
    content: z.string().max(Math.max(MAX_IMPORT_CHARS, MAX_IMPORT_BASE64_CHARS)),
    encoding: z.enum(['text', 'base64']).optional(),
    format: z.enum(IMPORT_FORMATS).optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['content'], message });
    if (file.encoding !== 'base64') {
      if (file.content.length > MAX_IMPORT_CHARS) issue(`the text is longer than ${MAX_IMPORT_CHARS.toLocaleString('en-US')} characters`);
      return;
    }
    const c = file.content;
    if (c.length > MAX_IMPORT_BASE64_CHARS) {
      issue(`the file is larger than ${MAX_IMPORT_BYTES.toLocaleString('en-US')} bytes (${MAX_IMPORT_BYTES / 1024 / 1024} MiB), the most an import takes`);
      return;
    }
    // Checked without a backtracking regular expression: the content may be 90 million characters.
    const pad = c.indexOf('=');
    if (c.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(c) || (pad !== -1 && pad < c.length - 2) || (pad === c.length - 2 && c[c.length - 1] !== '=')) {
      issue('not base64 (encoding is "base64")');
    }
  });
const importMapping = z
  .object({
    text: z.string().max(200).nullable(),
    subject: z.string().max(200).nullable().optional(),
    sender: z.string().max(200).nullable().optional(),
    receivedAt: z.string().max(200).nullable().optional(),
    id: z.string().max(200).nullable().optional(),
    labels: z.record(z.string().max(200), fieldName).optional(),
  })
  .strict();

export const apiArgs = {
  getAppInfo: z.object({}).strict(),
  getCounts: z.object({}).strict(),
  listMessages: listMessagesArgs,
  getMessage: z.object({ id }).strict(),
  getRulebook: z.object({}).strict(),
  getSettings: z.object({}).strict(),
  /**
   * Machine-local settings only: the endpoint, concurrency and rate limit. The provider, model and
   * the other model settings are the draft rulebook's (they travel in it to production): updateDraft.
   */
  updateSettings: z
    .object({
      baseURL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
      concurrency: z.number().int().min(1).max(32).optional(),
      /** Requests a second to the model during runs; 0 for no limit. */
      ratePerSecond: z.number().min(0).max(1000).optional(),
      /** Below this confidence (0..1) a machine's answer goes to Needs review. */
      reviewThreshold: z.number().min(0).max(1).optional(),
      /** Extract newly imported messages at once, without asking. */
      autoExtractImports: z.boolean().optional(),
      /** Ask the model for token log-probabilities (how sure it was of each field). */
      logprobs: z.boolean().optional(),
    })
    .strict(),
  /** Write-only: the key is stored encrypted in the backend and never returned. */
  setApiKey: z.object({ apiKey: z.string().max(500) }).strict(),

  // Import.
  previewImport: z.object({ file: importFile, mapping: importMapping.optional() }).strict(),
  importMessages: z.object({ file: importFile, mapping: importMapping.optional(), asPrecedents: z.boolean().default(false) }).strict(),

  // Review and teach.
  acceptExtraction: z.object({ messageId: id }).strict(),
  correctExtraction: z.object({ messageId: id, output: extractionOutput, rationale: z.string().max(5000).default('') }).strict(),
  previewRule: z.object({ rule, limit: z.number().int().min(1).max(1000).default(200) }).strict(),
  saveRule: z.object({ rule }).strict(),
  setRuleEnabled: z.object({ id, enabled: z.boolean() }).strict(),
  deleteRule: z.object({ id }).strict(),
  restoreRule: z.object({ id }).strict(),
  listRules: z.object({ includeDeleted: z.boolean().default(false) }).strict(),
  /** Messages whose newest extraction fired the rule, with what it changed in each. */
  listRuleMessages: z.object({ id, limit: z.number().int().min(1).max(500).default(50) }).strict(),
  listPrecedents: z.object({ search: z.string().max(500).optional(), includeDeleted: z.boolean().default(false) }).strict(),
  updatePrecedent: z.object({ id, output: extractionOutput.optional(), rationale: z.string().max(5000).optional(), tags: z.array(z.string().max(100)).max(50).optional() }).strict(),
  deletePrecedent: z.object({ id }).strict(),
  restorePrecedent: z.object({ id }).strict(),

  // Runs: extraction over a selection, with progress events, cancel and resume.
  /**
   * Extracts a selection. Without `against`, under the draft, for the inbox (kind `extract`). With
   * `against`, a comparison run (kind `compare`) under a published version or the draft, with
   * another provider or model if given ("what would model B say?"): its answers are kept beside the
   * inbox's and never change the answer of record.
   */
  startRun: z
    .object({
      selection: messageSelection,
      against: z
        .object({
          version: z.union([z.number().int().min(1), z.literal('draft')]).default('draft'),
          provider: z.enum(['embedded', 'openai']).optional(),
          model: z.string().trim().min(1).max(200).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  cancelRun: z.object({ runId: id }).strict(),
  resumeRun: z.object({ runId: id }).strict(),
  retryRunErrors: z.object({ runId: id }).strict(),
  getRun: z.object({ runId: id }).strict(),
  listRuns: z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict(),
  listRunErrors: z.object({ runId: id, limit: z.number().int().min(1).max(1000).default(100) }).strict(),

  // Workspaces.
  getWorkspace: z.object({}).strict(),
  /** A new workspace file (in the workspaces folder unless `path` is given), opened at once. */
  createWorkspace: z.object({ name: z.string().trim().min(1).max(100), start: workspaceStart(importFile, importMapping), path: text(4096).min(1).optional() }).strict(),
  openWorkspace: z.object({ path: text(4096).min(1) }).strict(),
  /** Takes a workspace off the recent list (the file is left alone). */
  forgetWorkspace: z.object({ path: text(4096).min(1) }).strict(),
  /** For a labelled history: a field proposed per labelled column, with its inferred type. Needs no open workspace. */
  proposeFields: z.object({ file: importFile, mapping: importMapping.optional() }).strict(),

  // The draft rulebook.
  previewSchemaChange: z.object({ change: schemaChange }).strict(),
  /** Applies a change; one that removes data needs `confirm: true` (the preview says so). */
  applySchemaChange: z.object({ change: schemaChange, confirm: z.boolean().default(false) }).strict(),
  undoDraftChange: z.object({ id }).strict(),
  listDraftHistory: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
  updateDraft: z
    .object({
      name: z.string().trim().min(1).max(100).optional(),
      instructions: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
      settings: z
        .object({
          provider: z.enum(['embedded', 'openai']).optional(),
          model: z.string().trim().min(1).max(200).optional(),
          temperature: z.number().min(0).max(2).optional(),
          seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
          k: z.number().int().min(0).max(50).optional(),
          maxTokens: z.number().int().min(1).max(100_000).nullable().optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  /** The prompt for a stored message, or for a text typed in. */
  previewPrompt: z.union([z.object({ messageId: id }).strict(), z.object({ text: z.string().min(1).max(20_000) }).strict()]),

  // Triage you can trust (issue 10).
  /** Every extraction of a message, newest first: the answer of record marked, machine and human alike. */
  listExtractions: z.object({ messageId: id }).strict(),
  /** The one explicit way a machine's answer replaces a person's: this extraction becomes the answer of record (accepted). */
  adoptExtraction: z.object({ messageId: id, extractionId: id }).strict(),
  /** Keeps the person's answer over a later machine answer that disagrees (the regression is cleared). */
  dismissRegression: z.object({ messageId: id }).strict(),
  /** Undoes the newest accept or correction of a message: the answer of record before it comes back. */
  undoReview: z.object({ messageId: id }).strict(),
  /** Phrases of this message that set it apart from messages whose answer for `field` differs (for a rule's condition). */
  suggestPhrases: z.object({ messageId: id, field: fieldName, limit: z.number().int().min(1).max(50).default(12) }).strict(),
  /**
   * One tiny structured-output request to a model endpoint, reporting what it supports. Without
   * arguments, the endpoint, model and key in use; a key given here is used for this test only.
   */
  testConnection: z
    .object({
      baseURL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
      model: z.string().trim().min(1).max(200).optional(),
      apiKey: z.string().max(500).optional(),
      timeoutMs: z.number().int().min(500).max(60_000).default(8000),
    })
    .strict(),
  /** Messages with their answer of record, as a file: the current filter or all. */
  exportMessages: z.object({ selection: z.union([messageSelection.options[1], messageSelection.options[2]]), format: z.enum(EXPORT_FORMATS) }).strict(),
  /** The draft's precedents, as a file. */
  exportPrecedents: z.object({ format: z.enum(EXPORT_FORMATS), includeDeleted: z.boolean().default(false) }).strict(),

  // Publish, sync and the production loop (issue 11): publish-schemas.ts.
  ...publishArgs,

  // Drift investigation (issue 12).
  /**
   * Two runs over the messages both extracted: counts, per-field changes (old → new for enum
   * fields), validity changes, keys outside the schema, and the changed messages (filtered by a
   * field, optionally a from/to value, or validity changes), a page at a time.
   */
  compareRuns: z
    .object({
      a: id,
      b: id,
      field: z.string().min(1).max(64).optional(),
      from: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]).optional(),
      to: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]).optional(),
      validityChanged: z.boolean().optional(),
      cursor: text(500).nullable().optional(),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
  /** One message's extractions under two runs, with their traces. */
  getRunPair: z.object({ a: id, b: id, messageId: id }).strict(),
  // Repeat runs, production traces, replay and the regressions board: drift-schemas.ts.
  ...driftArgs,
} as const satisfies Record<ApiMethod, z.ZodType>;

export interface ApiResults {
  getAppInfo: AppInfo;
  getCounts: Counts;
  listMessages: MessagePage;
  getMessage: MessageDetail;
  getRulebook: DraftRulebook;
  getSettings: ProviderSettings;
  updateSettings: ProviderSettings;
  setApiKey: ProviderSettings;
  previewImport: ImportPreview;
  importMessages: ImportResult;
  acceptExtraction: MessageDetail;
  correctExtraction: { detail: MessageDetail; precedent: PrecedentRecord };
  previewRule: RuleImpact;
  saveRule: RuleRecord;
  setRuleEnabled: RuleRecord;
  deleteRule: { id: string };
  restoreRule: RuleRecord;
  listRules: RuleRecord[];
  listRuleMessages: RuleMessages;
  listPrecedents: PrecedentRecord[];
  updatePrecedent: PrecedentRecord;
  deletePrecedent: { id: string };
  restorePrecedent: PrecedentRecord;
  startRun: RunRecord;
  cancelRun: RunRecord;
  resumeRun: RunRecord;
  retryRunErrors: RunRecord;
  getRun: RunRecord;
  listRuns: RunRecord[];
  listRunErrors: RunErrorItem[];
  getWorkspace: WorkspaceState;
  createWorkspace: CreatedWorkspace;
  openWorkspace: WorkspaceState;
  forgetWorkspace: WorkspaceState;
  proposeFields: FieldProposal;
  previewSchemaChange: SchemaImpact;
  applySchemaChange: DraftChangeResult;
  undoDraftChange: DraftChangeResult;
  listDraftHistory: DraftHistoryEntry[];
  updateDraft: DraftChangeResult;
  previewPrompt: PromptPreview;
  listExtractions: ExtractionHistoryItem[];
  adoptExtraction: MessageDetail;
  dismissRegression: MessageDetail;
  undoReview: MessageDetail;
  suggestPhrases: PhraseSuggestions;
  testConnection: ConnectionReport;
  exportMessages: ExportedFile;
  exportPrecedents: ExportedFile;
  startGate: GateReport;
  cancelGate: GateReport;
  getGate: GateReport;
  publishDraft: VersionDetail;
  listVersions: VersionSummary[];
  getVersion: VersionDetail;
  diffVersions: VersionDiff;
  exportVersion: ExportedFile;
  listLabels: LabelsState;
  setLabel: LabelsState;
  removeLabel: LabelsState;
  listSigningKeys: SigningKeys;
  rotateSigningKey: SigningKeys;
  retireSigningKey: SigningKeys;
  exportPublicKey: ExportedFile;
  listSyncTargets: SyncTargetRecord[];
  saveSyncTarget: SyncTargetRecord;
  deleteSyncTarget: { id: string };
  syncNow: SyncTargetRecord[];
  listDeployments: DeploymentRecord[];
  saveDeployment: DeploymentRecord;
  deleteDeployment: { id: string };
  pollDeployments: DeploymentRecord[];
  compareRuns: RunComparison;
  getRunPair: RunPair;
  startConsistency: ConsistencyReport;
  getConsistency: ConsistencyReport;
  cancelConsistency: ConsistencyReport;
  importTraces: TraceImportResult;
  watchTraceFolder: TraceWatchState;
  getTraceWatch: TraceWatchState;
  traceChart: TraceChart;
  listTraces: TracePage;
  getTrace: TraceDetail;
  startReplay: ReplayReport;
  getReplay: ReplayReport;
  cancelReplay: ReplayReport;
  listReplays: ReplayReport[];
  regressionBoard: RegressionBoard;
}

/** Every method, in contract order (the names module's list). */
export const API_METHODS: readonly ApiMethod[] = API_METHOD_NAMES;
/** What a caller passes (defaults may be left out). */
export type ApiArgs<M extends ApiMethod> = z.input<(typeof apiArgs)[M]>;
/** What a handler receives, after parsing. */
export type ApiParsedArgs<M extends ApiMethod> = z.output<(typeof apiArgs)[M]>;

/** Events the backend pushes to the window (progress of long work). */
export interface ApiEvents {
  runProgress: { runId: string; done: number; failed: number; total: number; ratePerSecond: number; etaSeconds: number | null; status: string };
  importProgress: { name: string; processed: number; total: number };
  messagesChanged: { reason: string };
  /** From the native menu (Electron only): a command the window carries out, e.g. open the import dialog. */
  menuCommand: { command: MenuCommand };
  /** Another workspace was opened (or made): the window reloads everything. */
  workspaceChanged: { path: string | null; name: string | null };
  /** The draft rulebook changed (schema, instructions, settings, an undo). */
  draftChanged: { reason: string; entryId: string | null };
  /** The regression gate's progress (no failures list: getGate has it). */
  gateProgress: GateProgress;
  /** Versions, labels, keys, sync targets or deployments changed (a publish, a label move, a sync's status). */
  publishChanged: { reason: string };
  /** A consistency run, a replay or a trace import progressed or ended; traces were imported from the watched folder. */
  driftChanged: { kind: 'consistency' | 'replay' | 'traces'; id: string | null; done: number; total: number; status: string };
}
export const API_EVENTS: readonly ApiEventName[] = API_EVENT_NAMES;

// Compile-time checks that the results and events name exactly the methods and events of the
// names module: a method added there without its result type, or the other way round, fails here.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ContractIsComplete = Assert<Exactly<keyof ApiResults, ApiMethod>> & Assert<Exactly<keyof ApiEvents, ApiEventName>>;

/** The API as the renderer sees it: one named async function per method, and event subscription. */
export type CasebookApi = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResults[M]> } & {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

/** The backend's side: one handler per method, receiving parsed arguments. */
export type ApiHandlers = { [M in ApiMethod]: (args: ApiParsedArgs<M>) => Promise<ApiResults[M]> | ApiResults[M] };

/** An API failure as it crosses the boundary: a code the UI can act on and a message a person can read. */
export interface ApiFailure {
  code: FailureCode;
  message: string;
  /** For bad_request: which argument was wrong. */
  issues?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
    this.name = 'ApiError';
  }
}

/**
 * Parses a method's raw argument. Throws ApiError('bad_request') naming each wrong argument.
 * Unknown methods are refused too: the gate never dispatches a name outside the contract.
 */
export function parseApiArgs<M extends ApiMethod>(method: M, raw: unknown): ApiParsedArgs<M>;
export function parseApiArgs(method: string, raw: unknown): unknown;
export function parseApiArgs(method: string, raw: unknown): unknown {
  if (!Object.prototype.hasOwnProperty.call(apiArgs, method)) {
    throw new ApiError({ code: 'bad_request', message: `unknown API method "${method}"` });
  }
  // Validators recurse, and drop a `__proto__` key without a word: refuse both before they look.
  const unsafe = unsafeValueAt(raw, MAX_JSON_DEPTH);
  if (unsafe !== null) {
    const path = unsafe.path.join('.') || '(arguments)';
    const message = unsafe.problem === 'too_deep' ? `nested more than ${MAX_JSON_DEPTH} levels deep` : 'a key named "__proto__" is not allowed';
    throw new ApiError({ code: 'bad_request', message: `${method}: invalid arguments: ${path}: ${message}`, issues: [{ path, message }] });
  }
  const schema = apiArgs[method as ApiMethod];
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(arguments)', message: i.message }));
    throw new ApiError({ code: 'bad_request', message: `${method}: invalid arguments: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues });
  }
  return result.data;
}
