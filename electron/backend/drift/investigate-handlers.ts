// Repeat runs (consistency), replay of production traces with attribution, and the regressions
// board (issue 12). Being built: the methods answer `unavailable` until they are.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type InvestigateHandlers = Pick<
  ApiHandlers,
  'startConsistency' | 'getConsistency' | 'cancelConsistency' | 'startReplay' | 'getReplay' | 'cancelReplay' | 'listReplays' | 'regressionBoard'
>;

const notYet = (): never => {
  throw new ApiError({ code: 'unavailable', message: 'this drift instrument is not built yet' });
};

export function createInvestigateHandlers(_ctx: BackendContext): InvestigateHandlers {
  return {
    startConsistency: notYet, getConsistency: notYet, cancelConsistency: notYet,
    startReplay: notYet, getReplay: notYet, cancelReplay: notYet, listReplays: notYet, regressionBoard: notYet,
  };
}
