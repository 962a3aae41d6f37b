// Write-only: the key typed here goes to the backend and the field is cleared. It is never read back.
// Where it is kept depends on the host: Electron encrypts it (safeStorage); the browser host keeps it
// in its memory only (from OPENAI_API_KEY or typed here) and forgets it when it stops.
import { useState, type FormEvent } from 'react';
import type { AppInfo } from '../../api/contract';
import { useSettings } from '../../stores';

const KEPT: Record<AppInfo['host'], string> = {
  // Without an OS keychain (Linux with no keyring) the shell keeps it for the session only, unwritten.
  electron: "It is kept encrypted with this computer's keychain (where there is none, for this session only) and never shown.",
  web: "It is kept in this host's memory only, forgotten when the host stops, and never shown.",
};

export function ApiKeyForm({ hasApiKey, host, keyStorage }: { hasApiKey: boolean; host: AppInfo['host'] | null; keyStorage?: string }) {
  const setApiKey = useSettings((s) => s.setApiKey);
  const saving = useSettings((s) => s.saving);
  const [key, setKey] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!key.trim()) return;
    const ok = await setApiKey(key.trim());
    setKey('');
    setMessage(ok ? 'Key stored.' : 'The key could not be stored.');
  }

  async function onClear() {
    const ok = await setApiKey('');
    setMessage(ok ? 'Key removed.' : 'The key could not be removed.');
  }

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} data-testid="api-key-form" aria-label="API key">
      <h3>API key</h3>
      <p className="muted" data-testid="api-key-status">
        {hasApiKey ? `A key is stored. ${host ? KEPT[host] : 'It is never shown.'}` : 'No key is stored.'}
      </p>
      {keyStorage ? (
        <p className="muted" data-testid="api-key-storage">
          Where the key is kept: {keyStorage}
        </p>
      ) : null}
      <label className="form-row">
        <span>{hasApiKey ? 'Replace the key' : 'Key'}</span>
        <input
          className="input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="sk-…"
          data-testid="api-key-input"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving || !key.trim()} data-testid="api-key-save">
          Store key
        </button>
        {hasApiKey ? (
          <button type="button" className="button" disabled={saving} onClick={() => void onClear()} data-testid="api-key-clear">
            Remove key
          </button>
        ) : null}
        {message ? (
          <span className="muted" role="status">
            {message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
