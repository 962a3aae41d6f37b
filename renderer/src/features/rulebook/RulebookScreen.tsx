// The draft rulebook, edited in the app: a summary, the fields of its schema, its instructions and
// model settings, and the history of its changes. Each tab is its own component.
import { useState } from 'react';
import { Tabs } from '../../components/Tabs';
import { ErrorState, Loading } from '../../components/States';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { useNavigation } from '../../stores';
import { DraftHistory } from './DraftHistory';
import { InstructionsEditor } from './InstructionsEditor';
import { ModelSettingsEditor } from './ModelSettingsEditor';
import { RulebookSummary } from './RulebookSummary';
import { SchemaEditor } from './SchemaEditor';

export type RulebookTab = 'summary' | 'fields' | 'instructions' | 'model' | 'history';
const TABS: readonly RulebookTab[] = ['summary', 'fields', 'instructions', 'model', 'history'];

export function RulebookScreen() {
  const { rulebook, error, load } = useRulebookLoaded();
  // A link may name the tab to open (Settings › "Edit them in Rulebook › Model").
  const focusId = useNavigation((s) => s.focusId);
  const [tab, setTab] = useState<RulebookTab>(() => (TABS.includes(focusId as RulebookTab) ? (focusId as RulebookTab) : 'summary'));
  if (error) return <ErrorState title="The rulebook could not be loaded" failure={error} onRetry={() => void load()} />;
  if (!rulebook) return <Loading label="Loading the rulebook…" />;
  return (
    <div className="page" data-testid="rulebook-screen">
      <header className="page-header">
        <h2 data-testid="rulebook-name">{rulebook.name}</h2>
        <p className="muted">Draft, will publish as version {rulebook.version}</p>
      </header>
      <Tabs
        label="Rulebook"
        selected={tab}
        onSelect={(id) => setTab(id as RulebookTab)}
        tabs={[
          { id: 'summary', label: 'Summary', render: () => <RulebookSummary rulebook={rulebook} /> },
          { id: 'fields', label: 'Fields', render: () => <SchemaEditor rulebook={rulebook} /> },
          { id: 'instructions', label: 'Instructions', render: () => <InstructionsEditor rulebook={rulebook} /> },
          { id: 'model', label: 'Model', render: () => <ModelSettingsEditor rulebook={rulebook} /> },
          { id: 'history', label: 'History', render: () => <DraftHistory /> },
        ]}
      />
    </div>
  );
}
