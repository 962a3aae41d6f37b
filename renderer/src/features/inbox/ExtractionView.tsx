// The extracted JSON: an editable form in schema order (features/review/ExtractionForm) and the raw
// JSON one tab away. The draft is held by the review panel; the raw tab shows it as JSON. A stale
// extraction (made under an earlier schema) is shown as it was, not judged by the schema as it is
// now, until the person asks to correct it under the schema as it is.
import { useState, type Ref } from 'react';
import type { Extraction, ExtractionRecord, ExtractionSchema } from '../../api/contract';
import { ValidityBadge } from '../../components/Badge';
import { EmptyState } from '../../components/States';
import { Tabs } from '../../components/Tabs';
import { ExtractionForm, type ExtractionFormHandle, type Problem } from '../review/ExtractionForm';
import { FieldValue } from '../review/FieldValue';
import { STALE_EXPLANATION, StaleBadge } from './StaleBadge';
import './record.css';

interface Props {
  extraction: ExtractionRecord | null;
  schema: ExtractionSchema | null;
  draft?: Extraction;
  onDraftChange?: (next: Extraction) => void;
  issues?: readonly Problem[];
  formRef?: Ref<ExtractionFormHandle>;
  tab?: string;
  onTab?: (tab: string) => void;
}

export function ExtractionView({ extraction, schema, draft, onDraftChange, issues, formRef, tab: tabProp, onTab }: Props) {
  const [ownTab, setOwnTab] = useState('fields');
  const [asItWas, setAsItWas] = useState(true);
  const tab = tabProp ?? ownTab;
  const setTab = onTab ?? setOwnTab;
  if (!extraction) {
    return (
      <section className="extraction" data-testid="extraction-json" aria-label="Extraction">
        <EmptyState title="No extraction yet" testId="extraction-empty">
          This message has not been run through the extractor. Its JSON will show here once it has (press <kbd>r</kbd> to run it).
        </EmptyState>
      </section>
    );
  }
  const output = draft ?? extraction.output;
  return (
    <section className="extraction" data-testid="extraction-json" aria-label="Extraction">
      <header className="panel-header">
        <h2>Extraction</h2>
        <ValidityBadge valid={extraction.valid} />
        {extraction.stale ? <StaleBadge /> : null}
        {/* The draft it ran under, by hash (a draft has no version number yet), and whether it is still the draft. */}
        <span className="muted" data-testid="extraction-rulebook" title={extraction.rulebookHash}>
          {extraction.human ? 'a person’s answer · ' : ''}
          draft {extraction.rulebookHash.replace(/^sha256:/, '').slice(0, 8)}
          {extraction.current ? ' (current)' : ' (changed since)'}
        </span>
        {extraction.confidence !== null ? (
          <span className={`confidence${extraction.confidence < 0.6 ? ' is-low' : ''}`} data-testid="extraction-confidence" title="confidence: the why panel says why">
            {Math.round(extraction.confidence * 100)}%
          </span>
        ) : null}
      </header>
      {extraction.stale ? (
        <p className="stale-banner" role="note" data-testid="stale-notice">
          <span>{STALE_EXPLANATION}</span>
          <button type="button" className="link-button" data-testid="stale-toggle" onClick={() => setAsItWas(!asItWas)}>
            {asItWas ? 'Correct it under the schema as it is' : 'Show it as it was'}
          </button>
        </p>
      ) : null}
      <Tabs
        label="Extraction view"
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            id: 'fields',
            label: 'Fields',
            render: () =>
              extraction.stale && asItWas ? (
                <AsItWas output={extraction.output} schema={schema} />
              ) : (
                <ExtractionForm
                  ref={formRef}
                  schema={schema}
                  value={output}
                  original={extraction.output}
                  errors={extraction.errors}
                  issues={issues}
                  onChange={(next) => onDraftChange?.(next)}
                />
              ),
          },
          {
            id: 'raw',
            label: 'Raw JSON',
            render: () => (
              <pre className="code" data-testid="extraction-raw">
                {JSON.stringify(output, null, 2)}
              </pre>
            ),
          },
        ]}
      />
    </section>
  );
}

/** A stale extraction's fields as they were made: no value is judged by the schema as it is now. */
function AsItWas({ output, schema }: { output: Extraction; schema: ExtractionSchema | null }) {
  const known = new Set((schema?.fields ?? []).map((f) => f.name));
  return (
    <dl className="fields stale-fields" data-testid="extraction-as-it-was">
      {Object.entries(output).map(([name, value]) => (
        <div key={name} className="field" data-testid={`extraction-field-${name}`}>
          <dt>
            {name}
            {known.has(name) ? null : <span className="stale-gone">not in the schema now</span>}
          </dt>
          <dd>
            <FieldValue value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
