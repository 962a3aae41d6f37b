// The active extraction run: a progress bar with counts, rate and time left, Cancel while it runs,
// Resume when it was cancelled or cut short, and its per-message errors with Retry.
import { useShallow } from 'zustand/react/shallow';
import { useRuns, useStores } from '../../stores';
import { isResumable } from '../../stores/runs';
import { formatDuration, formatRate } from './format';

const STATUS: Record<string, string> = { queued: 'Queued', running: 'Running', cancelled: 'Cancelled', done: 'Done', failed: 'Failed' };

export function RunsBar() {
  const { runs, inbox, navigation } = useStores();
  const { run, progress, errors, busy, error, stale } = useRuns(
    useShallow((s) => ({ run: s.run, progress: s.progress, errors: s.errors, busy: s.busy, error: s.error, stale: s.stale })),
  );
  if (!run) return null;
  const live = (run.status === 'running' || run.status === 'queued') && !stale;
  const resumable = isResumable(run, !stale);
  const processed = run.done + run.failed;
  return (
    <section className={`runs-bar runs-bar-${run.status}`} aria-label="Extraction run" data-testid="runs-bar" data-run-id={run.id} data-status={run.status}>
      <div className="runs-line">
        <strong>{stale ? 'Interrupted' : (STATUS[run.status] ?? run.status)}</strong>
        <span data-testid="run-counts">
          {processed.toLocaleString()} of {run.total.toLocaleString()} messages
          {run.failed ? <span className="run-failed"> · {run.failed.toLocaleString()} failed</span> : null}
        </span>
        {live && progress ? (
          <span className="muted" data-testid="run-rate">
            {formatRate(progress.ratePerSecond)} · {formatDuration(progress.etaSeconds)} left
          </span>
        ) : null}
        <span className="runs-actions">
          {live ? (
            <button type="button" className="button button-small" disabled={busy} data-testid="run-cancel" onClick={() => void runs.getState().cancel()}>
              Cancel
            </button>
          ) : null}
          {resumable ? (
            <button type="button" className="button button-small button-primary" disabled={busy} data-testid="run-resume" onClick={() => void runs.getState().resume()}>
              Resume
            </button>
          ) : null}
          {!live && run.failed > 0 ? (
            <button type="button" className="button button-small" disabled={busy} data-testid="run-retry" onClick={() => void runs.getState().retry()}>
              Retry errors
            </button>
          ) : null}
          {!live ? (
            <button type="button" className="button button-quiet button-small" aria-label="Hide the run" data-testid="run-dismiss" onClick={() => runs.getState().dismiss()}>
              ×
            </button>
          ) : null}
        </span>
      </div>
      <progress
        className="run-progress"
        max={Math.max(1, run.total)}
        value={processed}
        aria-label="Run progress"
        data-testid="run-progress"
        data-done={run.done}
        data-failed={run.failed}
        data-total={run.total}
        data-status={run.status}
      />
      {error ? (
        <div className="field-error" role="alert" data-testid="run-error-message">
          {error.message}
        </div>
      ) : null}
      {errors.length > 0 ? (
        <details className="run-errors" data-testid="run-errors" open={errors.length <= 5}>
          <summary>
            {errors.length.toLocaleString()} message{errors.length === 1 ? '' : 's'} failed
          </summary>
          <ul>
            {errors.map((e) => (
              <li key={e.messageId} data-testid="run-error" data-message-id={e.messageId}>
                <button type="button" className="link-button" onClick={() => {
                    navigation.getState().go('inbox');
                    inbox.getState().select(e.messageId);
                  }}
                >
                  {e.messageId}
                </button>
                : {e.error}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
