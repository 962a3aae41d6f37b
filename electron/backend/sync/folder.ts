// A folder target: the plan's files written atomically (a temp file in the same folder, fsynced,
// renamed over the old one, the folder fsynced), so a reader sees the old file or the new one and
// never half of one; only files whose content differs are written; a removed label's file is
// deleted. When the folder is inside a git working copy, what changed is committed and pushed
// (electron/backend/sync/git.ts).
import { randomBytes } from 'node:crypto';
import { constants as FS } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { SyncManifest } from '../../services/workspace/syncTargets.js';
import { isSyncFileName, type SyncPlan } from './plan.js';

/** The prefix of the temp files a write leaves for the moment between write and rename. */
export const TEMP_PREFIX = '.casebook-tmp-';

/** Writes `data` to `path` atomically: temp file, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, FS.O_WRONLY | FS.O_CREAT | FS.O_EXCL, 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Makes a rename or unlink in `dir` durable. Some file systems (and Windows) refuse to open a folder: then there is nothing more to do. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, FS.O_RDONLY);
  } catch {
    return;
  }
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Checks that `path` is a full path to a folder that exists (made when missing) and that a file can
 * be written there. Throws an Error saying what is wrong, in words.
 */
export async function prepareFolder(path: string): Promise<void> {
  if (!isAbsolute(path)) throw new Error(`not a full path: ${path}`);
  try {
    await mkdir(path, { recursive: true });
  } catch (err) {
    throw new Error(`cannot make the folder ${path}: ${fsReason(err)}`);
  }
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`not a folder: ${path}`);
  const probe = join(path, `${TEMP_PREFIX}probe-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, FS.O_WRONLY | FS.O_CREAT | FS.O_EXCL, 0o644);
    await handle.close();
  } catch (err) {
    throw new Error(`cannot write in the folder ${path}: ${fsReason(err)}`);
  } finally {
    await unlink(probe).catch(() => undefined);
  }
}

/** A file system error in a few words ("permission denied (EACCES)"). */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    ENOENT: 'no such file or folder',
    ENOTDIR: 'a part of the path is not a folder',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file is in the way',
    EIO: 'input/output error',
  };
  if (e?.code && words[e.code]) return `${words[e.code]} (${e.code})`;
  return e instanceof Error ? e.message : String(err);
}

/** Temp files older than this were left by a write that never finished (a crash): removed. */
const STALE_TEMP_MS = 10 * 60_000;

async function removeStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile() && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(join(dir, name)).catch(() => undefined);
  }
}

/**
 * The full path of a synced file in `dir`, or null when `name` is not one a sync may touch (not a
 * version or label file name, or a path that would leave the folder). The manifest comes from the
 * workspace file: it is never trusted to name what is written or deleted.
 */
export function syncFilePath(dir: string, name: string): string | null {
  if (!isSyncFileName(name)) return null;
  const base = resolve(dir);
  const path = resolve(base, name);
  return dirname(path) === base ? path : null;
}

export interface FolderWriteResult {
  written: string[];
  removed: string[];
}

/**
 * Brings the folder to the plan. `manifest` (what earlier syncs wrote) is updated in place as files
 * are written or removed, so a sync that fails midway still remembers what it did.
 */
export async function writeFolder(dir: string, plan: SyncPlan, manifest: SyncManifest): Promise<FolderWriteResult> {
  const info = await stat(dir).catch((err: unknown) => {
    throw new Error(`the folder ${dir} is not there: ${fsReason(err)}`);
  });
  if (!info.isDirectory()) throw new Error(`not a folder: ${dir}`);
  await removeStaleTemps(dir);
  const written: string[] = [];
  const removed: string[] = [];
  const wanted = new Set(plan.files.map((f) => f.name));

  for (const file of plan.files) {
    const path = syncFilePath(dir, file.name);
    if (path === null) throw new Error(`refusing to write ${JSON.stringify(file.name)}: not a rulebook version or label file name`);
    const known = manifest[file.name];
    const now = await stat(path).catch(() => null);
    // Unchanged since this target wrote it: same version, and the file untouched (size and time).
    if (known && known.hash === file.hash && now?.isFile() && now.size === known.size && now.mtimeMs === known.mtimeMs) continue;
    const data = Buffer.from(file.content(), 'utf8');
    let same = false;
    if (now?.isFile() && now.size === data.length) {
      same = (await readFile(path).catch(() => null))?.equals(data) ?? false;
    }
    if (!same) {
      try {
        await writeFileAtomic(path, data);
      } catch (err) {
        throw new Error(`cannot write ${file.name} in ${dir}: ${fsReason(err)}`);
      }
      written.push(file.name);
    }
    const after = await stat(path);
    manifest[file.name] = { hash: file.hash, size: after.size, mtimeMs: after.mtimeMs };
  }

  for (const name of Object.keys(manifest).sort()) {
    if (wanted.has(name)) continue;
    const path = syncFilePath(dir, name);
    if (path === null) {
      // Not a name a sync writes (a crafted or damaged manifest): forgotten, never deleted or committed.
      delete manifest[name];
      continue;
    }
    try {
      await unlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot remove ${name} from ${dir}: ${fsReason(err)}`);
    }
    // Listed even when someone deleted it first: a git folder still commits its removal.
    removed.push(name);
    delete manifest[name];
  }
  if (removed.length) await fsyncDir(dir);
  return { written, removed };
}
