// The newest accept or correction of each message, with what it replaced, so a person can undo it
// (one level per message: a newer review replaces the record). Migration 009.
import type { Statement } from 'better-sqlite3';
import type { Extraction } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import type { MessageStatus, StoredMessage } from './messages.js';
import type { Workspace } from './workspace.js';

export interface ReviewUndo {
  messageId: string;
  action: 'accept' | 'correction';
  prevStatus: MessageStatus;
  prevExtractionId: number | null;
  prevRegressionId: number | null;
  /** The correction's own extraction, which the undo removes. */
  extractionId: number | null;
  precedentId: string | null;
  /** The precedent before the correction changed it; null when the correction made it. */
  precedentBefore: { output: Extraction; rationale: string | null } | null;
  at: string;
}

interface Row {
  message_id: string;
  action: 'accept' | 'correction';
  prev_status: MessageStatus;
  prev_extraction_id: number | null;
  prev_regression_id: number | null;
  extraction_id: number | null;
  precedent_id: string | null;
  precedent_before: string | null;
  at: string;
}

const SQL = {
  put: `INSERT OR REPLACE INTO review_undo (message_id, action, prev_status, prev_extraction_id, prev_regression_id, extraction_id, precedent_id, precedent_before, at)
    VALUES (@message_id, @action, @prev_status, @prev_extraction_id, @prev_regression_id, @extraction_id, @precedent_id, @precedent_before, @at)`,
  get: 'SELECT * FROM review_undo WHERE message_id = ?',
  remove: 'DELETE FROM review_undo WHERE message_id = ?',
} as const;

export class ReviewUndoRepository {
  private readonly putStmt: Statement<[Row]>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly removeStmt: Statement<[string]>;

  constructor(private readonly ws: Workspace) {
    this.putStmt = ws.db.prepare(SQL.put);
    this.getStmt = ws.db.prepare(SQL.get);
    this.removeStmt = ws.db.prepare(SQL.remove);
  }

  /** Records a review as the message's newest (replacing the one before). */
  put(undo: Omit<ReviewUndo, 'at'>): void {
    this.ws.write(() =>
      this.putStmt.run({
        message_id: undo.messageId,
        action: undo.action,
        prev_status: undo.prevStatus,
        prev_extraction_id: undo.prevExtractionId,
        prev_regression_id: undo.prevRegressionId,
        extraction_id: undo.extractionId,
        precedent_id: undo.precedentId,
        precedent_before: undo.precedentBefore ? toJson(undo.precedentBefore) : null,
        at: this.ws.timestamp(),
      }),
    );
  }

  /** Records an accept (or an adoption) of the message as it stands now: its status, answer and regression. */
  putAccept(message: Pick<StoredMessage, 'id' | 'status' | 'latestExtractionId' | 'regressionExtractionId'>): void {
    this.put({
      messageId: message.id,
      action: 'accept',
      prevStatus: message.status,
      prevExtractionId: message.latestExtractionId,
      prevRegressionId: message.regressionExtractionId,
      extractionId: null,
      precedentId: null,
      precedentBefore: null,
    });
  }

  get(messageId: string): ReviewUndo | null {
    const r = this.getStmt.get(messageId);
    if (!r) return null;
    return {
      messageId: r.message_id,
      action: r.action,
      prevStatus: r.prev_status,
      prevExtractionId: r.prev_extraction_id,
      prevRegressionId: r.prev_regression_id,
      extractionId: r.extraction_id,
      precedentId: r.precedent_id,
      precedentBefore: fromJson<{ output: Extraction; rationale: string | null }>(r.precedent_before),
      at: r.at,
    };
  }

  remove(messageId: string): void {
    this.ws.write(() => this.removeStmt.run(messageId));
  }
}
