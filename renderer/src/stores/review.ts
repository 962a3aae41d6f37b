// Accept and correct the open message. After either, the inbox row shows the new status, the header
// counts follow, and the next message in the list opens. What this window did can be undone, newest
// first (`u`, Ctrl+Z): an accept or a correction (undoReview), or a change to a rule (saved, switched on
// or off, deleted), put back with the rule methods. The review also remembers the field the person
// last edited, across messages, so Edit (`e`) starts there.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiFailure, CasebookApi, DraftRulebook, Extraction, MessageDetail, MessageRecord, PrecedentRecord, Rule } from '../api/contract';
import { toFailure } from '../api/errors';
import type { AppState } from './app';
import type { InboxState } from './inbox';
import type { MessageDetailState } from './messageDetail';
import type { PrecedentsState } from './precedents';
import type { RulebookState } from './rulebook';

/** What a new rule is promoted from: a correction (with its precedent) or an extraction as it is. */
export interface PromoteSource {
  message: MessageRecord;
  /** The output the rule should produce (the corrected one, or the extraction's). */
  output: Extraction;
  /** The extractor's output before the correction, when promoting a correction. */
  before: Extraction | null;
  precedent: PrecedentRecord | null;
  /** Text selected in the message when promoting: the condition starts from it. */
  selection: string;
}

export interface Correction {
  precedent: PrecedentRecord;
  before: Extraction | null;
  message: MessageRecord;
}

/** One thing this window did that `u` can take back. */
export type UndoEntry =
  | { kind: 'accept' | 'correction'; messageId: string; subject: string }
  /** A rule as it was before (null: it was new) and after (null: deleted). */
  | { kind: 'rule'; before: Rule | null; after: Rule | null };

/** What undo reports: what was undone, or why not. */
export type UndoOutcome = { ok: true; entry: UndoEntry; message: string } | { ok: false; message: string };

/** How many undoable steps a window keeps. */
export const UNDO_LIMIT = 50;

export interface ReviewState {
  /** The promote-to-rule dialog, when open. */
  promoting: PromoteSource | null;
  startPromote(source: PromoteSource): void;
  endPromote(): void;
  busy: 'accept' | 'correct' | null;
  /** The last refusal (with `issues` naming the wrong fields for a bad_request). */
  error: ApiFailure | null;
  /** The precedent the last correction made, per message: Promote to rule starts from it. */
  corrections: Record<string, Correction>;
  accept(messageId: string): Promise<boolean>;
  correct(messageId: string, output: Extraction, rationale: string): Promise<PrecedentRecord | null>;
  clearError(): void;
  /** The field the person last edited (in any message this session): Edit focuses it. */
  lastEdited: string | null;
  noteEdited(field: string): void;
  /** What this window can undo, newest last. */
  undoStack: UndoEntry[];
  undoing: boolean;
  /** Undoes the newest entry, or `entry` (a toast's own step); a refusal leaves it on the stack (try again). */
  undo(entry?: UndoEntry): Promise<UndoOutcome>;
}

/** JSON with keys in order: the same rule read twice compares equal whatever order its keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The one rule change between two loads of the draft, or null (none, several, or a schema change that rewrote rules). */
export function ruleChange(prev: DraftRulebook, next: DraftRulebook): { before: Rule | null; after: Rule | null } | null {
  if (prev.id !== next.id || canonical(prev.schema) !== canonical(next.schema)) return null;
  const before = new Map(prev.rules.map((r) => [r.id, r]));
  const after = new Map(next.rules.map((r) => [r.id, r]));
  const changes: { before: Rule | null; after: Rule | null }[] = [];
  for (const [id, rule] of after) {
    const old = before.get(id);
    if (!old) changes.push({ before: null, after: rule });
    else if (canonical(old) !== canonical(rule)) changes.push({ before: old, after: rule });
  }
  for (const [id, rule] of before) if (!after.has(id)) changes.push({ before: rule, after: null });
  return changes.length === 1 ? changes[0]! : null;
}

const enabledOnly = (a: Rule, b: Rule) => canonical({ ...a, enabled: true }) === canonical({ ...b, enabled: true }) && a.enabled !== b.enabled;

/** How the toast names an undone step. */
export function describeUndo(entry: UndoEntry): string {
  if (entry.kind !== 'rule') return `${entry.kind === 'accept' ? 'Accept' : 'Correction'} of "${entry.subject}" undone.`;
  const { before, after } = entry;
  if (!before) return `Rule ${after!.id} removed again (its save undone).`;
  if (!after) return `Rule ${before.id} restored (its delete undone).`;
  if (enabledOnly(before, after)) return `Rule ${before.id} switched ${before.enabled ? 'on' : 'off'} again.`;
  return `Rule ${before.id} put back as it was.`;
}

interface Deps {
  app: StoreApi<AppState>;
  inbox: StoreApi<InboxState>;
  messageDetail: StoreApi<MessageDetailState>;
  precedents: StoreApi<PrecedentsState>;
  rulebook: StoreApi<RulebookState>;
}

