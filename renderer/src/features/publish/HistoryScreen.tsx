// History: the draft against the last published version, Publish… (the regression gate, then a signed
// version), and the production loop's settings: versions and their differences, labels (promote,
// roll back), signing keys and sync targets. Every list reloads when the backend says publishChanged.
import { useCallback, useEffect, useState } from 'react';
import { ErrorState, Loading } from '../../components/States';
import { Tabs } from '../../components/Tabs';
import { useStores } from '../../stores';
import type { VersionDetail } from '../../../../shared/src/api/records.js';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { LabelsPanel } from './LabelsPanel';
import { PublishDialog } from './PublishDialog';
import { Hash, useRemote } from './shared';
import { SigningKeysPanel } from './SigningKeysPanel';
import { SyncTargetsPanel } from './SyncTargetsPanel';
import { VersionsPanel } from './VersionsPanel';
import './publish.css';

export function HistoryScreen() {
  const { api, rulebook: rulebookStore, toasts } = useStores();
  const { rulebook, error: rulebookError } = useRulebookLoaded();
  const [tab, setTab] = useState('versions');
  const [publishing, setPublishing] = useState(false);

  const versions = useRemote(useCallback(() => api.listVersions({}), [api]));
  const labels = useRemote(useCallback(() => api.listLabels({}), [api]));
  const keys = useRemote(useCallback(() => api.listSigningKeys({}), [api]));
  const targets = useRemote(useCallback(() => api.listSyncTargets({}), [api]));

  // The draft's state changes with every edit and every publish.
  useEffect(() => api.on('draftChanged', () => void rulebookStore.getState().load()), [api, rulebookStore]);
  useEffect(() => api.on('publishChanged', () => void rulebookStore.getState().load()), [api, rulebookStore]);
  // A rule or precedent saved (here or in another window) changes the draft's hash too.
  useEffect(() => api.on('messagesChanged', () => void rulebookStore.getState().load()), [api, rulebookStore]);

  function published(version: VersionDetail) {
    setPublishing(false);
    setTab('versions');
    toasts.getState().push({ message: `Published v${version.version}.`, tone: 'info' });
    void versions.reload();
    void labels.reload();
    void keys.reload();
    void targets.reload();
    void rulebookStore.getState().load();
  }

  return (
    <div className="page history" data-testid="history-screen">
      <header className="page-header history-header">
        <div>
          <h2>History</h2>
          {rulebook ? (
            <p data-testid="draft-state">
              Draft <Hash hash={rulebook.hash} testId="draft-hash" />{' '}
              <span data-testid="draft-publish-state">
                {rulebook.published ? (rulebook.changedSincePublished ? `changed since v${rulebook.published.version}` : `the same as v${rulebook.published.version}`) : 'not published yet'}
              </span>
              {' · '}publishes as v{rulebook.version}
            </p>
          ) : rulebookError ? (
            <ErrorState title="The draft could not be loaded" failure={rulebookError} onRetry={() => void rulebookStore.getState().load()} />
          ) : (
            <Loading label="Loading the draft…" />
          )}
        </div>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setPublishing(true)}
          disabled={!rulebook || rulebook.schema.fields.length === 0}
          title={rulebook && rulebook.schema.fields.length === 0 ? 'Add a field first: a rulebook needs at least one' : undefined}
          data-testid="publish-open"
        >
          Publish…
        </button>
      </header>
      <Tabs
        label="History"
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            id: 'versions',
            label: 'Versions',
            render: () => <VersionsPanel versions={versions.data} failure={versions.error} loading={versions.loading} onRetry={() => void versions.reload()} />,
          },
          {
            id: 'labels',
            label: 'Labels',
            render: () => (
              <LabelsPanel
                labels={labels.data}
                failure={labels.error}
                versions={versions.data ?? []}
                onRetry={() => void labels.reload()}
                onChanged={(s) => {
                  labels.set(s);
                  void versions.reload();
                }}
              />
            ),
          },
          { id: 'keys', label: 'Signing keys', render: () => <SigningKeysPanel keys={keys.data} failure={keys.error} onChanged={keys.set} onRetry={() => void keys.reload()} /> },
          {
            id: 'sync',
            label: 'Sync targets',
            render: () => <SyncTargetsPanel targets={targets.data} failure={targets.error} onRetry={() => void targets.reload()} reload={targets.reload} />,
          },
        ]}
      />
      {publishing ? <PublishDialog onClose={() => setPublishing(false)} onPublished={published} /> : null}
    </div>
  );
}
