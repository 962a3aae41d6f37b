// The draft rulebook edited in the app (issue 9): schema changes with impact, history and undo;
// instructions and model settings; the prompt as the model would see it.
// PLACEHOLDER while issue 9 is built: every method answers `unavailable`.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type DraftHandlers = Pick<ApiHandlers, 'previewSchemaChange' | 'applySchemaChange' | 'undoDraftChange' | 'listDraftHistory' | 'updateDraft' | 'previewPrompt'>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not built yet` });
};

export function createDraftHandlers(_ctx: BackendContext): DraftHandlers {
  return {
    previewSchemaChange: notYet('previewSchemaChange'),
    applySchemaChange: notYet('applySchemaChange'),
    undoDraftChange: notYet('undoDraftChange'),
    listDraftHistory: notYet('listDraftHistory'),
    updateDraft: notYet('updateDraft'),
    previewPrompt: notYet('previewPrompt'),
  };
}
