// Schema changes of the draft (issue 9): preview with impact, apply in one transaction, the draft's
// history, and undo of its newest change (a schema change, or updateDraft's edits of the name,
// instructions and model settings).
//
// The undo payload of every history entry (DraftHistoryRepository's `undo`), whichever handler
// writes it, is the state before the change, put back exactly, in one transaction:
//   {
//     draft?: { name?, instructions?, settings?, schema? },  // the stored draft's parts as they were
//     precedents?: [{ id, output, updated_at, deleted_at }],  // PrecedentRepository.outputRows before
//     rules?: [<rule rows>],                                  // RuleRepository.rows before
//     after?: { draft?, precedents?, rules? },                // what the change left (schema changes record it)
//   }
// updateDraft writes `{ draft: { instructions: <before> } }` and the like and needs nothing more:
// what it left is read from its `change` (undo.ts). Undo is offered for the newest change not yet
// undone, and refused while anything it touched differs from what it left.
import { ApiError, type ApiHandlers, type SchemaChange, type SchemaImpact } from '../../../shared/src/api/index.js';
import type { Extraction } from '../../../shared/src/domain.js';
import { isRulebookError } from '../../../shared/src/rulebook/errors.js';
import { SETTING_KEYS, schemaShapeHash, type Repositories, type StoredDraft, type StoredDraftHistoryEntry } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { draftArtifact, readDraft } from '../draft.js';
import { planSchemaChange, type PlanInput } from './schema-plan.js';
import { draftRecord, historyEntryRecord } from './records.js';
import { changedSince, restore, toJsonValue, undoPayload, type UndoPayload } from './undo.js';

export type SchemaHandlers = Pick<ApiHandlers, 'previewSchemaChange' | 'applySchemaChange' | 'undoDraftChange' | 'listDraftHistory'>;

/** The `reason` of the draftChanged and messagesChanged events these handlers send. */
export const SCHEMA_CHANGE_REASONS = { schema: 'schema', undo: 'undo' } as const;

const PREVIEW_CHARS = 120;
const noRulebook = () => new ApiError({ code: 'not_found', message: 'this workspace has no rulebook yet' });
const conflict = (message: string) => new ApiError({ code: 'conflict', message });

