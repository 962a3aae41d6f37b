// How many messages' extractions were made under an earlier schema of the draft, with the one action
// that re-runs them. Read again whenever the draft or the workspace's messages change.
import { useEffect, useState } from 'react';
import { useRuns, useStores } from '../../stores';

export function StaleNotice() {
  const { api, runs } = useStores();
  const busy = useRuns((s) => s.busy);
  const [stale, setStale] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      void api.listMessages({ stale: true, limit: 1 }).then(
        (page) => {
          if (live) setStale(page.total);
        },
        () => {
          if (live) setStale(null); // the count is a hint; the inbox's filter says the same
        },
      );
    load();
    const offs = [
      api.on('draftChanged', load),
      api.on('messagesChanged', load),
      api.on('runProgress', (e) => {
        if (e.status !== 'running' && e.status !== 'queued') load();
      }),
    ];
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [api]);

  if (!stale) return null;
  return (
    <p className="stale-notice" role="status" data-testid="schema-stale-notice">
      <span>
        <strong data-testid="schema-stale-count">{stale.toLocaleString('en-US')}</strong> {stale === 1 ? "message's extraction was" : "messages' extractions were"} made under an
        earlier schema: they are shown as they were.
      </span>
      <button type="button" className="button button-small" disabled={busy} data-testid="rerun-stale" onClick={() => void runs.getState().start({ filter: { stale: true } })}>
        Re-run them
      </button>
    </p>
  );
}
