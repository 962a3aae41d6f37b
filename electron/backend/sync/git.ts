// A folder target inside a git working copy: the system's git (execFile, no shell, each command
// with a timeout and never prompting), the synced files added and committed only when something
// changed, and pushed when the branch has an upstream or the repository a remote. A rejected push
// is reported, never forced: the commit stays local and the next sync pushes again.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isSyncFileName } from './plan.js';

export interface GitOptions {
  /** Each command's time limit (push and commit included), ms. */
  timeoutMs?: number;
  /** Aborts running commands (the sync service closing). */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const IDENTITY = ['-c', 'user.name=Casebook', '-c', 'user.email=casebook@localhost'];

/** A git command that failed: its message is git's own first lines. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** The first few non-empty lines of git's output, with any credentials in URLs hidden. */
export function firstLines(text: string, count = 4): string {
  return redactUrls(
    text
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== '')
      .slice(0, count)
      .join('\n'),
  );
}

/** `https://user:secret@host` → `https://***@host`. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

/** Runs `git -C dir ...args`; resolves stdout, rejects with a GitError. */
export function git(dir: string, args: readonly string[], opts: GitOptions = {}, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', dir, ...args],
      {
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        windowsHide: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
        // Never wait for a person: no password prompts (ssh in batch mode: see sshEnv); git's messages in English.
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          LC_ALL: 'C',
          LANGUAGE: 'C',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        const what = `git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''}`.trim();
        if (e.code === 'ENOENT') return reject(new GitError('git is not installed (or not on the PATH)', ''));
        if (e.name === 'AbortError') return reject(new GitError(`${what} was stopped`, stderr));
        if (e.killed || e.signal) return reject(new GitError(`${what} took too long and was stopped`, stderr));
        reject(new GitError(firstLines(stderr) || firstLines(stdout) || `${what} failed`, stderr));
      },
    );
  });
}

/** Whether `dir` is inside a git working copy (false too when git is missing). */
export async function isGitWorkTree(dir: string, opts: GitOptions = {}): Promise<boolean> {
  try {
    return (await git(dir, ['rev-parse', '--is-inside-work-tree'], { ...opts, timeoutMs: Math.min(opts.timeoutMs ?? 10_000, 10_000) })).trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * What a push adds to git's environment so ssh never asks for a password: `ssh -o BatchMode=yes`,
 * but only when nothing chose the ssh command already. GIT_SSH_COMMAND would override the
 * repository's `core.sshCommand` (and the person's GIT_SSH), so it is left alone when the
 * environment or git's configuration names one.
 */
export async function sshEnv(dir: string, opts: GitOptions = {}): Promise<Record<string, string>> {
  if (process.env.GIT_SSH_COMMAND || process.env.GIT_SSH) return {};
  if (await gitOrNull(dir, ['config', 'core.sshCommand'], opts)) return {};
  return { GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' };
}

async function gitOrNull(dir: string, args: readonly string[], opts: GitOptions): Promise<string | null> {
  try {
    return (await git(dir, args, opts)).trim();
  } catch (err) {
    if (err instanceof GitError && err.message.endsWith('was stopped')) throw err;
    return null;
  }
}

export interface CommitAndPushResult {
  /** The commit made by this call, or null when nothing changed. */
  commit: string | null;
  /** Whether a push happened (and succeeded). */
  pushed: boolean;
}

/** A sync step that failed after a commit was made: the commit stays, and is reported. */
export class PushRejected extends Error {
  constructor(
    message: string,
    readonly commit: string | null,
  ) {
    super(message);
    this.name = 'PushRejected';
  }
}

/**
 * Commits the synced files that changed (`paths`, relative to `dir`) with `message` when any did,
 * then pushes when the branch is ahead of its upstream (or has none yet and a remote exists).
 * Only the given paths are committed: whatever else is staged in the working copy stays as it was.
 */
export async function commitAndPush(dir: string, paths: readonly string[], message: string, opts: GitOptions = {}): Promise<CommitAndPushResult> {
  let commit: string | null = null;
  // Only version and label files, named relative to `dir`: nothing else is ever added or committed.
  const files = paths.filter((p) => isSyncFileName(p));
  if (files.length) {
    // Deleted paths git never knew would fail `git add`; keep those it tracks, and every file that exists.
    const tracked = new Set((await git(dir, ['ls-files', '-z', '--', ...files], opts)).split('\0').filter(Boolean));
    const addable = files.filter((p) => tracked.has(p) || existsSync(join(dir, p)));
    if (addable.length) {
      await git(dir, ['add', '-A', '--', ...addable], opts);
      const staged = (await git(dir, ['diff', '--cached', '--name-only', '-z', '--', ...addable], opts)).split('\0').filter(Boolean);
      if (staged.length) {
        const hasName = await gitOrNull(dir, ['config', 'user.name'], opts);
        const hasEmail = await gitOrNull(dir, ['config', 'user.email'], opts);
        const identity = hasName && hasEmail ? [] : IDENTITY;
        await git(dir, [...identity, 'commit', '-q', '--no-edit', '-m', message, '--only', '--', ...addable], opts);
        commit = (await git(dir, ['rev-parse', 'HEAD'], opts)).trim();
      }
    }
  }
  const pushed = await pushIfAhead(dir, commit, opts);
  return { commit, pushed };
}

async function pushIfAhead(dir: string, commit: string | null, opts: GitOptions): Promise<boolean> {
  const branch = await gitOrNull(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], opts);
  if (!branch) return false; // a detached HEAD: nothing to push to
  // A fresh clone of an empty repository has a branch and an upstream but no commit yet.
  if ((await gitOrNull(dir, ['rev-parse', '--verify', '--quiet', 'HEAD'], opts)) === null) return false;
  const remote = await gitOrNull(dir, ['config', `branch.${branch}.remote`], opts);
  const merge = await gitOrNull(dir, ['config', `branch.${branch}.merge`], opts);
  let args: string[];
  if (remote && merge) {
    // Ahead of what we know of the upstream? (An upstream never fetched counts as ahead.)
    const ahead = await gitOrNull(dir, ['rev-list', '--count', '@{upstream}..HEAD'], opts);
    if (ahead === '0') return false;
    args = ['push', remote, `HEAD:${merge}`];
  } else {
    const remotes = (await gitOrNull(dir, ['remote'], opts))?.split(/\s+/).filter(Boolean) ?? [];
    const target = remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : null;
    if (!target) return false;
    args = ['push', '--set-upstream', target, `HEAD:refs/heads/${branch}`];
  }
  try {
    await git(dir, args, opts, await sshEnv(dir, opts));
  } catch (err) {
    const why = err instanceof GitError ? err.stderr || err.message : String(err);
    const rejected = /\[rejected\]|non-fast-forward|fetch first|\(rejected\)/i.test(why);
    const head = rejected ? 'git push was rejected (the remote has commits this copy lacks; pull and sync again); nothing was forced' : 'git push failed';
    throw new PushRejected(`${head}: ${firstLines(why, 3)}`, commit);
  }
  return true;
}
