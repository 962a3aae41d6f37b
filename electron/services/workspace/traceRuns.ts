// The workspace's own extractions read as traces (issue 12: "the same charts work for the
// workspace's own runs"): each extraction at its run's start (a one-off at its own time), its run as
// the source. Read on the fly: a workspace holds far fewer extractions than production traces.
import type { Extraction, ValidationError } from '../../../shared/src/domain.js';
import { fromJson } from './json.js';
import type { Workspace } from './workspace.js';

export interface RunTraceRow {
  /** The extraction's id. */
  seq: number;
  messageId: string;
  /** The run's id, or `one-off`. */
  source: string;
  receivedAt: string;
  text: string;
  subject: string | null;
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  rulebookVersion: number | null;
  model: string | null;
  latencyMs: number | null;
}

interface Row {
  seq: number;
  message_id: string;
  source: string;
  t: string;
  text: string;
  subject: string | null;
  output: string;
  valid: number;
  errors: string;
  version: number | null;
  model: string | null;
  latency: number | null;
}

const SQL = `SELECT e.id AS seq, e.message_id, coalesce(e.run_id, 'one-off') AS source, coalesce(r.created_at, e.created_at) AS t,
    m.text, m.subject, e.output, e.valid, e.errors, coalesce(e.rulebook_version, r.rulebook_version) AS version,
    CASE WHEN coalesce(r.provider, json_extract(e.trace, '$.provider.name')) = 'embedded' THEN NULL
         ELSE coalesce(json_extract(e.trace, '$.provider.model'), r.model) END AS model,
    json_extract(e.trace, '$.latencyMs') AS latency
  FROM extractions e LEFT JOIN runs r ON r.id = e.run_id JOIN messages m ON m.id = e.message_id
  WHERE coalesce(r.created_at, e.created_at) >= @from AND coalesce(r.created_at, e.created_at) < @to
  ORDER BY t DESC, e.id DESC`;

/** Every extraction in [from, to), newest first. */
export function readRunTraces(ws: Workspace, range: { from?: string | undefined; to?: string | undefined }): RunTraceRow[] {
  const rows = ws.db.prepare<[Record<string, string>], Row>(SQL).all({ from: range.from ?? '', to: range.to ?? '\uffff' });
  return rows.map((r) => ({
    seq: r.seq,
    messageId: r.message_id,
    source: r.source,
    receivedAt: r.t,
    text: r.text,
    subject: r.subject,
    output: fromJson<Extraction>(r.output),
    valid: r.valid === 1,
    errors: fromJson<ValidationError[]>(r.errors) ?? [],
    rulebookVersion: r.version,
    model: r.model,
    latencyMs: typeof r.latency === 'number' ? r.latency : null,
  }));
}
