// Consistency: run each message of a selection N times under one rulebook and model (the cache
// bypassed, the seed varied or not) and see how far the answers agree, per field and per message.
// Unstable messages come first, each with the fields that disagree; open one to see every repeat's
// answer side by side (fields × repeats, the cells that differ from the most common answer marked)
// and open it in review (unstable messages wait in the review queue). No props.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ApiArgs, JsonValue } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import type { ConsistencyItem, ConsistencyReport } from '../../../../../shared/src/api/records.js';
import { Chip, ValidityBadge } from '../../../components/Badge';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { hasActiveFilters } from '../../../stores/inbox';
import { useInbox, useRulebook, useStores } from '../../../stores';
import { useRulebookLoaded } from '../../useRulebookLoaded';
import { filterSelection } from '../../inbox/InboxToolbar';
import { providerModel, rulebookLabel } from '../runLabel';
import {
  percent,
  plural,
  ProgressBar,
  providerArgs,
  ProviderModelFields,
  sameValue,
  useEffectiveProvider,
  useOpenInReview,
  usePanelStore,
  useVersions,
  Value,
  VersionSelect,
  type ProviderModelChoice,
  type VersionChoice,
} from './common';
import { createConsistencyStore } from './consistencyStore';
import './investigate.css';

/** The most messages a repeat run takes by id (the contract's limit). */
export const MAX_IDS = 2000;

type Scope = 'all' | 'least' | 'filter';

export function ConsistencyPanel() {
  const store = usePanelStore('consistency', createConsistencyStore);
  const { api } = useStores();
  const s = useStore(
    store,
    useShallow((x) => ({
      report: x.report,
      items: x.items,
      nextCursor: x.nextCursor,
      loading: x.loading,
      loadingMore: x.loadingMore,
      error: x.error,
      progress: x.progress,
      starting: x.starting,
      startError: x.startError,
      cancelling: x.cancelling,
      openId: x.openId,
    })),
  );
  useRulebookLoaded();

  useEffect(() => {
    // Back on the panel: catch up with what happened while it was away.
    const report = store.getState().report;
    if (report && (report.status === 'queued' || report.status === 'running')) void store.getState().refresh();
    return api.on('driftChanged', (event) => store.getState().onEvent(event));
  }, [api, store]);

  const open = s.openId ? (s.items.find((i) => i.messageId === s.openId) ?? null) : null;
  // Back from a message, the keyboard is on its row again.
  const [returnTo, setReturnTo] = useState<string | null>(null);

  return (
    <section className="investigate" aria-label="Consistency" data-testid="consistency-panel">
      <ConsistencyForm disabled={s.starting || s.progress !== null} onStart={(args) => store.getState().start(args)} />
      {s.startError ? (
        <div className="field-error" role="alert" data-testid="consistency-start-error">
          The repeat run could not start: {s.startError.message}
        </div>
      ) : null}
      {s.progress ? (
        <ProgressBar label="Repeat run" unit="answer" progress={s.progress} cancelling={s.cancelling} onCancel={() => void store.getState().cancel()} testId="consistency-progress" />
      ) : null}
      {s.error ? (
        <ErrorState title="The repeat run’s report could not be loaded" failure={s.error} onRetry={() => void store.getState().refresh()} />
      ) : !s.report ? (
        s.starting ? (
          <Loading label="Starting the repeat run…" />
        ) : (
          <EmptyState title="No repeat run yet" testId="consistency-empty">
            Pick the messages and how many times to run each, then Start: messages whose answers disagree are unstable and go to the review queue.
          </EmptyState>
        )
      ) : s.progress ? null : s.loading && s.items.length === 0 ? (
        <Loading label="Loading the report…" />
      ) : open ? (
        <RepeatsView
          item={open}
          report={s.report}
          onClose={() => {
            setReturnTo(open.messageId);
            store.getState().close();
          }}
        />
      ) : (
        <ReportView
          report={s.report}
          items={s.items}
          hasMore={s.nextCursor !== null}
          loadingMore={s.loadingMore}
          focusId={returnTo}
          onLoadMore={() => void store.getState().loadMore()}
          onOpen={(id) => store.getState().open(id)}
        />
      )}
    </section>
  );
}

