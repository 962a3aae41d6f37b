// The recently opened workspaces, kept in the host's settings (conf in the browser host,
// electron-store through the main process in Electron), never in a workspace: the list outlives
// any one file. Newest first, the open one included; a file that is gone stays listed (exists:
// false) until the person forgets it.
import { existsSync } from 'node:fs';
import type { WorkspaceSummary } from '../../../shared/src/api/index.js';
import type { SettingsStore } from '../ports.js';
import { RECENT_WORKSPACES_SETTING } from '../utility-protocol.js';

/** The host setting that holds the list (Electron's main process reads it too, for its menu). */
export const RECENT_SETTING = RECENT_WORKSPACES_SETTING;
/** Entries kept; the oldest fall off. */
export const MAX_RECENT = 20;

type Stored = Omit<WorkspaceSummary, 'exists'>;

function isStored(v: unknown): v is Stored {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return typeof e.path === 'string' && e.path !== '' && typeof e.name === 'string' && typeof e.openedAt === 'string';
}

/** The list as stored (anything malformed, from a hand-edited settings file, is left out). */
function stored(settings: SettingsStore): Stored[] {
  const raw = settings.get(RECENT_SETTING);
  return Array.isArray(raw) ? raw.filter(isStored).map(({ path, name, openedAt }) => ({ path, name, openedAt })) : [];
}

export class RecentWorkspaces {
  constructor(
    private readonly settings: SettingsStore,
    private readonly exists: (path: string) => boolean = existsSync,
  ) {}

  list(): WorkspaceSummary[] {
    return stored(this.settings).map((e) => ({ ...e, exists: this.exists(e.path) }));
  }

  /** The newest workspace whose file is still there, or null. */
  mostRecent(): string | null {
    return stored(this.settings).find((e) => this.exists(e.path))?.path ?? null;
  }

  isEmpty(): boolean {
    return stored(this.settings).length === 0;
  }

  /** Puts the workspace first (it was just opened). */
  opened(path: string, name: string, at: string): void {
    const rest = stored(this.settings).filter((e) => e.path !== path);
    this.settings.set(RECENT_SETTING, [{ path, name, openedAt: at }, ...rest].slice(0, MAX_RECENT));
  }

  /** Its name changed (the draft was renamed) while it is open; its place stays. */
  renamed(path: string, name: string): void {
    const list = stored(this.settings);
    const entry = list.find((e) => e.path === path);
    if (!entry || entry.name === name) return;
    entry.name = name;
    this.settings.set(RECENT_SETTING, list);
  }

  /** Takes it off the list; true when it was there. */
  forget(path: string): boolean {
    const list = stored(this.settings);
    const rest = list.filter((e) => e.path !== path);
    if (rest.length === list.length) return false;
    this.settings.set(RECENT_SETTING, rest);
    return true;
  }
}
