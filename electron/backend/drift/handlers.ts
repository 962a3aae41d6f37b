// Drift investigation (issue 12): two runs compared side by side. The counting is SQLite's
// (RunComparisonQueries in services/workspace/runs.ts): the newest extraction of each run per message,
// joined on the message, field by field as JSON; these handlers turn it into the contract's records.
import { ApiError, type ApiHandlers, type ApiParsedArgs, type RunComparison, type RunPair } from '../../../shared/src/api/index.js';
import type { Extraction, JsonValue } from '../../../shared/src/domain.js';
import type { ComparedField, StoredRun } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';
import { currentSchemaHash } from '../draft/stale.js';
import { currentDraftHash, extractionRecord } from '../handlers.js';
import { runRecord } from '../runs/service.js';

export type DriftHandlers = Pick<ApiHandlers, 'compareRuns' | 'getRunPair'>;

/** Pages of changed messages are keyed by message id; the cursor carries the last one. */
const CURSOR = /^m:(.{1,400})$/s;

function badRequest(path: string, why: string): ApiError {
  return new ApiError({ code: 'bad_request', message: `compareRuns: ${path}: ${why}`, issues: [{ path, message: why }] });
}

export function createDriftHandlers(ctx: BackendContext): DriftHandlers {
  const mustRun = (id: string): StoredRun => {
    const run = ctx.repos.runs.get(id);
    if (!run) throw new ApiError({ code: 'not_found', message: `no run with id ${id}` });
    return run;
  };

  /** The draft's fields, schema order; enum and boolean fields count their transitions. */
  const comparedFields = (): ComparedField[] =>
    (readDraft(ctx.repos)?.schema.fields ?? []).map((f) => ({ name: f.name, transitions: f.type === 'enum' || f.type === 'boolean' }));

  function compareRuns(args: ApiParsedArgs<'compareRuns'>): RunComparison {
    const a = mustRun(args.a);
    const b = mustRun(args.b);
    if (args.field === undefined && (args.from !== undefined || args.to !== undefined)) throw badRequest('from', 'a from or to value needs a field');
    let after = '';
    if (args.cursor) {
      const m = CURSOR.exec(args.cursor);
      if (!m) throw badRequest('cursor', 'not a cursor this comparison gave out');
      after = m[1]!;
    }
    const queries = ctx.repos.runs.comparison;
    queries.prepare(a.id, b.id, comparedFields(), currentSchemaHash(ctx.repos));
    const counts = queries.counts();
    const { matching, rows } = queries.page(
      {
        ...(args.field !== undefined ? { field: args.field } : {}),
        ...(args.from !== undefined ? { from: JSON.stringify(args.from) } : {}),
        ...(args.to !== undefined ? { to: JSON.stringify(args.to) } : {}),
        ...(args.validityChanged ? { validityChanged: true } : {}),
      },
      after,
      args.limit + 1,
    );
    const page = rows.slice(0, args.limit);
    return {
      a: runRecord(a),
      b: runRecord(b),
      overlap: counts.overlap,
      changed: counts.changed,
      validity: { becameInvalid: counts.becameInvalid, becameValid: counts.becameValid },
      fields: counts.fields.map((f) => ({
        field: f.field,
        changed: f.changed,
        transitions: f.transitions.map((t) => ({ from: JSON.parse(t.from) as JsonValue, to: JSON.parse(t.to) as JsonValue, count: t.count })),
      })),
      unknownKeys: counts.unknownKeys,
      matching,
      items: page.map((r) => ({
        messageId: r.messageId,
        subject: r.subject,
        excerpt: r.excerpt,
        changedFields: r.changedFields,
        a: { valid: r.a.valid, output: JSON.parse(r.a.output) as Extraction, unknownKeys: r.a.unknownKeys },
        b: { valid: r.b.valid, output: JSON.parse(r.b.output) as Extraction, unknownKeys: r.b.unknownKeys },
      })),
      nextCursor: rows.length > args.limit ? `m:${page.at(-1)!.messageId}` : null,
    };
  }

  function getRunPair(args: ApiParsedArgs<'getRunPair'>): RunPair {
    const a = mustRun(args.a);
    const b = mustRun(args.b);
    const message = ctx.repos.messages.get(args.messageId);
    if (!message) throw new ApiError({ code: 'not_found', message: `no message with id ${args.messageId}` });
    const schemaHash = currentSchemaHash(ctx.repos);
    const draftHash = currentDraftHash(ctx.repos);
    const record = (run: StoredRun) => {
      const e = ctx.repos.extractions.newestForRun(run.id, message.id);
      return e ? extractionRecord(e, schemaHash, draftHash) : null;
    };
    return {
      messageId: message.id,
      subject: message.subject,
      text: message.text,
      a: record(a),
      b: record(b),
      runs: { a: runRecord(a), b: runRecord(b) },
    };
  }

  return { compareRuns, getRunPair };
}
