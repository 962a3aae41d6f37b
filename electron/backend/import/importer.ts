// previewImport and importMessages: a file parsed into rows and problems; the preview writes
// nothing, the import inserts the good rows in chunks (duplicates by content hash skipped), reports
// progress, and with `asPrecedents` stores each validly labelled row as a precedent too. A chunk's
// messages and their precedents are one transaction; a failure mid-import keeps the chunks already
// written, writes nothing of the chunk it failed in, and says where it stopped.
import { createHash } from 'node:crypto';
import { ApiError, type ApiParsedArgs, type ImportMapping, type ImportPreview, type ImportResult } from '../../../shared/src/api/index.js';
import { applyAliases } from '../../../shared/src/schema/index.js';
import type { Extraction, ExtractionSchema, JsonValue, MessageInput, Rule } from '../../../shared/src/domain.js';
import type { NewMessage, NewPrecedent } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';
import { labelOutput, labelsEmpty } from './labels.js';
import { CHUNK_ROWS, PREVIEW_ROWS, PROGRESS_INTERVAL_MS } from './limits.js';
import { parseFile } from './parse.js';
import { listProblems, ProblemList } from './rows.js';
import type { ImportRow, ParseOutput } from './types.js';

export interface ImportContext extends Pick<BackendContext, 'repos' | 'transaction' | 'emit' | 'author'> {
  /** The clock progress events are paced by (tests pass their own). */
  now?: () => number;
}

interface Prepared {
  parsed: ParseOutput;
  schema: ExtractionSchema | undefined;
  rules: Rule[];
}

/** Refuses label columns mapped to something that is not a field of the draft schema. */
function checkLabelMapping(mapping: ImportMapping | undefined, schema: ExtractionSchema | undefined, rules: readonly Rule[]): void {
  const labels = Object.entries(mapping?.labels ?? {});
  if (!labels.length) return;
  if (!schema) throw new ApiError({ code: 'bad_request', message: 'this workspace has no rulebook yet, so label columns cannot be read' });
  const names = new Set(schema.fields.map((f) => f.name));
  for (const [column, field] of labels) {
    const resolved = Object.keys(applyAliases({ [field]: null }, schema, rules).output)[0]!;
    if (!names.has(resolved)) {
      const message = `label column ${JSON.stringify(column)} is mapped to ${JSON.stringify(field)}, which is not a field of the schema (${[...names].join(', ')})`;
      throw new ApiError({ code: 'bad_request', message, issues: [{ path: `mapping.labels.${column}`, message }] });
    }
  }
}

async function prepare(ctx: ImportContext, file: ApiParsedArgs<'previewImport'>['file'], mapping: ImportMapping | undefined): Promise<Prepared> {
  const schema = readDraft(ctx.repos)?.schema;
  const rules = ctx.repos.rules.active();
  checkLabelMapping(mapping, schema, rules);
  const parsed = await parseFile(file, mapping, schema);
  return { parsed, schema, rules };
}

function previewRow(row: ImportRow, schema: ExtractionSchema | undefined, rules: readonly Rule[]): ImportPreview['rows'][number] {
  const out: ImportPreview['rows'][number] = { text: row.text };
  if (row.subject) out.subject = row.subject;
  if (row.sender) out.sender = row.sender;
  if (row.receivedAt) out.receivedAt = row.receivedAt;
  if (row.labels && !labelsEmpty(row.labels)) {
    // As it would be stored as a precedent when the labels are valid; as found when not.
    const result = schema ? labelOutput(row.labels, schema, rules) : null;
    out.labels = result && 'output' in result ? result.output : row.labels;
  }
  return out;
}

export async function previewImport(ctx: ImportContext, args: ApiParsedArgs<'previewImport'>): Promise<ImportPreview> {
  const { parsed, schema, rules } = await prepare(ctx, args.file, args.mapping);
  return {
    format: parsed.format,
    columns: parsed.columns,
    suggestedMapping: parsed.suggestedMapping,
    rows: parsed.rows.slice(0, PREVIEW_ROWS).map((r) => previewRow(r, schema, rules)),
    totalRows: parsed.records,
    // A whole-file problem (no text column) does not stop the preview: it shows the columns so
    // the mapping can be fixed. The import refuses it.
    problems: listProblems(parsed.fatal ? [{ line: 1, reason: parsed.fatal }] : [], parsed.problems),
  };
}

function toNewMessage(row: ImportRow, source: string): NewMessage {
  return {
    text: row.text,
    subject: row.subject ?? null,
    sender: row.sender ?? null,
    context: row.context ?? null,
    receivedAt: row.receivedAt ?? null,
    source,
    externalId: row.externalId ?? null,
    meta: row.meta ?? null,
  };
}

function precedentMessage(row: ImportRow, id: string): MessageInput {
  return {
    id,
    text: row.text,
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.sender ? { sender: row.sender } : {}),
    ...(row.context ? { context: row.context } : {}),
  };
}

function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const outputKey = (messageId: string, output: Extraction) => createHash('sha256').update(`${messageId}\n${canonical(output)}`).digest('hex');

const linesOf = (rows: readonly ImportRow[]) => (rows.length === 1 ? `line ${rows[0]!.line}` : `lines ${rows[0]!.line}-${rows.at(-1)!.line}`);

