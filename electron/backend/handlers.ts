// The API handlers: each method of the typed contract, over the workspace repositories. Arguments
// arrive already parsed by the contract's validators (the IPC gate and the browser host do that).
import { ApiError, type ApiHandlers, type ExtractionRecord, type MessageDetail, type MessageSummary, type ProviderSettings, type ReviewStatus, DEFAULT_REVIEW_THRESHOLD } from '../../shared/src/api/index.js';
import type { ModelSettings } from '../../shared/src/domain.js';
import { RUNTIME_VERSION } from '../../shared/src/version.js';
import { fieldsThatDiffer, type InboxRow, type Repositories, type StoredExtraction } from '../services/workspace/index.js';
import { draftArtifact, readDraft } from './draft.js';
import { currentSchemaHash, isStale } from './draft/stale.js';
import { draftRecord } from './draft/records.js';
import { inboxFilter } from './inbox-filter.js';
import type { BackendOptions } from './ports.js';
import { RUN_SETTING } from './runs/service.js';
import { isHumanCorrection } from './teach/correction.js';

export const HOST_SETTING = {
  baseURL: 'provider.baseURL',
  concurrency: RUN_SETTING.concurrency,
  ratePerSecond: RUN_SETTING.ratePerSecond,
  reviewThreshold: 'review.threshold',
  autoExtractImports: 'import.autoExtract',
  /** The same key as service.ts's PROVIDER_SETTING.logprobs. */
  logprobs: 'provider.logprobs',
} as const;

/** Where each host keeps the API key, said plainly (Settings shows it beside the key). */
export const KEY_STORAGE: Record<'electron' | 'web', string> = {
  electron:
    "Encrypted with your operating system's key store (Electron safeStorage: Keychain, DPAPI or libsecret) and kept by the app's main process; the window never sees it. Where the system offers no key store, it is kept in memory for this session only and never written.",
  web: 'In the memory of this browser host only (or taken from the OPENAI_API_KEY environment variable it was started with): never written to disk, gone when the host stops, and never sent to the page.',
};
const DEFAULT_CONCURRENCY = 4;

function summary(row: InboxRow, schemaHash: string | null): MessageSummary {
  return {
    id: row.id,
    subject: row.subject,
    sender: row.sender,
    preview: row.preview,
    receivedAt: row.receivedAt,
    status: row.status as ReviewStatus,
    output: row.latest?.output ?? null,
    valid: row.latest ? row.latest.valid : null,
    stale: row.latest !== null && isStale(row.latest.schemaHash, schemaHash),
    confidence: row.latest ? confidenceOf(row.latest) : null,
    reasons: row.regression ? ['a later answer disagrees with yours', ...shortReasons(row.latest?.reasons)] : shortReasons(row.latest?.reasons),
    regression: row.regression,
  };
}

/** 1 - review priority, for a machine's scored answer; null for a person's or an unscored one. */
function confidenceOf(e: { human: boolean; reviewPriority: number | null }): number | null {
  if (e.human || e.reviewPriority === null) return null;
  return Math.round((1 - e.reviewPriority) * 1000) / 1000;
}

/** The first few reasons' words, for a row. */
const shortReasons = (reasons: readonly { text: string }[] | undefined) => (reasons ?? []).slice(0, 3).map((r) => r.text);

export function extractionRecord(e: StoredExtraction, schemaHash: string | null, draftHash: string | null): ExtractionRecord {
  return {
    id: String(e.id),
    messageId: e.messageId,
    runId: e.runId,
    // Draft extractions carry no published version; the trace says which draft version ran.
    rulebookVersion: e.rulebookVersion ?? e.trace?.rulebook.version ?? 0,
    output: e.output,
    valid: e.valid,
    errors: e.errors,
    trace: e.trace!,
    createdAt: e.createdAt,
    stale: isStale(e.schemaHash, schemaHash),
    confidence: confidenceOf(e),
    reasons: e.reasons.map((r) => ({ ...r })),
    human: e.human || isHumanCorrection(e.trace),
    rulebookHash: e.rulebookHash ?? e.trace?.rulebook.hash ?? '',
    current: draftHash !== null && (e.rulebookHash ?? e.trace?.rulebook.hash) === draftHash,
  };
}

