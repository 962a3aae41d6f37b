// Sync targets (folders, git working copies, HTTP endpoints) and deployments (production services
// polled for their status). Being built: every method answers `unavailable` until it is.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type SyncHandlers = Pick<
  ApiHandlers,
  'listSyncTargets' | 'saveSyncTarget' | 'deleteSyncTarget' | 'syncNow' | 'listDeployments' | 'saveDeployment' | 'deleteDeployment' | 'pollDeployments'
>;

const notYet = (): never => {
  throw new ApiError({ code: 'unavailable', message: 'sync is not built yet' });
};

export function createSyncHandlers(_ctx: BackendContext): SyncHandlers {
  return {
    listSyncTargets: notYet, saveSyncTarget: notYet, deleteSyncTarget: notYet, syncNow: notYet,
    listDeployments: notYet, saveDeployment: notYet, deleteDeployment: notYet, pollDeployments: notYet,
  };
}
