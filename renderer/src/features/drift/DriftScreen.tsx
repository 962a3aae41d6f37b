// Drift (issue 12), in tabs. Compare runs: pick A (the reference) and B, or start a comparison run
// under another version, provider or model; see how many messages changed, the changes per field (a
// matrix of A's value → B's for enum and boolean fields), validity changes and keys outside the schema
// (each offering "add as alias"), each narrowing the table of changed messages; open one to see both
// answers side by side with the field diff and both traces. Production: trace files and a watched
// folder, charted over time (production/). Consistency, Replay and Regressions: investigate/.
// The tab to open may be named by a link (navigation's focusId), as the Rulebook screen's are.
import { ConsistencyPanel, RegressionsPanel, ReplayPanel } from './investigate/index.js';
import { useEffect, useRef, useState } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { useKey } from '../../app/shortcuts';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { Tabs } from '../../components/Tabs';
import { useNavigation, useStores } from '../../stores';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { ChangedTable } from './ChangedTable';
import { createDriftStore, type DriftState } from './driftStore';
import { FieldChanges } from './FieldChanges';
import { NewRunDialog } from './NewRunDialog';
import { PairView } from './PairView';
import { RunPicker } from './RunPicker';
import { Summary } from './Summary';
import type { Rerun } from './production/AddAliasButton';
import { ProductionPanel } from './production/ProductionPanel';
import { createProductionStore } from './production/productionStore';
import './drift.css';

export type DriftTab = 'compare' | 'production' | 'consistency' | 'replay' | 'regressions';
export const DRIFT_TABS: readonly DriftTab[] = ['compare', 'production', 'consistency', 'replay', 'regressions'];

/** Most changed messages gathered for a re-run (the contract's limit on a selection of ids). */
const MAX_RERUN = 100_000;

export function DriftScreen() {
  const { api } = useStores();
  const [store] = useState(() => createDriftStore(api));
  const [production] = useState(() => createProductionStore(api));
  const focusId = useNavigation((s) => s.focusId);
  const [tab, setTab] = useState<DriftTab>(() => (DRIFT_TABS.includes(focusId as DriftTab) ? (focusId as DriftTab) : 'compare'));
  useRulebookLoaded();

  // The runs and a comparison run's progress are followed whichever tab is open.
  useEffect(() => {
    void store.getState().loadRuns();
    return api.on('runProgress', (event) => store.getState().onProgress(event));
  }, [api, store]);

  return (
    <div className="page drift" data-testid="drift-screen">
      <header className="page-header">
        <h2>Drift</h2>
      </header>
      <Tabs
        label="Drift"
        selected={tab}
        onSelect={(id) => setTab(id as DriftTab)}
        tabs={[
          { id: 'compare', label: 'Compare runs', render: () => <CompareTab store={store} /> },
          { id: 'production', label: 'Production', render: () => <ProductionPanel store={production} /> },
          { id: 'consistency', label: 'Consistency', render: () => <ConsistencyPanel /> },
          { id: 'replay', label: 'Replay', render: () => <ReplayPanel /> },
          { id: 'regressions', label: 'Regressions', render: () => <RegressionsPanel /> },
        ]}
      />
    </div>
  );
}

/** The messages of the comparison whose answers have `key` (changed messages filtered by it), for a re-run. */
async function changedWith(store: StoreApi<DriftState>, api: ReturnType<typeof useStores>['api'], key: string): Promise<string[]> {
  const { a, b } = store.getState();
  if (!a || !b) return [];
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.compareRuns({ a, b, field: key, cursor, limit: 500 });
    ids.push(...page.items.map((i) => i.messageId));
    cursor = page.nextCursor;
  } while (cursor && ids.length < MAX_RERUN);
  return ids.slice(0, MAX_RERUN);
}

