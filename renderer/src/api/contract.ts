// The renderer's view of the one typed API. Types come from shared/ (type-only, so the validators and
// zod stay out of the window's bundle); names and limits are plain data from the names module.
export type {
  ApiArgs,
  ApiEventName,
  ApiEvents,
  ApiFailure,
  ApiMethod,
  ApiParsedArgs,
  ApiResults,
  CasebookApi,
} from '../../../shared/src/api/contract.js';
export type {
  AppInfo,
  Counts,
  DraftRulebook,
  ExtractionRecord,
  ExtractionHistoryItem,
  ReviewReasonRecord,
  ImportFormat,
  ImportMapping,
  ImportPreview,
  ImportProblem,
  ImportResult,
  MessageDetail,
  MessagePage,
  MessageRecord,
  MessageSummary,
  PrecedentRecord,
  ProviderSettings,
  ReviewStatus,
  RuleImpact,
  RuleMessages,
  RuleRecord,
  RunErrorItem,
  RunRecord,
  RunStatus,
  PhraseSuggestions,
  ConnectionReport,
  ExportedFile,
} from '../../../shared/src/api/records.js';
export type { InboxSort, ExportFormat } from '../../../shared/src/api/names.js';
export type * from '../../../shared/src/domain.js';

// Names (methods, events, failure codes, statuses, limits) from the dependency-free names module.
export {
  API_EVENT_NAMES,
  API_METHOD_NAMES,
  FAILURE_CODES,
  IMPORT_FORMATS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_CHARS,
  MAX_ROW_CHARS,
  REVIEW_STATUSES,
  RUN_STATUSES,
  DEFAULT_REVIEW_THRESHOLD,
  EXPORT_FORMATS,
} from '../../../shared/src/api/names.js';
