// The session's methods (issue 9): which workspace is open and the recent list, making one (demo,
// template, labelled history, rulebook file), opening one, forgetting one, and proposing fields for
// a labelled history (which needs no workspace). The session (session.ts) answers them whether or
// not a workspace is open; every other method belongs to the open workspace.
import type { ApiHandlers } from '../../../shared/src/api/index.js';
import { proposeFields } from './propose.js';
import type { SessionApi } from './session.js';

export const SESSION_METHODS = ['getWorkspace', 'createWorkspace', 'openWorkspace', 'forgetWorkspace', 'proposeFields'] as const;
export type SessionMethod = (typeof SESSION_METHODS)[number];
export type WorkspaceHandlers = Pick<ApiHandlers, SessionMethod>;

export function createWorkspaceHandlers(session: SessionApi): WorkspaceHandlers {
  return {
    getWorkspace: () => session.state(),
    createWorkspace: (args) => session.create(args),
    openWorkspace: ({ path }) => session.open(path),
    forgetWorkspace: ({ path }) => session.forget(path),
    proposeFields: (args) => proposeFields(args),
  };
}
