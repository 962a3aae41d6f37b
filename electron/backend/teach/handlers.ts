// Review and teach (issue 4): accept an extraction, correct it (the correction becomes a precedent
// and the message's newest extraction), rules with an impact preview, and the rules and precedents
// screens (edit, disable, delete with undo). Every rule or precedent change changes the draft
// rulebook (draft.ts assembles it from these tables, so its hash moves and the next extraction runs
// under the new draft); the window hears of it through `messagesChanged`. Each use case reads,
// checks and writes in one unit of work (`ctx.transaction`): all its writes or none; the window
// hears of a change only once it is committed.
import { ApiError, type ApiHandlers, type MessageDetail, type PrecedentRecord, type RuleRecord } from '../../../shared/src/api/index.js';
import type { Extraction, MessageInput, RulebookArtifact } from '../../../shared/src/domain.js';
import type { StoredDraft, StoredPrecedent, StoredRule } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { draftArtifact, readDraft } from '../draft.js';
import { messageDetail } from '../handlers.js';
import { correctionResult } from './correction.js';
import { previewImpact } from './impact.js';
import { checkOutput, checkRule, refuse } from './validate.js';

type TeachHandlers = Pick<
  ApiHandlers,
  | 'acceptExtraction'
  | 'correctExtraction'
  | 'previewRule'
  | 'saveRule'
  | 'setRuleEnabled'
  | 'deleteRule'
  | 'restoreRule'
  | 'listRules'
  | 'listRuleMessages'
  | 'listPrecedents'
  | 'updatePrecedent'
  | 'deletePrecedent'
  | 'restorePrecedent'
>;

/** The reasons `messagesChanged` carries after each kind of change. */
export const CHANGE_REASONS = {
  accepted: 'extraction-accepted',
  corrected: 'extraction-corrected',
  ruleSaved: 'rule-saved',
  ruleEnabled: 'rule-enabled',
  ruleDeleted: 'rule-deleted',
  ruleRestored: 'rule-restored',
  precedentUpdated: 'precedent-updated',
  precedentDeleted: 'precedent-deleted',
  precedentRestored: 'precedent-restored',
} as const;

function precedentRecord(p: StoredPrecedent): PrecedentRecord {
  return {
    id: p.id,
    message: p.message,
    output: p.output,
    ...(p.rationale !== undefined ? { rationale: p.rationale } : {}),
    ...(p.tags !== undefined ? { tags: p.tags } : {}),
    ...(p.author !== undefined ? { author: p.author } : {}),
    createdAt: p.createdAt,
    messageId: p.messageId,
    deletedAt: p.deletedAt,
  };
}

function ruleRecord(r: StoredRule): RuleRecord {
  return { rule: r.rule, position: r.position, createdAt: r.createdAt, updatedAt: r.updatedAt, deletedAt: r.deletedAt, setAside: r.setAside };
}

const notFound = (what: string, id: string) => new ApiError({ code: 'not_found', message: `no ${what} with id ${id}` });
const conflict = (message: string) => new ApiError({ code: 'conflict', message });

/** A message's first characters on one line, as the impact preview shows them. */
const PREVIEW_CHARS = 160;
const previewOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);

/** Lower-cased words of a search; every word must occur. */
const searchWords = (search: string | undefined) => (search ?? '').toLowerCase().split(/\s+/u).filter(Boolean);

