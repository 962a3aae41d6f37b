// Opening a workspace that exists: the recent list (newest first; a file that is gone stays listed
// until forgotten) and a field for a file's full path. In Electron, File › Open Workspace… also
// offers the system's open dialog.
import { useId, useRef, useState } from 'react';
import type { WorkspaceState } from '../../../../shared/src/api/records.js';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useWorkspaceOpened } from '../../app/workspaceSwitch';
import { useApp, useStores } from '../../stores';
import { StartFailure } from './StartFailure';

export function OpenWorkspace({ state, onOpened, autoFocusPath }: { state: WorkspaceState; onOpened?: () => void; autoFocusPath?: boolean }) {
  const { api, app } = useStores();
  const host = useApp((s) => s.info?.host);
  const opened = useWorkspaceOpened();
  const id = useId();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const pathInput = useRef<HTMLInputElement>(null);

  async function open(file: string) {
    setBusy(file);
    setFailure(null);
    try {
      const next = await api.openWorkspace({ path: file });
      onOpened?.();
      opened(next.current?.path ?? null, 'inbox');
    } catch (error) {
      setFailure(toFailure(error));
      setBusy(null);
    }
  }

  async function forget(file: string) {
    setFailure(null);
    try {
      await api.forgetWorkspace({ path: file });
      await app.getState().refreshWorkspace();
    } catch (error) {
      setFailure(toFailure(error));
    }
  }

  const current = state.current?.path ?? null;
  const recent = state.recent;
  return (
    <div className="open-workspace" data-testid="open-workspace">
      {recent.length ? (
        <ul className="recent-list" aria-label="Recent workspaces" data-testid="recent-workspaces">
          {recent.map((w) => (
            <li key={w.path} className={`recent-item${w.path === current ? ' is-current' : ''}${w.exists ? '' : ' is-missing'}`} data-testid="recent-workspace">
              <button
                type="button"
                className="recent-open"
                disabled={busy !== null || !w.exists || w.path === current}
                onClick={() => void open(w.path)}
                title={w.exists ? w.path : `${w.path} is gone (moved or deleted)`}
                aria-current={w.path === current ? 'true' : undefined}
              >
                <span className="recent-name">{w.name || w.path}</span>
                <span className="recent-path muted">
                  {w.path}
                  {w.path === current ? ' · open now' : w.exists ? '' : ' · missing'}
                </span>
              </button>
              {w.path !== current ? (
                <button type="button" className="button button-quiet button-small" onClick={() => void forget(w.path)} aria-label={`Forget ${w.name || w.path}`} data-testid="forget-workspace">
                  Forget
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="open-path"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void open(path.trim());
        }}
      >
        <label className="form-row" htmlFor={`${id}-path`}>
          <span>Open a workspace file (its full path){host === 'electron' ? ', or use File › Open Workspace…' : ''}</span>
          <span className="open-path-row">
            <input
              ref={pathInput}
              id={`${id}-path`}
              className="input"
              value={path}
              placeholder={`${state.folder}/…casebook`}
              autoFocus={autoFocusPath}
              disabled={busy !== null}
              data-testid="open-path"
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit" className="button" disabled={busy !== null || !path.trim()} data-testid="open-path-submit">
              Open
            </button>
          </span>
        </label>
      </form>
      {busy ? (
        <p className="muted" role="status">
          Opening {busy}…
        </p>
      ) : null}
      <StartFailure failure={failure} testId="open-error" />
    </div>
  );
}
