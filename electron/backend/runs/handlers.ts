// Run handlers: being built (issue 4).
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

type RunHandlers = Pick<ApiHandlers, 'startRun' | 'cancelRun' | 'resumeRun' | 'retryRunErrors' | 'getRun' | 'listRuns' | 'listRunErrors'>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not available yet` });
};

export function createRunHandlers(_ctx: BackendContext): RunHandlers {
  return {
    startRun: notYet('startRun'),
    cancelRun: notYet('cancelRun'),
    resumeRun: notYet('resumeRun'),
    retryRunErrors: notYet('retryRunErrors'),
    getRun: notYet('getRun'),
    listRuns: notYet('listRuns'),
    listRunErrors: notYet('listRunErrors'),
  };
}
