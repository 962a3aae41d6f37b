// The draft's name, instructions and model settings (updateDraft), and the prompt as the model
// would see it (previewPrompt). An edit and its history entry commit together; the draft's hash
// changes with it, so the extraction service builds a new extractor for the next run.
import { ApiError, type ApiHandlers, type DraftHistoryEntry } from '../../../shared/src/api/index.js';
import type { MessageInput } from '../../../shared/src/domain.js';
import { isRulebookError } from '../../../shared/src/rulebook/errors.js';
import { SETTING_KEYS, toMessageInput } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { draftArtifact, readDraft } from '../draft.js';
import { formatProblems, planDraftEdit, type EditProblem } from './draft-edit.js';
import { previewPromptFor } from './prompt-preview.js';
import { draftRecord, historyEntryRecord } from './records.js';

export type EditHandlers = Pick<ApiHandlers, 'updateDraft' | 'previewPrompt'>;

const noRulebook = () => new ApiError({ code: 'not_found', message: 'this workspace has no rulebook yet' });

function refused(problems: EditProblem[]): ApiError {
  return new ApiError({
    code: 'bad_request',
    message: `updateDraft: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    issues: problems,
  });
}

export function createEditHandlers(ctx: BackendContext): EditHandlers {
  const { repos } = ctx;
  return {
    updateDraft: (args) => {
      const entry = ctx.transaction((): DraftHistoryEntry | null => {
        const before = readDraft(repos);
        if (!before) throw noRulebook();
        const edit = planDraftEdit(before, args);
        if (edit.problems.length) throw refused(edit.problems);
        if (!edit.entry) return null;
        repos.settings.set(SETTING_KEYS.draftRulebook, edit.after);
        // The draft as the runtime would load it: what it refuses of this edit is the person's to fix.
        try {
          draftArtifact(repos);
        } catch (err) {
          const problems = isRulebookError(err) ? formatProblems(err.details) : [];
          if (problems.length) throw refused(problems);
          if (!isRulebookError(err)) throw err;
          // Refusals elsewhere in the draft were there before this edit; it does not make them worse.
        }
        const stored = repos.draftHistory.add({ ...edit.entry, author: ctx.author() });
        return historyEntryRecord(stored, true);
      });
      if (entry) ctx.emit('draftChanged', { reason: entry.kind, entryId: entry.id });
      const draft = draftRecord(repos);
      if (!draft) throw noRulebook();
      return { draft, entry };
    },

    previewPrompt: (args) => {
      let input: MessageInput;
      if ('messageId' in args) {
        const message = repos.messages.get(args.messageId);
        if (!message) throw new ApiError({ code: 'not_found', message: `no message with id ${args.messageId}` });
        input = toMessageInput(message);
      } else {
        input = { text: args.text };
      }
      if (!readDraft(repos)) throw noRulebook();
      return previewPromptFor(ctx.extraction.current(), input);
    },
  };
}
