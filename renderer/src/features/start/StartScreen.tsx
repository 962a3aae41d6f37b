// The start screen: the four ways to make a workspace (the demo, a template, a labelled history, a
// rulebook file) and, below, opening one that exists. Shown on a first run (no workspace open) and
// over the open workspace from "New workspace…" (the header's switcher, File › New Workspace…).
import { useEffect, useRef, useState } from 'react';
import type { CreatedWorkspace, ImportResult, WorkspaceState } from '../../../../shared/src/api/records.js';
import { useWorkspaceOpened } from '../../app/workspaceSwitch';
import { ErrorState } from '../../components/States';
import { DemoStart } from './DemoStart';
import { LabelledStart } from './LabelledStart';
import { OpenWorkspace } from './OpenWorkspace';
import { RulebookFileStart } from './RulebookFileStart';
import { TemplateStart } from './TemplateStart';
import './start.css';

type Way = 'demo' | 'template' | 'labelled' | 'rulebook';

const WAYS: { id: Way; title: string; text: string }[] = [
  { id: 'demo', title: 'Explore the demo', text: 'A support team’s messages, already extracted, with the rules and precedents they taught.' },
  { id: 'template', title: 'Start from a template', text: '“Support triage” (name, issue type, urgency, requested action), or empty: you define the fields.' },
  { id: 'labelled', title: 'Start from a labelled history', text: 'A CSV or JSONL of past messages with the right values in columns: a field is proposed for each.' },
  { id: 'rulebook', title: 'Open a rulebook file', text: 'One written by casebook new or teach, or a version a colleague published.' },
];

export function StartScreen({ state, onCancel }: { state: WorkspaceState; onCancel?: () => void }) {
  const opened = useWorkspaceOpened();
  const [way, setWay] = useState<Way | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRun = state.current === null;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const back = () => setWay(null);
  // The labelled step made the workspace itself; the window reloads on it, on the inbox, and says
  // what the import made (the old window's toasts go with it).
  const labelledCreated = (made: CreatedWorkspace) =>
    opened(made.workspace.current?.path ?? null, 'inbox', (stores) => {
      const imported = made.imported;
      if (imported) stores.toasts.getState().push({ message: importedMessage(imported) });
    });

  return (
    <div className="start" data-testid="start-screen">
      <header className="start-header">
        <h1 ref={heading} tabIndex={-1}>
          {firstRun ? 'Welcome to Casebook' : 'New workspace'}
        </h1>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel} data-testid="start-cancel">
            Back to {state.current?.name || 'the workspace'}
          </button>
        ) : null}
      </header>
      <p className="muted start-intro">
        A workspace is one file: your messages, their extractions, and the rulebook you teach (its fields, instructions, rules and precedents). How do you want to start?
      </p>
      <div className="start-ways" role="group" aria-label="Ways to start">
        {WAYS.map((w) => (
          <button
            key={w.id}
            type="button"
            className={`start-way${way === w.id ? ' is-chosen' : ''}`}
            aria-pressed={way === w.id}
            onClick={() => setWay(w.id)}
            data-testid={`start-${w.id}`}
          >
            <strong>{w.title}</strong>
            <span className="muted">{w.text}</span>
          </button>
        ))}
      </div>
      {way === 'demo' ? <DemoStart folder={state.folder} onCancel={back} /> : null}
      {way === 'template' ? <TemplateStart templates={state.templates} folder={state.folder} onCancel={back} /> : null}
      {way === 'labelled' ? (
        <div className="start-step" data-testid="start-labelled-step">
          <LabelledStart onCancel={back} onCreated={labelledCreated} />
        </div>
      ) : null}
      {way === 'rulebook' ? <RulebookFileStart folder={state.folder} onCancel={back} /> : null}
      <section className="start-open" aria-labelledby="start-open-title">
        <h2 id="start-open-title">Or open a workspace</h2>
        <OpenWorkspace state={state} />
      </section>
    </div>
  );
}

/** What a labelled history's import made, in one line. */
export function importedMessage(r: ImportResult): string {
  const n = (count: number, one: string) => `${count.toLocaleString()} ${one}${count === 1 ? '' : 's'}`;
  const parts = [`Imported ${n(r.inserted, 'message')} and ${n(r.precedents, 'precedent')}`];
  if (r.skipped) parts.push(`${n(r.skipped, 'duplicate')} skipped`);
  if (r.problems.length) parts.push(`${n(r.problems.length, 'row')} with a problem`);
  return `${parts.join('; ')}.`;
}

/** The start screen when the workspace state could not be read: why, and a retry. */
export function StartUnavailable({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="start" data-testid="start-screen">
      <ErrorState title="Casebook cannot list the ways to start" failure={{ message: 'The workspaces could not be read from the backend.' }} onRetry={onRetry} />
    </div>
  );
}
