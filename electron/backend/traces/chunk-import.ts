// A chunk of trace log lines imported: parsed, checked, hashed and counted, then written in
// batches (issue 12's aim: a million lines in under 20 s). On two cores the work is split across
// worker threads (import-worker.ts), each importing whole chunks through its own connection to the
// workspace; the same function runs in-process for small chunks and wherever a worker cannot
// start, so both paths store exactly the same rows.
import { closeSync, openSync, readSync } from 'node:fs';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { BucketCounts, packRecord, recordOf, type PackedTraces, type TraceStore } from '../../services/workspace/traceStore.js';
import { BATCH_LINES, MAX_LISTED_BAD, readContext, traceRowOfLine } from './import.js';

/** A chunk of JSONL to import: whole lines (its last ends the chunk), as text, UTF-8 bytes, or a byte range of a file. */
export interface TraceChunkJob {
  text?: string;
  bytes?: Uint8Array;
  /** Bytes [start, end) of the file at `path`, read by whoever imports the chunk (into a buffer it keeps). */
  file?: { path: string; start: number; end: number };
  source: string;
  schema: ExtractionSchema | null;
  /** The import's time, stamped on every trace it stores (the workspace's clock, read by its thread). */
  importedAt: string;
}

/** A bad line: its number counted from the chunk's first line (1). */
export interface ChunkBadLine {
  line: number;
  message: string;
}

/** What a chunk's parse found besides its rows (which went to the batches). */
export interface ParsedTraceSummary {
  /** The first MAX_LISTED_BAD bad lines (all are counted in badCount). */
  bad: ChunkBadLine[];
  badCount: number;
  /** Lines read, blank ones included (the next chunk's first line number follows them). */
  lines: number;
  /** Lines that were not blank. */
  nonBlank: number;
  /** The earliest and latest time among the good lines. */
  from: string | null;
  to: string | null;
}

/** The buffer a thread reads file ranges into, kept: fresh megabytes per chunk cost more than the reading. */
let scratch: Buffer | null = null;

/** Bytes [start, end) of a file, in this thread's scratch buffer (valid until the next read). */
export function readRange(file: { path: string; start: number; end: number }): Buffer {
  const length = file.end - file.start;
  if (!(Number.isSafeInteger(file.start) && file.start >= 0 && length >= 0)) throw new Error(`bad byte range ${file.start}..${file.end} of ${file.path}`);
  if (!scratch || scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, scratch ? scratch.length * 2 : 0));
  const fd = openSync(file.path, 'r');
  try {
    let got = 0;
    while (got < length) {
      const n = readSync(fd, scratch, got, length - got, file.start + got);
      if (n === 0) throw new Error(`${file.path} ended at byte ${file.start + got}, before ${file.end}`);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return scratch.subarray(0, length);
}

/**
 * The chunk's lines one by one (trimmed, blank ones included as ''). Bytes are decoded a line at a
 * time: one string of a whole chunk would take megabytes of fresh memory per chunk, each line's
 * string comes and goes with the young generation. A byte that is not UTF-8 becomes U+FFFD, which
 * the line check refuses.
 */
function* linesOf(job: TraceChunkJob): Generator<string> {
  const text = job.text;
  if (text !== undefined) {
    for (let at = 0; at < text.length; ) {
      const nl = text.indexOf('\n', at);
      const end = nl === -1 ? text.length : nl;
      yield text.slice(at, end).trim();
      at = end + 1;
    }
    return;
  }
  const buf = job.file ? readRange(job.file) : job.bytes ? Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength) : null;
  if (!buf) return;
  for (let at = 0; at < buf.length; ) {
    const nl = buf.indexOf(0x0a, at);
    const end = nl === -1 ? buf.length : nl;
    yield buf.toString('utf8', at, end).trim();
    at = end + 1;
  }
}

