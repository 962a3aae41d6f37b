// The text rules read, as the runtime builds it: the normalised subject, a blank line, the normalised body.
import type { MessageRecord } from '../../api/contract';
import { normaliseText } from '../../../../shared/src/pipeline/normalise.js';

export function messageRuleText(m: Pick<MessageRecord, 'text' | 'subject'>): string {
  const text = normaliseText(m.text);
  const subject = m.subject ? normaliseText(m.subject).replace(/\s+/g, ' ') : '';
  return subject ? `${subject}\n\n${text}` : text;
}
