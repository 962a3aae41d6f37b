// Where a new workspace file goes and whether a file may be opened as one, each refusal in words a
// person can act on. A workspace is one SQLite file (plus its -wal and -shm while open).
import { slugify } from '../../../shared/src/slug.js';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { ApiError } from '../../../shared/src/api/index.js';

export const WORKSPACE_EXTENSION = '.casebook';
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** A refusal about the `path` argument (the window shows it beside the path field). */
export function pathProblem(message: string, code: 'bad_request' | 'not_found' | 'conflict' = 'bad_request'): ApiError {
  return new ApiError({ code, message, ...(code === 'bad_request' ? { issues: [{ path: 'path', message }] } : {}) });
}

/** A file name from a workspace's name: lower-case letters, digits and dashes ("Support triage" -> support-triage). */
export const fileSlug = (name: string): string => slugify(name, 60, 'workspace');

/** The host's cwd means nothing to the person typing: only a full path names a file. */
function absolute(path: string): string {
  if (!isAbsolute(path)) throw pathProblem(`Give the workspace's full path (such as /home/you/triage${WORKSPACE_EXTENSION}), not "${path}".`);
  return normalize(path);
}

/**
 * The file a new workspace is made in: `path` when given (".casebook" added when missing; its
 * folder must exist), else `<folder>/<slug of name>.casebook`. Refuses a file that exists.
 */
export function newWorkspacePath(name: string, path: string | undefined, folder: string): string {
  if (path !== undefined) {
    let file = absolute(path.trim());
    if (!file.toLowerCase().endsWith(WORKSPACE_EXTENSION)) file += WORKSPACE_EXTENSION;
    const dir = dirname(file);
    if (!isDirectory(dir)) throw pathProblem(`The folder ${dir} does not exist: choose a folder that does.`);
    if (existsSync(file)) throw pathProblem(`${file} already exists: open it, or choose another file name.`, 'conflict');
    return file;
  }
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${fileSlug(name)}${WORKSPACE_EXTENSION}`);
  if (existsSync(file)) throw new ApiError({ code: 'conflict', message: `A workspace named "${basename(file, WORKSPACE_EXTENSION)}" already exists (${file}): open it, or choose another name.` });
  return file;
}

/**
 * Checks, before SQLite touches it, that `path` is a file that can be a workspace: an existing
 * SQLite file. Anything else is refused without being opened (SQLite would make an empty file a
 * database). Returns the normalised path.
 */
export function openableWorkspace(path: string): string {
  const file = absolute(path.trim());
  let size: number;
  try {
    const s = statSync(file);
    if (s.isDirectory()) throw pathProblem(`${file} is a folder, not a workspace file.`);
    if (!s.isFile()) throw pathProblem(`${file} is not a workspace file.`);
    size = s.size;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw pathProblem(`No workspace at ${file}: it was moved or deleted.`, 'not_found');
    throw pathProblem(`${file} cannot be read: ${(err as Error).message}`);
  }
  if (size < SQLITE_MAGIC.length || !startsWithMagic(file)) throw pathProblem(`${file} is not a Casebook workspace (it is not an SQLite database file).`);
  return file;
}

function startsWithMagic(file: string): boolean {
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, head.length, 0);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return head.equals(SQLITE_MAGIC);
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Removes a workspace file this process made and could not finish, with SQLite's side files. */
export function removeWorkspaceFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}