function CompareTab({ store }: { store: StoreApi<DriftState> }) {
  const { api, navigation, inbox } = useStores();
  const s = useStore(
    store,
    useShallow((x) => ({
      runs: x.runs,
      runsError: x.runsError,
      a: x.a,
      b: x.b,
      filter: x.filter,
      comparison: x.comparison,
      items: x.items,
      nextCursor: x.nextCursor,
      loading: x.loading,
      loadingMore: x.loadingMore,
      error: x.error,
      cursor: x.cursor,
      openId: x.openId,
      pair: x.pair,
      pairError: x.pairError,
      pending: x.pending,
      pendingError: x.pendingError,
    })),
  );
  const [dialog, setDialog] = useState(false);
  const rowsRef = useRef<HTMLDivElement>(null);

  const move = (step: 1 | -1) => {
    store.getState().move(step);
    if (!store.getState().openId) rowsRef.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus();
  };
  useKey('drift.next', () => move(1), s.items.length > 0);
  useKey('drift.previous', () => move(-1), s.items.length > 0);
  useKey('drift.close', () => store.getState().close(), s.openId !== null);

  const openInReview = (messageId: string) => {
    navigation.getState().go('inbox');
    inbox.getState().select(messageId);
  };

  const reruns = (key: string): Rerun[] => [
    {
      label: `Re-run the changed messages with ${key}`,
      testId: 'drift-alias-rerun-affected',
      selection: async () => {
        const ids = await changedWith(store, api, key);
        return ids.length ? { ids } : null;
      },
    },
    { label: 'Re-run all messages', testId: 'drift-alias-rerun-all', selection: () => Promise.resolve({ all: true }) },
  ];

  return (
    <div className="drift-compare" data-testid="drift-compare">
      {s.runsError ? (
        <ErrorState title="The runs could not be listed" failure={s.runsError} onRetry={() => void store.getState().loadRuns()} />
      ) : s.runs === null ? (
        <Loading label="Loading runs…" />
      ) : (
        <>
          <RunPicker
            runs={s.runs}
            a={s.a}
            b={s.b}
            pending={s.pending}
            pendingError={s.pendingError}
            onPick={(side, id) => store.getState().pick(side, id)}
            onSwap={() => store.getState().swap()}
            onNewRun={() => setDialog(true)}
          />
          {s.runs.filter((r) => r.status === 'done').length < 2 && !(s.a && s.b) ? (
            <EmptyState title="Two finished runs are needed to compare" testId="drift-empty">
              Run the inbox’s messages (the Re-run menu), or start a comparison run here under another version, provider or model.
            </EmptyState>
          ) : !s.a || !s.b || s.a === s.b ? (
            <EmptyState title="Pick two different runs" testId="drift-same" />
          ) : s.error && !s.comparison ? (
            <ErrorState title="The runs could not be compared" failure={s.error} onRetry={() => void store.getState().compare()} />
          ) : !s.comparison ? (
            <Loading label="Comparing the runs…" />
          ) : s.openId !== null ? (
            <PairView
              pair={s.pair}
              error={s.pairError}
              position={{ index: s.items.findIndex((i) => i.messageId === s.openId), count: s.comparison.matching }}
              onClose={() => store.getState().close()}
              onMove={(step) => store.getState().move(step)}
              onOpenInReview={openInReview}
              onRetry={() => void store.getState().open(s.openId ?? undefined)}
            />
          ) : (
            <div className="drift-overview" aria-busy={s.loading}>
              <div className="drift-left">
                <Summary comparison={s.comparison} filter={s.filter} onFilter={(f) => store.getState().setFilter(f)} reruns={reruns} />
                <FieldChanges fields={s.comparison.fields} filter={s.filter} onFilter={(f) => store.getState().setFilter(f)} />
              </div>
              <div className="drift-right" ref={rowsRef}>
                {s.error ? (
                  <div className="field-error" role="alert">
                    {s.error.message}
                  </div>
                ) : null}
                {s.loading ? (
                  <Loading label="Comparing the runs…" />
                ) : (
                  <ChangedTable
                    items={s.items}
                    matching={s.comparison.matching}
                    filter={s.filter}
                    cursor={s.cursor}
                    hasMore={s.nextCursor !== null}
                    loadingMore={s.loadingMore}
                    onMove={(step) => store.getState().move(step)}
                    onOpen={(id) => void store.getState().open(id)}
                    onLoadMore={() => void store.getState().loadMore()}
                    onClearFilter={() => store.getState().setFilter({})}
                  />
                )}
              </div>
            </div>
          )}
        </>
      )}
      {dialog ? <NewRunDialog onClose={() => setDialog(false)} onStart={(selection, against) => store.getState().startComparisonRun(selection, against)} /> : null}
    </div>
  );
}
