// Where published versions and label files go: folders (a shared drive or a git working copy) and
// HTTP endpoints (PUT with a bearer token, write-only here). Each shows its last status and error;
// a failed sync is retried by the backend and never blocks work. The list follows publishChanged.
import { useState, type FormEvent } from 'react';
import type { ApiArgs, ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { FailureAlert, FormActions } from '../../components/FormActions';
import { formatDateTime } from '../../components/format';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useBusyAction } from '../../components/useBusyAction';
import { useStores } from '../../stores';
import type { SyncTargetRecord } from '../../../../shared/src/api/records.js';

const STATUS_TEXT: Record<SyncTargetRecord['status'], string> = { ok: 'ok', failed: 'failed', syncing: 'syncing…', never: 'never synced' };

export function SyncTargetsPanel({ targets, failure, onRetry, reload }: { targets: SyncTargetRecord[] | null; failure: ApiFailure | null; onRetry: () => void; reload: () => Promise<void> }) {
  const { api, toasts } = useStores();
  const [editing, setEditing] = useState<SyncTargetRecord | 'new' | null>(null);
  const [deleting, setDeleting] = useState<SyncTargetRecord | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (!targets && failure) return <ErrorState title="The sync targets could not be loaded" failure={failure} onRetry={onRetry} />;
  if (!targets) return <Loading label="Loading sync targets…" />;

  async function act(key: string, what: string, call: () => Promise<unknown>) {
    setBusy(key);
    try {
      await call();
    } catch (e) {
      toasts.getState().push({ message: `${what} failed: ${toFailure(e).message}`, tone: 'error' });
    } finally {
      setBusy(null);
      await reload();
    }
  }

  const toggle = (t: SyncTargetRecord) =>
    act(`toggle-${t.id}`, t.enabled ? 'Disabling' : 'Enabling', () =>
      api.saveSyncTarget(t.kind === 'folder' ? { id: t.id, kind: 'folder', name: t.name, path: t.path ?? '', enabled: !t.enabled } : { id: t.id, kind: 'http', name: t.name, url: t.url ?? '', enabled: !t.enabled }),
    );

  return (
    <div className="sync-targets" data-testid="sync-targets-panel">
      <FailureAlert failure={failure} prefix="The list may be out of date: " />
      <div className="form-actions">
        <button type="button" className="button" onClick={() => setEditing('new')} data-testid="sync-add">
          Add a target…
        </button>
        {targets.some((t) => t.enabled) ? (
          <button type="button" className="button" disabled={busy !== null} onClick={() => void act('all', 'Syncing', () => api.syncNow({}))} data-testid="sync-all">
            Sync all now
          </button>
        ) : null}
      </div>
      {targets.length === 0 ? (
        <EmptyState title="No sync targets" testId="sync-empty">
          Add a folder (a shared drive or a git working copy) or an HTTP endpoint: every publish and label move is written there.
        </EmptyState>
      ) : (
        <ul className="sync-list">
          {targets.map((t) => (
            <li key={t.id} className={`sync-target${t.enabled ? '' : ' is-disabled'}`} data-testid="sync-target" data-target-id={t.id}>
              <div className="sync-head">
                <span className="badge">{t.kind === 'folder' ? 'folder' : 'HTTP'}</span> <strong>{t.name}</strong>
                {t.git ? <span className="badge badge-valid">git</span> : null}
                <span className={`badge sync-status sync-status-${t.status}`} data-testid="sync-status">
                  {STATUS_TEXT[t.status]}
                </span>
                {!t.enabled ? <span className="badge">disabled</span> : null}
              </div>
              <div className="sync-where">
                <code>{t.kind === 'folder' ? t.path : t.url}</code>
                {t.kind === 'http' ? <span className="muted"> · {t.hasToken ? 'a token is stored' : 'no token'}</span> : null}
              </div>
              <dl className="facts sync-facts">
                <div>
                  <dt>Last success</dt>
                  <dd>{formatDateTime(t.lastSuccessAt)}</dd>
                </div>
                <div>
                  <dt>Last attempt</dt>
                  <dd>{formatDateTime(t.lastAttemptAt)}</dd>
                </div>
                {t.retryAt ? (
                  <div>
                    <dt>Retry at</dt>
                    <dd data-testid="sync-retry">{formatDateTime(t.retryAt)}</dd>
                  </div>
                ) : null}
                {t.lastCommit ? (
                  <div>
                    <dt>Last commit</dt>
                    <dd>
                      <code>{t.lastCommit}</code>
                    </dd>
                  </div>
                ) : null}
              </dl>
              {t.lastError ? (
                <pre className="code sync-error" role="alert" data-testid="sync-error">
                  {t.lastError}
                </pre>
              ) : null}
              <div className="form-actions">
                <button type="button" className="button button-small" disabled={busy !== null || !t.enabled} onClick={() => void act(`sync-${t.id}`, 'Syncing', () => api.syncNow({ id: t.id }))} data-testid={`sync-now-${t.id}`}>
                  {busy === `sync-${t.id}` ? 'Syncing…' : 'Sync now'}
                </button>
                <button type="button" className="button button-small" disabled={busy !== null} onClick={() => void toggle(t)} data-testid={`sync-toggle-${t.id}`}>
                  {t.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="button button-small" onClick={() => setEditing(t)} data-testid={`sync-edit-${t.id}`}>
                  Edit…
                </button>
                <button type="button" className="button button-small button-danger" onClick={() => setDeleting(t)} data-testid={`sync-delete-${t.id}`}>
                  Delete…
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <SyncTargetDialog
          target={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void reload();
          }}
        />
      ) : null}
      {deleting ? (
        <Dialog title={`Delete ${deleting.name}`} onClose={() => setDeleting(null)} testId="sync-delete-dialog">
          <p>Nothing more is synced to {deleting.kind === 'folder' ? 'this folder' : 'this endpoint'}; what was written there stays.</p>
          <FormActions
            label="Delete"
            tone="danger"
            disabled={busy !== null}
            testId="sync-delete-confirm"
            onSubmit={() => {
              const id = deleting.id;
              setDeleting(null);
              void act(`delete-${id}`, 'Deleting', () => api.deleteSyncTarget({ id }));
            }}
            onCancel={() => setDeleting(null)}
          />
        </Dialog>
      ) : null}
    </div>
  );
}

export function SyncTargetDialog({ target, onClose, onSaved }: { target: SyncTargetRecord | null; onClose: () => void; onSaved: () => void }) {
  const { api } = useStores();
  const [kind, setKind] = useState<SyncTargetRecord['kind']>(target?.kind ?? 'folder');
  const [name, setName] = useState(target?.name ?? '');
  const [path, setPath] = useState(target?.path ?? '');
  const [url, setUrl] = useState(target?.url ?? '');
  const [token, setToken] = useState('');
  const [removeToken, setRemoveToken] = useState(false);
  const { busy, failure, run } = useBusyAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    const base = { ...(target ? { id: target.id } : {}), name: name.trim(), enabled: target?.enabled ?? true };
    const args: ApiArgs<'saveSyncTarget'> =
      kind === 'folder' ? { ...base, kind: 'folder', path: path.trim() } : { ...base, kind: 'http', url: url.trim(), ...(token ? { token } : removeToken ? { token: '' } : {}) };
    void run(async () => {
      await api.saveSyncTarget(args);
      setToken('');
      onSaved();
    });
  }

  return (
    <Dialog title={target ? `Edit ${target.name}` : 'Add a sync target'} onClose={onClose} testId="sync-target-dialog">
      <form onSubmit={submit}>
        {target ? null : (
          <div className="segmented" role="radiogroup" aria-label="Kind">
            <label className="checkbox">
              <input type="radio" name="sync-kind" checked={kind === 'folder'} onChange={() => setKind('folder')} data-testid="sync-kind-folder" />
              Folder
            </label>
            <label className="checkbox">
              <input type="radio" name="sync-kind" checked={kind === 'http'} onChange={() => setKind('http')} data-testid="sync-kind-http" />
              HTTP endpoint
            </label>
          </div>
        )}
        <label className="form-row">
          <span>Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="sync-name" />
        </label>
        {kind === 'folder' ? (
          <label className="form-row">
            <span>Folder (full path)</span>
            <input className="input" value={path} onChange={(e) => setPath(e.target.value)} required spellCheck={false} placeholder="/srv/shared/rulebooks" data-testid="sync-path" />
            <span className="muted">Writes rulebook-v&lt;N&gt;.json and one file per label; in a git working copy, commits and pushes.</span>
          </label>
        ) : (
          <>
            <label className="form-row">
              <span>URL</span>
              <input className="input" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required spellCheck={false} placeholder="https://config.example.com/rulebooks/" data-testid="sync-url" />
            </label>
            <label className="form-row">
              <span>Bearer token {target?.hasToken ? '(a token is stored; type to replace it)' : '(optional)'}</span>
              <input className="input" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-testid="sync-token" />
            </label>
            {target?.hasToken ? (
              <label className="checkbox">
                <input type="checkbox" checked={removeToken} onChange={(e) => setRemoveToken(e.target.checked)} disabled={token !== ''} data-testid="sync-token-remove" />
                Remove the stored token
              </label>
            ) : null}
          </>
        )}
        <FormActions failure={failure} failureTestId="sync-form-error" label="Save" busyLabel="Saving…" busy={busy} testId="sync-save" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
