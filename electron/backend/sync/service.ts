// The sync service: brings every enabled target to the workspace's published versions and labels,
// in the background. `trigger` (a publish, a label move) never blocks or throws; each target syncs
// one at a time, and a trigger during a sync runs one more after it. A failed sync is retried with
// backoff (30 s, 1 min, 2 min ... up to 15 min) and its status, error, retry time and last commit
// are stored; every status change emits `publishChanged` { reason: 'sync' }. Failures never reach
// the caller of `trigger`: they are visible on the target.
//
// Approval (security review, issue 11 H1): a target is stored in the workspace file, which anyone
// can hand over (a crafted .casebook naming a folder, a URL, a status and a manifest). Nothing is
// synced by itself (on open, on a retry timer, on a publish or label move) unless this host has
// approved the target: the host's settings (`syncApprovals`, never the workspace) list the targets
// a person saved or pressed Sync now on here, keyed by the workspace file's real path and the
// target's id, with the kind and location approved (a target moved elsewhere by hand is not). An
// unapproved target keeps its status and shows "waiting for approval" as its error until the person
// presses Sync now on it; "Sync all now" leaves it waiting. Its folder is not even asked whether it
// is a git working copy.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SyncTargetRecord } from '../../../shared/src/api/records.js';
import type { StoredSyncTarget, SyncManifest } from '../../services/workspace/syncTargets.js';
import type { BackendContext } from '../context.js';
import { fsReason, writeFolder } from './folder.js';
import { commitAndPush, isGitWorkTree, PushRejected, redactUrls, type GitOptions } from './git.js';
import { writeHttp, type HttpOptions } from './http.js';
import { describeChanges, syncPlan } from './plan.js';

/** The host setting listing the targets a person approved on this host (see the comment above). */
export const SYNC_APPROVALS_SETTING = 'syncApprovals';
/** Approvals kept; the oldest fall off. */
const MAX_APPROVALS = 1000;

interface Approval {
  workspace: string;
  target: string;
  kind: string;
  location: string;
}

