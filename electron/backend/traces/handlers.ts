// Production traces (issue 12): imported from the runtime's trace log (files, or a watched folder),
// charted over time and listed. Being built: the methods answer `unavailable` until they are.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type TraceHandlers = Pick<ApiHandlers, 'importTraces' | 'watchTraceFolder' | 'getTraceWatch' | 'traceChart' | 'listTraces' | 'getTrace'>;

const notYet = (): never => {
  throw new ApiError({ code: 'unavailable', message: 'production traces are not built yet' });
};

export function createTraceHandlers(_ctx: BackendContext): TraceHandlers {
  return { importTraces: notYet, watchTraceFolder: notYet, getTraceWatch: notYet, traceChart: notYet, listTraces: notYet, getTrace: notYet };
}
