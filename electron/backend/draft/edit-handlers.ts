// The draft's name, instructions and model settings, and the prompt as the model would see it
// (issue 9). PLACEHOLDER while issue 9 is built.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type EditHandlers = Pick<ApiHandlers, 'updateDraft' | 'previewPrompt'>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not built yet` });
};

export function createEditHandlers(_ctx: BackendContext): EditHandlers {
  return {
    updateDraft: notYet('updateDraft'),
    previewPrompt: notYet('previewPrompt'),
  };
}
