// Trace log chunks imported on worker threads (issue 12's import aim). Parsing, checking, hashing
// and counting a line cost twice SQLite's insert of it, so on two cores two workers each import
// whole chunks through their own connection, handing SQLite's write lock over through a shared
// lock (one writes while the other parses). Small chunks stay in-process (a worker's start costs
// more than they do), and so does everything once a worker fails to start or dies: a chunk a
// worker was given is then imported in-process, where what it had written already is skipped as
// duplicates. A broken worker slows an import; it loses nothing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TraceStore } from '../../services/workspace/traceStore.js';
import { TimeSlice } from '../time-slice.js';
import { importTraceChunk, isImportedTraceChunk, type ImportedTraceChunk, type TraceChunkJob } from './chunk-import.js';
import type { ImportReply, ImportRequest, ImportWorkerData } from './import-worker.js';
import { underWriteLock } from './write-lock.js';

export interface TraceChunkImporter {
  importChunk(job: TraceChunkJob): Promise<ImportedTraceChunk>;
}

/** Chunks under this many characters (or bytes) are imported in-process. */
export const MIN_WORKER_CHARS = 256 * 1024;
/** The lock's holder value for this thread's own writes (a worker's is its threadId, never 0 or below). */
const MAIN_HOLDER = -1;
/** Workers stop after this long without work (the next import starts them again). */
export const WORKER_IDLE_MS = 10_000;

export interface TraceImportPoolOptions {
  /** Worker threads at most (0: everything in-process). Default: one per core, at most 2, none on one core. */
  workers?: number;
  minWorkerChars?: number;
  idleMs?: number;
  /** The workspace file the workers open (without it, everything is in-process). */
  database?: { path: string; nativeBinding?: string | undefined };
  /** The worker's code instead of import-worker's (tests: a worker that fails to start, or dies). */
  script?: () => WorkerScript;
}

export interface WorkerScript {
  script: string | URL;
  /** `script` is code, not a file. */
  eval: boolean;
}

/**
 * The worker's script: the bundle's sibling where the app is bundled (dist/electron), else the
 * TypeScript source loaded through tsx's API (Node 20 gives a worker no `--import` of tsx).
 */