function ConsistencyForm({ disabled, onStart }: { disabled: boolean; onStart(args: ApiArgs<'startConsistency'>): Promise<boolean> }) {
  const { api } = useStores();
  const filters = useInbox((x) => x.filters);
  const filtered = hasActiveFilters(filters);
  const total = useInbox((x) => x.total);
  const { versions } = useVersions();
  const [scope, setScope] = useState<Scope>('all');
  const [least, setLeast] = useState(20);
  const [repeats, setRepeats] = useState(3);
  const [varySeed, setVarySeed] = useState(true);
  const [version, setVersion] = useState<VersionChoice>('draft');
  const [choice, setChoice] = useState<ProviderModelChoice>({ provider: null, model: null });
  const effective = useEffectiveProvider(choice);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  /** The selection as the contract takes it: all, or message ids listed here. */
  const selection = async (): Promise<ApiArgs<'startConsistency'>['selection'] | string> => {
    if (scope === 'all') return { all: true };
    if (scope === 'least') {
      const page = await api.listMessages({ sort: 'confidence', limit: least });
      const ids = page.items.map((m) => m.id);
      return ids.length ? { ids } : 'The workspace has no messages.';
    }
    const sel = filterSelection(filters);
    if (!('filter' in sel)) return { all: true };
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.listMessages({ ...sel.filter, sort: filters.sort, cursor, limit: 500 });
      ids.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor && ids.length < MAX_IDS);
    return ids.length ? { ids: ids.slice(0, MAX_IDS) } : 'No message matches the inbox’s filter.';
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const picked = await selection();
      if (typeof picked === 'string') {
        setProblem(picked);
        return;
      }
      await onStart({ selection: picked, repeats, varySeed, version, ...providerArgs(effective) });
    } catch (error) {
      setProblem(`The messages could not be listed: ${toFailure(error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const validLeast = Number.isInteger(least) && least >= 1 && least <= 500;
  const validRepeats = Number.isInteger(repeats) && repeats >= 2 && repeats <= 10;
  const canStart = !disabled && !busy && validRepeats && (scope !== 'least' || validLeast) && (scope !== 'filter' || filtered) && (effective.provider !== 'openai' || effective.model.trim() !== '');

  return (
    <form className="investigate-form" aria-label="New repeat run" data-testid="consistency-form" onSubmit={(e) => void submit(e)}>
      <fieldset className="form-row investigate-scope">
        <legend>Messages</legend>
        <label className="checkbox">
          <input type="radio" name="consistency-scope" checked={scope === 'all'} data-testid="consistency-scope-all" onChange={() => setScope('all')} /> All messages
        </label>
        <label className="checkbox">
          <input type="radio" name="consistency-scope" checked={scope === 'least'} data-testid="consistency-scope-least" onChange={() => setScope('least')} /> The
          <input
            type="number"
            className="input investigate-number"
            min={1}
            max={500}
            value={Number.isNaN(least) ? '' : least}
            aria-label="How many of the least confident messages"
            data-testid="consistency-least"
            onChange={(e) => {
              setLeast(e.target.valueAsNumber);
              setScope('least');
            }}
          />
          least confident
        </label>
        <label className="checkbox">
          <input type="radio" name="consistency-scope" checked={scope === 'filter'} disabled={!filtered} data-testid="consistency-scope-filter" onChange={() => setScope('filter')} /> The inbox’s filter
          {filtered ? (total !== null ? ` (${total.toLocaleString()}${total > MAX_IDS ? `, the first ${MAX_IDS.toLocaleString()}` : ''})` : '') : ' (no filter set)'}
        </label>
      </fieldset>
      <label className="form-row">
        <span>Repeats</span>
        <input
          type="number"
          className="input investigate-number"
          min={2}
          max={10}
          value={Number.isNaN(repeats) ? '' : repeats}
          aria-invalid={!validRepeats}
          data-testid="consistency-repeats"
          onChange={(e) => setRepeats(e.target.valueAsNumber)}
        />
      </label>
      <label className="checkbox investigate-check">
        <input type="checkbox" checked={varySeed} data-testid="consistency-vary-seed" onChange={(e) => setVarySeed(e.target.checked)} /> Vary the seed
      </label>
      <VersionSelect value={version} onChange={setVersion} versions={versions} testId="consistency-version" />
      <ProviderModelFields choice={choice} onChange={setChoice} idPrefix="consistency" />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!canStart} data-testid="consistency-start">
          {busy ? 'Starting…' : 'Start'}
        </button>
        {!validRepeats ? <span className="field-error">Repeats: 2 to 10.</span> : null}
        {scope === 'least' && !validLeast ? <span className="field-error">1 to 500 messages.</span> : null}
        {problem ? (
          <span className="field-error" role="alert" data-testid="consistency-problem">
            {problem}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function ReportView({
  report,
  items,
  hasMore,
  loadingMore,
  focusId,
  onLoadMore,
  onOpen,
}: {
  report: ConsistencyReport;
  items: ConsistencyItem[];
  hasMore: boolean;
  loadingMore: boolean;
  focusId: string | null;
  onLoadMore(): void;
  onOpen(id: string): void;
}) {
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!focusId) return;
    [...(listRef.current?.querySelectorAll<HTMLElement>('[data-message-id]') ?? [])].find((el) => el.getAttribute('data-message-id') === focusId)?.focus();
  }, [focusId]);
  const run = report.runs[0];
  // Unstable first, whatever order a page came in (the report's own order kept otherwise).
  const ordered = [...items].sort((x, y) => Number(y.unstableFields.length > 0) - Number(x.unstableFields.length > 0));
  return (
    <div className="investigate-report" data-testid="consistency-report">
      <div className="investigate-summary" data-testid="consistency-summary">
        <div className="drift-stat">
          <span className="drift-stat-value" data-testid="consistency-messages">
            {report.messages.toLocaleString()}
          </span>
          <span className="drift-stat-label">messages, {plural(report.repeats, 'repeat')} each</span>
        </div>
        <div className="drift-stat">
          <span className={`drift-stat-value${report.unstable > 0 ? ' drift-bad' : ''}`} data-testid="consistency-unstable">
            {report.unstable.toLocaleString()}
          </span>
          <span className="drift-stat-label">unstable ({percent(report.messages ? report.unstable / report.messages : 0)})</span>
        </div>
        <p className="muted investigate-under" data-testid="consistency-under">
          {report.status !== 'done' ? <strong className="drift-bad">{report.status === 'cancelled' ? 'Cancelled' : report.status === 'failed' ? 'Failed' : report.status}: </strong> : null}
          {run ? `${rulebookLabel(run.rulebook)} · ${providerModel(run.provider, run.model)} · ` : ''}
          {report.varySeed ? 'seed varied' : 'same seed'} · cache bypassed
        </p>
      </div>
      <div className="investigate-columns">
        <section className="investigate-left" aria-label="Agreement per field">
          <h3>Agreement per field</h3>
          {report.fields.length === 0 ? (
            <p className="muted">No field was compared.</p>
          ) : (
            <ul className="investigate-bars" data-testid="consistency-fields">
              {report.fields.map((f) => (
                <li key={f.field} data-testid="consistency-field" data-field={f.field}>
                  <div className="investigate-bar-label">
                    <code>{f.field}</code>
                    <span data-testid="consistency-field-agreement">{percent(f.agreement)}</span>
                    <span className={f.unstable > 0 ? 'drift-bad' : 'muted'} data-testid="consistency-field-unstable">
                      {f.unstable.toLocaleString()} unstable
                    </span>
                  </div>
                  <div className="investigate-bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(f.agreement * 100)} aria-label={`${f.field}: ${percent(f.agreement)} of messages agree`}>
                    <span className="investigate-bar-fill" style={{ width: `${Math.max(0, Math.min(1, f.agreement)) * 100}%` }} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="investigate-right" aria-label="Messages">
          <h3>Messages</h3>
          {ordered.length === 0 ? (
            <p className="muted" data-testid="consistency-no-items">
              {report.messages === 0 ? 'No message was answered by every repeat.' : 'Every repeat gave the same answer.'}
            </p>
          ) : (
            <ul ref={listRef} className="investigate-list" data-testid="consistency-items">
              {ordered.map((item) => (
                <li key={item.messageId}>
                  <button type="button" className="investigate-row" data-testid="consistency-item" data-message-id={item.messageId} data-unstable={item.unstableFields.length > 0} onClick={() => onOpen(item.messageId)}>
                    <span className="drift-row-line">
                      <span className="drift-row-subject">{item.subject || <span className="muted">(no subject)</span>}</span>
                      <span className="muted">{percent(item.agreement)} agree</span>
                    </span>
                    <span className="drift-row-excerpt muted">{item.excerpt}</span>
                    <span className="chips">
                      {item.unstableFields.length === 0 ? (
                        <Chip tone="muted">stable</Chip>
                      ) : (
                        item.unstableFields.map((f) => (
                          <Chip key={f} tone="warn" title={`${f} differs between repeats`}>
                            {f}
                          </Chip>
                        ))
                      )}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {hasMore ? (
            <button type="button" className="button button-small drift-load-more" disabled={loadingMore} data-testid="consistency-load-more" onClick={onLoadMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </section>
      </div>
    </div>
  );
}

/** The most common value of a row (the first of the most common on a tie). */
function modal(values: (JsonValue | undefined)[]): JsonValue | undefined {
  const counts = new Map<string, { value: JsonValue | undefined; n: number }>();
  for (const v of values) {
    const key = v === undefined ? 'undefined' : JSON.stringify(v);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { value: v, n: 1 });
  }
  let best: { value: JsonValue | undefined; n: number } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.value;
}

function RepeatsView({ item, report, onClose }: { item: ConsistencyItem; report: ConsistencyReport; onClose(): void }) {
  const schema = useRulebook((x) => x.rulebook?.schema ?? null);
  const openInReview = useOpenInReview();
  const order = (schema?.fields ?? []).map((f) => f.name);
  const present = new Set(item.answers.flatMap((a) => Object.keys(a.output)));
  const keys = [...order.filter((k) => present.has(k)), ...[...present].filter((k) => !order.includes(k)).sort()];
  const unstable = new Set(item.unstableFields);
  const backRef = useRef<HTMLButtonElement>(null);
  useEffect(() => backRef.current?.focus(), []);
  return (
    <section className="investigate-detail" aria-label="Every repeat’s answer" data-testid="consistency-detail" data-message-id={item.messageId}>
      <div className="drift-pair-bar">
        <button ref={backRef} type="button" className="button button-small" data-testid="consistency-detail-close" onClick={onClose}>
          ← Back to the messages
        </button>
        <span className="chips">
          {item.unstableFields.length === 0 ? (
            <Chip tone="muted">stable</Chip>
          ) : (
            item.unstableFields.map((f) => (
              <Chip key={f} tone="warn">
                {f}
              </Chip>
            ))
          )}
        </span>
        <button type="button" className="button button-small button-primary drift-pair-review" data-testid="consistency-open-in-review" onClick={() => openInReview(item.messageId)}>
          Open in review
        </button>
      </div>
      <article className="drift-message" aria-label="Message">
        <h3 className="drift-message-subject">{item.subject || <span className="muted">(no subject)</span>}</h3>
        <div className="drift-message-text">{item.excerpt}</div>
      </article>
      <div className="table-scroll">
        <table className="table investigate-repeats" data-testid="consistency-repeats-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              {item.answers.map((_, i) => (
                <th key={i} scope="col">
                  Repeat {i + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row" className="muted">
                validity
              </th>
              {item.answers.map((a, i) => (
                <td key={i}>
                  <ValidityBadge valid={a.valid} />
                </td>
              ))}
            </tr>
            {keys.map((k) => {
              const values = item.answers.map((a) => a.output[k]);
              const common = modal(values);
              const differs = unstable.has(k) || values.some((v) => !sameValue(v, common));
              return (
                <tr key={k} className={differs ? 'is-unstable' : ''} data-testid="consistency-repeat-row" data-field={k} data-differs={differs}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  {values.map((v, i) => {
                    const odd = differs && !sameValue(v, common);
                    return (
                      <td key={i} className={odd ? 'is-different' : ''} data-testid="consistency-repeat-cell" data-different={odd}>
                        <Value value={v} />
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {plural(report.repeats, 'repeat')}, {report.varySeed ? 'the seed varied' : 'the same seed'}. Cells that differ from the most common answer are marked.
      </p>
    </section>
  );
}
