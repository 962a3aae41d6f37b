// A new workspace from a rulebook file (one `casebook new`/`teach` wrote, or a version a colleague
// published): read and verified exactly as production loads it (the runtime's parseRulebook), and
// only then made the draft: its id, name, instructions, schema and settings, its rules in their
// order and its precedents. A file that fails verification makes no workspace; the refusal names
// the problem as the runtime words it (line and column, JSON pointer, hash).
import { ApiError, type ImportFileArg } from '../../../shared/src/api/index.js';
import type { RulebookArtifact } from '../../../shared/src/domain.js';
import { isRulebookError, parseRulebook } from '../../../shared/src/rulebook/index.js';
import { SETTING_KEYS, type NewPrecedent, type StoredDraft } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';

/** The file's text: as sent, or its bytes as UTF-8 when sent as base64. */
function fileText(file: ImportFileArg): string {
  return file.encoding === 'base64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
}

/** The verified rulebook in a file; a refusal is a bad_request about the file's content. */
export function readRulebookFile(file: ImportFileArg): RulebookArtifact {
  try {
    return parseRulebook(fileText(file), { source: file.name });
  } catch (err) {
    if (!isRulebookError(err)) throw err;
    const message = `This rulebook cannot be opened: ${err.message}`;
    throw new ApiError({ code: 'bad_request', message, issues: [{ path: 'start.file.content', message: err.message }] });
  }
}

/** Verifies the file now; the returned function fills a new workspace with it. */
export function rulebookStart(file: ImportFileArg): (ctx: BackendContext) => void {
  const rulebook = readRulebookFile(file);
  return (ctx) => {
    const draft: StoredDraft = {
      id: rulebook.id,
      name: rulebook.name,
      instructions: rulebook.instructions,
      schema: rulebook.schema,
      settings: rulebook.settings,
    };
    // A rulebook's precedent is already what the workspace stores: taken as it is, in the file's order.
    const precedents: NewPrecedent[] = rulebook.precedents;
    ctx.transaction(() => {
      ctx.repos.settings.set(SETTING_KEYS.draftRulebook, draft);
      ctx.repos.rules.createMany(rulebook.rules);
      ctx.repos.precedents.createMany(precedents);
    });
  };
}
