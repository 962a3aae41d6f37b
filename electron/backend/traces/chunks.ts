// JSONL trace logs imported a chunk at a time: a few chunks are imported at once (on worker
// threads, import-pool.ts), and each is accounted for in the file's order, so line numbers, the
// import's counts and a watched file's offsets mean what they did when one thread did everything.
import type { TraceSink } from './import.js';
import type { ImportedTraceChunk, TraceChunkJob } from './chunk-import.js';
import { TraceImportPool, type TraceChunkImporter } from './import-pool.js';

/** Characters (or bytes) of JSONL imported as one chunk. */
export const CHUNK_CHARS = 4 * 1024 * 1024;
/** Chunks under way at once (one being accounted for, the others being imported). */
export const CHUNKS_AHEAD = 8;

/** A job and what its caller needs back with its result. */
export interface ChunkItem<M> {
  job: Omit<TraceChunkJob, 'importedAt'>;
  meta: M;
}

/**
 * Imports the jobs `next` gives (null: no more) up to `ahead` at once, and hands each result to
 * `done` in `next`'s order. `next` is not asked again while `ahead` wait; `done` answering false
 * stops the reading (the file went away, the watch closed); `next` throwing stops it too, once
 * the chunks read before are accounted for. Every job of one call is stamped with the same import
 * time.
 */
export async function importAhead<M>(
  importer: TraceChunkImporter,
  importedAt: string,
  next: () => Promise<ChunkItem<M> | null> | ChunkItem<M> | null,
  done: (chunk: ImportedTraceChunk, meta: M) => Promise<boolean | void> | boolean | void,
  ahead = CHUNKS_AHEAD,
): Promise<void> {
  const queue: { chunk: Promise<ImportedTraceChunk>; meta: M }[] = [];
  let more = true;
  // Reading failing (a file that cannot be read) ends the reading, not the chunks already read: they are accounted for first.
  let failed: { error: unknown } | null = null;
  try {
    for (;;) {
      while (more && queue.length < ahead) {
        let item: ChunkItem<M> | null;
        try {
          item = await next();
        } catch (error) {
          failed = { error };
          item = null;
        }
        if (!item) {
          more = false;
          break;
        }
        const chunk = importer.importChunk({ ...item.job, importedAt });
        chunk.catch(() => {}); // awaited in turn below; until then its failure is not unhandled
        queue.push({ chunk, meta: item.meta });
      }
      const head = queue.shift();
      if (!head) {
        if (failed) throw failed.error;
        return;
      }
      if ((await done(await head.chunk, head.meta)) === false) return;
    }
  } finally {
    // Chunks still under way finish (their lines are stored); nothing waits for them.
    for (const q of queue) q.chunk.catch(() => {});
  }
}

/** `content` cut into pieces of about `size` characters, each ending with a line's end (or the content's). */
export function* linePieces(content: string, size = CHUNK_CHARS): Generator<string> {
  let at = 0;
  while (at < content.length) {
    let end = Math.min(content.length, at + size);
    if (end < content.length) {
      const nl = content.indexOf('\n', end - 1);
      end = nl === -1 ? content.length : nl + 1;
    }
    yield content.slice(at, end);
    at = end;
  }
}

/** Reads the JSONL lines of `content` into the sink, `chunkChars` at a time (CHUNK_CHARS by default). */
export async function readJsonl(content: string, sink: TraceSink, importer: TraceChunkImporter = new TraceImportPool(sink.store), chunkChars = CHUNK_CHARS): Promise<void> {
  const pieces = linePieces(content, chunkChars);
  let line = 1;
  await importAhead(
    importer,
    sink.store.timestamp(),
    () => {
      const piece = pieces.next();
      return piece.done ? null : { job: { text: piece.value, source: sink.ctx.source, schema: sink.ctx.schema }, meta: null };
    },
    async (chunk) => {
      await sink.addChunk(chunk, line);
      line += chunk.lines;
    },
  );
}
