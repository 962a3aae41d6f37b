// A call that a dialog makes once its form is submitted: busy while it runs, its failure kept to show.
// On success the busy state stays (the caller closes the dialog); on failure it ends, to try again.
import { useCallback, useState } from 'react';
import type { ApiFailure } from '../api/contract';
import { toFailure } from '../api/errors';

export interface BusyAction {
  busy: boolean;
  failure: ApiFailure | null;
  /** Runs `action`; the last failure is cleared as it starts unless `keepFailure` was asked for. */
  run(action: () => Promise<unknown>): Promise<void>;
}

export function useBusyAction({ keepFailure = false }: { keepFailure?: boolean } = {}): BusyAction {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      if (!keepFailure) setFailure(null);
      try {
        await action();
      } catch (error) {
        setFailure(toFailure(error));
        setBusy(false);
      }
    },
    [keepFailure],
  );
  return { busy, failure, run };
}
