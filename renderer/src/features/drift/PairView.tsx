// One message under both runs: its text, both answers side by side with the field-level diff
// (jsondiffpatch's delta, rendered here as text), and both traces beside each other (the inbox's Why
// panel: rules fired, precedents shown with ids and scores, provider and model, the raw answer).
// Everything from the message or the model is rendered as React text, never as HTML.
import type { ExtractionRecord, JsonValue, RunRecord } from '../../api/contract';
import { ValidityBadge } from '../../components/Badge';
import { ErrorState, Loading } from '../../components/States';
import type { ApiFailure } from '../../api/contract';
import type { RunPair } from '../../../../shared/src/api/records.js';
import { droppedKeysOf } from '../../../../shared/src/api/names.js';
import { useRulebook } from '../../stores';
import { WhyPanel } from '../inbox/WhyPanel';
import { formatPath, jsonChanges, type FieldChange } from './jsonDiff';
import { runLabel, valueText } from './runLabel';

export interface PairViewProps {
  pair: RunPair | null;
  error: ApiFailure | null;
  position: { index: number; count: number };
  onClose(): void;
  onMove(step: 1 | -1): void;
  onOpenInReview(messageId: string): void;
  onRetry(): void;
}

export function PairView({ pair, error, position, onClose, onMove, onOpenInReview, onRetry }: PairViewProps) {
  return (
    <section className="drift-pair" aria-label="Both answers side by side" data-testid="drift-pair">
      <div className="drift-pair-bar">
        <button type="button" className="button button-small" data-testid="drift-pair-close" onClick={onClose} title="Esc">
          ← Back to the changes
        </button>
        <button type="button" className="button button-small" aria-label="Previous changed message" disabled={position.index <= 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="button button-small" aria-label="Next changed message" disabled={position.index < 0 || position.index >= position.count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        {position.index >= 0 ? (
          <span className="muted">
            {position.index + 1} of {position.count.toLocaleString()}
          </span>
        ) : null}
        {pair ? (
          <button type="button" className="button button-small button-primary drift-pair-review" data-testid="drift-open-in-review" onClick={() => onOpenInReview(pair.messageId)}>
            Open in review
          </button>
        ) : null}
      </div>
      {error ? <ErrorState title="This message’s answers could not be loaded" failure={error} onRetry={onRetry} /> : !pair ? <Loading label="Loading both answers…" /> : <PairBody pair={pair} />}
    </section>
  );
}

function PairBody({ pair }: { pair: RunPair }) {
  const rulebook = useRulebook((s) => s.rulebook);
  const a = pair.a;
  const b = pair.b;
  const changes = a && b ? jsonChanges(a.output, b.output) : [];
  // Keys the model answered that are no field of the schema: the pipeline dropped them from the
  // output and named them in the errors (`priority` instead of `urgency`), so the JSON diff cannot
  // show them; they are listed from the errors, on the side that answered them.
  const dropped = { a: new Set(droppedKeysOf(a?.errors)), b: new Set(droppedKeysOf(b?.errors)) };
  const droppedChanges = [...new Set([...dropped.a, ...dropped.b])].filter((k) => dropped.a.has(k) !== dropped.b.has(k));
  const changedFields = new Set([...changes.map((c) => String(c.path[0] ?? '')), ...droppedChanges]);
  const keys = [...new Set([...Object.keys(a?.output ?? {}), ...Object.keys(b?.output ?? {}), ...dropped.a, ...dropped.b])];
  return (
    <div className="drift-pair-body">
      <article className="drift-message" aria-label="Message" data-testid="drift-pair-message">
        <h3 className="drift-message-subject">{pair.subject || <span className="muted">(no subject)</span>}</h3>
        <div className="drift-message-text">{pair.text}</div>
      </article>

      <section className="drift-diff" aria-label="Field differences">
        <h3>Differences</h3>
        {!a || !b ? (
          <p className="muted">{!a && !b ? 'Neither run extracted this message.' : `Only run ${a ? 'A' : 'B'} extracted this message.`}</p>
        ) : changes.length === 0 && droppedChanges.length === 0 ? (
          <p className="muted" data-testid="drift-diff-none">
            The two answers are the same.
          </p>
        ) : (
          <ul className="drift-diff-list" data-testid="drift-diff">
            {changes.map((c, i) => (
              <DiffLine key={i} change={c} />
            ))}
            {droppedChanges.map((k) => (
              <li key={`dropped-${k}`} data-kind="dropped" data-testid="drift-diff-dropped">
                <code className="drift-diff-path">{k}</code>: answered only in {dropped.b.has(k) ? 'B' : 'A'}, and dropped there as no field of the schema
              </li>
            ))}
          </ul>
        )}
        <div className="table-scroll">
          <table className="table drift-outputs" data-testid="drift-outputs">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">A</th>
                <th scope="col">B</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k} className={changedFields.has(k) ? 'is-changed' : ''} data-testid="drift-output-row" data-field={k} data-changed={changedFields.has(k)}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>
                    <Value value={a?.output[k]} dropped={dropped.a.has(k)} />
                  </td>
                  <td>
                    <Value value={b?.output[k]} dropped={dropped.b.has(k)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="drift-traces">
        <Side name="A" run={pair.runs.a} extraction={a} rulebook={rulebook} />
        <Side name="B" run={pair.runs.b} extraction={b} rulebook={rulebook} />
      </div>
    </div>
  );
}

function Value({ value, dropped = false }: { value: JsonValue | undefined; dropped?: boolean }) {
  if (value === undefined && dropped) return <span className="null-value" data-testid="drift-value-dropped">answered, dropped (no field)</span>;
  if (value === undefined) return <span className="null-value">absent</span>;
  if (value === null) return <span className="null-value">null</span>;
  return <span className="drift-value">{valueText(value)}</span>;
}

function DiffLine({ change }: { change: FieldChange }) {
  const path = <code className="drift-diff-path">{formatPath(change.path)}</code>;
  switch (change.kind) {
    case 'changed':
      return (
        <li data-kind="changed" data-testid="drift-diff-line">
          {path}: <del>{valueText(change.from)}</del> → <ins>{valueText(change.to)}</ins>
        </li>
      );
    case 'added':
      return (
        <li data-kind="added" data-testid="drift-diff-line">
          {path}: only in B <ins>{valueText(change.to)}</ins>
        </li>
      );
    case 'removed':
      return (
        <li data-kind="removed" data-testid="drift-diff-line">
          {path}: only in A <del>{valueText(change.from)}</del>
        </li>
      );
    case 'moved':
      return (
        <li data-kind="moved" data-testid="drift-diff-line">
          {path}: moved to [{change.toIndex}]{change.value !== undefined ? <> ({valueText(change.value)})</> : null}
        </li>
      );
  }
}

function Side({ name, run, extraction, rulebook }: { name: 'A' | 'B'; run: RunRecord; extraction: ExtractionRecord | null; rulebook: Parameters<typeof WhyPanel>[0]['rulebook'] }) {
  return (
    <section className="drift-side" aria-label={`Run ${name}`} data-testid={`drift-side-${name.toLowerCase()}`}>
      <header className="drift-side-head">
        <strong>{name}</strong> <span className="muted">{runLabel(run)}</span> {extraction ? <ValidityBadge valid={extraction.valid} /> : null}
      </header>
      {!extraction ? (
        <p className="muted">Not extracted in this run.</p>
      ) : (
        <>
          {extraction.errors.length > 0 ? (
            <ul className="field-errors" data-testid="drift-side-errors">
              {extraction.errors.map((e, i) => (
                <li key={i}>
                  <code>{e.path || '(whole answer)'}</code>: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          <WhyPanel trace={extraction.trace} rulebook={rulebook} />
        </>
      )}
    </section>
  );
}
