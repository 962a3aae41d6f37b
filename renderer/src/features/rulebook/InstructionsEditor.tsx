// The draft's instructions, edited as plain text (saved with Ctrl+Enter or the button; what is typed
// and not saved stays in the rulebook store while the person moves between tabs and screens), with
// the prompt as the model will see it one tab away.
import { useState, type KeyboardEvent } from 'react';
import { MAX_INSTRUCTIONS_CHARS } from '../../../../shared/src/api/names.js';
import type { DraftRulebook } from '../../api/contract';
import { Tabs } from '../../components/Tabs';
import { useRulebook, useStores } from '../../stores';
import { PromptPreview } from './PromptPreview';
import { useDraftChanges } from './useDraftChanges';
import './editors.css';

const count = (n: number) => n.toLocaleString('en-US');

export function InstructionsEditor({ rulebook }: { rulebook: DraftRulebook }) {
  const [tab, setTab] = useState<'write' | 'prompt'>('write');
  const unsaved = useRulebook((s) => s.unsavedInstructions);
  useDraftChanges();
  return (
    <Tabs
      label="Instructions"
      selected={tab}
      onSelect={(id) => setTab(id as 'write' | 'prompt')}
      tabs={[
        { id: 'write', label: unsaved !== null ? 'Instructions •' : 'Instructions', render: () => <InstructionsText saved={rulebook.instructions} /> },
        { id: 'prompt', label: 'The prompt as the model will see it', render: () => <PromptPreview rulebook={rulebook} unsavedInstructions={unsaved !== null} /> },
      ]}
    />
  );
}

function InstructionsText({ saved }: { saved: string }) {
  const { rulebook: store } = useStores();
  const unsaved = useRulebook((s) => s.unsavedInstructions);
  const saving = useRulebook((s) => s.saving === 'instructions');
  const saveError = useRulebook((s) => (s.saveError?.part === 'instructions' ? s.saveError.failure : null));
  const [justSaved, setJustSaved] = useState(false);
  const text = unsaved ?? saved;
  const over = text.length - MAX_INSTRUCTIONS_CHARS;
  const canSave = unsaved !== null && over <= 0 && !saving;

  async function save() {
    if (!canSave) return;
    setJustSaved(await store.getState().updateDraft('instructions', { instructions: text }));
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    }
  }
  const issue = saveError?.issues?.find((i) => i.path === 'instructions')?.message;

  return (
    <div className="instructions-editor" data-testid="instructions-editor">
      <p className="muted">
        What the model is told before the fields, the guidance rules and the examples. They travel in the rulebook to production. Save with Ctrl+Enter.
      </p>
      <textarea
        className="input instructions-text"
        aria-label="Instructions"
        spellCheck
        value={text}
        onChange={(e) => {
          setJustSaved(false);
          store.getState().setUnsavedInstructions(e.target.value === saved ? null : e.target.value);
        }}
        onKeyDown={onKeyDown}
        data-testid="instructions-text"
      />
      {text.trim() === '' ? (
        <p className="muted" data-testid="instructions-default">
          Empty: the runtime's default instructions are used (the prompt tab shows them).
        </p>
      ) : null}
      <div className="editor-bar">
        <span className={over > 0 ? 'field-error' : 'muted'} data-testid="instructions-count">
          {count(text.length)} / {count(MAX_INSTRUCTIONS_CHARS)} characters
          {over > 0 ? ` — ${count(over)} character${over === 1 ? '' : 's'} over the limit` : ''}
        </span>
        {unsaved !== null ? (
          <span className="unsaved-dot" data-testid="instructions-unsaved">
            Unsaved changes
          </span>
        ) : null}
        <span className="spacer" />
        {unsaved !== null ? (
          <button type="button" className="button" disabled={saving} onClick={() => store.getState().setUnsavedInstructions(null)} data-testid="instructions-revert">
            Discard changes
          </button>
        ) : null}
        <button type="button" className="button button-primary" disabled={!canSave} onClick={() => void save()} data-testid="instructions-save">
          Save instructions
        </button>
        {justSaved && unsaved === null ? (
          <span className="muted" role="status" data-testid="instructions-status">
            Saved.
          </span>
        ) : null}
      </div>
      {issue ? <span className="field-error">{issue}</span> : null}
      {saveError && !issue ? (
        <span className="field-error" role="alert">
          {saveError.message}
        </span>
      ) : null}
    </div>
  );
}
