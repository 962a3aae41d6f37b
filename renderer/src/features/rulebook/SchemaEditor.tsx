// The Fields tab: the draft schema's fields in order, edited. Add, rename, reorder (buttons, or
// Alt+↑/↓ on a field), remove; per field its type, whether it allows null, description and key
// aliases; for an enum its values (add, rename, describe, alias, merge, remove). Every change opens
// its impact preview before it is saved; a refused change shows why beside the field.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { DraftRulebook } from '../../api/contract';
import type { SchemaChange } from '../../../../shared/src/api/records.js';
import { useStores } from '../../stores';
import { AddField, FieldCard } from './FieldCard';
import { createSchemaEditorStore, type SchemaEditorState } from './schemaEditorStore';
import { SchemaImpactDialog } from './SchemaImpactDialog';
import { StaleNotice } from './StaleNotice';
import { useDraftChanges } from './useDraftChanges';
import './schema.css';

export type Propose = (change: SchemaChange) => Promise<boolean>;

export function SchemaEditor({ rulebook }: { rulebook: DraftRulebook }) {
  const { api, rulebook: rulebookStore, toasts } = useStores();
  const [store] = useState(() => createSchemaEditorStore(api, () => rulebookStore.getState().load()));
  const pending = useStore(store, (s) => s.pending);
  const busy = useStore(store, (s) => s.busy);
  const error = useStore(store, (s) => s.error);
  const refusals = useStore(store, (s) => s.refusals);
  const [open, setOpen] = useState<string | null>(null);
  useDraftChanges();

  const fields = rulebook.schema.fields;
  const propose: Propose = (change) => store.getState().preview(change);

  const save = async (confirm: boolean) => {
    const entry = await store.getState().apply(confirm);
    if (!entry) return;
    toasts.getState().push({
      message: `Saved: ${entry.summary}`,
      action: {
        label: 'Undo',
        run: async () => {
          try {
            await api.undoDraftChange({ id: entry.id });
          } catch (err) {
            toasts.getState().push({ message: (err as Error).message, tone: 'error' });
          }
          await rulebookStore.getState().load();
        },
      },
    });
  };

  return (
    <div className="schema-editor" data-testid="schema-editor">
      <p className="muted">
        {fields.length} {fields.length === 1 ? 'field' : 'fields'}, in the order the model sees them. Each change shows what it does to the precedents, rules and
        extractions before it is saved; History undoes it.
      </p>
      <StaleNotice />
      {error ? (
        <p className="field-error" role="alert" data-testid="schema-error">
          {error.message}
        </p>
      ) : null}
      <ol className="schema-fields" aria-label="Fields">
        {fields.map((field, index) => (
          <FieldCard
            key={field.name}
            field={field}
            index={index}
            count={fields.length}
            open={open === field.name}
            onToggle={() => setOpen(open === field.name ? null : field.name)}
            problems={refusals[field.name] ?? []}
            busy={busy !== null}
            propose={propose}
          />
        ))}
      </ol>
      <AddField count={fields.length} problems={refusals['+field'] ?? []} busy={busy !== null} propose={propose} />
      {pending ? (
        <SchemaImpactDialog change={pending.change} impact={pending.impact} busy={busy === 'apply'} onSave={(confirm) => void save(confirm)} onCancel={() => store.getState().cancel()} />
      ) : null}
      <RefusalFocus store={store} />
    </div>
  );
}

/** Brings a refused change's reason into view (it sits beside the field, which may be far down). */
function RefusalFocus({ store }: { store: ReturnType<typeof createSchemaEditorStore> }) {
  const refusals = useStore(store, (s: SchemaEditorState) => s.refusals);
  useEffect(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="schema-problems"]');
    el?.scrollIntoView?.({ block: 'nearest' });
  }, [refusals]);
  return null;
}
