import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { draftRevision, installDraftRevision } from './draftRevision.js';
import { WorkspaceCorruptError, WorkspaceOpenError } from './errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { registerSchemaHashFunction } from './schema-shape.js';

/** `PRAGMA application_id` of a Casebook workspace: "CBOK". */
export const CASEBOOK_APPLICATION_ID = 0x43424f4b;

export interface OpenWorkspaceOptions {
  /** Refuse to create a new file. */
  mustExist?: boolean;
  /** The migrations to apply; the released list by default (tests pass a prefix). */
  migrations?: readonly Migration[];
  /** How long a write waits for another connection's lock before failing, in ms. */
  busyTimeoutMs?: number;
  /** The clock for every time the workspace records (tests pass a fixed one). */
  now?: () => Date;
  /** Path of a better-sqlite3 addon built for another ABI (Electron's); Node's own build otherwise. */
  nativeBinding?: string;
}

/**
 * What a unit of work may return: anything but a promise. better-sqlite3 commits when the work
 * returns, so writes after an `await` would run outside the transaction (or inside another).
 */
export type NotAPromise<T> = T extends PromiseLike<unknown> ? never : T;

/**
 * A use case's writes as one transaction: all of them or none. Called inside another unit of
 * work it joins it (commits only with it). The work is synchronous: nothing may be awaited in it.
 */
export type UnitOfWork = <T>(work: () => NotAPromise<T>) => T;

/**
 * One open workspace: a single SQLite file. Crash safety: WAL with `synchronous = NORMAL` keeps
 * every committed transaction across a crash or SIGKILL of the app; only a power loss or OS crash
 * can drop the last transactions before a checkpoint, and never corrupts the file. Every write goes
 * through `write()`, one transaction, so a failure leaves nothing half-written.
 */
export class Workspace {
  readonly path: string;
  readonly db: Database.Database;
  readonly now: () => Date;
  /** Migrations applied by this open, oldest first. */
  readonly applied: readonly Migration[];

  constructor(path: string, db: Database.Database, now: () => Date, applied: readonly Migration[]) {
    this.path = path;
    this.db = db;
    this.now = now;
    this.applied = applied;
  }

  /** The current time as the ISO 8601 string stored in the workspace. */
  timestamp(): string {
    return this.now().toISOString();
  }

  /**
   * Runs `fn` in one write transaction (`BEGIN IMMEDIATE`): all its writes or none. A call inside
   * another joins it as a savepoint, so it commits only with the outer one. `fn` must be synchronous:
   * work that returns a promise is refused (by the compiler, and rolled back at run time).
   */
  write<T>(fn: () => NotAPromise<T>): T {
    return this.db.transaction(fn).immediate() as T;
  }

  /** Runs `fn` in one read transaction, so several queries see the same snapshot. */
  read<T>(fn: () => NotAPromise<T>): T {
    return this.db.transaction(fn).deferred() as T;
  }

  /** Moves whenever a table the draft rulebook is assembled from may have changed (draftRevision.ts). */
  draftRevision(): string {
    return draftRevision(this.db);
  }

  /** `PRAGMA quick_check`: 'ok', or the problems found. Slow on big files; for a repair screen. */
  check(): string[] {
    return (this.db.pragma('quick_check', { simple: false }) as { quick_check: string }[]).map((r) => r.quick_check);
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
  }
}

/** Opens (or creates) the workspace at `path`, applying pending migrations; refuses a diverged one. */
export function openWorkspace(path: string, options: OpenWorkspaceOptions = {}): Workspace {
  if (path === ':memory:' || path === '') throw new WorkspaceOpenError('A workspace is a file: give it a path.');
  const existed = existsSync(path);
  if (!existed) {
    if (options.mustExist) throw new WorkspaceOpenError(`No workspace at ${path}.`);
    mkdirSync(dirname(path), { recursive: true });
  }
  let db: Database.Database;
  try {
    db = new Database(path, {
      fileMustExist: options.mustExist ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw new WorkspaceOpenError(`Cannot open the workspace ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // Whose file it is is checked before anything writes to it (WAL mode rewrites the header).
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    claim(db, path);
    configure(db);
    const now = options.now ?? (() => new Date());
    const applied = migrate(db, options.migrations ?? MIGRATIONS, now);
    installDraftRevision(db);
    return new Workspace(path, db, now, applied);
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) {
      throw new WorkspaceCorruptError(`${path} is not a Casebook workspace, or it is damaged (${(error as Error).message}).`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A second connection to a workspace this process has open already (a trace import's worker
 * thread writes through one): the file must exist and be a Casebook workspace; nothing is claimed
 * or migrated (the first connection did both), and no draft triggers are installed.
 */
export function joinWorkspace(path: string, options: Pick<OpenWorkspaceOptions, 'busyTimeoutMs' | 'now' | 'nativeBinding'> = {}): Workspace {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  } catch (error) {
    throw new WorkspaceOpenError(`Cannot open the workspace ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== CASEBOOK_APPLICATION_ID) throw new WorkspaceCorruptError(`${path} is not a Casebook workspace (application_id ${appId}).`);
    configure(db);
    return new Workspace(path, db, options.now ?? (() => new Date()), []);
  } catch (error) {
    db.close();
    throw error;
  }
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  // Before the migrations: 008 stamps the extractions it finds with the draft's schema hash.
  registerSchemaHashFunction(db);
}

/** Marks a new file as a Casebook workspace; refuses a file another application made. */
function claim(db: Database.Database, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === CASEBOOK_APPLICATION_ID) return;
  if (appId !== 0) throw new WorkspaceCorruptError(`${path} belongs to another application (application_id ${appId}).`);
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
  if (tables.length > 0 && !tables.some((t) => t.name === 'schema_migrations')) {
    throw new WorkspaceCorruptError(`${path} is an SQLite database of another application, not a Casebook workspace.`);
  }
  db.pragma(`application_id = ${CASEBOOK_APPLICATION_ID}`);
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}
