// What the app's backend hands the window: rows of the workspace as plain data.
import type { Extraction, ExtractionSchema, MessageInput, ModelSettings, Precedent, Rule, Trace, ValidationError } from '../domain.js';

export type ReviewStatus = 'new' | 'extracted' | 'needs_review' | 'corrected' | 'accepted';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['new', 'extracted', 'needs_review', 'corrected', 'accepted'];

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

/** The rulebook being edited in the workspace (not yet published). */
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
}

export interface Counts {
  total: number;
  byStatus: Record<ReviewStatus, number>;
  invalid: number;
}
