// The draft rulebook: schema, rules and precedents. Shared by the Rules and Rulebook screens and by the
// inbox (field types for the extraction view, rule and precedent names in the "why" panel). It also
// holds what the person typed in the Instructions and Model tabs and has not saved yet, so it survives
// moving between tabs and screens, and saves those edits (updateDraft).
import { createStore } from 'zustand/vanilla';
import type { ApiArgs, ApiFailure, CasebookApi, DraftRulebook } from '../api/contract';
import { toFailure } from '../api/errors';

/** The Model tab's inputs as typed (numbers as text, so a half-typed value is not lost or coerced). */
export interface ModelSettingsInput {
  provider: 'embedded' | 'openai';
  model: string;
  temperature: string;
  seed: string;
  k: string;
  /** Empty: no limit. */
  maxTokens: string;
}

export type DraftPart = 'instructions' | 'settings' | 'name';

export interface RulebookState {
  rulebook: DraftRulebook | null;
  loading: boolean;
  error: ApiFailure | null;
  load(): Promise<void>;

  /** Instructions typed and not saved; null when the editor shows the saved ones. */
  unsavedInstructions: string | null;
  setUnsavedInstructions(text: string | null): void;
  /** Model settings typed and not saved; null when the form shows the saved ones. */
  unsavedSettings: ModelSettingsInput | null;
  setUnsavedSettings(input: ModelSettingsInput | null): void;
  /** Which part is being saved, if any. */
  saving: DraftPart | null;
  /** The last save's refusal, for the part it was about (its issues name the fields). */
  saveError: { part: DraftPart; failure: ApiFailure } | null;
  /**
   * Saves an edit of the draft's instructions, model settings or name. On success the draft is the
   * one the backend returned and that part's unsaved edits are gone; on a refusal they are kept.
   */
  updateDraft(part: DraftPart, args: ApiArgs<'updateDraft'>): Promise<boolean>;
}

export function createRulebookStore(api: CasebookApi) {
  return createStore<RulebookState>()((set) => ({
    rulebook: null,
    loading: false,
    error: null,
    async load() {
      set({ loading: true, error: null });
      try {
        set({ rulebook: await api.getRulebook({}), loading: false });
      } catch (error) {
        set({ loading: false, error: toFailure(error) });
      }
    },

    unsavedInstructions: null,
    setUnsavedInstructions: (text) => set({ unsavedInstructions: text }),
    unsavedSettings: null,
    setUnsavedSettings: (input) => set({ unsavedSettings: input }),
    saving: null,
    saveError: null,
    async updateDraft(part, args) {
      set({ saving: part, saveError: null });
      try {
        const { draft } = await api.updateDraft(args);
        set({
          rulebook: draft,
          saving: null,
          ...(part === 'instructions' ? { unsavedInstructions: null } : {}),
          ...(part === 'settings' ? { unsavedSettings: null } : {}),
        });
        return true;
      } catch (error) {
        set({ saving: null, saveError: { part, failure: toFailure(error) } });
        return false;
      }
    },
  }));
}
