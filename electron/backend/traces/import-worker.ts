// A worker thread of trace imports (import-pool.ts): imports the chunks it is sent, one at a time,
// through its own connection to the workspace, and answers with what each did (a few numbers: the
// rows themselves never cross back). Batches are written under the pool's write lock.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { joinWorkspace } from '../../services/workspace/workspace.js';
import { TraceStore } from '../../services/workspace/traceStore.js';
import { importTraceChunk, type ImportedTraceChunk, type TraceChunkJob } from './chunk-import.js';
import { underWriteLock } from './write-lock.js';

export interface ImportWorkerData {
  path: string;
  nativeBinding?: string;
  /** Int32 [0]: the write lock, 0 when free, else the holder's threadId. */
  lock: SharedArrayBuffer;
}

export interface ImportRequest {
  id: number;
  job: TraceChunkJob;
}

export type ImportReply = { id: number; chunk: ImportedTraceChunk } | { id: number; error: string };

const data = workerData as ImportWorkerData;
const lock = new Int32Array(data.lock);
const exclusive = <T>(write: () => T): T => underWriteLock(lock, threadId, write);

const ws = joinWorkspace(data.path, data.nativeBinding ? { nativeBinding: data.nativeBinding } : {});
const store = new TraceStore(ws);

// One chunk at a time: a chunk read from a file lives in this thread's one scratch buffer while it is parsed.
let tail: Promise<void> = Promise.resolve();
parentPort?.on('message', (request: ImportRequest) => {
  tail = tail.then(() =>
    importTraceChunk(store, request.job, { exclusive }).then(
      (chunk) => parentPort!.postMessage({ id: request.id, chunk } satisfies ImportReply),
      (err: unknown) => parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies ImportReply),
    ),
  );
});
