// The workspace's signing keys (Ed25519): the active one signs new versions; older ones stay listed
// (services keep trusting them) until retired. Public keys are shown, copied and exported as PEM for
// services to verify with; private keys never leave the backend, which says where it keeps them.
import { useState } from 'react';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { FailureAlert, FormActions } from '../../components/FormActions';
import { formatDateTime } from '../../components/format';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useStores } from '../../stores';
import type { SigningKeyRecord, SigningKeys } from '../../../../shared/src/api/records.js';
import { saveFile } from '../export/download';
import { CopyButton } from './shared';

type Confirm = { kind: 'rotate' } | { kind: 'retire'; key: SigningKeyRecord };

export function SigningKeysPanel({ keys, failure, onChanged, onRetry }: { keys: SigningKeys | null; failure: ApiFailure | null; onChanged: (keys: SigningKeys) => void; onRetry: () => void }) {
  const { api, toasts } = useStores();
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  if (!keys && failure) return <ErrorState title="The signing keys could not be loaded" failure={failure} onRetry={onRetry} />;
  if (!keys) return <Loading label="Loading signing keys…" />;

  async function exportPem(keyId?: string) {
    try {
      const file = await api.exportPublicKey(keyId ? { keyId } : {});
      saveFile(file);
      toasts.getState().push({ message: `Saved ${file.name}.`, tone: 'info' });
    } catch (e) {
      toasts.getState().push({ message: `The public key could not be exported: ${toFailure(e).message}`, tone: 'error' });
    }
  }

  async function run() {
    if (!confirm) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(confirm.kind === 'rotate' ? await api.rotateSigningKey({}) : await api.retireSigningKey({ keyId: confirm.key.keyId }));
      setConfirm(null);
    } catch (e) {
      setError(toFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signing-keys" data-testid="signing-keys-panel">
      <p className="muted" data-testid="key-storage">
        Where the private keys are kept: {keys.storage}
      </p>
      <FailureAlert failure={failure} prefix="The keys may be out of date: " />
      <div className="form-actions">
        <button type="button" className="button" onClick={() => setConfirm({ kind: 'rotate' })} data-testid="key-rotate">
          Rotate…
        </button>
        {keys.keys.some((k) => !k.retiredAt) ? (
          <button type="button" className="button" onClick={() => void exportPem()} data-testid="key-export-all">
            Export every trusted key (PEM)
          </button>
        ) : null}
      </div>
      {keys.keys.length === 0 ? (
        <EmptyState title="No signing key yet" testId="keys-empty">
          The first publish makes one.
        </EmptyState>
      ) : (
        <ul className="key-list">
          {keys.keys.map((k) => (
            <li key={k.keyId} className={`key${k.retiredAt ? ' is-retired' : ''}`} data-testid="signing-key" data-key-id={k.keyId}>
              <div className="key-head">
                <code>{k.keyId}</code>{' '}
                {k.active ? <span className="badge badge-valid">active</span> : k.retiredAt ? <span className="badge">retired {formatDateTime(k.retiredAt)}</span> : <span className="badge">trusted, not signing</span>}
                <span className="muted"> created {formatDateTime(k.createdAt)}</span>
              </div>
              <pre className="code key-pem" data-testid="key-pem">
                {k.publicKeyPem}
              </pre>
              <div className="form-actions">
                <CopyButton text={k.publicKeyPem} label="Copy" testId={`key-copy-${k.keyId}`} />
                <button type="button" className="button button-small" onClick={() => void exportPem(k.keyId)} data-testid={`key-export-${k.keyId}`}>
                  Export PEM
                </button>
                {!k.active && !k.retiredAt ? (
                  <button type="button" className="button button-small button-danger" onClick={() => setConfirm({ kind: 'retire', key: k })} data-testid={`key-retire-${k.keyId}`}>
                    Retire…
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {confirm ? (
        <Dialog title={confirm.kind === 'rotate' ? 'Rotate the signing key' : `Retire key ${confirm.key.keyId}`} onClose={() => setConfirm(null)} testId="key-confirm-dialog">
          <p>
            {confirm.kind === 'rotate'
              ? 'A new key signs every version published from now on. The current key stays listed, and services keep trusting it, until you retire it. Give services the new public key before the next publish.'
              : 'A retired key is no longer listed for services to trust: versions it signed fail verification where services only trust the listed keys.'}
          </p>
          <FormActions
            failure={error}
            label={confirm.kind === 'rotate' ? 'Rotate' : 'Retire'}
            busyLabel="Working…"
            busy={busy}
            tone={confirm.kind === 'rotate' ? 'primary' : 'danger'}
            onSubmit={() => void run()}
            testId="key-confirm"
            onCancel={() => setConfirm(null)}
          />
        </Dialog>
      ) : null}
    </div>
  );
}
