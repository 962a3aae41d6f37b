// The trace log of a production service: one JSON line (a TraceLine) per extraction, appended to
// `casebook-trace-YYYY-MM-DD.jsonl` files (UTC days), rotated by day and/or size. Writing never
// blocks nor throws into the extraction: `write` only queues; one async writer appends batches of
// whole lines; a full queue drops lines and counts them; an I/O error is counted and reported.
import { mkdir, open, readdir, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractionResult, MessageInput } from '../domain.js';
import { TRACE_LINE_VERSION, type TraceLine } from './types.js';

export interface TraceLogOptions {
  /** The folder the files go in (made when missing). One folder per process: sizes are tracked in memory. */
  dir: string;
  /** The service's name; fills `service` in lines that have none. */
  service: string;
  /** Keep the message (subject and text) in each line. False writes `message: null` (privacy). Default true. */
  includeText?: boolean;
  /** Size rotation: a file grows to at most this many bytes (unless one line alone is larger). Default 50 MiB. */
  maxBytes?: number;
  /** Start a new file each UTC day, when a file is full, or both (default). */
  rotate?: 'day' | 'size' | 'both';
  /** Lines waiting to be written, at most; further lines are dropped and counted. Default 10,000. */
  maxQueue?: number;
  /** An I/O error while appending (the lines of that batch are lost and counted as dropped). Default: one line on stderr per distinct error. */
  onError?: (err: Error) => void;
  /** The clock (for tests): decides the day of each line's file. */
  now?: () => Date;
}

export interface TraceLog {
  readonly includeText: boolean;
  /** Queues a line; returns at once, never throws. */
  write(line: TraceLine): void;
  /** Resolves when every line queued so far has been written (or has failed). */
  flush(): Promise<void>;
  /** Flushes, then stops: later writes are dropped. */
  close(): Promise<void>;
  /** Lines lost: queue full, unserialisable, written after close, or in a batch whose write failed. */
  dropped(): number;
  /** Appends that failed. */
  errors(): number;
  /** The files this log has written to, oldest first (full paths). */
  files(): string[];
}

export const TRACE_FILE_PREFIX = 'casebook-trace-';
const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** `casebook-trace-2026-12-01.jsonl`, `casebook-trace-2026-12-01.1.jsonl`, ... */
export function traceFileName(day: string, index: number): string {
  return `${TRACE_FILE_PREFIX}${day}${index > 0 ? `.${index}` : ''}.jsonl`;
}

const FILE_RE = /^casebook-trace-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.jsonl$/;

interface Entry {
  text: string;
  bytes: number;
  day: string;
}

interface Current {
  day: string;
  index: number;
  size: number;
  path: string;
  handle: FileHandle | null;
}

