// Regressions: the precedents that fail under a version (a published one, or the draft), to catch
// a fixed issue coming back. Each row: the precedent (a link to it in the Precedents screen), its
// message, each field that differs (expected → actual), the version from which it has failed
// ("never passed" when it passed in no published version) and the versions it passed in. No props.
import { useCallback, useEffect, useState } from 'react';
import type { ApiFailure } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import type { RegressionBoard } from '../../../../../shared/src/api/records.js';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { useStores } from '../../../stores';
import { percent, plural, useVersions, Value, VersionSelect, versionText, type VersionChoice } from './common';
import './investigate.css';

type Row = RegressionBoard['items'][number];

export function failingSinceText(since: Row['failingSince']): string {
  if (since === null) return 'never passed';
  return since === 'draft' ? 'failing since the draft' : `failing since v${since}`;
}

export function RegressionsPanel() {
  const { api, navigation } = useStores();
  const { versions, error: versionsError } = useVersions();
  const [version, setVersion] = useState<VersionChoice>('draft');
  const [nonce, setNonce] = useState(0);
  // The answer for a request (version and attempt): loading while the newest request has none.
  const key = `${String(version)}#${nonce}`;
  const [result, setResult] = useState<{ key: string; board: RegressionBoard | null; error: ApiFailure | null } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.regressionBoard({ version }).then(
      (board) => live && setResult({ key, board, error: null }),
      (err: unknown) => live && setResult({ key, board: null, error: toFailure(err) }),
    );
    return () => {
      live = false;
    };
  }, [api, version, key]);

  const loading = result?.key !== key;
  const error = loading ? null : (result?.error ?? null);
  const board = loading ? null : (result?.board ?? null);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const copy = (id: string) => {
    void navigator.clipboard?.writeText(id).then(
      () => setCopied(id),
      () => setCopied(null),
    );
  };

  const shown = board;
  return (
    <section className="investigate" aria-label="Regressions" data-testid="regressions-panel">
      <div className="investigate-toolbar">
        <VersionSelect label="Precedents replayed under" value={version} onChange={setVersion} versions={versions} testId="regressions-version" />
        <button type="button" className="button button-small" disabled={loading} data-testid="regressions-refresh" onClick={reload}>
          Check again
        </button>
        {versionsError ? <span className="field-error">The published versions could not be listed: {versionsError.message}</span> : null}
      </div>
      {error ? (
        <ErrorState title="The regressions board could not be made" failure={error} onRetry={reload} />
      ) : loading || !shown ? (
        <Loading label={`Replaying the precedents under ${versionText(version)}…`} />
      ) : (
        <>
          <p className="investigate-under" data-testid="regressions-summary">
            <strong className={shown.items.length > 0 ? 'drift-bad' : 'drift-ok'}>{plural(shown.items.length, 'precedent')}</strong> of {shown.total.toLocaleString()} fail under {versionText(shown.version)}
            {shown.total > 0 ? ` (${percent(shown.items.length / shown.total)})` : ''}.
          </p>
          {shown.items.length === 0 ? (
            <EmptyState title={shown.total === 0 ? 'No precedent to replay' : 'Every precedent passes'} testId="regressions-empty">
              {shown.total === 0 ? 'Correct an extraction in the inbox to make one.' : null}
            </EmptyState>
          ) : (
            <div className="table-scroll investigate-table-scroll">
              <table className="table investigate-regressions" data-testid="regressions-table">
                <thead>
                  <tr>
                    <th scope="col">Precedent</th>
                    <th scope="col">Message</th>
                    <th scope="col">Expected → actual</th>
                    <th scope="col">Since</th>
                    <th scope="col">Passed in</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.items.map((row) => (
                    <tr key={row.precedentId} data-testid="regressions-row" data-precedent-id={row.precedentId}>
                      <td>
                        <button type="button" className="link-button" data-testid="regressions-open-precedent" title="Open it in the Precedents screen" onClick={() => navigation.getState().go('precedents', row.precedentId)}>
                          <code>{row.precedentId}</code>
                        </button>{' '}
                        <button type="button" className="button button-small button-quiet" aria-label={`Copy the id ${row.precedentId}`} data-testid="regressions-copy" onClick={() => copy(row.precedentId)}>
                          {copied === row.precedentId ? 'Copied' : 'Copy'}
                        </button>
                      </td>
                      <td className="investigate-excerpt" title={row.excerpt}>
                        <span className="investigate-clamp">{row.excerpt}</span>
                      </td>
                      <td>
                        <ul className="investigate-diffs">
                          {row.fields.map((f) => (
                            <li key={f.field} data-testid="regressions-field" data-field={f.field}>
                              <code>{f.field}</code>: <Value value={f.expected} /> → <span className="drift-bad"><Value value={f.actual} /></span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td className="investigate-since" data-testid="regressions-since">{failingSinceText(row.failingSince)}</td>
                      <td data-testid="regressions-passed">{row.passedIn.length ? row.passedIn.map((v) => `v${v}`).join(', ') : <span className="muted">none</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
