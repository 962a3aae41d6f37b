// The app's own state: what the backend says about itself and the workspace counts shown in the header.
import { createStore } from 'zustand/vanilla';
import type { ApiFailure, AppInfo, CasebookApi, Counts } from '../api/contract';
import { toFailure } from '../api/errors';

export interface AppState {
  /** 'ready' once the first API call succeeded. */
  status: 'loading' | 'ready' | 'error';
  info: AppInfo | null;
  counts: Counts | null;
  error: ApiFailure | null;
  load(): Promise<void>;
  refreshCounts(): Promise<void>;
}

export function createAppStore(api: CasebookApi) {
  return createStore<AppState>()((set, get) => ({
    status: 'loading',
    info: null,
    counts: null,
    error: null,
    async load() {
      set({ status: 'loading', error: null });
      try {
        const info = await api.getAppInfo({});
        set({ status: 'ready', info });
      } catch (error) {
        set({ status: 'error', error: toFailure(error) });
        return;
      }
      await get().refreshCounts();
    },
    async refreshCounts() {
      try {
        set({ counts: await api.getCounts({}) });
      } catch {
        // The header shows no counts; the screens show their own errors.
      }
    },
  }));
}

/** The workspace's name as a person would say it: the file name without folder or extension. */
export function workspaceName(info: AppInfo | null): string {
  if (!info?.workspacePath) return 'Casebook';
  const file = info.workspacePath.split(/[\\/]/).filter(Boolean).at(-1) ?? info.workspacePath;
  return file.replace(/\.(casebook|sqlite3?|db)$/i, '') || 'Workspace';
}
