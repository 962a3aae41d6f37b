// A message's extractions, newest first, with the answer of record marked (issue 10).
import type { MessageDetail } from '../../api/contract';

/** Being built: the history list and the regression notice. MessageDetailPanel mounts it below the review panel. */
export function ExtractionHistory(_props: { detail: MessageDetail }) {
  return null;
}
