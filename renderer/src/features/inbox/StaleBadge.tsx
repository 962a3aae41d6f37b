// An extraction made under an earlier schema of the draft: shown as it was, never judged by the
// schema as it is now; a re-run updates it.
import './stale.css';

export const STALE_EXPLANATION = 'Made under an earlier schema: shown as it was; re-run to update.';

export function StaleBadge() {
  return (
    <span className="badge badge-stale" title={STALE_EXPLANATION} data-testid="stale-badge">
      Stale
    </span>
  );
}
