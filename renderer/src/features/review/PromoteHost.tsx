import { useReview, useStores } from '../../stores';
import { PromoteDialog } from '../rules/PromoteDialog';

/** The promote-to-rule dialog, when a review action or a toast opened it. */
export function PromoteHost() {
  const { review } = useStores();
  const source = useReview((s) => s.promoting);
  if (!source) return null;
  return <PromoteDialog key={`${source.message.id}:${source.precedent?.id ?? ''}`} source={source} onClose={() => review.getState().endPromote()} />;
}
