// A watched folder of trace files (issue 12): the runtime's trace log folder. Every `*.jsonl` in it
// is read from where the last scan stopped (per file, the byte offset after its last complete
// line, kept in the workspace's settings), so new lines are imported as they are written and a
// half-written last line waits for its newline. fs.watch wakes a scan at once; a poll every few
// seconds catches what it misses. Timers are unref'd and stop with `close` (or when the workspace's
// database is found closed). Each file is its own source (its name), so importing it by hand too
// adds nothing twice; after a crash between a batch and its offset, the lines read again are
// duplicates and skipped.
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TraceWatchState } from '../../../shared/src/api/index.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import type { SettingsRepository } from '../../services/workspace/settings.js';
import type { TraceStore } from '../../services/workspace/traceStore.js';
import { CHUNK_CHARS, importAhead, type ChunkItem } from './chunks.js';
import type { TraceChunkImporter } from './import-pool.js';

export const WATCH_SETTING = 'traces.watch';
export const DEFAULT_POLL_MS = 3_000;
/** How often a long scan tells how far it got. */
export const PROGRESS_MS = 1_000;

interface FileState {
  /** Bytes up to and including the last complete line read. */
  offset: number;
  lines: number;
  bad: number;
}

/** A chunk's file and where it ends (a line longer than a chunk is skipped, not imported). */
interface ChunkMeta {
  state: FileState;
  end: number;
  skipped: boolean;
}

interface StoredWatch {
  path: string | null;
  files: Record<string, FileState>;
  imported: number;
  lastError: string | null;
}

export interface TraceWatchDeps {
  store: TraceStore;
  settings: SettingsRepository;
  schema: () => ExtractionSchema | null;
  /** Traces were imported by a scan. */
  onImported: (imported: number, state: TraceWatchState) => void;
  /** A scan is under way and has stored `imported` traces so far (at most every `progressMs`, PROGRESS_MS by default). */
  onProgress?: (imported: number, state: TraceWatchState) => void;
  progressMs?: number;
  /** Imports the chunks read (on worker threads where it can). */
  importer: TraceChunkImporter;
  /** Bytes read as one chunk (CHUNK_CHARS by default; a line longer than a chunk is refused). */
  chunkBytes?: number;
  pollMs?: number;
}

