// The answer of record: a message's extraction history, regressions, adopting a machine's answer
// explicitly, and undoing a review. A person's correction or acceptance is what the inbox shows,
// exports and drift use; a machine's later answer is kept beside it and, when it disagrees, puts
// the message in the review queue. Only the methods here replace a person's answer, each because
// the person asked.
import { ApiError, type ApiHandlers, type ExtractionHistoryItem, type MessageDetail } from '../../../shared/src/api/index.js';
import { fieldsThatDiffer, type StoredExtraction } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { currentDraftHash, messageDetail } from '../handlers.js';

export type RecordHandlers = Pick<ApiHandlers, 'listExtractions' | 'adoptExtraction' | 'dismissRegression' | 'undoReview'>;

/** How many extractions a message's history lists (newest first). */
export const HISTORY_LIMIT = 200;

const notFound = (what: string, id: string) => new ApiError({ code: 'not_found', message: `no ${what} with id ${id}` });
const conflict = (message: string) => new ApiError({ code: 'conflict', message });

export const RECORD_REASONS = {
  adopted: 'extraction-adopted',
  regressionDismissed: 'regression-dismissed',
  undone: 'review-undone',
} as const;

export function createRecordHandlers(ctx: BackendContext): RecordHandlers {
  const { repos, transaction } = ctx;
  const changed = (reason: string) => ctx.emit('messagesChanged', { reason });

  function message(id: string) {
    const m = repos.messages.get(id);
    if (!m) throw notFound('message', id);
    return m;
  }

  function detail(id: string): MessageDetail {
    const d = messageDetail(repos, id);
    if (!d) throw notFound('message', id);
    return d;
  }

  function historyItem(e: StoredExtraction, record: StoredExtraction | null, draftHash: string | null): ExtractionHistoryItem {
    const hash = e.rulebookHash ?? e.trace?.rulebook.hash ?? '';
    return {
      id: String(e.id),
      createdAt: e.createdAt,
      runId: e.runId,
      rulebookVersion: e.rulebookVersion ?? e.trace?.rulebook.version ?? 0,
      rulebookHash: hash,
      current: draftHash !== null && hash === draftHash,
      provider: e.trace?.provider.name ?? (e.human ? 'human' : 'unknown'),
      // The model the trace says answered (a provider records the one the server named).
      model: e.trace?.provider.model ?? '',
      human: e.human,
      output: e.output,
      valid: e.valid,
      confidence: e.human || e.reviewPriority === null ? null : Math.round((1 - e.reviewPriority) * 1000) / 1000,
      isRecord: record !== null && record.id === e.id,
      differsFromRecord: record && record.id !== e.id ? fieldsThatDiffer(record.output, e.output) : [],
    };
  }

  return {
    listExtractions: ({ messageId }) => {
      const m = message(messageId);
      const record = m.latestExtractionId === null ? null : repos.extractions.get(m.latestExtractionId);
      const draftHash = currentDraftHash(repos);
      return repos.extractions.forMessage(messageId, HISTORY_LIMIT).map((e) => historyItem(e, record, draftHash));
    },

    adoptExtraction: ({ messageId, extractionId }) => {
      transaction(() => {
        const m = message(messageId);
        const id = Number(extractionId);
        const e = Number.isSafeInteger(id) ? repos.extractions.get(id) : null;
        if (!e || e.messageId !== messageId) throw notFound(`extraction of message ${messageId}`, extractionId);
        if (!e.valid) throw conflict('adoptExtraction: that answer does not fit the schema; correct the message instead');
        repos.reviewUndo.putAccept(m);
        // The person chose this answer: it is now the record, accepted as theirs.
        repos.messages.setAnswerOfRecord(messageId, e.id, 'accepted');
        repos.extractions.setRegression(messageId, null);
      });
      changed(RECORD_REASONS.adopted);
      return detail(messageId);
    },

    dismissRegression: ({ messageId }) => {
      transaction(() => {
        const m = message(messageId);
        if (m.regressionExtractionId === null) throw conflict('dismissRegression: no later answer disagrees with this message\'s answer');
        repos.extractions.setRegression(messageId, null);
      });
      changed(RECORD_REASONS.regressionDismissed);
      return detail(messageId);
    },

    undoReview: ({ messageId }) => {
      transaction(() => {
        message(messageId);
        const undo = repos.reviewUndo.get(messageId);
        if (!undo) throw conflict('undoReview: nothing to undo for this message (no accept or correction since it was last undone)');
        if (undo.action === 'correction') {
          // The precedent goes back to what it was, or away when the correction made it.
          if (undo.precedentId) {
            if (undo.precedentBefore) repos.precedents.update(undo.precedentId, { output: undo.precedentBefore.output, rationale: undo.precedentBefore.rationale });
            else repos.precedents.delete(undo.precedentId);
          }
          if (undo.extractionId !== null) repos.extractions.delete(undo.extractionId);
        }
        repos.messages.setAnswerOfRecord(messageId, undo.prevExtractionId, undo.prevStatus);
        repos.extractions.setRegression(messageId, undo.prevRegressionId);
        repos.reviewUndo.remove(messageId);
      });
      changed(RECORD_REASONS.undone);
      return detail(messageId);
    },
  };
}