/** A message with its newest extraction, as getMessage returns it; null when there is no such message. */
export function messageDetail(repos: Repositories, id: string): MessageDetail | null {
  const m = repos.messages.get(id);
  if (!m) return null;
  const latest = m.latestExtractionId === null ? null : repos.extractions.get(m.latestExtractionId);
  const regression = m.regressionExtractionId === null ? null : repos.extractions.get(m.regressionExtractionId);
  const schemaHash = currentSchemaHash(repos);
  const draftHash = currentDraftHash(repos);
  const undo = repos.reviewUndo.get(m.id);
  return {
    message: {
      id: m.id,
      text: m.text,
      ...(m.subject ? { subject: m.subject } : {}),
      ...(m.sender ? { sender: m.sender } : {}),
      ...(m.context?.length ? { context: m.context } : {}),
      receivedAt: m.receivedAt,
      source: m.source ?? '',
      status: m.status as ReviewStatus,
    },
    extraction: latest && latest.trace ? extractionRecord(latest, schemaHash, draftHash) : null,
    regression:
      regression && regression.trace && latest
        ? { extraction: extractionRecord(regression, schemaHash, draftHash), fields: regression.valid ? fieldsThatDiffer(latest.output, regression.output) : ['(invalid output)'] }
        : null,
    undoable: undo?.action ?? null,
  };
}

/** The draft's content hash as it is now; null when the workspace has no draft. */
export function currentDraftHash(repos: Repositories): string | null {
  try {
    return readDraft(repos) ? draftArtifact(repos).hash : null;
  } catch {
    return null;
  }
}

/** Search pages by offset (bm25 order has no stable key); the cursor carries it. */
const SEARCH_CURSOR = /^s:(\d{1,9})$/;

/** A cursor this listing never gave out: a bad_request naming the `cursor` argument. */
function badCursor(why: string): ApiError {
  return new ApiError({ code: 'bad_request', message: `listMessages: cursor: ${why}`, issues: [{ path: 'cursor', message: why }] });
}

/** The inbox, rulebook and settings methods; import, teach and runs have their own folders. */
export type CoreHandlers = Pick<ApiHandlers, 'getAppInfo' | 'getCounts' | 'listMessages' | 'getMessage' | 'getRulebook' | 'getSettings' | 'updateSettings' | 'setApiKey'>;

