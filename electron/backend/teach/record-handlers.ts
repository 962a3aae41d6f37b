// The answer of record: a message's extraction history, regressions, adopting a machine's answer
// explicitly, and undoing a review.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type RecordHandlers = Pick<ApiHandlers, 'listExtractions' | 'adoptExtraction' | 'dismissRegression' | 'undoReview'>;

export function createRecordHandlers(_ctx: BackendContext): RecordHandlers {
  const notYet = (): never => {
    throw new ApiError({ code: 'unavailable', message: 'not built yet' });
  };
  return { listExtractions: notYet, adoptExtraction: notYet, dismissRegression: notYet, undoReview: notYet };
}
