// Import handlers: previewImport and importMessages (JSONL, CSV, .eml, mbox, pasted text).
import type { ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { importMessages, previewImport } from './importer.js';

type ImportHandlers = Pick<ApiHandlers, 'previewImport' | 'importMessages'>;

export function createImportHandlers(ctx: BackendContext): ImportHandlers {
  return {
    previewImport: (args) => previewImport(ctx, args),
    importMessages: (args) => importMessages(ctx, args),
  };
}