export function createHandlers(repos: Repositories, opts: BackendOptions): CoreHandlers {
  const hostNumber = (key: string, fallback: number) => {
    const v = opts.settings.get(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  };

  function providerSettings(): ProviderSettings {
    const draft = readDraft(repos);
    const s: ModelSettings | undefined = draft?.settings;
    const baseURL = opts.settings.get(HOST_SETTING.baseURL);
    return {
      provider: s?.provider ?? 'embedded',
      baseURL: typeof baseURL === 'string' ? baseURL : '',
      model: s?.model ?? '',
      hasApiKey: !!opts.secrets.getApiKey(),
      k: s?.k ?? 8,
      concurrency: hostNumber(HOST_SETTING.concurrency, DEFAULT_CONCURRENCY),
      ratePerSecond: hostNumber(HOST_SETTING.ratePerSecond, 0),
      reviewThreshold: hostNumber(HOST_SETTING.reviewThreshold, DEFAULT_REVIEW_THRESHOLD),
      autoExtractImports: opts.settings.get(HOST_SETTING.autoExtractImports) === true,
      keyStorage: KEY_STORAGE[opts.host],
      logprobs: opts.settings.get(HOST_SETTING.logprobs) !== false,
    };
  }

  return {
    getAppInfo: () => ({
      version: opts.appVersion,
      runtimeVersion: RUNTIME_VERSION,
      host: opts.host,
      workspacePath: opts.workspacePath,
      messageCount: repos.messages.count(),
    }),

    getCounts: () => ({
      total: repos.messages.count(),
      byStatus: repos.messages.countByStatus(),
      invalid: repos.messages.count({ validity: 'invalid' }),
      ...(({ queue, regressions }) => ({ needsReview: queue, regressions }))(repos.messages.queueCounts()),
    }),

    listMessages: (args) => {
      const schemaHash = currentSchemaHash(repos);
      const filter = inboxFilter(args, schemaHash);
      const toSummary = (row: InboxRow) => summary(row, schemaHash);
      const search = args.search?.trim();
      if (search) {
        const m = args.cursor ? SEARCH_CURSOR.exec(args.cursor) : null;
        if (args.cursor && !m) throw badCursor('this cursor belongs to another listing');
        const offset = m ? Number(m[1]) : 0;
        const hits = repos.messages.search({ query: search, filter, limit: args.limit + 1, offset });
        const items = hits.slice(0, args.limit).map(toSummary);
        return { items, nextCursor: hits.length > args.limit ? `s:${offset + args.limit}` : null, total: repos.messages.searchCount({ query: search, filter }) };
      }
      try {
        // The review queue puts first what is most likely wrong (least confident), unless another
        // order is asked for; any listing can be ordered by confidence.
        const queueLike = filter.queue === true || filter.status === 'needs_review';
        const sort = args.sort ?? (queueLike ? 'confidence' : 'received_desc');
        const order = sort === 'confidence' ? 'priority' : sort === 'received_asc' ? 'oldest' : 'newest';
        const page = repos.messages.page({ filter, order, limit: args.limit, cursor: args.cursor ?? null });
        return { items: page.items.map(toSummary), nextCursor: page.nextCursor, total: repos.messages.count(filter) };
      } catch (err) {
        // Only the cursor's own refusal: any other failure (the workspace's) stays what it is.
        if (args.cursor && err instanceof TypeError && /cursor/.test(err.message)) throw badCursor(`not a cursor of this listing (${err.message})`);
        throw err;
      }
    },

    getMessage: ({ id }) => {
      const detail = messageDetail(repos, id);
      if (!detail) throw new ApiError({ code: 'not_found', message: `no message with id ${id}` });
      return detail;
    },

    getRulebook: () => {
      const draft = draftRecord(repos);
      if (!draft) throw new ApiError({ code: 'not_found', message: 'this workspace has no rulebook yet' });
      return draft;
    },

    getSettings: () => providerSettings(),

    // Machine-local only; the draft's model settings change through updateDraft.
    updateSettings: (args) => {
      if (args.baseURL !== undefined) opts.settings.set(HOST_SETTING.baseURL, args.baseURL);
      if (args.concurrency !== undefined) opts.settings.set(HOST_SETTING.concurrency, args.concurrency);
      if (args.ratePerSecond !== undefined) opts.settings.set(HOST_SETTING.ratePerSecond, args.ratePerSecond);
      if (args.reviewThreshold !== undefined) opts.settings.set(HOST_SETTING.reviewThreshold, args.reviewThreshold);
      if (args.autoExtractImports !== undefined) opts.settings.set(HOST_SETTING.autoExtractImports, args.autoExtractImports);
      if (args.logprobs !== undefined) opts.settings.set(HOST_SETTING.logprobs, args.logprobs);
      if (args.reviewThreshold !== undefined && repos.messages.applyReviewThreshold(args.reviewThreshold) > 0) {
        opts.emit('messagesChanged', { reason: 'review threshold changed' });
      }
      return providerSettings();
    },

    setApiKey: ({ apiKey }) => {
      opts.secrets.setApiKey(apiKey.trim() || null);
      return providerSettings();
    },
  };
}
