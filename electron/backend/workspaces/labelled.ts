// A new workspace from a labelled history (issue 9): the confirmed fields become the draft's schema,
// the rows become messages and the labels their precedents. PLACEHOLDER while issue 9 is built.
import { ApiError, type ImportResult, type LabelledField, type ImportMapping, type ImportFileArg } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export interface LabelledStart {
  file: ImportFileArg;
  mapping: ImportMapping;
  fields: LabelledField[];
}

/** The schema the confirmed fields make (refused with the reason beside each field when invalid). */
export function labelledSchema(_start: LabelledStart): never {
  throw new ApiError({ code: 'unavailable', message: 'labelled workspaces are not built yet' });
}

/** Imports the rows into a workspace whose draft already has `labelledSchema`'s schema. */
export async function importLabelledHistory(_ctx: BackendContext, _start: LabelledStart): Promise<ImportResult> {
  throw new ApiError({ code: 'unavailable', message: 'labelled workspaces are not built yet' });
}