export async function importMessages(ctx: ImportContext, args: ApiParsedArgs<'importMessages'>): Promise<ImportResult> {
  const { file, asPrecedents } = args;
  return importPrepared(ctx, file.name, await prepare(ctx, file, args.mapping), asPrecedents);
}

/**
 * Imports rows a caller parsed itself, as importMessages imports a file's: a labelled history
 * (workspaces/labelled.ts) parses the file, converts its label cells to the confirmed types and
 * marks the rows whose labels do not fit (`labelProblem`), then hands the rows over here.
 */
export async function importParsedRows(ctx: ImportContext, name: string, parsed: ParseOutput, asPrecedents: boolean): Promise<ImportResult> {
  const schema = readDraft(ctx.repos)?.schema;
  return importPrepared(ctx, name, { parsed, schema, rules: ctx.repos.rules.active() }, asPrecedents);
}

async function importPrepared(ctx: ImportContext, name: string, prepared: Prepared, asPrecedents: boolean): Promise<ImportResult> {
  const { parsed, schema, rules } = prepared;
  if (parsed.fatal) {
    // Named as an argument, so the dialog can point at the mapping or at the file.
    const path = parsed.fatalAt === 'mapping' ? 'mapping' : 'file.content';
    throw new ApiError({ code: 'bad_request', message: `${name}: ${parsed.fatal}`, issues: [{ path, message: parsed.fatal }] });
  }
  if (asPrecedents && !schema) throw new ApiError({ code: 'bad_request', message: 'this workspace has no rulebook yet, so rows cannot become precedents' });

  const now = ctx.now ?? Date.now;
  const rows = parsed.rows;
  const total = rows.length;
  const problems = new ProblemList();
  const author = ctx.author();
  const stored = new Set<string>();
  let inserted = 0;
  let skipped = 0;
  let precedents = 0;
  let processed = 0;
  let lastProgress = now();
  ctx.emit('importProgress', { name, processed, total });

  /**
   * The precedents of a chunk's labelled rows (`ids`: their messages). Label problems go to
   * `chunkProblems` and new output keys to `chunkKeys`: they count only if the chunk is stored.
   */
  const precedentsOf = (chunk: readonly ImportRow[], ids: readonly string[], chunkProblems: ProblemList, chunkKeys: Set<string>): NewPrecedent[] => {
    const batch: NewPrecedent[] = [];
    chunk.forEach((row, i) => {
      if (row.labelProblem !== undefined) {
        chunkProblems.add(row.line, `${row.labelProblem}: imported as a message only, not as a precedent`);
        return;
      }
      if (labelsEmpty(row.labels)) {
        chunkProblems.add(row.line, 'no label values: imported as a message only, not as a precedent');
        return;
      }
      const result = labelOutput(row.labels!, schema!, rules);
      if ('problem' in result) {
        chunkProblems.add(row.line, `${result.problem}: imported as a message only, not as a precedent`);
        return;
      }
      const messageId = ids[i]!;
      // The same message with the same output is one precedent, however often it is imported.
      const key = outputKey(messageId, result.output);
      if (stored.has(key) || chunkKeys.has(key)) return;
      chunkKeys.add(key);
      if (ctx.repos.precedents.forMessage(messageId).some((p) => outputKey(messageId, p.output) === key)) return;
      batch.push({
        message: precedentMessage(row, messageId),
        output: result.output,
        rationale: `imported from ${name} line ${row.line}`,
        author,
        messageId,
      });
    });
    return batch;
  };

  for (let at = 0; at < total; at += CHUNK_ROWS) {
    const chunk = rows.slice(at, at + CHUNK_ROWS);
    const chunkProblems = new ProblemList();
    const chunkKeys = new Set<string>();
    // A chunk's messages and their precedents are one unit: were the precedents to fail alone, the
    // messages would stay, and importing the file again would skip them as duplicates for good.
    let step: 'messages' | 'precedents' = 'messages';
    let written: { inserted: number; skipped: number; precedents: number };
    try {
      written = ctx.transaction(() => {
        step = 'messages';
        const result = ctx.repos.messages.insertMany(chunk.map((r) => toNewMessage(r, name)));
        step = 'precedents';
        const made = asPrecedents && schema ? ctx.repos.precedents.createMany(precedentsOf(chunk, result.ids, chunkProblems, chunkKeys)).length : 0;
        return { inserted: result.inserted, skipped: result.skipped, precedents: made };
      });
    } catch (err) {
      const cause = (err as Error).message;
      const what = step === 'messages' ? cause : `the precedents of ${linesOf(chunk)} could not be stored (${cause})`;
      problems.add(
        chunk[0]!.line,
        `import stopped: ${what}. The ${inserted} messages imported before this line are kept; this row and the ${total - at - 1} rows after it were not imported`,
      );
      break;
    }
    inserted += written.inserted;
    skipped += written.skipped;
    precedents += written.precedents;
    for (const problem of chunkProblems.list()) problems.add(problem.line, problem.reason);
    for (const key of chunkKeys) stored.add(key);

    processed += chunk.length;
    if (processed < total && now() - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now();
      ctx.emit('importProgress', { name, processed, total });
    }
    // Let progress events and other calls through between chunks.
    if (processed < total) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  ctx.emit('importProgress', { name, processed, total });
  if (inserted > 0 || precedents > 0) ctx.emit('messagesChanged', { reason: 'import' });
  return { format: parsed.format, inserted, skipped, precedents, problems: listProblems(parsed.problems, problems.list()) };
}