function refused(method: string, problems: SchemaImpact['problems']): ApiError {
  return new ApiError({ code: 'bad_request', message: `${method}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, issues: [...problems] });
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

/** The draft and what a schema change plans over: its precedents and rules (those set aside too). */
function planInput(repos: Repositories): { draft: StoredDraft; input: PlanInput } {
  const draft = readDraft(repos);
  if (!draft) throw noRulebook();
  return {
    draft,
    input: {
      schema: draft.schema,
      precedents: repos.precedents.list().map((p) => ({ id: p.id, output: p.output, preview: preview(p.message.subject ? `${p.message.subject}: ${p.message.text}` : p.message.text) })),
      rules: repos.rules.list().map((r) => ({ rule: r.rule, setAside: r.setAside })),
      currentExtractions: repos.messages.countWithSchemaHash(schemaShapeHash(draft.schema)),
    },
  };
}

/** The draft as the runtime would load it; its refusal refuses the change (rolled back with it). */
function checkDraft(repos: Repositories, method: string): void {
  try {
    draftArtifact(repos);
  } catch (err) {
    if (!isRulebookError(err)) throw err;
    // `rules/4/set/urgency` names the rule by its id: positions mean nothing to a person.
    const rules = repos.rules.active();
    const details = (err.details.length ? err.details : [err.message]).map((d) => d.replace(/^\/?rules\/(\d+)/, (m, n: string) => `rule ${rules[Number(n)]?.id ?? m}`));
    throw new ApiError({
      code: method === 'undoDraftChange' ? 'conflict' : 'bad_request',
      message: `${method}: the draft would not load: ${details.join('; ')}`,
      issues: details.map((d) => ({ path: 'change', message: d })),
    });
  }
}

/** Whether an entry may be undone now: the newest change not undone, with its state to put back, untouched since. */
function undoRefusal(repos: Repositories, entry: StoredDraftHistoryEntry): string | null {
  if (entry.kind === 'undo') return 'an undo is not undone (make the change again instead)';
  if (entry.undoneBy) return `it was undone already (${entry.undoneBy})`;
  const newest = repos.draftHistory.newestNotUndone();
  if (newest?.id !== entry.id) return `only the newest change can be undone${newest ? ` ("${newest.summary}")` : ''}`;
  const payload = undoPayload(entry);
  if (!payload) return 'this change cannot be undone';
  const changed = changedSince(repos, entry, payload);
  if (changed.length) return `what it changed was changed again since: ${changed.slice(0, 5).join('; ')}${changed.length > 5 ? '; …' : ''}`;
  return null;
}

export function createSchemaHandlers(ctx: BackendContext): SchemaHandlers {
  const { repos } = ctx;

  const announce = (reason: string, entryId: string) => {
    ctx.emit('draftChanged', { reason, entryId });
    // The inbox's stale marks follow the schema; precedents and rules may have changed too.
    ctx.emit('messagesChanged', { reason: `draft ${reason}` });
  };

  return {
    previewSchemaChange: ({ change }) => ctx.transaction(() => planSchemaChange(change as SchemaChange, planInput(repos).input).impact),

    applySchemaChange: ({ change, confirm }) => {
      const entry = ctx.transaction(() => {
        const { draft, input } = planInput(repos);
        const plan = planSchemaChange(change as SchemaChange, input);
        if (!plan.impact.allowed) throw refused('applySchemaChange', plan.impact.problems);
        if (plan.impact.needsConfirmation && !confirm) {
          throw refused('applySchemaChange', [{ path: 'confirm', message: `${plan.impact.summary}: this removes data; show its impact, then send confirm: true` }]);
        }
        const precedentIds = plan.precedents.map((p) => p.id);
        const ruleIds = plan.rules.map((r) => r.rule.id);
        const before: UndoPayload = { draft: { schema: draft.schema }, precedents: repos.precedents.outputRows(precedentIds), rules: repos.rules.rows(ruleIds) };

        repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, schema: plan.schema } satisfies StoredDraft);
        for (const p of plan.precedents) {
          if (!repos.precedents.update(p.id, { output: p.output as Extraction })) throw conflict(`applySchemaChange: precedent ${p.id} changed while the change was made; try again`);
        }
        for (const r of plan.rules) {
          if (!repos.rules.rewriteForSchema(r.rule, r.setAside)) throw conflict(`applySchemaChange: rule ${r.rule.id} changed while the change was made; try again`);
        }
        checkDraft(repos, 'applySchemaChange');

        const after = { draft: { schema: plan.schema }, precedents: repos.precedents.outputRows(precedentIds), rules: repos.rules.rows(ruleIds) };
        return repos.draftHistory.add({
          kind: 'schema',
          author: ctx.author(),
          summary: plan.impact.summary,
          change: toJsonValue(change as never),
          undo: toJsonValue({ ...before, after }),
        });
      });
      announce(SCHEMA_CHANGE_REASONS.schema, entry.id);
      return { draft: draftRecord(repos)!, entry: historyEntryRecord(entry, true) };
    },

    undoDraftChange: ({ id }) => {
      const entry = ctx.transaction(() => {
        const undone = repos.draftHistory.get(id);
        if (!undone) throw new ApiError({ code: 'not_found', message: `no draft change with id ${id}` });
        const why = undoRefusal(repos, undone);
        if (why) throw conflict(`undoDraftChange: cannot undo "${undone.summary}": ${why}`);
        if (!restore(repos, undoPayload(undone)!)) throw conflict(`undoDraftChange: cannot undo "${undone.summary}": something it changed is gone`);
        // What was added since (a rule that uses a renamed value) may not fit the draft as it was.
        checkDraft(repos, 'undoDraftChange');
        return repos.draftHistory.add({ kind: 'undo', author: ctx.author(), summary: `Undo: ${undone.summary}`, change: { undo: undone.id }, undo: null, undoOf: undone.id });
      });
      announce(SCHEMA_CHANGE_REASONS.undo, entry.id);
      return { draft: draftRecord(repos)!, entry: historyEntryRecord(entry, false) };
    },

    listDraftHistory: ({ limit }) =>
      ctx.transaction(() => {
        const newest = repos.draftHistory.newestNotUndone();
        const undoable = newest !== null && undoRefusal(repos, newest) === null ? newest.id : null;
        return repos.draftHistory.list(limit).map((e) => historyEntryRecord(e, e.id === undoable));
      }),
  };
}
