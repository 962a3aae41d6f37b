// Deployments: the production services the team added by the URL of their status report. Polled when
// the screen opens and every 15 seconds while it stays open (and on Refresh); shown per label: the
// version the label points at, each service's version with a match or mismatch marker, since when,
// when it was last polled, and a refused version with its error. What services report is untrusted
// and shown as text only.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { FormActions } from '../../components/FormActions';
import { formatDateTime } from '../../components/format';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useBusyAction } from '../../components/useBusyAction';
import { useStores } from '../../stores';
import type { DeploymentRecord, LabelsState } from '../../../../shared/src/api/records.js';
import { groupDeployments, groupSentence, numberOf, runsText, textOf, type LabelGroup } from './groups';
import '../publish/publish.css';

export const POLL_INTERVAL_MS = 15_000;

export function DeploymentsScreen() {
  const { api } = useStores();
  const [deployments, setDeployments] = useState<DeploymentRecord[] | null>(null);
  const [labels, setLabels] = useState<LabelsState | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [polling, setPolling] = useState(true);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<DeploymentRecord | null>(null);
  const alive = useRef(true);
  const inFlight = useRef(false);

  const loadLabels = useCallback(
    () =>
      api.listLabels({}).then(
        (state) => alive.current && setLabels(state),
        (error: unknown) => alive.current && setFailure(toFailure(error)),
      ),
    [api],
  );

  const poll = useCallback(() => {
    if (inFlight.current) return Promise.resolve();
    inFlight.current = true;
    return api.pollDeployments({}).then(
      (list) => {
        inFlight.current = false;
        if (!alive.current) return;
        setDeployments(list);
        setFailure(null);
        setPolling(false);
      },
      (error: unknown) => {
        inFlight.current = false;
        if (!alive.current) return;
        setFailure(toFailure(error));
        setPolling(false);
      },
    );
  }, [api]);

  const refresh = useCallback(() => Promise.all([loadLabels(), poll()]).then(() => undefined), [loadLabels, poll]);

  useEffect(() => {
    alive.current = true;
    // What is known shows at once; the poll's answers follow.
    api.listDeployments({}).then(
      (list) => alive.current && !inFlight.current && setDeployments((d) => d ?? list),
      () => undefined,
    );
    void refresh();
    const timer = setInterval(() => void poll(), POLL_INTERVAL_MS);
    return () => {
      alive.current = false;
      clearInterval(timer);
    };
  }, [api, poll, refresh]);

  useEffect(
    () =>
      api.on('publishChanged', () => {
        void loadLabels();
        void api.listDeployments({}).then(
          (list) => alive.current && setDeployments(list),
          () => undefined,
        );
      }),
    [api, loadLabels],
  );

  const grouped = deployments && labels ? groupDeployments(labels.labels, deployments) : null;

  return (
    <div className="page deployments" data-testid="deployments-screen">
      <header className="page-header">
        <h2>Deployments</h2>
        <p className="muted">The production services that report their status: which version each runs, per label. Polled every 15 seconds while this screen is open.</p>
      </header>
      <div className="deployments-toolbar">
        <button type="button" className="button button-primary" onClick={() => setAdding(true)} data-testid="deployment-add">
          Add a service…
        </button>
        <button type="button" className="button" onClick={() => {
            setPolling(true);
            void refresh();
          }}
          disabled={polling} data-testid="deployments-refresh">
          {polling ? 'Polling…' : 'Refresh'}
        </button>
      </div>
      {failure ? (
        deployments ? (
          <p className="field-error" role="alert" data-testid="deployments-error">
            {`The services could not be polled: ${failure.message}`}
          </p>
        ) : (
          <ErrorState
            title="The services could not be polled"
            failure={failure}
            onRetry={() => {
              setPolling(true);
              void refresh();
            }}
          />
        )
      ) : null}
      {!deployments && !failure ? <Loading label="Polling the services…" /> : null}
      {deployments && deployments.length === 0 ? (
        <EmptyState title="No services yet" testId="deployments-empty">
          Add a production service by the URL of its status report (…/casebook/status): this screen then shows which version it runs.
        </EmptyState>
      ) : null}
      {grouped && deployments && deployments.length > 0 ? (
        <ul className="deployment-list">
          {grouped.groups
            .filter((g) => g.version > 0 || g.services.length > 0)
            .map((g) => (
              <Group key={g.label} group={g} onRemove={setRemoving} />
            ))}
          {grouped.other.length > 0 ? (
            <li className="deployment-group" data-testid="deployment-group" data-label="">
              <h3>Services not following a label</h3>
              <p className="muted">They did not answer, or the file they load is not named after a label.</p>
              {grouped.other.map((d) => (
                <Service key={d.id} deployment={d} match={null} onRemove={setRemoving} />
              ))}
            </li>
          ) : null}
        </ul>
      ) : null}
      {deployments && deployments.length > 0 && !labels && !failure ? <Loading label="Loading labels…" /> : null}
      {adding ? (
        <AddServiceDialog
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            void poll();
          }}
        />
      ) : null}
      {removing ? (
        <RemoveServiceDialog
          deployment={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            void api.listDeployments({}).then(
              (list) => alive.current && setDeployments(list),
              () => undefined,
            );
          }}
        />
      ) : null}
    </div>
  );
}

