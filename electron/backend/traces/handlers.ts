// Production traces (issue 12): imported from the runtime's trace log or the minimal JSONL/CSV
// format (files, or a watched folder), charted over time from hour counts, and listed: the traces
// behind a point or a bar, and one trace with the workspace message it is about.
//
// The watched folder keeps timers and an fs.watch: `closeTraceHandlers(ctx)` stops them when the
// workspace closes (they are unref'd, and stop by themselves once the database is found closed).
import { stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { ApiError, type ApiHandlers, type ApiParsedArgs, type TraceChart, type TraceDetail, type TracePage, type TraceSummary } from '../../../shared/src/api/index.js';
import { MAX_IMPORT_BYTES } from '../../../shared/src/api/names.js';
import type { Extraction, JsonValue } from '../../../shared/src/domain.js';
import {
  BucketCounts,
  fieldKinds,
  hourOf,
  HOUR_MS,
  safeKey,
  TEXT_KEY,
  valueKey,
  type BucketMetric,
  type StoredTraceRow,
  type TraceCursor,
  type TraceFilter,
} from '../../services/workspace/traceStore.js';
import type { RunTraceRow } from '../../services/workspace/traceRuns.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';
import { buildChart, windowHours } from './chart.js';
import { readJsonl } from './chunks.js';
import { detectTraceFormat, fileText, readContext, readCsv, TraceSink } from './import.js';
import { TraceImportPool, type TraceImportPoolOptions } from './import-pool.js';
import { TraceFolderWatch, type TraceWatchDeps } from './watch.js';

export type TraceHandlers = Pick<ApiHandlers, 'importTraces' | 'watchTraceFolder' | 'getTraceWatch' | 'traceChart' | 'listTraces' | 'getTrace'>;

export interface TraceHandlerOptions {
  /** How often the watched folder is polled besides fs.watch (default 3 s). */
  pollMs?: number;
  /** The worker threads of imports (default: TraceImportPool's, on the workspace's file). */
  workers?: Omit<TraceImportPoolOptions, 'database'>;
  /** Characters (bytes, from a watched file) imported as one chunk (default CHUNK_CHARS). */
  chunkChars?: number;
}

const watches = new WeakMap<BackendContext, { watch: TraceFolderWatch; importer: TraceImportPool }>();

/** Stops the watched folder's timers and watcher, and the import workers, of a workspace's handlers (call when it closes). */
export function closeTraceHandlers(ctx: BackendContext): void {
  const found = watches.get(ctx);
  found?.watch.close();
  found?.importer.close();
}

/** The import workers of a workspace's traces (tests and the bench read what they did). */
export function traceImporter(ctx: BackendContext): TraceImportPool | null {
  return watches.get(ctx)?.importer ?? null;
}

const EXCERPT_CHARS = 200;

function bad(method: string, path: string, why: string): ApiError {
  return new ApiError({ code: 'bad_request', message: `${method}: ${path ? `${path}: ` : ''}${why}`, issues: [{ path, message: why }] });
}

function encodeCursor(c: TraceCursor): string {
  return `${c.receivedAt}|${c.seq}`;
}

function decodeCursor(raw: string | null | undefined): TraceCursor | null {
  if (!raw) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d+)$/.exec(raw);
  if (!m) throw bad('listTraces', 'cursor', 'not a cursor this call gave');
  return { receivedAt: m[1]!, seq: Number(m[2]) };
}

const excerpt = (text: string | null | undefined): string | null => {
  if (text === null || text === undefined) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
};

/**
 * The keys outside the draft's fields: the output's, and those stored at import that the output no
 * longer holds (the runtime drops a key outside its schema from the output and says so in its errors).
 */
const unknownOf = (output: Extraction, known: ReadonlySet<string>, stored: readonly string[] = []): string[] => {
  const keys = Object.keys(output).filter((k) => !known.has(k));
  for (const k of stored) if (!known.has(k) && !keys.includes(k)) keys.push(k);
  return keys;
};

