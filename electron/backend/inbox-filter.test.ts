// One mapping from the API's filter arguments to the workspace's inbox filter, for the inbox list
// and for a run over "the current filter": the two must select the same messages.
import { describe, expect, it } from 'vitest';
import { parseApiArgs } from '../../shared/src/api/index.js';
import { inboxFilter } from './inbox-filter.js';

describe('inboxFilter', () => {
  it('maps status, validity and a field value; leaves out what was not given', () => {
    expect(inboxFilter({})).toEqual({});
    expect(inboxFilter({ status: 'needs_review' })).toEqual({ status: 'needs_review' });
    expect(inboxFilter({ valid: true })).toEqual({ validity: 'valid' });
    expect(inboxFilter({ valid: false })).toEqual({ validity: 'invalid' });
    expect(inboxFilter({ field: { name: 'urgency', value: null } })).toEqual({ field: { name: 'urgency', value: null } });
  });

  it('compares stale with the schema hash it is given (none: every hashed extraction is stale)', () => {
    expect(inboxFilter({ stale: true }, 's:abc')).toEqual({ stale: { stale: true, schemaHash: 's:abc' } });
    expect(inboxFilter({ stale: false }, 's:abc')).toEqual({ stale: { stale: false, schemaHash: 's:abc' } });
    expect(inboxFilter({ stale: true })).toEqual({ stale: { stale: true, schemaHash: '' } });
  });

  it("reads listMessages' arguments and a run selection's filter alike", () => {
    const filter = { status: 'extracted', valid: false, stale: true, field: { name: 'issue_type', value: 'billing' } } as const;
    const list = parseApiArgs('listMessages', { ...filter, search: 'refund' });
    const run = parseApiArgs('startRun', { selection: { filter: { ...filter, search: 'refund' } } }).selection;
    expect('filter' in run).toBe(true);
    const expected = { status: 'extracted', validity: 'invalid', stale: { stale: true, schemaHash: 's:1' }, field: { name: 'issue_type', value: 'billing' } };
    expect(inboxFilter(list, 's:1')).toEqual(expected);
    expect(inboxFilter((run as { filter: Parameters<typeof inboxFilter>[0] }).filter, 's:1')).toEqual(expected);
  });
});
