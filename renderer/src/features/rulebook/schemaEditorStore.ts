// The Fields tab's changes: each is previewed first (its impact, or why it is refused, shown beside
// the field it is about), then saved as it was previewed, with a confirmation when it removes data.
import { createStore } from 'zustand/vanilla';
import type { SchemaChange, SchemaImpact, DraftHistoryEntry } from '../../../../shared/src/api/records.js';
import type { ApiFailure, CasebookApi } from '../../api/contract';
import { toFailure } from '../../api/errors';

/** Where on the tab a change was asked for: a field (and maybe one of its values), or "add a field". */
export type ChangeSpot = string;

export function spotOf(change: SchemaChange): ChangeSpot {
  return change.op === 'add_field' ? '+field' : change.field;
}

export interface SchemaEditorState {
  /** The change being previewed, with its impact: the dialog is open while this is set. */
  pending: { change: SchemaChange; impact: SchemaImpact } | null;
  /** Why a change was refused, by where it was asked for. */
  refusals: Record<ChangeSpot, { path: string; message: string }[]>;
  busy: 'preview' | 'apply' | null;
  /** A failure that is not a refusal of the change (the backend unavailable...). */
  error: ApiFailure | null;
  preview(change: SchemaChange): Promise<boolean>;
  /** Saves the pending change; `confirm` for one that removes data. The history entry, or null. */
  apply(confirm: boolean): Promise<DraftHistoryEntry | null>;
  cancel(): void;
  clearRefusal(spot: ChangeSpot): void;
}

export function createSchemaEditorStore(api: CasebookApi, onApplied: () => Promise<unknown>) {
  return createStore<SchemaEditorState>()((set, get) => {
    const refuse = (change: SchemaChange, problems: { path: string; message: string }[]) =>
      set((s) => ({ refusals: { ...s.refusals, [spotOf(change)]: problems }, pending: null, busy: null }));

    const fail = (change: SchemaChange, error: unknown) => {
      const failure = toFailure(error);
      if (failure.code === 'bad_request' || failure.code === 'conflict') refuse(change, failure.issues?.length ? failure.issues : [{ path: 'change', message: failure.message }]);
      else set({ error: failure, busy: null });
    };

    return {
      pending: null,
      refusals: {},
      busy: null,
      error: null,

      async preview(change) {
        set({ busy: 'preview', error: null });
        get().clearRefusal(spotOf(change));
        try {
          const impact = await api.previewSchemaChange({ change });
          if (!impact.allowed) {
            refuse(change, impact.problems);
            return false;
          }
          set({ pending: { change, impact }, busy: null });
          return true;
        } catch (error) {
          fail(change, error);
          return false;
        }
      },

      async apply(confirm) {
        const pending = get().pending;
        if (!pending) return null;
        set({ busy: 'apply', error: null });
        try {
          const { entry } = await api.applySchemaChange({ change: pending.change, confirm });
          set({ pending: null, busy: null });
          await onApplied();
          return entry;
        } catch (error) {
          fail(pending.change, error);
          return null;
        }
      },

      cancel() {
        set({ pending: null });
      },

      clearRefusal(spot) {
        if (!(spot in get().refusals)) return;
        set((s) => {
          const refusals = { ...s.refusals };
          delete refusals[spot];
          return { refusals };
        });
      },
    };
  });
}
