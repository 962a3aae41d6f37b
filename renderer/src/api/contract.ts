// The renderer's view of the one typed API. Types come from shared/ (type-only, so the validators and
// zod stay out of the window's bundle); REVIEW_STATUSES is plain data.
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
} from '../../../shared/src/api/records.js';
export { REVIEW_STATUSES } from '../../../shared/src/api/records.js';
export type * from '../../../shared/src/domain.js';

import type { ApiMethod } from '../../../shared/src/api/contract.js';

/** Every method of the contract, for adapters that build the API by name. Checked against ApiMethod both ways. */
const METHODS = {
  getAppInfo: true,
  getCounts: true,
  listMessages: true,
  getMessage: true,
  getRulebook: true,
  getSettings: true,
  updateSettings: true,
  setApiKey: true,
  previewImport: true,
  importMessages: true,
  acceptExtraction: true,
  correctExtraction: true,
  previewRule: true,
  saveRule: true,
  setRuleEnabled: true,
  deleteRule: true,
  restoreRule: true,
  listRules: true,
  listRuleMessages: true,
  listPrecedents: true,
  updatePrecedent: true,
  deletePrecedent: true,
  restorePrecedent: true,
  startRun: true,
  cancelRun: true,
  resumeRun: true,
  retryRunErrors: true,
  getRun: true,
  listRuns: true,
  listRunErrors: true,
} as const satisfies Record<ApiMethod, true>;
export const API_METHOD_NAMES = Object.keys(METHODS) as ApiMethod[];
