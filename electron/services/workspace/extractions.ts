import type { Statement } from 'better-sqlite3';
import type { Extraction, ExtractionResult, Trace, ValidationError } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

export interface NewExtraction {
  messageId: string;
  runId?: string | null;
  /** The published version, or null for the draft rulebook. */
  rulebookVersion?: number | null;
  rulebookHash?: string | null;
  result: ExtractionResult;
}

export interface StoredExtraction {
  id: number;
  messageId: string;
  runId: string | null;
  rulebookVersion: number | null;
  rulebookHash: string | null;
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  trace: Trace | null;
  createdAt: string;
}

const COLUMNS = 'id, message_id, run_id, rulebook_version, rulebook_hash, output, valid, errors, trace, created_at';

const SQL = {
  insert: `INSERT INTO extractions (message_id, run_id, rulebook_version, rulebook_hash, output, valid, errors, trace, created_at)
    VALUES (@message_id, @run_id, @rulebook_version, @rulebook_hash, @output, @valid, @errors, @trace, @created_at)`,
  get: `SELECT ${COLUMNS} FROM extractions WHERE id = ?`,
  latestForMessage: `SELECT ${COLUMNS} FROM extractions
    WHERE id = (SELECT latest_extraction_id FROM messages WHERE id = ?)`,
  forMessage: `SELECT ${COLUMNS} FROM extractions WHERE message_id = ? ORDER BY id DESC LIMIT ?`,
  forRun: `SELECT ${COLUMNS} FROM extractions WHERE run_id = @run_id AND message_id > @after
    ORDER BY message_id LIMIT @limit`,
} as const;

interface Row {
  id: number;
  message_id: string;
  run_id: string | null;
  rulebook_version: number | null;
  rulebook_hash: string | null;
  output: string;
  valid: number;
  errors: string;
  trace: string | null;
  created_at: string;
}

export class ExtractionRepository {
  private readonly insertStmt: Statement<[Record<string, string | number | null>]>;
  private readonly getStmt: Statement<[number], Row>;
  private readonly latestStmt: Statement<[string], Row>;
  private readonly forMessageStmt: Statement<[string, number], Row>;
  private readonly forRunStmt: Statement<[{ run_id: string; after: string; limit: number }], Row>;

  constructor(private readonly ws: Workspace) {
    this.insertStmt = ws.db.prepare(SQL.insert);
    this.getStmt = ws.db.prepare(SQL.get);
    this.latestStmt = ws.db.prepare(SQL.latestForMessage);
    this.forMessageStmt = ws.db.prepare(SQL.forMessage);
    this.forRunStmt = ws.db.prepare(SQL.forRun);
  }

  /** Stores an extraction; for the inbox it becomes the message's newest (unless a non-extract run made it). */
  insert(extraction: NewExtraction): number {
    const { result } = extraction;
    return this.ws.write(
      () =>
        Number(
          this.insertStmt.run({
            message_id: extraction.messageId,
            run_id: extraction.runId ?? null,
            rulebook_version: extraction.rulebookVersion ?? null,
            rulebook_hash: extraction.rulebookHash ?? result.trace?.rulebook?.hash ?? null,
            output: toJson(result.output),
            valid: result.valid ? 1 : 0,
            errors: toJson(result.errors ?? []),
            trace: result.trace ? toJson(result.trace) : null,
            created_at: this.ws.timestamp(),
          }).lastInsertRowid,
        ),
    );
  }

  get(id: number): StoredExtraction | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /** The extraction the inbox shows for the message. */
  latestForMessage(messageId: string): StoredExtraction | null {
    const row = this.latestStmt.get(messageId);
    return row ? mapRow(row) : null;
  }

  /** The message's extractions, newest first (its history across runs and rulebooks). */
  forMessage(messageId: string, limit = 50): StoredExtraction[] {
    return this.forMessageStmt.all(messageId, limit).map(mapRow);
  }

  /** A run's extractions by message id, in pages: `after` is the last message id of the page before. */
  forRun(runId: string, options: { after?: string; limit?: number } = {}): StoredExtraction[] {
    return this.forRunStmt.all({ run_id: runId, after: options.after ?? '', limit: options.limit ?? 500 }).map(mapRow);
  }
}

function mapRow(row: Row): StoredExtraction {
  return {
    id: row.id,
    messageId: row.message_id,
    runId: row.run_id,
    rulebookVersion: row.rulebook_version,
    rulebookHash: row.rulebook_hash,
    output: fromJson<Extraction>(row.output),
    valid: row.valid === 1,
    errors: fromJson<ValidationError[]>(row.errors),
    trace: fromJson<Trace>(row.trace),
    createdAt: row.created_at,
  };
}
