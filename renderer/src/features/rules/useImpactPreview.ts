// The impact preview of a rule being made or edited (previewRule): what saving it would change.
// `previewed` says the preview shown is of the rule as it is now. With `auto: 'always'` it runs on
// its own, shortly after each change (the editor of a saved rule); with `auto: 'after-first'` the
// person asks for the first one and later edits run it again (the promote dialog).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFailure, Rule, RuleImpact } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useStores } from '../../stores';

/** How long after the last edit an automatic preview starts. */
export const IMPACT_DEBOUNCE_MS = 300;

export interface ImpactPreviewState {
  impact: { key: string; impact: RuleImpact } | null;
  previewing: boolean;
  /** The preview shown is of the rule as it is now. */
  previewed: boolean;
  failure: ApiFailure | null;
  preview(): Promise<void>;
}

export function useImpactPreview(rule: Rule, options: { auto: 'always' | 'after-first' }): ImpactPreviewState {
  const { api } = useStores();
  const key = JSON.stringify(rule);
  const [impact, setImpact] = useState<{ key: string; impact: RuleImpact } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [failure, setFailure] = useState<{ key: string; failure: ApiFailure } | null>(null);
  const asked = useRef(0);

  // `rule` is memoised by the caller: this changes only when the rule does.
  const preview = useCallback(async () => {
    const current = rule;
    const k = JSON.stringify(current);
    const n = ++asked.current;
    setPreviewing(true);
    try {
      const result = await api.previewRule({ rule: current });
      if (n !== asked.current) return;
      setImpact({ key: k, impact: result });
      setFailure(null);
    } catch (error) {
      if (n !== asked.current) return;
      setFailure({ key: k, failure: toFailure(error) });
    } finally {
      if (n === asked.current) setPreviewing(false);
    }
  }, [api, rule]);

  const autoOn = options.auto === 'always' || impact !== null;
  const stale = impact?.key !== key && failure?.key !== key;
  useEffect(() => {
    if (!autoOn || !stale) return;
    const timer = setTimeout(() => void preview(), IMPACT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [autoOn, stale, key, preview]);

  return { impact, previewing, previewed: impact?.key === key, failure: failure?.failure ?? null, preview };
}
