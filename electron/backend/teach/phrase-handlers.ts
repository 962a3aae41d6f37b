// Phrase suggestions for a rule's condition: the words that set a message apart.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type PhraseHandlers = Pick<ApiHandlers, 'suggestPhrases'>;

// Being built (issue 10): replaced by the real suggestions before this lands.
export function createPhraseHandlers(_ctx: BackendContext): PhraseHandlers {
  return {
    suggestPhrases: () => {
      throw new ApiError({ code: 'unavailable', message: 'suggestPhrases is not built yet' });
    },
  };
}
