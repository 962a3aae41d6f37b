// The app's own state: what the backend says about itself, the workspace counts shown in the header,
// which workspace is open (with the recent list and the templates a new one can start from), and
// whether the start screen is shown over the open workspace ("New workspace…").
import { createStore } from 'zustand/vanilla';
import type { WorkspaceState } from '../../../shared/src/api/records.js';
import type { ApiFailure, AppInfo, CasebookApi, Counts } from '../api/contract';
import { toFailure } from '../api/errors';

export interface AppState {
  /** 'ready' once the first API call succeeded. */
  status: 'loading' | 'ready' | 'error';
  info: AppInfo | null;
  counts: Counts | null;
  /** The open workspace, the recent list, the templates; null until loaded (or when it could not be). */
  workspace: WorkspaceState | null;
  error: ApiFailure | null;
  /** The start screen is shown over the open workspace (New workspace…). */
  starting: boolean;
  /** The header's workspace switcher is open (also from File › Open Workspace… in a window that has no dialog). */
  switcherOpen: boolean;
  load(): Promise<void>;
  refreshCounts(): Promise<void>;
  refreshWorkspace(): Promise<void>;
  showStart(): void;
  hideStart(): void;
  setSwitcherOpen(open: boolean): void;
}

export function createAppStore(api: CasebookApi) {
  return createStore<AppState>()((set, get) => ({
    status: 'loading',
    info: null,
    counts: null,
    workspace: null,
    error: null,
    starting: false,
    switcherOpen: false,
    async load() {
      set({ status: 'loading', error: null });
      try {
        const info = await api.getAppInfo({});
        // With no workspace open, the start screen needs the templates before it can be shown.
        if (info.workspacePath === null) set({ workspace: await api.getWorkspace({}) });
        set({ status: 'ready', info });
      } catch (error) {
        set({ status: 'error', error: toFailure(error) });
        return;
      }
      if (get().info?.workspacePath) await Promise.all([get().refreshCounts(), get().refreshWorkspace()]);
    },
    async refreshCounts() {
      try {
        set({ counts: await api.getCounts({}) });
      } catch {
        // The header shows no counts; the screens show their own errors.
      }
    },
    async refreshWorkspace() {
      try {
        set({ workspace: await api.getWorkspace({}) });
      } catch {
        // The header names the workspace by its file; the switcher offers what it can.
      }
    },
    showStart: () => set({ starting: true, switcherOpen: false }),
    hideStart: () => set({ starting: false }),
    setSwitcherOpen: (open) => set({ switcherOpen: open }),
  }));
}

/** The workspace's name as a person would say it: its draft's name, else the file name without folder or extension. */
export function workspaceName(info: AppInfo | null, workspace?: WorkspaceState | null): string {
  if (workspace?.current?.name && workspace.current.path === info?.workspacePath) return workspace.current.name;
  if (!info?.workspacePath) return 'Casebook';
  return fileName(info.workspacePath);
}

/** A workspace file's name without folder or extension. */
export function fileName(path: string): string {
  const file = path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
  return file.replace(/\.(casebook|sqlite3?|db)$/i, '') || 'Workspace';
}