export function createTraceLog(opts: TraceLogOptions): TraceLog {
  const includeText = opts.includeText ?? true;
  const maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const rotate = opts.rotate ?? 'both';
  const byDay = rotate !== 'size';
  const bySize = rotate !== 'day';
  const maxQueue = Math.max(1, opts.maxQueue ?? 10_000);
  const now = opts.now ?? (() => new Date());
  const seenErrors = new Set<string>();
  const report = (err: Error) => {
    try {
      if (opts.onError) opts.onError(err);
      else if (!seenErrors.has(err.message)) {
        seenErrors.add(err.message);
        process.stderr.write(`casebook: trace log: ${err.message}\n`);
      }
    } catch {
      // a handler that throws must not stop the writer
    }
  };

  let queue: Entry[] = [];
  let dropped = 0;
  let errors = 0;
  let closed = false;
  let writing: Promise<void> | null = null;
  let scheduled = false;
  let madeDir = false;
  let cur: Current | null = null;
  const written: string[] = [];

  function write(line: TraceLine): void {
    try {
      if (closed || queue.length >= maxQueue) {
        dropped++;
        return;
      }
      const out = includeText ? line : { ...line, message: null };
      const withService = out.service ? out : { ...out, service: opts.service };
      const text = JSON.stringify(withService);
      if (typeof text !== 'string') throw new TypeError('not serialisable');
      queue.push({ text, bytes: Buffer.byteLength(text) + 1, day: utcDay(now()) });
      if (!scheduled && !writing) {
        scheduled = true;
        setImmediate(startWriter); // lines written in the same turn go out as one batch
      }
    } catch {
      dropped++; // a line that cannot be serialised (a cycle, a BigInt) is lost, never thrown
    }
  }

  function startWriter(): void {
    scheduled = false;
    if (writing || queue.length === 0) return;
    writing = drain().finally(() => {
      writing = null;
      if (queue.length && !closed) startWriter();
    });
  }

  async function drain(): Promise<void> {
    while (queue.length) {
      const batch = queue;
      queue = [];
      let i = 0;
      while (i < batch.length) {
        let target: Current;
        try {
          target = await targetFor(batch[i]!);
        } catch (err) {
          fail(err, batch.length - i);
          break;
        }
        // As many following lines as fit in the same file, as one append.
        const parts: string[] = [];
        let size = target.size;
        let j = i;
        while (j < batch.length) {
          const e = batch[j]!;
          if (byDay && e.day !== target.day) break;
          if (bySize && size > 0 && size + e.bytes > maxBytes) break;
          parts.push(e.text, '\n');
          size += e.bytes;
          j++;
        }
        const before = target.size;
        try {
          target.handle ??= await open(target.path, 'a');
          await target.handle.appendFile(parts.join(''));
          target.size = size;
          if (!written.includes(target.path)) written.push(target.path);
        } catch (err) {
          fail(err, j - i);
          await closeCurrent();
          // Never leave half a line: cut the file back to what it held before this append.
          await truncate(target.path, before).catch(() => undefined);
        }
        i = j;
      }
    }
  }

  function fail(err: unknown, lines: number): void {
    errors++;
    dropped += lines;
    const e = err instanceof Error ? err : new Error(String(err));
    report(new Error(`could not append ${lines} line${lines === 1 ? '' : 's'} in ${opts.dir}: ${e.message}`, { cause: e }));
  }

  async function closeCurrent(): Promise<void> {
    const h = cur?.handle;
    if (cur) cur.handle = null;
    await h?.close().catch(() => undefined);
  }

  /** The file the entry goes in: the current one, or the next one (new day, or the current one full). */
  async function targetFor(e: Entry): Promise<Current> {
    if (!madeDir) {
      await mkdir(opts.dir, { recursive: true });
      madeDir = true;
    }
    if (!cur || (byDay && e.day !== cur.day)) {
      await closeCurrent();
      cur = await resume(e.day);
    }
    if (bySize && cur.size > 0 && cur.size + e.bytes > maxBytes) {
      await closeCurrent();
      const index = cur.index + 1;
      cur = { day: cur.day, index, size: 0, path: join(opts.dir, traceFileName(cur.day, index)), handle: null };
      cur.size = await sizeOf(cur.path);
      if (cur.size > 0) return targetFor(e); // a file of that name exists (an earlier run): go past it
    }
    return cur;
  }

  /** The day's newest file, to continue it after a restart; a file that does not end a line is left alone. */
  async function resume(day: string): Promise<Current> {
    let index = 0;
    for (const name of await readdir(opts.dir)) {
      const m = FILE_RE.exec(name);
      if (m && m[1] === day) index = Math.max(index, Number(m[2] ?? 0));
    }
    const path = join(opts.dir, traceFileName(day, index));
    const size = await sizeOf(path);
    if (size > 0 && !(await endsWithNewline(path, size))) {
      const next = index + 1;
      return { day, index: next, size: await sizeOf(join(opts.dir, traceFileName(day, next))), path: join(opts.dir, traceFileName(day, next)), handle: null };
    }
    return { day, index, size, path, handle: null };
  }

  async function flush(): Promise<void> {
    while (writing || queue.length) {
      if (!writing) startWriter();
      await writing;
    }
  }

  return {
    includeText,
    write,
    flush,
    async close() {
      await flush();
      closed = true;
      await closeCurrent();
    },
    dropped: () => dropped,
    errors: () => errors,
    files: () => [...written],
  };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1);
    await h.read(buf, 0, 1, size - 1);
    return buf[0] === 0x0a;
  } finally {
    await h.close();
  }
}

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface TraceLineMeta {
  service: string;
  messageId?: string | null;
  /** The service's own measure of the extraction (the pipeline's is in the trace). */
  latencyMs: number;
  includeText: boolean;
  /** When the extraction finished; default now. */
  time?: Date;
}

/** The trace log's line for one extraction. */
export function traceLineOf(result: ExtractionResult, message: MessageInput, meta: TraceLineMeta): TraceLine {
  const t = result.trace;
  const fired: string[] = [];
  for (const f of t.rulesFired) if (!fired.includes(f.ruleId)) fired.push(f.ruleId);
  for (const a of t.aliases) if (a.ruleId && !fired.includes(a.ruleId)) fired.push(a.ruleId);
  return {
    v: TRACE_LINE_VERSION,
    time: (meta.time ?? new Date()).toISOString(),
    service: meta.service,
    messageId: meta.messageId ?? message.id ?? null,
    message: meta.includeText ? { subject: message.subject ?? null, text: message.text } : null,
    output: result.output,
    valid: result.valid,
    errors: result.errors,
    rulebook: { id: t.rulebook.id, version: t.rulebook.version, hash: t.rulebook.hash },
    provider: t.provider.name,
    model: t.provider.name === 'embedded' || !t.provider.model ? null : t.provider.model,
    latencyMs: Math.round(meta.latencyMs * 1000) / 1000,
    cached: t.cacheHit,
    rulesFired: fired,
    precedents: t.precedents.map((p) => ({ id: p.id, score: Math.round(p.score * 1e4) / 1e4 })),
    promptHash: t.promptHash,
  };
}
