// Workspaces (issue 9): which file is open, making one, switching, and proposing fields for a
// labelled history. PLACEHOLDER while issue 9 is built: every method answers `unavailable`.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import { proposeFields } from './propose.js';

export type WorkspaceHandlers = Pick<ApiHandlers, 'getWorkspace' | 'createWorkspace' | 'openWorkspace' | 'forgetWorkspace' | 'proposeFields'>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not built yet` });
};

export function createWorkspaceHandlers(): WorkspaceHandlers {
  return {
    getWorkspace: notYet('getWorkspace'),
    createWorkspace: notYet('createWorkspace'),
    openWorkspace: notYet('openWorkspace'),
    forgetWorkspace: notYet('forgetWorkspace'),
    proposeFields: (args) => proposeFields(args),
  };
}