export function createTraceHandlers(ctx: BackendContext, options: TraceHandlerOptions = {}): TraceHandlers {
  const traces = ctx.repos.traces;
  const store = traces.store;
  const schema = () => readDraft(ctx.repos)?.schema ?? null;
  const draftKeys = (): Set<string> => new Set((schema()?.fields ?? []).map((f) => f.name));

  const importer = new TraceImportPool(store, { ...options.workers, database: { path: ctx.opts.workspacePath, nativeBinding: ctx.opts.nativeBinding } });
  const deps: TraceWatchDeps = {
    store,
    importer,
    settings: ctx.repos.settings,
    schema,
    onImported: (imported, state) => ctx.emit('driftChanged', { kind: 'traces', id: state.path, done: imported, total: state.imported, status: 'imported' }),
    onProgress: (imported, state) => ctx.emit('driftChanged', { kind: 'traces', id: state.path, done: imported, total: state.imported, status: 'running' }),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.chunkChars !== undefined ? { chunkBytes: options.chunkChars } : {}),
  };
  const watch = new TraceFolderWatch(deps);
  watches.set(ctx, { watch, importer });
  watch.resume();

  async function importTraces(args: ApiParsedArgs<'importTraces'>) {
    const { file } = args;
    const source = args.source ?? basename(file.name);
    const approxBytes = file.encoding === 'base64' ? (file.content.length * 3) / 4 : file.content.length;
    if (approxBytes > MAX_IMPORT_BYTES) throw bad('importTraces', 'file', `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
    const content = fileText(file);
    if (content.trim() === '') throw bad('importTraces', 'file', 'the file is empty');
    const format = detectTraceFormat(file.name, content);
    let last = 0;
    const sink: TraceSink = new TraceSink(store, readContext(source, schema()), () => {
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      ctx.emit('driftChanged', { kind: 'traces', id: source, done: sink.imported, total: sink.lines, status: 'running' });
    });
    if (format === 'csv') {
      const problem = await readCsv(content, file.name, sink);
      if (problem) throw bad('importTraces', 'file', problem);
    } else await readJsonl(content, sink, importer, options.chunkChars);
    const result = sink.result(format);
    ctx.emit('driftChanged', { kind: 'traces', id: source, done: result.imported, total: sink.lines, status: 'done' });
    return result;
  }

  async function watchTraceFolder({ path }: ApiParsedArgs<'watchTraceFolder'>) {
    if (path !== null) {
      if (!isAbsolute(path)) throw bad('watchTraceFolder', 'path', 'give the folder as a full path');
      const found = await stat(path).catch(() => null);
      if (!found) throw bad('watchTraceFolder', 'path', `there is no folder ${path}`);
      if (!found.isDirectory()) throw bad('watchTraceFolder', 'path', `${path} is a file, not a folder`);
    }
    return watch.setPath(path);
  }

  function runCounts(rows: readonly RunTraceRow[]): { counts: BucketCounts; span: { lo: number; hi: number } | null } {
    const counts = new BucketCounts();
    const kinds = fieldKinds(schema());
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      const hour = hourOf(r.receivedAt);
      lo = Math.min(lo, hour);
      hi = Math.max(hi, hour);
      counts.addTrace(r, kinds, hour);
    }
    return { counts, span: rows.length ? { lo, hi } : null };
  }

  function traceChart(args: ApiParsedArgs<'traceChart'>): TraceChart {
    if (args.metric === 'field' && !args.field) throw bad('traceChart', 'field', 'the field metric needs a field');
    const req = { metric: args.metric, field: args.metric === 'field' ? args.field : undefined, bucket: args.bucket, from: args.from, to: args.to, source: args.source };
    if (args.origin === 'runs') {
      const { counts, span } = runCounts(traces.runTraces({ from: args.from, to: args.to }));
      return buildChart(counts, req, span, draftKeys());
    }
    return buildChart(store, req, store.span(), draftKeys());
  }

  function filterOf(args: ApiParsedArgs<'listTraces'>): TraceFilter {
    for (const key of ['field', 'unknownKey'] as const) {
      const v = args[key];
      if (v !== undefined && !safeKey(v)) throw bad('listTraces', key, 'a key with a quote or backslash cannot be filtered on');
    }
    const kinds = fieldKinds(schema());
    return {
      from: args.from,
      to: args.to,
      source: args.source,
      field: args.field,
      value: args.field !== undefined ? args.value : undefined,
      fieldIsText: args.field !== undefined && kinds.get(args.field) === 'text',
      valid: args.valid,
      unknownKey: args.unknownKey,
      version: args.version === undefined ? undefined : args.version === 0 ? null : args.version,
      model: args.model === undefined ? undefined : args.model === '' ? null : args.model,
    };
  }

  /** How many traces match, from the hour counts when one condition and a window of whole hours say it exactly; else counted. */
  function matchingOf(filter: TraceFilter): number {
    const wholeHour = (t: string | undefined) => t === undefined || Date.parse(t) % HOUR_MS === 0;
    const conditions: [BucketMetric, string, string][] = [];
    const kinds = fieldKinds(schema());
    if (filter.field !== undefined && filter.value !== undefined) {
      const kind = kinds.get(filter.field);
      const key = valueKey(filter.value, kind);
      const exact = key !== TEXT_KEY || (filter.fieldIsText && filter.value === TEXT_KEY);
      // A draft field missing from an output counts as null: so stored only for draft fields.
      if (!exact || (filter.value === null && kind === undefined)) return store.count(filter);
      conditions.push(['field', filter.field, key]);
    }
    if (filter.valid !== undefined) conditions.push(['valid', '', filter.valid ? 'true' : 'false']);
    if (filter.unknownKey !== undefined) conditions.push(['key', '', filter.unknownKey]);
    if (filter.version !== undefined) conditions.push(['version', '', filter.version === null ? '(none)' : String(filter.version)]);
    if (filter.model !== undefined) conditions.push(['model', '', filter.model ?? '(none)']);
    if (conditions.length > 1 || !wholeHour(filter.from) || !wholeHour(filter.to)) return store.count(filter);
    const hours = windowHours(filter, store.span());
    if (!hours) return 0;
    const [metric, field, key] = conditions[0] ?? ['total', '', ''];
    return store.rows(metric, field, hours.lo, hours.hi, filter.source).reduce((s, r) => s + (r.key === key ? r.n : 0), 0);
  }

  function summary(t: StoredTraceRow, known: ReadonlySet<string>): TraceSummary {
    return {
      seq: t.seq,
      time: t.receivedAt,
      source: t.source,
      service: t.service,
      subject: t.message?.subject ?? null,
      excerpt: excerpt(t.message?.text),
      output: t.output,
      valid: t.valid,
      version: t.rulebookVersion,
      model: t.model,
      unknownKeys: unknownOf(t.output, known, t.unknownKeys),
    };
  }

  function runMatches(r: RunTraceRow, f: TraceFilter): boolean {
    if (f.source !== undefined && r.source !== f.source) return false;
    if (f.field !== undefined && f.value !== undefined) {
      const v = (r.output as Record<string, JsonValue>)[f.field];
      if (f.value === null ? v !== null && v !== undefined : f.fieldIsText && f.value === TEXT_KEY ? v === null || v === undefined : JSON.stringify(v) !== JSON.stringify(f.value)) return false;
    }
    if (f.valid !== undefined && r.valid !== f.valid) return false;
    if (f.unknownKey !== undefined && !(f.unknownKey in r.output)) return false;
    if (f.version !== undefined && r.rulebookVersion !== f.version) return false;
    if (f.model !== undefined && r.model !== f.model) return false;
    return true;
  }

  function listTraces(args: ApiParsedArgs<'listTraces'>): TracePage {
    const filter = filterOf(args);
    const after = decodeCursor(args.cursor);
    const known = draftKeys();
    if (args.origin === 'runs') {
      const all = traces.runTraces({ from: args.from, to: args.to }).filter((r) => runMatches(r, filter));
      const start = after ? all.findIndex((r) => r.receivedAt < after.receivedAt || (r.receivedAt === after.receivedAt && r.seq < after.seq)) : 0;
      const page = start === -1 ? [] : all.slice(start, start + args.limit);
      const lastRow = page[page.length - 1];
      const more = start !== -1 && start + args.limit < all.length;
      return {
        items: page.map((r) => ({
          seq: r.seq,
          time: r.receivedAt,
          source: r.source,
          service: null,
          subject: r.subject,
          excerpt: excerpt(r.text),
          output: r.output,
          valid: r.valid,
          version: r.rulebookVersion,
          model: r.model,
          unknownKeys: unknownOf(r.output, known),
        })),
        matching: all.length,
        nextCursor: more && lastRow ? encodeCursor(lastRow) : null,
      };
    }
    const rows = store.list(filter, after, args.limit + 1);
    const page = rows.slice(0, args.limit);
    const lastRow = page[page.length - 1];
    return {
      items: page.map((t) => summary(t, known)),
      matching: matchingOf(filter),
      nextCursor: rows.length > args.limit && lastRow ? encodeCursor(lastRow) : null,
    };
  }

  function getTrace({ seq }: ApiParsedArgs<'getTrace'>): TraceDetail {
    const t = store.get(seq);
    if (!t) throw new ApiError({ code: 'not_found', message: `getTrace: no trace ${seq}` });
    return {
      ...summary(t, draftKeys()),
      text: t.message?.text ?? null,
      errors: t.errors,
      rulebook: { id: t.rulebookId, version: t.rulebookVersion, hash: t.rulebookHash },
      provider: t.provider,
      latencyMs: t.latencyMs,
      rulesFired: t.rulesFired,
      precedents: t.precedents ?? [],
      messageId: store.linkedMessageId(t.messageHash, t.message),
    };
  }

  return {
    importTraces,
    watchTraceFolder,
    getTraceWatch: () => watch.state(),
    traceChart,
    listTraces,
    getTrace,
  };
}