function Group({ group, onRemove }: { group: LabelGroup; onRemove: (d: DeploymentRecord) => void }) {
  return (
    <li className="deployment-group" data-testid="deployment-group" data-label={group.label}>
      <h3>
        {group.label} → {group.version ? `v${group.version}` : 'not set'}
      </h3>
      <p className="muted" data-testid="deployment-summary">
        {groupSentence(group)}
      </p>
      {group.services.map((s) => (
        <Service key={s.deployment.id} deployment={s.deployment} match={s.match} onRemove={onRemove} />
      ))}
    </li>
  );
}

/** "1,234 extractions, 5 invalid", from counts a service reported (missing or odd ones left out). */
function countsText(counts: unknown): string {
  const c = counts && typeof counts === 'object' ? (counts as Record<string, unknown>) : {};
  const extractions = numberOf(c.extractions);
  const invalid = numberOf(c.invalid);
  const parts = [extractions === null ? null : `${extractions.toLocaleString()} extractions`, invalid === null ? null : `${invalid.toLocaleString()} invalid`].filter((p) => p !== null);
  return parts.length ? ` · ${parts.join(', ')}` : '';
}

function Service({ deployment: d, match, onRemove }: { deployment: DeploymentRecord; match: boolean | null; onRemove: (d: DeploymentRecord) => void }) {
  // What a service reported is untrusted: objects checked, only strings and numbers shown.
  const active = d.status?.active && typeof d.status.active === 'object' ? d.status.active : null;
  const refused = d.status?.lastError && typeof d.status.lastError === 'object' ? d.status.lastError : null;
  const refusedVersion = numberOf(refused?.rulebook && typeof refused.rulebook === 'object' ? refused.rulebook.version : undefined);
  const activeVersion = numberOf(active?.version);
  return (
    <div className="deployment-service" data-testid="deployment-service" data-service={d.name} data-match={match === null ? 'unknown' : String(match)}>
      <div>
        <strong>{textOf(d.name)}</strong>
        <div className="deployment-url">{textOf(d.statusUrl)}</div>
      </div>
      <div>
        <span data-testid="deployment-runs">{runsText(d)}</span>{' '}
        {match === true ? (
          <span className="deployment-match" aria-label="matches the label">
            ✓
          </span>
        ) : match === false ? (
          <span className="deployment-mismatch" aria-label="does not match the label">
            ✗ not the label's version
          </span>
        ) : null}
        <div className="muted">
          {active ? `since ${formatDateTime(textOf(active.since))} · ` : ''}last polled {formatDateTime(textOf(d.lastPolledAt))}
          {d.status ? countsText(d.status.counts) : ''}
        </div>
        <button type="button" className="link-button" onClick={() => onRemove(d)} data-testid={`deployment-remove-${d.id}`}>
          Remove
        </button>
      </div>
      {refused ? (
        <div className="deployment-refused" role="alert" data-testid="deployment-refused">
          Refused {refusedVersion ? `v${refusedVersion}` : 'a version'} at {formatDateTime(textOf(refused.at))} ({textOf(refused.source, 'unknown source')}): {textOf(refused.message)}
          {active ? ` It keeps serving ${numberOf(d.version) !== null ? `v${d.version}` : activeVersion !== null ? `v${activeVersion}` : 'its version'}.` : ''}
        </div>
      ) : null}
      {d.error ? (
        <div className="deployment-refused" role="alert" data-testid="deployment-poll-error">
          The service did not answer: {textOf(d.error)}
        </div>
      ) : null}
    </div>
  );
}

function AddServiceDialog({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { api } = useStores();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const { busy, failure, run } = useBusyAction();
  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await api.saveDeployment({ name: name.trim(), statusUrl: url.trim() });
      onSaved();
    });
  }
  return (
    <Dialog title="Add a service" onClose={onClose} testId="deployment-dialog">
      <form onSubmit={submit}>
        <label className="form-row">
          <span>Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="checkout-api" data-testid="deployment-name" />
        </label>
        <label className="form-row">
          <span>Status URL</span>
          <input className="input" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required spellCheck={false} placeholder="http://checkout-api.internal:8080/casebook/status" data-testid="deployment-url" />
        </label>
        <FormActions failure={failure} failureTestId="deployment-form-error" label="Add" busyLabel="Adding…" busy={busy} testId="deployment-save" onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function RemoveServiceDialog({ deployment, onClose, onRemoved }: { deployment: DeploymentRecord; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStores();
  // A failed attempt's message stays shown while the next one runs.
  const { busy, failure, run } = useBusyAction({ keepFailure: true });
  const remove = () =>
    void run(async () => {
      await api.deleteDeployment({ id: deployment.id });
      onRemoved();
    });
  return (
    <Dialog title={`Remove ${deployment.name}`} onClose={onClose} testId="deployment-remove-dialog">
      <p>The app stops polling this service. The service itself is not touched.</p>
      <FormActions failure={failure} label="Remove" tone="danger" busy={busy} onSubmit={remove} testId="deployment-remove-confirm" onCancel={onClose} />
    </Dialog>
  );
}