export function createTeachHandlers(ctx: BackendContext): TeachHandlers {
  const { repos, transaction } = ctx;
  const changed = (reason: string) => ctx.emit('messagesChanged', { reason });

  function draft(method: string): StoredDraft {
    const d = readDraft(repos);
    if (!d) throw conflict(`${method}: this workspace has no rulebook yet`);
    return d;
  }

  function detail(id: string): MessageDetail {
    const d = messageDetail(repos, id);
    if (!d) throw notFound('message', id);
    return d;
  }

  function existingRule(id: string): StoredRule {
    const r = repos.rules.get(id);
    if (!r) throw notFound('rule', id);
    return r;
  }

  function existingPrecedent(id: string): StoredPrecedent {
    const p = repos.precedents.get(id);
    if (!p) throw notFound('precedent', id);
    return p;
  }

  /** Stores `output` as the message's newest extraction, made by a person under the current draft. */
  function storeCorrection(messageId: string, output: Extraction, aliases: ReturnType<typeof checkOutput>['aliases']): number {
    const rulebook: RulebookArtifact = draftArtifact(repos);
    return repos.extractions.insert({
      messageId,
      runId: null,
      rulebookVersion: null,
      rulebookHash: rulebook.hash,
      result: correctionResult({ output, aliases, author: ctx.author(), rulebook }),
    });
  }

  return {
    acceptExtraction: ({ messageId }) => {
      transaction(() => {
        const before = detail(messageId);
        if (!before.extraction) throw conflict('acceptExtraction: this message has no extraction to accept yet; extract it first');
        if (!before.extraction.valid) throw conflict('acceptExtraction: its output does not fit the schema; correct it instead');
        // The answer of record, confirmed right by a person: the status records it, and the message
        // with that extraction can be turned into a precedent later ("confirmed example"). A later
        // machine answer that disagreed is set aside with it (the person kept theirs); undo brings both back.
        const m = repos.messages.get(messageId)!;
        repos.reviewUndo.putAccept(m);
        repos.messages.setStatus(messageId, 'accepted');
        if (m.regressionExtractionId !== null) repos.extractions.setRegression(messageId, null);
      });
      changed(CHANGE_REASONS.accepted);
      return detail(messageId);
    },

    correctExtraction: ({ messageId, output, rationale }) => {
      // The precedent, the correction as the message's newest extraction, and its status: together.
      const precedent = transaction(() => {
        const message = repos.messages.get(messageId);
        if (!message) throw notFound('message', messageId);
        const d = draft('correctExtraction');
        const checked = checkOutput(output, d.schema, repos.rules.active());
        if (checked.issues.length) refuse('correctExtraction', checked.issues);

        // One precedent per message: a second correction replaces the first one's output (and its
        // rationale, when a new one is given).
        const existing = repos.precedents.forMessage(messageId)[0];
        const note = rationale.trim();
        const stored = existing
          ? repos.precedents.update(existing.id, { output: checked.output, ...(note ? { rationale: note } : {}) })!
          : repos.precedents.create({
              message: copyOf(message),
              output: checked.output,
              ...(note ? { rationale: note } : {}),
              author: ctx.author(),
              messageId,
            });
        const extractionId = storeCorrection(messageId, checked.output, checked.aliases);
        repos.reviewUndo.put({
          messageId,
          action: 'correction',
          prevStatus: message.status,
          prevExtractionId: message.latestExtractionId,
          prevRegressionId: message.regressionExtractionId,
          extractionId,
          precedentId: stored.id,
          precedentBefore: existing ? { output: existing.output, rationale: existing.rationale ?? null } : null,
        });
        repos.messages.setStatus(messageId, 'corrected');
        if (message.regressionExtractionId !== null) repos.extractions.setRegression(messageId, null);
        return stored;
      });
      changed(CHANGE_REASONS.corrected);
      return { detail: detail(messageId), precedent: precedentRecord(precedent) };
    },

    previewRule: ({ rule, limit }) => {
      const d = draft('previewRule');
      const rules = repos.rules.active();
      const issues = checkRule(rule, d.schema, rules);
      if (issues.length) refuse('previewRule', issues);
      return previewImpact(repos, { rule, schema: d.schema, rules, limit });
    },

    saveRule: ({ rule }) => {
      // Checked against the draft and saved in one unit: nothing can change the draft in between.
      const saved = transaction(() => {
        const d = draft('saveRule');
        const issues = checkRule(rule, d.schema, repos.rules.active());
        if (issues.length) refuse('saveRule', issues);
        const existing = repos.rules.get(rule.id);
        if (existing?.deletedAt) throw conflict(`saveRule: rule ${rule.id} is deleted; restore it first`);
        // Replacing keeps the rule's place in the order (overrides apply in that order).
        const stored = existing ? repos.rules.update(rule) : repos.rules.create(rule);
        if (!stored) throw conflict(`saveRule: rule ${rule.id} changed while it was being saved; try again`);
        return stored;
      });
      changed(CHANGE_REASONS.ruleSaved);
      return ruleRecord(saved);
    },

    setRuleEnabled: ({ id, enabled }) => {
      const switched = transaction(() => {
        const r = existingRule(id);
        if (r.deletedAt) throw conflict(`setRuleEnabled: rule ${id} is deleted; restore it first`);
        if (r.setAside && enabled) throw conflict(`setRuleEnabled: rule ${id} was set aside by a schema change (${r.setAside}); edit it to fit the schema, then it applies again`);
        return r.rule.enabled !== enabled && repos.rules.setEnabled(id, enabled);
      });
      if (switched) changed(CHANGE_REASONS.ruleEnabled);
      return ruleRecord(existingRule(id));
    },

    deleteRule: ({ id }) => {
      // Deleting a deleted rule changes nothing (an undo screen may send it twice).
      const deleted = transaction(() => existingRule(id).deletedAt === null && repos.rules.delete(id));
      if (deleted) changed(CHANGE_REASONS.ruleDeleted);
      return { id };
    },

    restoreRule: ({ id }) => {
      const restored = transaction(() => {
        const r = existingRule(id);
        if (r.deletedAt === null) return false;
        // Back in the draft, it must fit the draft as it is now (its fields, the patterns' budget).
        const issues = checkRule(r.rule, draft('restoreRule').schema, repos.rules.active());
        if (issues.length) throw conflict(`restoreRule: rule ${id} no longer fits the draft: ${issues.map((i) => i.message).join('; ')}`);
        return repos.rules.restore(id);
      });
      if (restored) changed(CHANGE_REASONS.ruleRestored);
      return ruleRecord(existingRule(id));
    },

    listRules: ({ includeDeleted }) => repos.rules.list({ includeDeleted }).map(ruleRecord),

    listRuleMessages: ({ id, limit }) => {
      // A deleted rule is still a rule: the messages it fired on keep their traces until re-run.
      existingRule(id);
      const { rows, total } = repos.extractions.firedBy(id, limit);
      return {
        messages: rows.map((r) => ({ messageId: r.messageId, subject: r.subject, preview: previewOf(r.textStart), changed: r.changed })),
        total,
      };
    },

    listPrecedents: ({ search, includeDeleted }) => {
      const words = searchWords(search);
      const matches = (p: StoredPrecedent) => {
        if (words.length === 0) return true;
        const hay = [p.id, p.message.subject ?? '', p.message.text, p.rationale ?? '', ...(p.tags ?? [])].join('\n').toLowerCase();
        return words.every((w) => hay.includes(w));
      };
      // Newest first (the list the precedents screen shows); ties by id, reversed, so it is stable.
      return repos.precedents
        .list({ includeDeleted })
        .filter(matches)
        .reverse()
        .map(precedentRecord);
    },

    updatePrecedent: ({ id, output, rationale, tags }) => {
      // The precedent and, when it is a message's correction, that message's newest extraction: together.
      const updated = transaction(() => {
        const p = existingPrecedent(id);
        if (p.deletedAt) throw conflict(`updatePrecedent: precedent ${id} is deleted; restore it first`);
        let checked: ReturnType<typeof checkOutput> | null = null;
        if (output !== undefined) {
          checked = checkOutput(output, draft('updatePrecedent').schema, repos.rules.active());
          if (checked.issues.length) refuse('updatePrecedent', checked.issues);
        }
        const stored = repos.precedents.update(id, {
          ...(checked ? { output: checked.output } : {}),
          ...(rationale !== undefined ? { rationale: rationale.trim() || null } : {}),
          ...(tags !== undefined ? { tags: [...new Set(tags.map((t) => t.trim()).filter(Boolean))] } : {}),
        });
        if (!stored) throw conflict(`updatePrecedent: precedent ${id} was deleted meanwhile`);
        // A precedent made by correcting a message is that message's correction: keep the two the same.
        if (checked && stored.messageId && repos.messages.get(stored.messageId)?.status === 'corrected') {
          const latest = repos.extractions.latestForMessage(stored.messageId);
          if (JSON.stringify(latest?.output) !== JSON.stringify(checked.output)) storeCorrection(stored.messageId, checked.output, checked.aliases);
        }
        return stored;
      });
      changed(CHANGE_REASONS.precedentUpdated);
      return precedentRecord(updated);
    },

    deletePrecedent: ({ id }) => {
      // The message it was made from keeps its correction (its extraction); only the example goes.
      const deleted = transaction(() => existingPrecedent(id).deletedAt === null && repos.precedents.delete(id));
      if (deleted) changed(CHANGE_REASONS.precedentDeleted);
      return { id };
    },

    restorePrecedent: ({ id }) => {
      const restored = transaction(() => existingPrecedent(id).deletedAt !== null && repos.precedents.restore(id));
      if (restored) changed(CHANGE_REASONS.precedentRestored);
      return precedentRecord(existingPrecedent(id));
    },
  };
}

/** The precedent's own copy of the message (what the model will be shown as an example). */
function copyOf(message: { text: string; subject: string | null; sender: string | null; context: string[] | null }): MessageInput {
  return {
    text: message.text,
    ...(message.subject ? { subject: message.subject } : {}),
    ...(message.sender ? { sender: message.sender } : {}),
    ...(message.context?.length ? { context: message.context } : {}),
  };
}

/**
 * Sends a valid extraction to review when it disagrees with the precedents it was shown (see
 * review-priority.ts). Precedent outputs are looked up in the rulebook the extraction ran under,
 * indexed once per rulebook.
 */
