// Every name the window and the backend share, in one dependency-free module: the API's methods
// and events, failure codes, statuses, import formats and limits. Adapters (the preload bridge,
// the IPC gate, the browser host, the renderer's HTTP client) are built from these lists, and the
// contract's types are derived from them, so a name is spelled once. It imports nothing, so the
// sandboxed preload and the window's bundle take it without zod.

/** The API's methods, in the order the contract lists them. */
export const API_METHOD_NAMES = [
  'getAppInfo',
  'getCounts',
  'listMessages',
  'getMessage',
  'getRulebook',
  'getSettings',
  'updateSettings',
  'setApiKey',
  'previewImport',
  'importMessages',
  'acceptExtraction',
  'correctExtraction',
  'previewRule',
  'saveRule',
  'setRuleEnabled',
  'deleteRule',
  'restoreRule',
  'listRules',
  'listRuleMessages',
  'listPrecedents',
  'updatePrecedent',
  'deletePrecedent',
  'restorePrecedent',
  'startRun',
  'cancelRun',
  'resumeRun',
  'retryRunErrors',
  'getRun',
  'listRuns',
  'listRunErrors',
  // Workspaces: which file is open, making one (demo, template, labelled history, rulebook file), switching.
  'getWorkspace',
  'createWorkspace',
  'openWorkspace',
  'forgetWorkspace',
  'proposeFields',
  // The draft rulebook edited in the app: its schema (with impact, history and undo), instructions, model settings.
  'previewSchemaChange',
  'applySchemaChange',
  'undoDraftChange',
  'listDraftHistory',
  'updateDraft',
  'previewPrompt',
  // Triage you can trust (issue 10): the answer of record, its history and regressions, undo,
  // phrase suggestions for rules, a model endpoint's connection test, exports.
  'listExtractions',
  'adoptExtraction',
  'dismissRegression',
  'undoReview',
  'suggestPhrases',
  'testConnection',
  'exportMessages',
  'exportPrecedents',
  // Publish, sync and the production loop (issue 11).
  'startGate',
  'cancelGate',
  'getGate',
  'publishDraft',
  'listVersions',
  'getVersion',
  'diffVersions',
  'exportVersion',
  'listLabels',
  'setLabel',
  'removeLabel',
  'listSigningKeys',
  'rotateSigningKey',
  'retireSigningKey',
  'exportPublicKey',
  'listSyncTargets',
  'saveSyncTarget',
  'deleteSyncTarget',
  'syncNow',
  'listDeployments',
  'saveDeployment',
  'deleteDeployment',
  'pollDeployments',
  // Drift investigation (issue 12).
  'compareRuns',
  'getRunPair',
  'startConsistency',
  'getConsistency',
  'cancelConsistency',
  'importTraces',
  'watchTraceFolder',
  'getTraceWatch',
  'traceChart',
  'listTraces',
  'getTrace',
  'startReplay',
  'getReplay',
  'cancelReplay',
  'listReplays',
  'regressionBoard',
] as const;
export type ApiMethod = (typeof API_METHOD_NAMES)[number];

/** Events the backend pushes to the window. */
export const API_EVENT_NAMES = ['runProgress', 'importProgress', 'messagesChanged', 'menuCommand', 'workspaceChanged', 'draftChanged', 'gateProgress', 'publishChanged', 'driftChanged'] as const;
export type ApiEventName = (typeof API_EVENT_NAMES)[number];

/** What kind of failure a call ended in; each host maps them to its own transport (HTTP statuses). */
export const FAILURE_CODES = ['bad_request', 'not_found', 'conflict', 'unavailable', 'internal'] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** Where a message stands in review. A machine may replace the extraction of the first three only. */
export const REVIEW_STATUSES = ['new', 'extracted', 'needs_review', 'corrected', 'accepted'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
/** The statuses a person's work has not yet settled: a run may replace their extraction. */
export const MACHINE_STATUSES = ['new', 'extracted', 'needs_review'] as const satisfies readonly ReviewStatus[];

/** How the inbox can be ordered. `confidence`: least confident first (the review queue's default). */
export const INBOX_SORTS = ['received_desc', 'received_asc', 'confidence'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/** Formats messages and precedents export to. */
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Below this confidence a machine's answer goes to Needs review, unless the person set another. */
export const DEFAULT_REVIEW_THRESHOLD = 0.65;

export const RUN_STATUSES = ['queued', 'running', 'cancelled', 'done', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const IMPORT_FORMATS = ['jsonl', 'csv', 'eml', 'mbox', 'text'] as const;

/** Methods whose argument carries a whole file: the browser host takes large bodies for these only. */
export const FILE_METHODS = ['previewImport', 'importMessages', 'createWorkspace', 'proposeFields', 'importTraces'] as const satisfies readonly ApiMethod[];

/** The templates a workspace can start from. */
export const WORKSPACE_TEMPLATES = ['support_triage', 'empty'] as const;
export type WorkspaceTemplate = (typeof WORKSPACE_TEMPLATES)[number];

/** What a draft change touched, for its history and the changelog publishing writes. */
export const DRAFT_CHANGE_KINDS = ['schema', 'instructions', 'settings', 'name', 'undo'] as const;
export type DraftChangeKind = (typeof DRAFT_CHANGE_KINDS)[number];

/** Commands the native menu sends the window. */
export const MENU_COMMANDS = ['import', 'newWorkspace', 'openWorkspace'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Pasted or text-encoded import content, in characters. */
export const MAX_IMPORT_CHARS = 64 * 1024 * 1024;
/** The largest file an import takes, in bytes (64 MiB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** MAX_IMPORT_BYTES as base64: 4 characters for every 3 bytes. */
export const MAX_IMPORT_BASE64_CHARS = 4 * Math.ceil(MAX_IMPORT_BYTES / 3);
/** An imported row (all its fields together) longer than this is a bad row. */
export const MAX_ROW_CHARS = 100_000;
/** The instructions of a rulebook, in characters. */
export const MAX_INSTRUCTIONS_CHARS = 20_000;
/** Fields in one schema, and values in one enum field. */
export const MAX_FIELDS = 100;
export const MAX_ENUM_VALUES = 200;

/** `trace.provider.name` of a person's correction: no model was involved. */
export const HUMAN_PROVIDER = 'human';

/** Labels every workspace offers; a team adds its own (LABEL_PATTERN). */
export const DEFAULT_LABELS = ['production', 'staging'] as const;
/** A label's name: also the name of its synced file (`production.json`). */
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Where published versions are synced to. */
export const SYNC_TARGET_KINDS = ['folder', 'http'] as const;
export type SyncTargetKind = (typeof SYNC_TARGET_KINDS)[number];
export const GATE_STATUSES = ['running', 'done', 'cancelled', 'failed'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];
/** The path a production service serves its status on (the runtime's status handler). */
export const STATUS_PATH = '/casebook/status';
/**
 * How the pipeline records a key of the model's answer that is no field of the schema: dropped from
 * the output and named in the errors (`/priority`). Drift reads unknown keys back from it.
 */
export const DROPPED_KEY_MESSAGE = 'is not a field of the schema; dropped';
/** The keys an extraction's errors say were dropped as no field of the schema. */
export function droppedKeysOf(errors: readonly { path: string; message: string }[] | null | undefined): string[] {
  const keys: string[] = [];
  for (const e of errors ?? []) if (e.message === DROPPED_KEY_MESSAGE && e.path.startsWith('/') && e.path.length > 1) keys.push(e.path.slice(1));
  return keys;
}