export function createReviewStore(api: CasebookApi, deps: Deps) {
  return createStore<ReviewState>()((set, get) => {
    const push = (entry: UndoEntry) => set((s) => ({ undoStack: [...s.undoStack, entry].slice(-UNDO_LIMIT) }));
    // Rule changes: every change to a rule in this window (the Rules screen, Promote to rule) reloads the
    // draft rulebook; a reload that differs from the one before by exactly one rule is that change.
    let quiet = 0;
    deps.rulebook.subscribe((next, prev) => {
      if (!next.rulebook || !prev.rulebook || next.rulebook === prev.rulebook || quiet > 0) return;
      const change = ruleChange(prev.rulebook, next.rulebook);
      if (change) push({ kind: 'rule', ...change });
    });
    async function quietly<T>(run: () => Promise<T>): Promise<T> {
      quiet++;
      try {
        return await run();
      } finally {
        quiet--;
      }
    }
    async function undoRule(entry: Extract<UndoEntry, { kind: 'rule' }>) {
      const { before, after } = entry;
      if (!before) await api.deleteRule({ id: after!.id });
      else if (!after) await api.restoreRule({ id: before.id });
      else if (enabledOnly(before, after)) await api.setRuleEnabled({ id: before.id, enabled: before.enabled });
      else await api.saveRule({ rule: before });
      await deps.rulebook.getState().load();
    }
    async function undoReview(entry: Extract<UndoEntry, { kind: 'accept' | 'correction' }>) {
      const detail = await api.undoReview({ messageId: entry.messageId });
      const e = detail.extraction;
      deps.inbox.getState().patchItem(entry.messageId, { status: detail.message.status, ...(e ? { output: e.output, valid: e.valid } : {}) });
      if (entry.kind === 'correction') {
        set((s) => {
          const { [entry.messageId]: _gone, ...rest } = s.corrections;
          return { corrections: rest };
        });
        deps.precedents.getState().invalidate();
        await deps.rulebook.getState().load();
      }
      void deps.app.getState().refreshCounts();
      // Back to the message, to review it again.
      deps.inbox.getState().select(entry.messageId);
      deps.messageDetail.getState().show(detail);
    }
    function done(detail: MessageDetail) {
      deps.messageDetail.getState().show(detail);
      const e = detail.extraction;
      deps.inbox.getState().patchItem(detail.message.id, { status: detail.message.status, ...(e ? { output: e.output, valid: e.valid } : {}) });
      void deps.app.getState().refreshCounts();
      if (deps.inbox.getState().selectedId === detail.message.id) deps.inbox.getState().move(1);
    }
    return {
      busy: null,
      error: null,
      corrections: {},
      promoting: null,
      startPromote(source) {
        set({ promoting: source });
      },
      endPromote() {
        set({ promoting: null });
      },
      async accept(messageId) {
        if (get().busy) return false;
        set({ busy: 'accept', error: null });
        try {
          const detail = await api.acceptExtraction({ messageId });
          set({ busy: null });
          push({ kind: 'accept', messageId, subject: detail.message.subject || detail.message.text.slice(0, 60) });
          done(detail);
          return true;
        } catch (error) {
          set({ busy: null, error: toFailure(error) });
          return false;
        }
      },
      async correct(messageId, output, rationale) {
        if (get().busy) return null;
        set({ busy: 'correct', error: null });
        try {
          const before = deps.messageDetail.getState().detail;
          const { detail, precedent } = await api.correctExtraction({ messageId, output, rationale });
          const prior = before?.message.id === messageId ? (before.extraction?.output ?? null) : null;
          set((s) => ({ busy: null, corrections: { ...s.corrections, [messageId]: { precedent, before: prior, message: detail.message } } }));
          push({ kind: 'correction', messageId, subject: detail.message.subject || detail.message.text.slice(0, 60) });
          deps.precedents.getState().invalidate();
          void quietly(() => deps.rulebook.getState().load());
          done(detail);
          return precedent;
        } catch (error) {
          set({ busy: null, error: toFailure(error) });
          return null;
        }
      },
      clearError() {
        set({ error: null });
      },
      lastEdited: null,
      noteEdited(field) {
        if (get().lastEdited !== field) set({ lastEdited: field });
      },
      undoStack: [],
      undoing: false,
      async undo(which) {
        const entry = which ? get().undoStack.find((e) => e === which) : get().undoStack.at(-1);
        if (!entry) return { ok: false, message: which ? 'Already undone.' : 'Nothing to undo in this window.' };
        if (get().undoing || get().busy) return { ok: false, message: 'Busy: try again in a moment.' };
        set({ undoing: true });
        try {
          if (entry.kind === 'rule') await quietly(() => undoRule(entry));
          else await undoReview(entry);
          set((s) => ({ undoing: false, undoStack: s.undoStack.filter((e) => e !== entry) }));
          return { ok: true, entry, message: describeUndo(entry) };
        } catch (error) {
          set({ undoing: false });
          return { ok: false, message: `Could not undo: ${toFailure(error).message}` };
        }
      },
    };
  });
}
