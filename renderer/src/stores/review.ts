// Accept and correct the open message. After either, the inbox row shows the new status, the header
// counts follow, and the next message in the list opens.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiFailure, CasebookApi, Extraction, MessageDetail, MessageRecord, PrecedentRecord } from '../api/contract';
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
          deps.precedents.getState().invalidate();
          void deps.rulebook.getState().load();
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
    };
  });
}
