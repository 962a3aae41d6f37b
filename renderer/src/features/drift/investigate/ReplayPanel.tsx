// Replay and attribution: re-run imported production traces under a rulebook (the draft or a
// published version) and model, and see how many answers are the same and how many differ, the
// differences split by cause: the rulebook's doing, the model's (same rulebook, another answer), or
// traffic (a new kind of message with no close precedent). Each count drills into its items: time,
// message, changed fields with production's value beside the replay's, the attribution and why,
// and Open in review when the workspace has the message. Past replays are listed. No props.
import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ApiArgs } from '../../../api/contract';
import { ATTRIBUTIONS } from '../../../../../shared/src/api/drift-schemas.js';
import type { Attribution, ReplayItem, ReplayReport } from '../../../../../shared/src/api/records.js';
import { Chip, ValidityBadge } from '../../../components/Badge';
import { formatDateTime } from '../../../components/format';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { useStores } from '../../../stores';
import { useRulebookLoaded } from '../../useRulebookLoaded';
import { providerModel, rulebookLabel } from '../runLabel';
import {
  percent,
  plural,
  ProgressBar,
  providerArgs,
  ProviderModelFields,
  useEffectiveProvider,
  useOpenInReview,
  usePanelStore,
  useVersions,
  Value,
  VersionSelect,
  type ProviderModelChoice,
  type VersionChoice,
} from './common';
import { createReplayStore } from './replayStore';
import './investigate.css';

export const ATTRIBUTION_LABELS: Record<Attribution, { title: string; hint: string }> = {
  rulebook: { title: 'Rulebook', hint: 'another version, or other rules fired or precedents shown' },
  model: { title: 'Model', hint: 'the same rulebook gave another answer' },
  traffic: { title: 'Traffic', hint: 'a new kind of message, no close precedent' },
};

const DAY = 24 * 60 * 60 * 1000;

