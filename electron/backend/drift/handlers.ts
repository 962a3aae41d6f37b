// Drift investigation (issue 12): runs compared side by side. Being built: the methods answer
// `unavailable` until they are.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type DriftHandlers = Pick<ApiHandlers, 'compareRuns' | 'getRunPair'>;

const notYet = (): never => {
  throw new ApiError({ code: 'unavailable', message: 'run comparison is not built yet' });
};

export function createDriftHandlers(_ctx: BackendContext): DriftHandlers {
  return { compareRuns: notYet, getRunPair: notYet };
}
