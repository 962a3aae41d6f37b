// The extracted JSON: an editable form in schema order (features/review/ExtractionForm) and the raw
// JSON one tab away. The draft is held by the review panel; the raw tab shows it as JSON.
import { useState, type Ref } from 'react';
import type { Extraction, ExtractionRecord, ExtractionSchema } from '../../api/contract';
import { ValidityBadge } from '../../components/Badge';
import { EmptyState } from '../../components/States';
import { Tabs } from '../../components/Tabs';
import { ExtractionForm, type ExtractionFormHandle, type Problem } from '../review/ExtractionForm';

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
        <span className="muted">rulebook v{extraction.rulebookVersion}</span>
      </header>
      <Tabs
        label="Extraction view"
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            id: 'fields',
            label: 'Fields',
            render: () => (
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