export function ReplayPanel() {
  const store = usePanelStore('replay', createReplayStore);
  const { api } = useStores();
  const s = useStore(
    store,
    useShallow((x) => ({
      replays: x.replays,
      listError: x.listError,
      report: x.report,
      attribution: x.attribution,
      items: x.items,
      nextCursor: x.nextCursor,
      loading: x.loading,
      loadingMore: x.loadingMore,
      error: x.error,
      progress: x.progress,
      starting: x.starting,
      startError: x.startError,
      cancelling: x.cancelling,
    })),
  );
  useRulebookLoaded();

  useEffect(() => {
    const state = store.getState();
    void state.loadList();
    // Back on the panel: catch up with what happened to the replay shown while it was away.
    if (state.report && (state.report.status === 'queued' || state.report.status === 'running')) void state.show(state.report.id, state.attribution);
    return api.on('driftChanged', (event) => store.getState().onEvent(event));
  }, [api, store]);

  return (
    <section className="investigate" aria-label="Replay and attribution" data-testid="replay-panel">
      <ReplayForm disabled={s.starting || s.progress !== null} onStart={(args) => store.getState().start(args)} />
      {s.startError ? (
        <div className="field-error" role="alert" data-testid="replay-start-error">
          The replay could not start: {s.startError.message}
        </div>
      ) : null}
      {s.progress ? (
        <ProgressBar label="Replay" unit="trace" progress={s.progress} cancelling={s.cancelling} onCancel={() => void store.getState().cancel()} testId="replay-progress" />
      ) : null}
      <div className="investigate-columns investigate-columns-narrow">
        <section className="investigate-left" aria-label="Past replays">
          <h3>Past replays</h3>
          {s.listError && !s.replays ? (
            <ErrorState title="The replays could not be listed" failure={s.listError} onRetry={() => void store.getState().loadList()} />
          ) : s.replays === null ? (
            <Loading label="Loading replays…" />
          ) : s.replays.length === 0 ? (
            <p className="muted" data-testid="replay-list-empty">
              No replay yet.
            </p>
          ) : (
            <ul className="investigate-list" data-testid="replay-list">
              {s.replays.map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className={`investigate-row${s.report?.id === r.id ? ' is-selected' : ''}`}
                    aria-current={s.report?.id === r.id ? 'true' : undefined}
                    data-testid="replay-list-item"
                    data-replay-id={r.id}
                    onClick={() => void store.getState().show(r.id)}
                  >
                    <span className="drift-row-line">
                      <strong>{rulebookLabel(r.rulebook)}</strong>
                      <span className="muted">{providerModel(r.provider, r.model)}</span>
                      {r.status !== 'done' ? <span className={`badge${r.status === 'failed' ? ' badge-invalid' : ''}`}>{r.status}</span> : null}
                    </span>
                    <span className="muted">
                      {plural(r.total, 'trace')} · {r.differ.toLocaleString()} differ
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="investigate-right">
          {s.error ? (
            <ErrorState title="The replay could not be loaded" failure={s.error} onRetry={() => (s.report ? void store.getState().show(s.report.id, s.attribution) : void store.getState().loadList())} />
          ) : !s.report ? (
            s.loading || s.starting ? (
              <Loading label="Loading the replay…" />
            ) : (
              <EmptyState title="No replay shown" testId="replay-empty">
                Replay production traces under the draft or a version (above), or open a past replay.
              </EmptyState>
            )
          ) : (
            <ReplayReportView
              report={s.report}
              attribution={s.attribution}
              items={s.items}
              loading={s.loading}
              hasMore={s.nextCursor !== null}
              loadingMore={s.loadingMore}
              onDrill={(a) => void store.getState().drill(a)}
              onLoadMore={() => void store.getState().loadMore()}
            />
          )}
        </div>
      </div>
    </section>
  );
}

/** A date input's day (local), as the instant it starts. */
function dayStart(day: string): Date | null {
  const d = new Date(`${day}T00:00:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function ReplayForm({ disabled, onStart }: { disabled: boolean; onStart(args: ApiArgs<'startReplay'>): Promise<boolean> }) {
  const { versions } = useVersions();
  const [range, setRange] = useState<'week' | 'dates'>('week');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [source, setSource] = useState('');
  const [version, setVersion] = useState<VersionChoice>('draft');
  const [choice, setChoice] = useState<ProviderModelChoice>({ provider: null, model: null });
  const effective = useEffectiveProvider(choice);
  const [limit, setLimit] = useState(10_000);
  const [busy, setBusy] = useState(false);

  const fromDay = from ? dayStart(from) : null;
  const toDay = to ? dayStart(to) : null;
  const datesProblem = range === 'dates' && fromDay && toDay && fromDay > toDay ? 'The window ends before it starts.' : null;
  const validLimit = Number.isInteger(limit) && limit >= 1 && limit <= 100_000;
  const canStart = !disabled && !busy && !datesProblem && validLimit && (effective.provider !== 'openai' || effective.model.trim() !== '');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const args: ApiArgs<'startReplay'> = { version, limit, ...providerArgs(effective) };
    if (range === 'week') {
      const now = Date.now();
      args.from = new Date(now - 7 * DAY).toISOString();
      args.to = new Date(now).toISOString();
    } else {
      if (fromDay) args.from = fromDay.toISOString();
      // The whole of the last day.
      if (toDay) args.to = new Date(toDay.getTime() + DAY).toISOString();
    }
    if (source.trim()) args.source = source.trim();
    setBusy(true);
    await onStart(args);
    setBusy(false);
  };

  return (
    <form className="investigate-form" aria-label="New replay" data-testid="replay-form" onSubmit={(e) => void submit(e)}>
      <fieldset className="form-row investigate-scope">
        <legend>Traces</legend>
        <label className="checkbox">
          <input type="radio" name="replay-range" checked={range === 'week'} data-testid="replay-range-week" onChange={() => setRange('week')} /> The last 7 days
        </label>
        <label className="checkbox">
          <input type="radio" name="replay-range" checked={range === 'dates'} data-testid="replay-range-dates" onChange={() => setRange('dates')} /> From
        </label>
        <input
          type="date"
          className="input"
          value={from}
          aria-label="From (first day)"
          data-testid="replay-from"
          onChange={(e) => {
            setFrom(e.target.value);
            setRange('dates');
          }}
        />
        <span className="muted">to</span>
        <input
          type="date"
          className="input"
          value={to}
          aria-label="To (last day)"
          data-testid="replay-to"
          onChange={(e) => {
            setTo(e.target.value);
            setRange('dates');
          }}
        />
      </fieldset>
      <label className="form-row">
        <span>Source (optional)</span>
        <input className="input" value={source} maxLength={500} placeholder="every source" data-testid="replay-source" onChange={(e) => setSource(e.target.value)} />
      </label>
      <VersionSelect value={version} onChange={setVersion} versions={versions} testId="replay-version" />
      <ProviderModelFields choice={choice} onChange={setChoice} idPrefix="replay" />
      <label className="form-row">
        <span>At most</span>
        <input type="number" className="input investigate-number-wide" min={1} max={100_000} value={Number.isNaN(limit) ? '' : limit} aria-invalid={!validLimit} data-testid="replay-limit" onChange={(e) => setLimit(e.target.valueAsNumber)} />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!canStart} data-testid="replay-start">
          {busy ? 'Starting…' : 'Start'}
        </button>
        {datesProblem ? <span className="field-error">{datesProblem}</span> : null}
        {!validLimit ? <span className="field-error">1 to 100,000 traces.</span> : null}
      </div>
    </form>
  );
}

function ReplayReportView({
  report,
  attribution,
  items,
  loading,
  hasMore,
  loadingMore,
  onDrill,
  onLoadMore,
}: {
  report: ReplayReport;
  attribution: Attribution | null;
  items: ReplayItem[];
  loading: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  onDrill(a: Attribution | null): void;
  onLoadMore(): void;
}) {
  const compared = report.same + report.differ;
  const split = ATTRIBUTIONS.reduce((n, a) => n + (report.attribution[a] ?? 0), 0);
  return (
    <div className="investigate-report" data-testid="replay-report" data-replay-id={report.id}>
      <p className="muted investigate-under" data-testid="replay-under">
        {report.status !== 'done' ? <strong className={report.status === 'failed' ? 'drift-bad' : ''}>{report.status}: </strong> : null}
        Under {rulebookLabel(report.rulebook)} · {providerModel(report.provider, report.model)} · {report.done.toLocaleString()} of {plural(report.total, 'trace')} replayed
        {report.skipped > 0 ? ` · ${report.skipped.toLocaleString()} skipped (logged without text)` : ''}
      </p>
      {report.error ? (
        <div className="field-error" role="alert" data-testid="replay-error">
          {report.error}
        </div>
      ) : null}
      <div className="investigate-summary" data-testid="replay-summary">
        <div className="drift-stat">
          <span className="drift-stat-value drift-ok" data-testid="replay-same">
            {report.same.toLocaleString()}
          </span>
          <span className="drift-stat-label">same ({percent(compared ? report.same / compared : 0)})</span>
        </div>
        <button type="button" className={`drift-stat drift-stat-button${attribution === null ? ' is-active' : ''}`} aria-pressed={attribution === null} data-testid="replay-differ" onClick={() => onDrill(null)}>
          <span className={`drift-stat-value${report.differ > 0 ? ' drift-bad' : ''}`}>{report.differ.toLocaleString()}</span>
          <span className="drift-stat-label">differ ({percent(compared ? report.differ / compared : 0)})</span>
        </button>
      </div>
      <section aria-label="Where the differences come from" className="investigate-attribution" data-testid="replay-attribution">
        {split > 0 ? (
          <div className="investigate-split" aria-hidden="true">
            {ATTRIBUTIONS.map((a) =>
              report.attribution[a] ? <span key={a} className={`investigate-split-${a}`} style={{ width: `${(report.attribution[a] / split) * 100}%` }} title={`${ATTRIBUTION_LABELS[a].title}: ${report.attribution[a]}`} /> : null,
            )}
          </div>
        ) : null}
        <div className="investigate-attribution-counts">
          {ATTRIBUTIONS.map((a) => (
            <button
              key={a}
              type="button"
              className={`drift-stat drift-stat-button investigate-cause investigate-cause-${a}${attribution === a ? ' is-active' : ''}`}
              aria-pressed={attribution === a}
              data-testid={`replay-attribution-${a}`}
              title={`Show the differences attributed to the ${a}`}
              onClick={() => onDrill(attribution === a ? null : a)}
            >
              <span className="drift-stat-value" data-testid="replay-attribution-count">
                {(report.attribution[a] ?? 0).toLocaleString()}
              </span>
              <span className="drift-stat-label">
                <strong>{ATTRIBUTION_LABELS[a].title}</strong>: {ATTRIBUTION_LABELS[a].hint}
              </span>
            </button>
          ))}
        </div>
      </section>
      <section aria-label="Differences" className="investigate-items" aria-busy={loading}>
        <div className="drift-table-head">
          <h3>{attribution ? `Differences · ${ATTRIBUTION_LABELS[attribution].title}` : 'Differences'}</h3>
          {attribution ? (
            <span className="chip drift-filter-chip" data-testid="replay-filter-chip">
              {ATTRIBUTION_LABELS[attribution].title}
              <button type="button" className="chip-remove" aria-label="Show every difference" data-testid="replay-filter-clear" onClick={() => onDrill(null)}>
                ×
              </button>
            </span>
          ) : null}
        </div>
        {loading ? (
          <Loading label="Loading the differences…" />
        ) : items.length === 0 ? (
          <p className="muted" data-testid="replay-items-empty">
            {LIVE_STATUSES.has(report.status) ? 'The replay is still going.' : attribution ? `No difference is attributed to the ${attribution}.` : 'No answer differs from production’s.'}
          </p>
        ) : (
          <ul className="investigate-list" data-testid="replay-items">
            {items.map((item) => (
              <ReplayItemView key={item.seq} item={item} />
            ))}
          </ul>
        )}
        {hasMore && !loading ? (
          <button type="button" className="button button-small drift-load-more" disabled={loadingMore} data-testid="replay-load-more" onClick={onLoadMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </section>
    </div>
  );
}

const LIVE_STATUSES = new Set(['queued', 'running']);

function ReplayItemView({ item }: { item: ReplayItem }) {
  const openInReview = useOpenInReview();
  const production = item.production;
  return (
    <li className="investigate-item" data-testid="replay-item" data-seq={item.seq} data-attribution={item.attribution}>
      <div className="drift-row-line">
        <span className="muted">{formatDateTime(item.time)}</span>
        <span className="drift-row-subject">{item.subject || (item.excerpt === null ? <span className="muted">(logged without text)</span> : <span className="muted">(no subject)</span>)}</span>
        <span className={`badge investigate-cause-badge investigate-cause-${item.attribution}`} data-testid="replay-item-attribution">
          {ATTRIBUTION_LABELS[item.attribution].title}
        </span>
        {item.messageId ? (
          <button type="button" className="button button-small" data-testid="replay-open-in-review" onClick={() => openInReview(item.messageId!)}>
            Open in review
          </button>
        ) : null}
      </div>
      {item.excerpt !== null ? <div className="drift-row-excerpt muted investigate-excerpt">{item.excerpt}</div> : null}
      <div className="investigate-why" data-testid="replay-item-why">
        {item.why}
      </div>
      <div className="table-scroll">
        <table className="table drift-outputs investigate-changes" data-testid="replay-item-changes">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">
                Production{' '}
                <span className="muted">
                  ({production.version !== null ? `v${production.version}` : rulebookLabel({ version: null, hash: production.hash })}
                  {production.model ? ` · ${production.model}` : ''})
                </span>{' '}
                <ValidityBadge valid={production.valid} />
              </th>
              <th scope="col">
                Replay <ValidityBadge valid={item.replay.valid} />
              </th>
            </tr>
          </thead>
          <tbody>
            {item.changedFields.length === 0 ? (
              <tr>
                <td colSpan={3} className="muted">
                  No field differs (validity changed).
                </td>
              </tr>
            ) : (
              item.changedFields.map((f) => (
                <tr key={f} className="is-changed" data-testid="replay-item-change" data-field={f}>
                  <th scope="row">
                    <Chip tone="warn">{f}</Chip>
                  </th>
                  <td>
                    <Value value={production.output[f]} />
                  </td>
                  <td>
                    <Value value={item.replay.output[f]} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </li>
  );
}