/**
 * Parses a chunk's lines into packed batches with their hour counts, handing each batch to
 * `onBatch` as soon as it is full (so a batch's rows die young). `yieldIfDue`, when given, is
 * awaited every few lines (in-process, so the event loop gets its turns); a worker passes none.
 */
export async function parseTraceChunk(
  job: TraceChunkJob,
  onBatch: (batch: PackedTraces) => void | Promise<void>,
  yieldIfDue?: () => Promise<void>,
): Promise<ParsedTraceSummary> {
  const ctx = readContext(job.source, job.schema);
  const summary: ParsedTraceSummary = { bad: [], badCount: 0, lines: 0, nonBlank: 0, from: null, to: null };
  let values: (string | number | null)[] = [];
  let counts = new BucketCounts();
  let rows = 0;
  const close = async () => {
    if (rows === 0) return;
    const batch = { values, rows, counts: counts.tuples() };
    values = [];
    counts = new BucketCounts();
    rows = 0;
    await onBatch(batch);
  };
  let line = 0;
  for (const text of linesOf(job)) {
    line += 1;
    if (text !== '') {
      summary.nonBlank += 1;
      const row = traceRowOfLine(text, ctx);
      if (typeof row === 'string') {
        summary.badCount += 1;
        if (summary.bad.length < MAX_LISTED_BAD) summary.bad.push({ line, message: row });
      } else {
        const record = recordOf(row);
        packRecord(values, record);
        counts.addTrace(record, ctx.kinds, record.hour);
        rows += 1;
        if (summary.from === null || record.receivedAt < summary.from) summary.from = record.receivedAt;
        if (summary.to === null || record.receivedAt > summary.to) summary.to = record.receivedAt;
        if (rows >= BATCH_LINES) await close();
      }
    }
    // A line takes microseconds: asking the clock every few lines is often enough.
    if (yieldIfDue && (line & 15) === 0) await yieldIfDue();
  }
  await close();
  summary.lines = line;
  return summary;
}

/** What importing a chunk did: the parse's counts, without its rows. */
export interface ImportedTraceChunk extends ParsedTraceSummary {
  inserted: number;
  duplicates: number;
}

export interface ChunkImportOptions {
  /** Awaited every few lines and between batches (in-process, so the event loop gets its turns). */
  yieldIfDue?: () => Promise<void>;
  /** Runs one batch's write: a worker takes the pool's write lock around it, so writers hand over without SQLite's busy sleeps. */
  exclusive?: <T>(write: () => T) => T;
}

/** Parses a chunk and writes its batches as they fill, each in one transaction with its hour counts. */
export async function importTraceChunk(store: TraceStore, job: TraceChunkJob, options: ChunkImportOptions = {}): Promise<ImportedTraceChunk> {
  const kinds = readContext(job.source, job.schema).kinds;
  const exclusive = options.exclusive ?? (<T>(write: () => T): T => write());
  let inserted = 0;
  let rows = 0;
  const parsed = await parseTraceChunk(
    job,
    async (batch) => {
      inserted += exclusive(() => store.insertPacked(batch, kinds, job.importedAt));
      rows += batch.rows;
      await options.yieldIfDue?.();
    },
    options.yieldIfDue,
  );
  return { ...parsed, inserted, duplicates: rows - inserted };
}

/** Whether what a worker sent back is an imported chunk's summary. */
export function isImportedTraceChunk(value: unknown): value is ImportedTraceChunk {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as ImportedTraceChunk;
  return (
    Number.isInteger(c.inserted) &&
    Number.isInteger(c.duplicates) &&
    Array.isArray(c.bad) &&
    c.bad.every((b) => Number.isInteger(b.line) && typeof b.message === 'string') &&
    Number.isInteger(c.badCount) &&
    Number.isInteger(c.lines) &&
    Number.isInteger(c.nonBlank) &&
    (c.from === null || typeof c.from === 'string') &&
    (c.to === null || typeof c.to === 'string')
  );
}
