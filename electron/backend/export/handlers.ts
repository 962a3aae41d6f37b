// Exports: messages with their answer of record, and precedents, as JSONL or CSV.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type ExportHandlers = Pick<ApiHandlers, 'exportMessages' | 'exportPrecedents'>;

// Being built (issue 10): replaced by the real exports before this lands.
export function createExportHandlers(_ctx: BackendContext): ExportHandlers {
  const notYet = (): never => {
    throw new ApiError({ code: 'unavailable', message: 'export is not built yet' });
  };
  return { exportMessages: notYet, exportPrecedents: notYet };
}