const isApproval = (v: unknown): v is Approval => {
  if (!v || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  return typeof a.workspace === 'string' && typeof a.target === 'string' && typeof a.kind === 'string' && typeof a.location === 'string';
};

/** What an unapproved target shows as its error. */
export const WAITING_FOR_APPROVAL = 'waiting for approval: this target was not set up on this computer; press Sync now to sync to it from here';

/** Where an HTTP target's bearer token is kept (the host's secrets). */
export const tokenSecretName = (targetId: string): string => `sync-token:${targetId}`;

export interface SyncServiceOptions {
  /** The wait before retry number `attempt` (1, 2, ...) of a failed sync, ms. */
  retryDelayMs?: (attempt: number) => number;
  http?: Omit<HttpOptions, 'signal'>;
  git?: Omit<GitOptions, 'signal'>;
  now?: () => Date;
}

export interface SyncService {
  /** Syncs every enabled target in the background; `reason` names what happened ("publish tidewell-support v3"). Never blocks or throws. */
  trigger(reason: string): void;
  /** Syncs one target (enabled or not), or every enabled one, and answers their records once done. */
  syncNow(id?: string): Promise<SyncTargetRecord[]>;
  /** Syncs one target in the background (one just saved). */
  schedule(id: string): void;
  /** Stops retrying a target (deleted). */
  forget(id: string): void;
  /** Records that a person on this host approved the target as it is now (saved it, or pressed Sync now on it). */
  approve(target: StoredSyncTarget): void;
  /** Whether this host approved the target (at its current kind and location). */
  isApproved(target: StoredSyncTarget): boolean;
  /** A target as the window sees it; `refresh` looks again whether its folder is a git working copy. */
  record(target: StoredSyncTarget, refresh?: boolean): Promise<SyncTargetRecord>;
  close(): void;
}

/** 30 s, 1 min, 2 min, 4 min, 8 min, then 15 min. */
export const defaultRetryDelayMs = (attempt: number): number => Math.min(15 * 60_000, 30_000 * 2 ** Math.max(0, attempt - 1));

interface TargetState {
  running: Promise<void> | null;
  /** The one sync queued behind the running one. */
  queued: Promise<void> | null;
  /** What happened since the last commit, for the next commit's message. */
  reasons: string[];
  /** The next sync may run although the target is disabled (a person asked for it). */
  forced: boolean;
  timer: NodeJS.Timeout | null;
}

export function createSyncService(ctx: BackendContext, options: SyncServiceOptions = {}): SyncService {
  const { repos } = ctx;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelayMs;
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  const states = new Map<string, TargetState>();
  const gitCache = new Map<string, boolean>();
  let closed = false;

  const state = (id: string): TargetState => {
    let s = states.get(id);
    if (!s) states.set(id, (s = { running: null, queued: null, reasons: [], forced: false, timer: null }));
    return s;
  };
  const emit = () => {
    if (closed) return;
    try {
      ctx.emit('publishChanged', { reason: 'sync' });
    } catch {
      // An event that cannot be delivered changes nothing here.
    }
  };
  const token = (id: string): string | null => {
    try {
      return ctx.opts.secrets.getSecret(tokenSecretName(id));
    } catch {
      return null;
    }
  };
  /** A message safe to store and show: no token, no credentials in URLs, not too long. */
  const safeMessage = (id: string, message: string): string => {
    let text = redactUrls(message);
    const secret = token(id);
    if (secret) text = text.split(secret).join('***');
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  };
  /** The workspace file as approvals name it: its real path (links resolved), so another name for it is the same file. */
  const workspaceKey = (): string => {
    try {
      return realpathSync(ctx.opts.workspacePath);
    } catch {
      return resolve(ctx.opts.workspacePath);
    }
  };
  const approvals = (): Approval[] => {
    try {
      const raw = ctx.opts.settings.get(SYNC_APPROVALS_SETTING);
      return Array.isArray(raw) ? raw.filter(isApproval) : [];
    } catch {
      return [];
    }
  };
  const isApproved = (target: StoredSyncTarget): boolean => {
    const ws = workspaceKey();
    return approvals().some((a) => a.workspace === ws && a.target === target.id && a.kind === target.kind && a.location === target.location);
  };
  const approve = (target: StoredSyncTarget): void => {
    const ws = workspaceKey();
    const rest = approvals().filter((a) => !(a.workspace === ws && a.target === target.id));
    ctx.opts.settings.set(SYNC_APPROVALS_SETTING, [...rest, { workspace: ws, target: target.id, kind: target.kind, location: target.location }].slice(-MAX_APPROVALS));
  };
  const clearTimer = (s: TargetState) => {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
  };
  const retryLater = (id: string, ms: number) => {
    if (closed) return;
    const s = state(id);
    clearTimer(s);
    s.timer = setTimeout(() => {
      s.timer = null;
      void schedule(id);
    }, Math.max(0, ms));
    s.timer.unref?.();
  };

  async function detectGit(target: StoredSyncTarget): Promise<boolean> {
    if (target.kind !== 'folder') return false;
    const git = await isGitWorkTree(target.location, { signal: abort.signal });
    gitCache.set(target.id, git);
    return git;
  }

  async function record(target: StoredSyncTarget, refresh = false): Promise<SyncTargetRecord> {
    const approved = isApproved(target);
    const known = refresh ? undefined : gitCache.get(target.id);
    // An unapproved folder is not handed to git at all (its configuration could run commands).
    const git = target.kind === 'folder' && approved ? (known ?? (await detectGit(target))) : false;
    return {
      id: target.id,
      kind: target.kind,
      name: target.name,
      path: target.kind === 'folder' ? target.location : null,
      url: target.kind === 'http' ? target.location : null,
      hasToken: target.kind === 'http' && token(target.id) !== null,
      enabled: target.enabled,
      git,
      status: target.status,
      lastAttemptAt: target.lastAttemptAt,
      lastSuccessAt: target.lastSuccessAt,
      lastError: approved ? target.lastError : WAITING_FOR_APPROVAL,
      retryAt: approved ? target.retryAt : null,
      lastCommit: target.lastCommit,
    };
  }

  /** One sync of one target. Never rejects. */
  async function syncOnce(id: string): Promise<void> {
    if (closed) return;
    const s = state(id);
    const forced = s.forced;
    s.forced = false;
    let target: StoredSyncTarget | null;
    try {
      target = repos.syncTargets.get(id);
    } catch {
      return; // the workspace is closed
    }
    if (!target || (!target.enabled && !forced)) return;
    // Never a target this host has not approved, whatever asked (a timer, a trigger, a resumed retry).
    if (!isApproved(target)) {
      clearTimer(s);
      s.reasons.length = 0;
      return;
    }
    clearTimer(s);
    const reasons = s.reasons.splice(0);
    let manifest: SyncManifest = {};
    let commit: string | null = null;
    try {
      repos.syncTargets.setStatus(id, { status: 'syncing', lastAttemptAt: now().toISOString() });
      emit();
      const plan = syncPlan(repos);
      manifest = repos.syncTargets.manifest(id);
      if (target.kind === 'folder') {
        const { written, removed } = await writeFolder(target.location, plan, manifest);
        const git = await detectGit(target);
        if (git) {
          const subject = reasons.length ? reasons.join('; ') : describeChanges(plan, written, removed);
          const message = `casebook: ${subject}`;
          const paths = [...plan.files.map((f) => f.name), ...removed];
          commit = (await commitAndPush(target.location, paths, message, { ...options.git, signal: abort.signal })).commit;
        }
      } else {
        await writeHttp(target.location, token(id), plan, manifest, { ...options.http, signal: abort.signal });
      }
      if (closed) return;
      repos.syncTargets.setManifest(id, manifest);
      repos.syncTargets.setStatus(id, {
        status: 'ok',
        lastSuccessAt: now().toISOString(),
        lastError: null,
        retryAt: null,
        attempts: 0,
        ...(commit ? { lastCommit: commit } : {}),
      });
    } catch (err) {
      if (closed) return;
      if (err instanceof PushRejected) commit = err.commit;
      // Reasons not yet committed name the next commit.
      if (!commit) s.reasons.unshift(...reasons);
      const message = fsReason(err);
      try {
        repos.syncTargets.setManifest(id, manifest);
        const attempts = (repos.syncTargets.get(id)?.attempts ?? 0) + 1;
        const delay = retryDelay(attempts);
        repos.syncTargets.setStatus(id, {
          status: 'failed',
          lastError: safeMessage(id, message),
          retryAt: new Date(now().getTime() + delay).toISOString(),
          attempts,
          ...(commit ? { lastCommit: commit } : {}),
        });
        retryLater(id, delay);
      } catch {
        return; // the workspace closed meanwhile
      }
    }
    emit();
  }

  /** Runs a sync of the target now, or once more after the running one. */
  function schedule(id: string): Promise<void> {
    const s = state(id);
    if (s.running) {
      s.queued ??= s.running.then(() => {
        s.queued = null;
        return schedule(id);
      });
      return s.queued;
    }
    s.running = syncOnce(id)
      .catch(() => undefined)
      .finally(() => {
        s.running = null;
      });
    return s.running;
  }

  // Syncs that failed (or were cut short) before this service started are retried when due.
  try {
    for (const t of repos.syncTargets.list()) {
      if (!t.enabled || !isApproved(t)) continue;
      if (t.status === 'syncing') retryLater(t.id, 5_000);
      else if (t.status === 'failed') retryLater(t.id, t.retryAt ? Date.parse(t.retryAt) - now().getTime() : 5_000);
    }
  } catch {
    // Nothing to resume in a workspace that cannot be read; the next trigger tries again.
  }

  return {
    trigger(reason) {
      if (closed) return;
      try {
        for (const t of repos.syncTargets.list()) {
          if (!t.enabled || !isApproved(t)) continue;
          if (reason) state(t.id).reasons.push(reason);
          void schedule(t.id);
        }
      } catch {
        // The caller's work is done; a sync that cannot start shows on the targets when it next runs.
      }
    },
    async syncNow(id) {
      // Sync now on one target is the person's approval of it; "all" syncs only the approved ones.
      const one = id ? repos.syncTargets.get(id) : null;
      if (one) approve(one);
      const targets = id ? [one].filter((t) => t !== null) : repos.syncTargets.list().filter((t) => t.enabled && isApproved(t));
      for (const t of targets) state(t.id).forced = Boolean(id);
      await Promise.all(targets.map((t) => schedule(t.id)));
      const after = targets.map((t) => repos.syncTargets.get(t.id)).filter((t) => t !== null);
      return Promise.all(after.map((t) => record(t)));
    },
    schedule(id) {
      if (!closed) void schedule(id);
    },
    forget(id) {
      const s = states.get(id);
      if (s) clearTimer(s);
      states.delete(id);
      gitCache.delete(id);
    },
    approve,
    isApproved,
    record,
    close() {
      closed = true;
      for (const s of states.values()) clearTimer(s);
      abort.abort();
    },
  };
}
