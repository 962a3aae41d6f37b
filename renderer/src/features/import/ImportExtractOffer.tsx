// After an import: the new messages are not extracted yet. Offers to extract them in one click (a
// run over the messages whose status is new, as the inbox's "new" filter lists them), or, when
// Settings says so (Extract imported messages automatically), starts that run at once and says so.
import { useEffect, useRef, useState } from 'react';
import { useStores } from '../../stores';

type Offer = { state: 'loading' } | { state: 'ready'; count: number; auto: boolean } | { state: 'started'; count: number; auto: boolean } | { state: 'failed'; message: string };

export const NEW_MESSAGES = { filter: { status: 'new' } } as const;

export function ImportExtractOffer({ imported }: { imported: number }) {
  const { api, runs } = useStores();
  const [offer, setOffer] = useState<Offer>({ state: 'loading' });
  const begun = useRef(false);

  async function start(count: number, auto: boolean) {
    const run = await runs.getState().start(NEW_MESSAGES);
    setOffer(run ? { state: 'started', count, auto } : { state: 'failed', message: runs.getState().error?.message ?? 'the run could not start' });
  }

  useEffect(() => {
    if (begun.current) return;
    begun.current = true;
    void (async () => {
      try {
        const [counts, settings] = await Promise.all([api.getCounts({}), api.getSettings({})]);
        const count = counts.byStatus.new;
        if (count > 0 && settings.autoExtractImports) await start(count, true);
        else setOffer({ state: 'ready', count, auto: false });
      } catch (error) {
        setOffer({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (offer.state === 'loading') return null;
  if (offer.state === 'failed') {
    return (
      <p className="field-error" role="alert" data-testid="import-extract-error">
        The new messages could not be extracted: {offer.message}
      </p>
    );
  }
  const plural = (n: number) => `${n.toLocaleString()} new message${n === 1 ? '' : 's'}`;
  const earlier = offer.count > imported ? ` (${(offer.count - imported).toLocaleString()} of them from before this import)` : '';
  if (offer.state === 'started') {
    return (
      <p className="muted" role="status" data-testid="import-extract-started" data-auto={String(offer.auto)}>
        {offer.auto
          ? `Extracting the ${plural(offer.count)}${earlier} automatically, as Settings says (Extract imported messages automatically). The progress shows in the runs bar.`
          : `Extracting the ${plural(offer.count)}${earlier}. The progress shows in the runs bar.`}
      </p>
    );
  }
  if (offer.count === 0) return null;
  return (
    <div className="form-actions" data-testid="import-extract-offer">
      <button type="button" className="button button-primary" data-testid="import-extract" data-count={offer.count} onClick={() => void start(offer.count, false)}>
        Extract {plural(offer.count)}
      </button>
      <span className="muted">
        Not extracted yet{earlier}. To do this by itself after every import, turn on “Extract imported messages automatically” in Settings.
      </span>
    </div>
  );
}
