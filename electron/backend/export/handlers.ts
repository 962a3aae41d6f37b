// Exports: messages with their answer of record, and precedents, as JSONL or CSV (messages.ts).
import type { ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { exportMessages, exportPrecedents } from './messages.js';

export type ExportHandlers = Pick<ApiHandlers, 'exportMessages' | 'exportPrecedents'>;

export function createExportHandlers(ctx: BackendContext): ExportHandlers {
  return {
    exportMessages: (args) => exportMessages(ctx.repos, args),
    exportPrecedents: (args) => exportPrecedents(ctx.repos, args),
  };
}
