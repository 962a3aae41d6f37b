// Publish…: runs the regression gate over every precedent (progress from gateProgress events, Cancel),
// shows what it found, and publishes the draft with a note. A gate with failures blocks publishing
// until the person ticks "Publish anyway" and says why (the changelog records the reason). A draft
// that changed since the gate ran is refused by the backend (conflict): the dialog says so and offers
// to run the gate again.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { FormActions } from '../../components/FormActions';
import { useStores } from '../../stores';
import type { GateProgress, GateReport, VersionDetail } from '../../../../shared/src/api/records.js';
import { GateFailures, GateSummary } from './GateReportView';
import { shortHash } from './shared';

type Phase =
  | { kind: 'starting' }
  | { kind: 'running'; progress: GateProgress }
  | { kind: 'finished'; report: GateReport }
  | { kind: 'startFailed'; failure: ApiFailure };

export function PublishDialog({ onClose, onPublished }: { onClose: () => void; onPublished: (version: VersionDetail) => void }) {
  const { api } = useStores();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [note, setNote] = useState('');
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [publishing, setPublishing] = useState(false);
  const [publishError, setPublishError] = useState<ApiFailure | null>(null);
  const [cancelling, setCancelling] = useState(false);
  // Progress seen per gate id: an event may come before startGate answers with the gate's id.
  const seen = useRef(new Map<string, GateProgress>());
  const gateId = useRef<string | null>(null);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const finish = useCallback(
    async (id: string) => {
      try {
        const report = await api.getGate({ gateId: id });
        if (alive.current && gateId.current === id) setPhase({ kind: 'finished', report });
      } catch (error) {
        if (alive.current && gateId.current === id) setPhase({ kind: 'startFailed', failure: toFailure(error) });
      }
    },
    [api],
  );

  // Starts a gate; state is only set once it answers (the first run starts from the 'starting' phase).
  const started = useCallback(
    (report: GateReport) => {
      if (!alive.current) return;
      gateId.current = report.id;
      if (report.status !== 'running') {
        setPhase({ kind: 'finished', report });
        return;
      }
      const later = seen.current.get(report.id);
      if (later && later.status !== 'running') {
        void finish(report.id);
        return;
      }
      setPhase({ kind: 'running', progress: later ?? report });
    },
    [finish],
  );
  const refused = useCallback((error: unknown) => {
    if (alive.current) setPhase({ kind: 'startFailed', failure: toFailure(error) });
  }, []);
  // Starts a gate; state is set only once it answers (the first run starts in the 'starting' phase).
  const launch = useCallback(() => api.startGate({}).then(started, refused), [api, started, refused]);

  function start() {
    gateId.current = null;
    seen.current.clear();
    setPhase({ kind: 'starting' });
    setPublishError(null);
    setCancelling(false);
    void launch();
  }

  useEffect(
    () =>
      api.on('gateProgress', (progress) => {
        seen.current.set(progress.id, progress);
        if (progress.id !== gateId.current) return;
        if (progress.status === 'running') setPhase({ kind: 'running', progress });
        else void finish(progress.id);
      }),
    [api, finish],
  );

  useEffect(() => {
    void launch();
  }, [launch]);

  async function cancel() {
    if (!gateId.current) return;
    setCancelling(true);
    try {
      const report = await api.cancelGate({ gateId: gateId.current });
      if (alive.current && report.status !== 'running') setPhase({ kind: 'finished', report });
    } catch (error) {
      if (alive.current) setPhase({ kind: 'startFailed', failure: toFailure(error) });
    }
  }

  const report = phase.kind === 'finished' ? phase.report : null;
  const failed = report !== null && report.failed > 0;
  const canPublish = report !== null && report.status === 'done' && !publishing && (!failed || (override && reason.trim() !== ''));

  async function publish() {
    if (!report || !canPublish) return;
    setPublishing(true);
    setPublishError(null);
    try {
      const version = await api.publishDraft({ gateId: report.id, note: note.trim(), ...(failed ? { overrideReason: reason.trim() } : {}) });
      if (!alive.current) return;
      onPublished(version);
    } catch (error) {
      if (alive.current) setPublishError(toFailure(error));
    } finally {
      if (alive.current) setPublishing(false);
    }
  }

  return (
    <Dialog title="Publish the draft" onClose={onClose} testId="publish-dialog" wide>
      {phase.kind === 'starting' ? (
        <p role="status" data-testid="gate-starting">
          Starting the regression gate…
        </p>
      ) : null}

      {phase.kind === 'running' ? (
        <div data-testid="gate-running">
          <p>
            Replaying every precedent against the draft <code>{shortHash(phase.progress.draftHash)}</code>:{' '}
            <span data-testid="gate-progress-text">
              {phase.progress.done.toLocaleString()} of {phase.progress.total.toLocaleString()}
            </span>
            {phase.progress.failed > 0 ? <span className="gate-fail"> · {phase.progress.failed.toLocaleString()} failed so far</span> : null}
          </p>
          <progress className="run-progress" max={Math.max(phase.progress.total, 1)} value={phase.progress.done} aria-label="Gate progress" data-testid="gate-progress" />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => void cancel()} disabled={cancelling} data-testid="gate-cancel">
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
        </div>
      ) : null}

      {phase.kind === 'startFailed' ? <GateAlert testId="gate-error" title="The gate could not run" message={phase.failure.message} onRerun={start} /> : null}

      {report && report.status === 'cancelled' ? (
        <div data-testid="gate-cancelled">
          <p>The gate was cancelled after {report.done.toLocaleString()} of {report.total.toLocaleString()} precedents. Publishing needs a finished gate.</p>
          <RerunButton onClick={start} />
        </div>
      ) : null}

      {report && report.status === 'failed' ? <GateAlert testId="gate-error" title="The gate could not finish" message={report.error ?? 'No reason was given.'} onRerun={start} /> : null}

      {report && report.status === 'done' ? (
        <div data-testid="gate-done">
          <p className={failed ? 'gate-verdict gate-fail' : 'gate-verdict gate-pass'} data-testid="gate-verdict">
            {failed
              ? `The gate failed: ${report.failed.toLocaleString()} precedent${report.failed === 1 ? '' : 's'} no longer come${report.failed === 1 ? 's' : ''} out as taught.`
              : 'The gate passed: every precedent comes out as taught.'}
          </p>
          <GateSummary report={report} />
          <GateFailures report={report} />
          <label className="form-row">
            <span>Note</span>
            <textarea className="input" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} placeholder="What changed, for the changelog" data-testid="publish-note" />
          </label>
          {failed ? (
            <div className="publish-override" data-testid="publish-override">
              <label className="checkbox">
                <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} data-testid="publish-anyway" />
                Publish anyway
              </label>
              {override ? (
                <label className="form-row">
                  <span>Reason (recorded in the changelog)</span>
                  <textarea className="input" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="publish-reason" />
                </label>
              ) : null}
            </div>
          ) : null}
          {publishError ? (
            <GateAlert
              testId="publish-error"
              title={publishError.code === 'conflict' ? 'The draft changed since the gate ran' : 'Publishing failed'}
              message={publishError.message}
              onRerun={publishError.code === 'conflict' ? start : undefined}
            />
          ) : null}
          <FormActions
            label={failed ? 'Publish despite failures' : 'Publish'}
            busyLabel="Publishing…"
            busy={publishing}
            disabled={!canPublish}
            onSubmit={() => void publish()}
            testId="publish-confirm"
            onCancel={onClose}
            cancelLabel="Close"
          />
          {failed && !canPublish && !publishing ? <p className="muted">Tick “Publish anyway” and give a reason to publish a draft that fails the gate.</p> : null}
        </div>
      ) : null}
    </Dialog>
  );
}

function RerunButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="button" onClick={onClick} data-testid="gate-rerun">
      Run the gate again
    </button>
  );
}

/** Why the gate or the publish did not go through, with a button to run the gate again where that helps. */
function GateAlert({ testId, title, message, onRerun }: { testId: string; title: string; message: string; onRerun?: () => void }) {
  return (
    <div className="state state-error" role="alert" data-testid={testId}>
      <p className="state-title">{title}</p>
      <p className="state-body">{message}</p>
      {onRerun ? <RerunButton onClick={onRerun} /> : null}
    </div>
  );
}