function workerScript(): WorkerScript {
  const bundled = new URL('./trace-import-worker.cjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return { script: bundled, eval: false };
  // tsx's ESM API (the import condition of "tsx/esm/api"; require.resolve would give its CommonJS twin).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = new URL('./import-worker.ts', import.meta.url).href;
  return { script: `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`, eval: true };
}

/** A worker's answer that it could not import a chunk (imported again in-process, which says why). */
class ChunkFailed extends Error {}

interface Slot {
  worker: Worker;
  /** The worker's threadId, kept (the Worker reads -1 once the thread is gone). */
  threadId: number;
  pending: number;
}

interface Waiting {
  slot: Slot;
  resolve: (chunk: ImportedTraceChunk) => void;
  reject: (err: Error) => void;
}

export class TraceImportPool implements TraceChunkImporter {
  private readonly size: number;
  private readonly minChars: number;
  private readonly idleMs: number;
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private readonly lock = new SharedArrayBuffer(4);
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private readonly slice = new TimeSlice();
  /** The last in-process chunk's import: the next starts after it. */
  private inProcessTail: Promise<void> = Promise.resolve();
  /** Why workers are no longer used (one failed, or the pool closed), or null. */
  failure: string | null = null;
  /** Chunks imported by a worker / in-process (tests and the bench read them). */
  readonly imported = { worker: 0, inProcess: 0 };

  constructor(
    private readonly store: TraceStore,
    private readonly options: TraceImportPoolOptions = {},
  ) {
    const cores = availableParallelism();
    this.size = options.database ? Math.max(0, Math.floor(options.workers ?? (cores < 2 ? 0 : Math.min(2, cores)))) : 0;
    this.minChars = options.minWorkerChars ?? MIN_WORKER_CHARS;
    this.idleMs = options.idleMs ?? WORKER_IDLE_MS;
  }

  async importChunk(job: TraceChunkJob): Promise<ImportedTraceChunk> {
    const size = job.text?.length ?? job.bytes?.byteLength ?? (job.file ? job.file.end - job.file.start : 0);
    // A small chunk does not start a worker, but goes to one already running (it would else write beside them).
    if (this.size === 0 || this.failure !== null || (size < this.minChars && this.slots.length === 0)) return this.inProcess(job);
    try {
      const chunk = await this.onWorker(job);
      this.imported.worker += 1;
      return chunk;
    } catch (err) {
      // A chunk the worker could not import (its file cut short, say) says nothing of the worker:
      // only a worker that failed or stopped ends the use of workers.
      if (!(err instanceof ChunkFailed)) this.fail((err as Error).message);
      return this.inProcess(job);
    }
  }

  /**
   * Imports a chunk on this thread, after the chunks before it: one at a time, since a chunk read
   * from a file lives in this thread's one scratch buffer while it is parsed (and gives the event
   * loop turns meanwhile).
   */
  private inProcess(job: TraceChunkJob): Promise<ImportedTraceChunk> {
    this.imported.inProcess += 1;
    const run = () => importTraceChunk(this.store, job, { yieldIfDue: () => this.slice.yieldIfDue(), exclusive: (write) => this.exclusive(write) });
    const result = this.inProcessTail.then(run, run);
    this.inProcessTail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * An in-process batch's write under the workers' lock: without it, a worker that holds the lock
   * meets SQLite's busy sleeps. Waits at most one batch's write; with no workers it never waits.
   */
  private exclusive<T>(write: () => T): T {
    return this.slots.length === 0 ? write() : underWriteLock(new Int32Array(this.lock), MAIN_HOLDER, write);
  }

  private onWorker(job: TraceChunkJob): Promise<ImportedTraceChunk> {
    const slot = this.slot();
    const id = this.nextId++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    return new Promise<ImportedTraceChunk>((resolve, reject) => {
      this.waiting.set(id, { slot, resolve, reject });
      slot.pending += 1;
      slot.worker.ref();
      // The bytes are copied, not transferred: a chunk a worker drops is imported again here.
      slot.worker.postMessage({ id, job } satisfies ImportRequest);
    });
  }

  /** A worker without work, a new one while there are fewer than `size`, else the least busy. */
  private slot(): Slot {
    const free = this.slots.find((s) => s.pending === 0);
    if (free) return free;
    if (this.slots.length < this.size) return this.start();
    return this.slots.reduce((a, b) => (b.pending < a.pending ? b : a));
  }

  private start(): Slot {
    const { script, eval: isCode } = (this.options.script ?? workerScript)();
    const db = this.options.database!;
    const workerData: ImportWorkerData = { path: db.path, lock: this.lock, ...(db.nativeBinding ? { nativeBinding: db.nativeBinding } : {}) };
    const worker = new Worker(script, { eval: isCode, workerData, stdout: false, stderr: false });
    const slot: Slot = { worker, threadId: worker.threadId, pending: 0 };
    worker.on('message', (reply: ImportReply) => this.settle(slot, reply));
    worker.on('error', (err) => this.lost(slot, `a trace import worker failed: ${err.message}`));
    worker.on('exit', (code) => this.lost(slot, `a trace import worker stopped (exit code ${code})`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: ImportReply): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    slot.pending -= 1;
    if (slot.pending === 0) slot.worker.unref();
    this.idleSoon();
    if ('error' in reply) w.reject(new ChunkFailed(reply.error));
    else if (isImportedTraceChunk(reply.chunk)) w.resolve(reply.chunk);
    else w.reject(new Error('a trace import worker answered with something that is not a chunk summary'));
  }

  /** A worker errored or exited: its write lock is freed, and what it was given refused (then imported in-process by `importChunk`). */
  private lost(slot: Slot, message: string): void {
    const i = this.slots.indexOf(slot);
    if (i !== -1) this.slots.splice(i, 1);
    // The lock only spares SQLite's busy sleeps: the database's own lock stays with a dying worker's
    // connection until its thread is gone, so freeing this one early is safe.
    const lock = new Int32Array(this.lock);
    if (Atomics.compareExchange(lock, 0, slot.threadId, 0) === slot.threadId) Atomics.notify(lock, 0);
    for (const [id, w] of this.waiting) {
      if (w.slot !== slot) continue;
      this.waiting.delete(id);
      w.reject(new Error(message));
    }
  }

  private fail(message: string): void {
    this.failure ??= message;
    this.stopWorkers(message);
  }

  private idleSoon(): void {
    if (this.waiting.size > 0 || this.slots.length === 0) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.waiting.size === 0) this.stopWorkers('idle');
    }, this.idleMs);
    this.idle.unref();
  }

  /** Stops every worker; chunks still with one are refused (and imported in-process by `importChunk`). */
  private stopWorkers(why: string): void {
    for (const slot of this.slots.splice(0)) {
      slot.worker.removeAllListeners('exit');
      slot.worker.removeAllListeners('error');
      slot.worker.on('error', () => {}); // an error while it stops has no one left to tell
      void slot.worker.terminate();
      this.lost(slot, why);
    }
  }

  /** Stops the workers (and the pool's use of them); chunks still with them are imported in-process. */
  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.failure ??= 'closed';
    this.stopWorkers('the trace import pool was closed');
  }
}
