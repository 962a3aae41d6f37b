// The API's filter arguments (status, valid, field) as the workspace's inbox filter. The inbox list
// and a run over "the current filter" read them here, so both select the same messages.
import type { ReviewStatus } from '../../shared/src/api/index.js';
import type { InboxFilter } from '../services/workspace/index.js';

/** The filter arguments of listMessages, and of a run selection's `filter`. */
export interface FilterArgs {
  status?: ReviewStatus | undefined;
  valid?: boolean | undefined;
  field?: InboxFilter['field'] | undefined;
}

export function inboxFilter(args: FilterArgs): InboxFilter {
  const filter: InboxFilter = {};
  if (args.status) filter.status = args.status;
  if (args.valid !== undefined) filter.validity = args.valid ? 'valid' : 'invalid';
  if (args.field) filter.field = args.field;
  return filter;
}
