// The API's filter arguments (status, queue, valid, stale, field) as the workspace's inbox filter. The inbox list
// and a run over "the current filter" read them here, so both select the same messages.
import type { ReviewStatus } from '../../shared/src/api/index.js';
import type { InboxFilter } from '../services/workspace/index.js';

/** The filter arguments of listMessages, and of a run selection's `filter`. */
export interface FilterArgs {
  status?: ReviewStatus | undefined;
  queue?: boolean | undefined;
  valid?: boolean | undefined;
  field?: InboxFilter['field'] | undefined;
  stale?: boolean | undefined;
}

/**
 * `schemaHash` is the hash of the draft's schema as it is (draft/stale.ts), what `stale` compares
 * with; null (no draft): every extraction that has a hash is stale, as `isStale` says.
 */
export function inboxFilter(args: FilterArgs, schemaHash: string | null = null): InboxFilter {
  const filter: InboxFilter = {};
  if (args.status) filter.status = args.status;
  if (args.queue !== undefined) filter.queue = args.queue;
  if (args.valid !== undefined) filter.validity = args.valid ? 'valid' : 'invalid';
  if (args.stale !== undefined) filter.stale = { stale: args.stale, schemaHash: schemaHash ?? '' };
  if (args.field) filter.field = args.field;
  return filter;
}