export class TraceFolderWatch {
  private stored: StoredWatch;
  private lastScanAt: string | null = null;
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly deps: TraceWatchDeps) {
    this.stored = deps.settings.get<StoredWatch>(WATCH_SETTING) ?? { path: null, files: {}, imported: 0, lastError: null };
  }

  state(): TraceWatchState {
    const s = this.stored;
    return {
      path: s.path,
      files: Object.entries(s.files)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, f]) => ({ name, lines: f.lines, bad: f.bad })),
      lastScanAt: this.lastScanAt,
      lastError: s.lastError,
      imported: s.imported,
    };
  }

  /** Starts watching the stored folder, if there is one (a workspace opened again). */
  resume(): void {
    if (this.stored.path) this.start(this.stored.path);
  }

  /** Watches `path` (scanned at once) or stops (null). A new folder starts from the beginning of its files. */
  async setPath(path: string | null): Promise<TraceWatchState> {
    this.stop();
    if (path !== this.stored.path) this.stored = { path, files: {}, imported: 0, lastError: null };
    this.save();
    if (path) {
      this.start(path);
      await this.scan();
    }
    return this.state();
  }

  private start(path: string): void {
    const poll = this.deps.pollMs ?? DEFAULT_POLL_MS;
    this.poll = setInterval(() => void this.scan(), poll);
    this.poll.unref();
    try {
      this.watcher = watch(path, { persistent: false }, () => this.scanSoon());
      this.watcher.on('error', () => {
        // The poll goes on.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null; // a folder that cannot be watched is still polled
    }
  }

  private scanSoon(): void {
    if (this.soon || this.closed) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.scan();
    }, 50);
    this.soon.unref();
  }

  private stop(): void {
    if (this.poll) clearInterval(this.poll);
    if (this.soon) clearTimeout(this.soon);
    this.watcher?.close();
    this.poll = this.soon = null;
    this.watcher = null;
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  /** Reads what is new in the folder; one scan at a time (a scan asked for meanwhile runs after). */
  async scan(): Promise<void> {
    if (this.closed) return;
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        await this.scanOnce();
      } while (this.again && !this.closed);
    })().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const path = this.stored.path;
    if (!path) return;
    let imported = 0;
    try {
      const names = (await readdir(path)).filter((n) => n.endsWith('.jsonl')).sort();
      imported = await this.readFiles(path, names);
      this.stored.lastError = null;
    } catch (err) {
      if (this.closed || /database connection is not open/i.test((err as Error).message)) {
        this.close();
        return;
      }
      this.stored.lastError = (err as Error).message;
    }
    this.lastScanAt = new Date().toISOString();
    if (this.closed) return;
    this.save();
    if (imported > 0) this.deps.onImported(imported, this.state());
  }

  /**
   * Imports the files' new complete lines, a chunk at a time, the next chunks (of this file or the
   * next) imported meanwhile (chunks.ts); a file's offset moves past a chunk once it is accounted
   * for, in the file's order. Returns how many traces were stored.
   */
  private async readFiles(dir: string, names: readonly string[]): Promise<number> {
    const schema = this.deps.schema();
    const chunkBytes = this.deps.chunkBytes ?? CHUNK_CHARS;
    const buf = Buffer.allocUnsafe(chunkBytes);
    let imported = 0;
    let told = performance.now();
    let file: { name: string; state: FileState; handle: FileHandle; size: number; readAt: number } | null = null;
    let nextName = 0;
    const closeFile = async () => {
      const handle = file?.handle;
      file = null;
      await handle?.close();
    };
    /** The next chunk to import, from this file or the next with new lines; null when there is none. */
    const next = async (): Promise<ChunkItem<ChunkMeta> | null> => {
      for (;;) {
        if (this.closed || this.stored.path !== dir) return null;
        if (!file) {
          if (nextName >= names.length) return null;
          const name = names[nextName++]!;
          const size = (await stat(join(dir, name))).size;
          const state = (this.stored.files[name] ??= { offset: 0, lines: 0, bad: 0 });
          // A file cut shorter than what was read was replaced: read it again (its lines are duplicates).
          if (size < state.offset) Object.assign(state, { offset: 0, lines: 0, bad: 0 });
          if (size === state.offset) continue;
          file = { name, state, handle: await open(join(dir, name), 'r'), size, readAt: state.offset };
        }
        const f: { name: string; state: FileState; handle: FileHandle; size: number; readAt: number } = file;
        if (f.readAt >= f.size) {
          await closeFile();
          continue;
        }
        const want = Math.min(chunkBytes, f.size - f.readAt);
        // Read here only to find the chunk's last line end; whoever imports the chunk reads it again (from the OS's cache).
        const { bytesRead } = await f.handle.read(buf, 0, want, f.readAt);
        const lastNl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
        if (lastNl === -1) {
          // A half-written last line waits for its newline; a line longer than a chunk is refused.
          if (bytesRead < chunkBytes) {
            await closeFile();
            continue;
          }
          f.readAt += bytesRead;
          return { job: { text: '', source: f.name, schema }, meta: { state: f.state, end: f.readAt, skipped: true } };
        }
        const start = f.readAt;
        f.readAt += lastNl + 1;
        return { job: { file: { path: join(dir, f.name), start, end: f.readAt }, source: f.name, schema }, meta: { state: f.state, end: f.readAt, skipped: false } };
      }
    };
    try {
      await importAhead<ChunkMeta>(this.deps.importer, this.deps.store.timestamp(), next, (chunk, { state, end, skipped }) => {
        if (this.closed) return false;
        if (skipped) {
          state.bad += 1;
          state.lines += 1;
        } else {
          state.lines += chunk.lines;
          state.bad += chunk.badCount;
        }
        state.offset = end;
        imported += chunk.inserted;
        this.stored.imported += chunk.inserted;
        this.save();
        if (this.deps.onProgress && performance.now() - told >= (this.deps.progressMs ?? PROGRESS_MS)) {
          told = performance.now();
          this.deps.onProgress(imported, this.state());
        }
        return true;
      });
    } finally {
      await closeFile();
    }
    return imported;
  }

  private save(): void {
    if (!this.closed) this.deps.settings.set(WATCH_SETTING, this.stored);
  }
}
