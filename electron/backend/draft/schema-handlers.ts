// Schema changes of the draft (issue 9): preview with impact, apply in one transaction, history,
// undo. PLACEHOLDER while issue 9 is built.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type SchemaHandlers = Pick<ApiHandlers, 'previewSchemaChange' | 'applySchemaChange' | 'undoDraftChange' | 'listDraftHistory'>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not built yet` });
};

export function createSchemaHandlers(_ctx: BackendContext): SchemaHandlers {
  return {
    previewSchemaChange: notYet('previewSchemaChange'),
    applySchemaChange: notYet('applySchemaChange'),
    undoDraftChange: notYet('undoDraftChange'),
    listDraftHistory: notYet('listDraftHistory'),
  };
}
