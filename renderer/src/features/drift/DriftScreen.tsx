// Drift: compare two runs over the messages both extracted (issue 12). Pick A (the reference) and B,
// or start a comparison run under another version, provider or model; see how many messages changed,
// the changes per field (a matrix of A's value → B's for enum and boolean fields), validity changes
// and keys outside the schema, each narrowing the table of changed messages; open one to see both
// answers side by side with the field diff and both traces.
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { useKey } from '../../app/shortcuts';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useStores } from '../../stores';
import { useRulebookLoaded } from '../useRulebookLoaded';
import { ChangedTable } from './ChangedTable';
import { createDriftStore } from './driftStore';
import { FieldChanges } from './FieldChanges';
import { NewRunDialog } from './NewRunDialog';
import { PairView } from './PairView';
import { RunPicker } from './RunPicker';
import { Summary } from './Summary';
import './drift.css';

export function DriftScreen() {
  const { api, navigation, inbox } = useStores();
  const [store] = useState(() => createDriftStore(api));
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
  useRulebookLoaded();

  useEffect(() => {
    void store.getState().loadRuns();
    return api.on('runProgress', (event) => store.getState().onProgress(event));
  }, [api, store]);

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

  return (
    <div className="page drift" data-testid="drift-screen">
      <header className="page-header">
        <h2>Drift · compare two runs</h2>
      </header>
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
                <Summary comparison={s.comparison} filter={s.filter} onFilter={(f) => store.getState().setFilter(f)} />
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
