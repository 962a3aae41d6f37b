// Review of the open message: Accept, Edit, Save correction (with a rationale), Promote to rule and
// Re-run, from buttons and keys (a, e, r, p; the key table in app/shortcuts.tsx). The draft output lives
// here until it is saved; after an accept or a correction the next message in the list opens, and a
// toast offers to undo it (u, which the inbox binds). Edit focuses the field last edited, else the first
// choice field (editFocus.ts).
import { flushSync } from 'react-dom';
import { useEffect, useRef, useState } from 'react';
import type { Extraction, MessageDetail } from '../../api/contract';
import { keyLabel, keyMatches, KEYS, useKey } from '../../app/shortcuts';
import { useReview, useRulebook, useStores } from '../../stores';
import type { UndoEntry } from '../../stores/review';
import { ExtractionView } from '../inbox/ExtractionView';
import { WhyPanel } from '../inbox/WhyPanel';
import { editedFields } from './editFocus';
import type { ExtractionFormHandle } from './ExtractionForm';
import { selectedMessageText } from './selection';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function ReviewPanel({ detail }: { detail: MessageDetail }) {
  const { review, runs, toasts, precedents } = useStores();
  const rulebook = useRulebook((s) => s.rulebook);
  const busy = useReview((s) => s.busy);
  const error = useReview((s) => s.error);
  const extraction = detail.extraction;
  const [draft, setDraft] = useState<Extraction | undefined>(extraction?.output);
  const [rationale, setRationale] = useState('');
  const [tab, setTab] = useState('fields');
  const formRef = useRef<ExtractionFormHandle>(null);
  const rationaleRef = useRef<HTMLTextAreaElement>(null);
  const dirty = !!extraction && !!draft && !same(draft, extraction.output);
  const id = detail.message.id;

  useEffect(() => review.getState().clearError(), [review, id]);

  function changeDraft(next: Extraction) {
    for (const field of editedFields(draft, next)) review.getState().noteEdited(field);
    setDraft(next);
  }

  function edit() {
    // The form shows with the Fields tab: render it now, so the focus is in place before the next key.
    if (tab !== 'fields') flushSync(() => setTab('fields'));
    formRef.current?.focusForEdit(review.getState().lastEdited);
  }

  async function accept() {
    if (!extraction || dirty) return;
    if (!(await review.getState().accept(id))) return;
    // The toast's Undo takes back this accept, whatever was done after it.
    const entry = review.getState().undoStack.at(-1);
    toasts.getState().push({ message: `Accepted — press ${UNDO_KEY} to undo`, action: { label: 'Undo', run: () => void undoLast(review, toasts, entry) } });
  }

  async function saveCorrection() {
    if (!extraction || !draft || !dirty) return;
    const precedent = await review.getState().correct(id, draft, rationale.trim());
    if (!precedent) return;
    const correction = review.getState().corrections[id];
    toasts.getState().push({
      // (U undoes it too; the toast keeps its one action for Promote to rule.)
      message: `Correction saved as precedent ${precedent.id}.`,
      action: correction
        ? {
            label: 'Promote to rule',
            run: () => review.getState().startPromote({ message: correction.message, output: precedent.output, before: correction.before, precedent, selection: '' }),
          }
        : undefined,
    });
  }

  async function promote() {
    const selection = selectedMessageText();
    const correction = review.getState().corrections[id];
    if (correction) {
      review.getState().startPromote({ message: detail.message, output: correction.precedent.output, before: correction.before, precedent: correction.precedent, selection });
      return;
    }
    let precedent = null;
    if (detail.message.status === 'corrected') {
      if (!precedents.getState().records) await precedents.getState().load('');
      precedent = precedents.getState().records?.find((p) => p.messageId === id && !p.deletedAt) ?? null;
    }
    const output = dirty && draft ? draft : (extraction?.output ?? {});
    review.getState().startPromote({ message: detail.message, output, before: dirty ? (extraction?.output ?? null) : null, precedent, selection });
  }

  const rerun = () => void runs.getState().start({ ids: [id] });

  useKey('review.accept', () => void accept(), !!extraction);
  useKey('review.edit', edit, !!extraction);
  useKey('review.rerun', rerun);
  useKey('review.promote', () => void promote(), !!extraction);

  const issues = error?.code === 'bad_request' ? error.issues : undefined;
  return (
    <>
      <div className="review-actions" role="toolbar" aria-label="Review" data-testid="review-actions">
        <button type="button" className="button button-primary" data-testid="review-accept" disabled={!extraction || dirty || busy !== null} onClick={() => void accept()} title={dirty ? 'Save or reset your edits first' : 'The output is right (a)'}>
          Accept <kbd>a</kbd>
        </button>
        <button type="button" className="button" data-testid="review-edit" disabled={!extraction} onClick={edit} title="Edit the fields (e)">
          Edit <kbd>e</kbd>
        </button>
        <button type="button" className="button" data-testid="review-promote" disabled={!extraction} onClick={() => void promote()} title="Make a rule from this message (p)">
          Promote to rule <kbd>p</kbd>
        </button>
        <button type="button" className="button" data-testid="review-rerun" onClick={rerun} title="Extract this message again under the draft rulebook (r)">
          Re-run <kbd>r</kbd>
        </button>
      </div>
      <ExtractionView extraction={extraction} schema={rulebook?.schema ?? null} draft={draft} onDraftChange={changeDraft} issues={issues} formRef={formRef} tab={tab} onTab={setTab} />
      {extraction ? (
        <form
          className={`correction${dirty ? ' is-dirty' : ''}`}
          aria-label="Correction"
          data-testid="correction-form"
          onSubmit={(e) => {
            e.preventDefault();
            void saveCorrection();
          }}
        >
          <label className="form-row">
            <span>Why is this the right output? (kept with the precedent)</span>
            <textarea
              ref={rationaleRef}
              className="input"
              rows={2}
              maxLength={5000}
              value={rationale}
              placeholder="Prioritize the current problem over historical mentions."
              data-testid="correction-rationale"
              onChange={(e) => setRationale(e.target.value)}
              onKeyDown={(e) => {
                if (keyMatches('review.save', e)) {
                  e.preventDefault();
                  void saveCorrection();
                }
              }}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={!dirty || busy !== null} data-testid="correction-save">
              Save correction
            </button>
            <button type="button" className="button button-quiet" disabled={!dirty} data-testid="correction-reset" onClick={() => setDraft(extraction.output)}>
              Reset
            </button>
            {dirty ? <span className="muted">Edited — {keyLabel(KEYS['review.save'].keys[0])} in the rationale saves.</span> : null}
          </div>
        </form>
      ) : null}
      {error && !issues?.length ? (
        <p className="field-error" role="alert" data-testid="review-error">
          {error.message}
        </p>
      ) : null}
      {error && issues?.length ? (
        <p className="field-error" role="alert" data-testid="review-error">
          The correction was refused: {issues.map((i) => `${i.path}: ${i.message}`).join('; ')}
        </p>
      ) : null}
      {extraction ? <WhyPanel trace={extraction.trace} rulebook={rulebook} /> : null}
    </>
  );
}

/** The undo key as the toasts name it. */
export const UNDO_KEY = KEYS['review.undo'].keys[0].toUpperCase();

/** Undoes the newest step of this window, and says what happened in a toast. */
export async function undoLast(review: ReturnType<typeof useStores>['review'], toasts: ReturnType<typeof useStores>['toasts'], entry?: UndoEntry): Promise<void> {
  const outcome = await review.getState().undo(entry);
  toasts.getState().push({ message: outcome.message, tone: outcome.ok ? 'info' : 'error' });
}
