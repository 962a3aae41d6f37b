// Import handlers: being built (issue 4).
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

type ImportHandlers = Pick<ApiHandlers, 'previewImport' | 'importMessages'>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not available yet` });
};

export function createImportHandlers(_ctx: BackendContext): ImportHandlers {
  return { previewImport: notYet('previewImport'), importMessages: notYet('importMessages') };
}
