// Making a workspace from the window: one call (createWorkspace), the progress while it runs, its
// refusal in the backend's words, and, once it is open, the window reloaded on it.
import { slugify } from '../../../../shared/src/slug.js';
import { useState } from 'react';
import type { CreatedWorkspace, WorkspaceStart } from '../../../../shared/src/api/records.js';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useWorkspaceOpened } from '../../app/workspaceSwitch';
import { useStores } from '../../stores';
import type { ScreenId } from '../../stores/navigation';

export interface CreateRequest {
  name: string;
  start: WorkspaceStart;
  /** A full path; the workspaces folder when absent. */
  path?: string;
}

export function useCreateWorkspace() {
  const { api } = useStores();
  const opened = useWorkspaceOpened();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  async function create(request: CreateRequest, screen: ScreenId): Promise<CreatedWorkspace | null> {
    setBusy(true);
    setFailure(null);
    try {
      const made = await api.createWorkspace({ name: request.name, start: request.start, ...(request.path?.trim() ? { path: request.path.trim() } : {}) });
      opened(made.workspace.current?.path ?? null, screen);
      return made;
    } catch (error) {
      setFailure(toFailure(error));
      setBusy(false);
      return null;
    }
  }

  return { busy, failure, create, clearFailure: () => setFailure(null) };
}

/** A file name from a workspace's name, as the backend makes it (electron/backend/workspaces/files.ts): shown, never relied on. */
export const fileSlug = (name: string): string => slugify(name, 60, 'workspace');
