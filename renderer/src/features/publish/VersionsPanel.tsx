// The published versions, newest first. Select one to read its changelog and save it as a file; tick
// any two (or a version and the draft) to see the difference, as `casebook diff` prints it.
import { useEffect, useState } from 'react';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { Chip } from '../../components/Badge';
import { formatDateTime } from '../../components/format';
import { FailureAlert } from '../../components/FormActions';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { TableHead } from '../../components/TableHead';
import { useStores } from '../../stores';
import type { ChangelogEntry, VersionDetail, VersionDiff, VersionSummary } from '../../../../shared/src/api/records.js';
import { saveFile } from '../export/download';
import { Hash } from './shared';

type Side = number | 'draft';

export function gateText(gate: VersionSummary['gate']): string {
  if (!gate) return 'no gate';
  const parts = [`${gate.passed} passed`, `${gate.failed} failed`];
  if (gate.regressions > 0) parts.push(`${gate.regressions} regression${gate.regressions === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function VersionsPanel({ versions, failure, loading, onRetry }: { versions: VersionSummary[] | null; failure: ApiFailure | null; loading: boolean; onRetry: () => void }) {
  const [selected, setSelected] = useState<number | null>(null);
  const [compare, setCompare] = useState<Side[]>([]);
  if (!versions && failure) return <ErrorState title="The versions could not be loaded" failure={failure} onRetry={onRetry} />;
  if (!versions) return <Loading label="Loading versions…" />;
  const sorted = [...versions].sort((a, b) => b.version - a.version);

  function toggle(side: Side) {
    setCompare((c) => (c.includes(side) ? c.filter((s) => s !== side) : [...c, side].slice(-2)));
  }

  return (
    <div className="versions" data-testid="versions-panel">
      <FailureAlert failure={failure} prefix="The list may be out of date: " />
      {loading ? <span className="muted">Refreshing…</span> : null}
      {sorted.length === 0 ? (
        <EmptyState title="Nothing published yet" testId="versions-empty">
          Publish the draft to make version 1.
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table versions-table" data-testid="versions-table">
            <TableHead columns={[{ label: 'Diff', title: 'Tick two to compare' }, 'Version', 'Hash', 'Published', 'Author', 'Note', 'Labels', 'Key', 'Gate']} />
            <tbody>
              <tr className="versions-draft-row">
                <td>
                  <input type="checkbox" aria-label="Compare the draft" checked={compare.includes('draft')} onChange={() => toggle('draft')} data-testid="compare-draft" />
                </td>
                <td colSpan={8} className="muted">
                  The draft (as it is now)
                </td>
              </tr>
              {sorted.map((v) => (
                <tr key={v.version} className={selected === v.version ? 'is-focused' : undefined} data-testid="version-row" data-version={v.version}>
                  <td>
                    <input type="checkbox" aria-label={`Compare v${v.version}`} checked={compare.includes(v.version)} onChange={() => toggle(v.version)} data-testid={`compare-v${v.version}`} />
                  </td>
                  <td>
                    <button type="button" className="link-button" onClick={() => setSelected(v.version)} data-testid={`select-v${v.version}`}>
                      v{v.version}
                    </button>
                  </td>
                  <td>
                    <Hash hash={v.hash} />
                  </td>
                  <td>{formatDateTime(v.publishedAt)}</td>
                  <td>{v.author}</td>
                  <td className="cell-text">{v.note}</td>
                  <td>
                    <span className="chips">
                      {v.labels.map((l) => (
                        <Chip key={l}>{l}</Chip>
                      ))}
                    </span>
                  </td>
                  <td>{v.keyId ? <code>{v.keyId}</code> : <span className="muted">unsigned</span>}</td>
                  <td className="cell-text" data-testid="version-gate">
                    {gateText(v.gate)}
                    {v.gate?.overrideReason ? (
                      <span className="gate-override">
                        {' '}
                        · overridden: <q>{v.gate.overrideReason}</q>
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {compare.length === 2 ? <DiffView key={compare.join('-')} sides={orderSides(compare[0]!, compare[1]!)} /> : compare.length === 1 ? <p className="muted">Tick one more to compare.</p> : null}
      {selected !== null ? <VersionDetailView key={selected} version={selected} onCompareDraft={() => setCompare([selected, 'draft'])} /> : null}
    </div>
  );
}

/** Older first; the draft is the newest. */
function orderSides(a: Side, b: Side): [Side, Side] {
  if (a === 'draft') return [b, a];
  if (b === 'draft') return [a, b];
  return a < b ? [a, b] : [b, a];
}

function Changelog({ entries, testId }: { entries: ChangelogEntry[]; testId: string }) {
  if (entries.length === 0) return <p className="muted">No changes.</p>;
  return (
    <ul className="changelog" data-testid={testId}>
      {entries.map((e, i) => (
        <li key={i}>
          <span className="chip chip-muted">{e.kind}</span> {e.text}
        </li>
      ))}
    </ul>
  );
}

/** Keyed by the version: a new selection mounts it afresh. */
function VersionDetailView({ version, onCompareDraft }: { version: number; onCompareDraft: () => void }) {
  const { api, toasts } = useStores();
  const [detail, setDetail] = useState<VersionDetail | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    let live = true;
    api.getVersion({ version }).then(
      (d) => live && setDetail(d),
      (e: unknown) => live && setFailure(toFailure(e)),
    );
    return () => {
      live = false;
    };
  }, [api, version]);

  async function save() {
    setSaving(true);
    try {
      const file = await api.exportVersion({ version });
      saveFile(file);
      toasts.getState().push({ message: `Saved v${version} as ${file.name}.`, tone: 'info' });
    } catch (error) {
      toasts.getState().push({ message: `Saving v${version} failed: ${toFailure(error).message}`, tone: 'error' });
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="version-detail" data-testid="version-detail" aria-label={`Version ${version}`}>
      <header className="section-head">
        <h3>v{version}</h3>
        <button type="button" className="button button-small" onClick={() => void save()} disabled={saving} data-testid="version-save">
          {saving ? 'Saving…' : 'Save as file'}
        </button>
        <button type="button" className="button button-small" onClick={onCompareDraft} data-testid="version-compare-draft">
          Compare with the draft
        </button>
      </header>
      {failure ? <ErrorState title={`v${version} could not be loaded`} failure={failure} /> : null}
      {!detail && !failure ? <Loading label={`Loading v${version}…`} /> : null}
      {detail ? (
        <>
          <p className="muted">
            {detail.counts.fields} fields · {detail.counts.rules} rules · {detail.counts.precedents} precedents
            {detail.parent ? ` · parent v${detail.parent.version}` : ' · the first version'}
          </p>
          <h4>Changelog</h4>
          <Changelog entries={detail.changelog} testId="version-changelog" />
        </>
      ) : null}
    </section>
  );
}

function DiffView({ sides }: { sides: [Side, Side] }) {
  const { api } = useStores();
  const [diff, setDiff] = useState<VersionDiff | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [from, to] = sides;
  useEffect(() => {
    let live = true;
    api.diffVersions({ from, to }).then(
      (d) => live && setDiff(d),
      (e: unknown) => live && setFailure(toFailure(e)),
    );
    return () => {
      live = false;
    };
  }, [api, from, to]);
  const name = (s: Side) => (s === 'draft' ? 'the draft' : `v${s}`);
  return (
    <section className="version-diff" data-testid="version-diff" aria-label="Difference">
      <h3>
        From {name(from)} to {name(to)}
      </h3>
      {failure ? <ErrorState title="The difference could not be computed" failure={failure} /> : null}
      {!diff && !failure ? <Loading label="Comparing…" /> : null}
      {diff ? (
        diff.empty ? (
          <p data-testid="diff-empty">No difference: the two hold the same rulebook.</p>
        ) : (
          <>
            <Changelog entries={diff.changelog} testId="diff-changelog" />
            <pre className="code diff-text" data-testid="diff-text">
              {diff.text}
            </pre>
          </>
        )
      ) : null}
    </section>
  );
}
