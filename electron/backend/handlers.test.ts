// The API handlers over a real demo workspace (seeded and extracted by createBackend), called the
// way the IPC gate and the browser host call them: with arguments parsed by the contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiArgs, ApiError, ApiEventName, ApiMethod, ApiResults, MessagePage, MessageSummary } from '../../shared/src/api/index.js';
import type { Rule, RulebookArtifact } from '../../shared/src/domain.js';
import { openWorkspace, repositories } from '../services/workspace/index.js';
import { workspaceAccess } from './context.js';
import { draftArtifact } from './draft.js';
import { ExtractionService } from './extraction.js';
import { HOST_SETTING } from './handlers.js';
import { DEFAULT_REVIEW_THRESHOLD } from '../../shared/src/api/index.js';
import type { Backend, BackendOptions } from './ports.js';
import { createBackend } from './service.js';
import {
  apiFailure,
  backendOptions,
  call as callHandler,
  demoId,
  demoRows,
  demoWorkspaces,
  readDemo,
  WEB_HOST_DEFAULT_SETTINGS,
  type DemoWorkspaces,
  type MemorySecrets,
  type MemorySettings,
  type TestOptionsOver,
} from './test-support.js';

const demoSchema = JSON.parse(readDemo('schema.json')) as { fields: { name: string }[] };
const demoRules = JSON.parse(readDemo('rules.json')) as Rule[];
const demoPrecedentCount = readDemo('precedents.jsonl').trim().split('\n').length;
const demoRow = (externalId: string) => demoRows.find((r) => r.id === externalId)!;

interface Harness {
  backend: Backend;
  path: string;
  opts: BackendOptions;
  settings: MemorySettings;
  secrets: MemorySecrets;
  events: [ApiEventName, unknown][];
  /** Every result a handler returned through `call`. */
  results: unknown[];
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]>;
  /** The ApiError a call fails with (the test fails if it succeeds or throws anything else). */
  failure<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiError>;
}

let demo: DemoWorkspaces;
const opened: Backend[] = [];
beforeAll(async () => {
  demo = await demoWorkspaces('casebook-handlers-');
}, 60_000);
afterAll(() => {
  for (const b of opened) b.close();
  demo.cleanup();
});

/** A backend over a fresh copy of the demo workspace. */
async function harness(over: TestOptionsOver = {}): Promise<Harness> {
  const opts = backendOptions(demo.copy(), over);
  const backend = await createBackend(opts);
  opened.push(backend);
  const results: unknown[] = [];
  const call = async <M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]> => {
    const result = await callHandler(backend, method, args);
    results.push(result);
    return result;
  };
  const failure = <M extends ApiMethod>(method: M, args: ApiArgs<M>) => apiFailure(call(method, args));
  return { backend, path: opts.workspacePath, opts, settings: opts.settings, secrets: opts.secrets, events: opts.events, results, call, failure };
}

describe('handlers over the demo workspace (read only)', () => {
  let h: Harness;
  /** Every message, newest first, in one page. */
  let all: MessageSummary[];
  beforeAll(async () => {
    h = await harness();
    all = (await h.call('listMessages', { limit: 500 })).items;
  });

  /** Pages through a listing, returning every item and the number of pages. */
  async function pageThrough(args: ApiArgs<'listMessages'>): Promise<{ items: MessageSummary[]; pages: number }> {
    const items: MessageSummary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: MessagePage = await h.call('listMessages', { ...args, cursor });
      expect(page.items.length).toBeLessThanOrEqual(args.limit ?? 100);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (++pages > 200) throw new Error('paging does not end');
    } while (cursor !== null);
    return { items, pages };
  }

  describe('listMessages', () => {
    it('lists newest first by default, 100 to a page, with the total', async () => {
      const page = await h.call('listMessages', {});
      expect(page.total).toBe(140);
      expect(page.items).toHaveLength(100);
      expect(page.nextCursor).not.toBeNull();
      const times = page.items.map((m) => m.receivedAt!);
      expect(times).toEqual([...times].sort().reverse());
      expect(page.items[0]!.receivedAt).toBe(demoRows.at(-1)!.receivedAt);
      expect(all).toHaveLength(140);
      expect(new Set(all.map((m) => m.id)).size).toBe(140);
      // Every row carries its latest extraction's output and validity.
      for (const m of all) {
        expect(m.output).not.toBeNull();
        // Invalid output always needs review; a valid one does when the machine was unsure.
        if (!m.valid) expect(m.status).toBe('needs_review');
        if (m.status === 'extracted') expect(m.confidence!).toBeGreaterThanOrEqual(DEFAULT_REVIEW_THRESHOLD);
        expect(m.preview.length).toBeLessThanOrEqual(280);
      }
    });

    it('pages through all 140 with limit and nextCursor, without duplicates or gaps', async () => {
      const { items, pages } = await pageThrough({ limit: 13 });
      expect(pages).toBe(Math.ceil(140 / 13));
      expect(items.map((m) => m.id)).toEqual(all.map((m) => m.id));
      // Limit 1 and an exact multiple both end cleanly.
      const byTen = await pageThrough({ limit: 10 });
      expect(byTen.pages).toBe(14);
      expect(byTen.items.map((m) => m.id)).toEqual(all.map((m) => m.id));
    });

    it('sorts oldest first with received_asc, and pages that way too', async () => {
      const first = await h.call('listMessages', { sort: 'received_asc', limit: 3 });
      expect(first.items[0]!.receivedAt).toBe(demoRows[0]!.receivedAt);
      expect(first.items[0]!.id).toBe(demoId('demo-001'));
      const { items } = await pageThrough({ sort: 'received_asc', limit: 17 });
      expect(items.map((m) => m.id)).toEqual([...all].reverse().map((m) => m.id));
    });

    it('filters by status, with a total that matches the counts', async () => {
      const counts = await h.call('getCounts', {});
      for (const status of ['extracted', 'needs_review', 'new', 'corrected', 'accepted'] as const) {
        const page = await h.call('listMessages', { status, limit: 500 });
        expect(page.total, status).toBe(counts.byStatus[status]);
        expect(page.items.length, status).toBe(counts.byStatus[status]);
        expect(page.items.every((m) => m.status === status), status).toBe(true);
      }
    });

    it('filters by validity of the latest extraction', async () => {
      const valid = await h.call('listMessages', { valid: true, limit: 500 });
      const invalid = await h.call('listMessages', { valid: false, limit: 500 });
      expect(valid.items.every((m) => m.valid === true)).toBe(true);
      expect(invalid.items.every((m) => m.valid === false)).toBe(true);
      expect(valid.total + invalid.total).toBe(140);
      expect(valid.items.length).toBe(valid.total);
      expect(invalid.total).toBe((await h.call('getCounts', {})).invalid);
      // Validity and status combine: valid but unsure.
      const both = await h.call('listMessages', { valid: true, status: 'needs_review', limit: 500 });
      expect(both.total).toBe((await h.call('getCounts', {})).byStatus.needs_review - invalid.total);
      expect(both.items.every((m) => m.valid === true && m.confidence! < DEFAULT_REVIEW_THRESHOLD)).toBe(true);
    });

    it('filters by a field of the output', async () => {
      const billing = all.filter((m) => m.output?.issue_type === 'billing');
      expect(billing.length).toBeGreaterThan(0);
      const page = await h.call('listMessages', { field: { name: 'issue_type', value: 'billing' }, limit: 500 });
      expect(page.total).toBe(billing.length);
      expect(page.items.map((m) => m.id)).toEqual(billing.map((m) => m.id));

      const repeat = all.filter((m) => m.output?.is_repeat_contact === true);
      const repeats = await h.call('listMessages', { field: { name: 'is_repeat_contact', value: true }, limit: 500 });
      expect(repeats.items.map((m) => m.id)).toEqual(repeat.map((m) => m.id));

      const noOrder = all.filter((m) => m.output?.order_id === null || m.output?.order_id === undefined);
      const nulls = await h.call('listMessages', { field: { name: 'order_id', value: null }, limit: 500 });
      expect(nulls.items.map((m) => m.id)).toEqual(noOrder.map((m) => m.id));

      const none = await h.call('listMessages', { field: { name: 'no_such_field', value: 'x' } });
      expect(none).toEqual({ items: [], nextCursor: null, total: 0 });
      // A field filter pages like any listing.
      const { items } = await pageThrough({ field: { name: 'issue_type', value: 'billing' }, limit: 4 });
      expect(items.map((m) => m.id)).toEqual(billing.map((m) => m.id));
    });

    it('searches: "locked out" finds the Dana Okafor thread', async () => {
      const page = await h.call('listMessages', { search: 'locked out' });
      const ids = page.items.map((m) => m.id);
      expect(ids).toContain(demoId('demo-048'));
      expect(ids).toContain(demoId('demo-019'));
      expect(page.items.every((m) => m.sender!.startsWith('Dana Okafor'))).toBe(true);
      expect(page.nextCursor).toBeNull();
      expect(page.total).toBe(page.items.length);
    });

    it('searches for the exact text of a message', async () => {
      const text = "It's me again. Still locked out. Billing said it wasn't them.";
      expect(demoRow('demo-048').text).toBe(text);
      const page = await h.call('listMessages', { search: text });
      expect(page.items[0]!.id).toBe(demoId('demo-048'));
      expect(page.items[0]!.preview).toBe(text);
      // The search combines with filters.
      const filtered = await h.call('listMessages', { search: 'locked', status: page.items[0]!.status });
      expect(filtered.items.map((m) => m.id)).toContain(demoId('demo-048'));
      expect(filtered.items.every((m) => m.status === page.items[0]!.status)).toBe(true);
    });

    it('pages a filtered search with its s: cursor, without duplicates or gaps', async () => {
      // The commonest status, so the filtered search has several pages.
      const byStatus = (await h.call('getCounts', {})).byStatus;
      const status = (Object.keys(byStatus) as (keyof typeof byStatus)[]).reduce((a, b) => (byStatus[b] > byStatus[a] ? b : a));
      const everything = await h.call('listMessages', { search: 'the', status, limit: 500 });
      expect(everything.nextCursor).toBeNull();
      expect(everything.items.length).toBeGreaterThan(20);
      const { items, pages } = await pageThrough({ search: 'the', status, limit: 7 });
      expect(pages).toBe(Math.ceil(everything.items.length / 7));
      expect(items.map((m) => m.id)).toEqual(everything.items.map((m) => m.id));

      const first = await h.call('listMessages', { search: 'the', status, limit: 7 });
      expect(first.nextCursor).toBe('s:7');
      const second = await h.call('listMessages', { search: 'the', status, limit: 7, cursor: first.nextCursor });
      expect(second.nextCursor).toBe('s:14');
      expect(second.items.map((m) => m.id)).toEqual(everything.items.slice(7, 14).map((m) => m.id));
    });

    // KNOWN BUG (electron/services/workspace/messages.ts, not this module): without a filter,
    // MessageRepository.search picks each page in the FTS index ordered by bm25 alone, so messages
    // with equal rank fall on either side of a page boundary: 'the' pages by 7 repeat 2 messages and
    // skip 2 of its 83. Remove `.fails` once the index query breaks ties (e.g. by rowid).
    it('pages an unfiltered search with its s: cursor, without duplicates or gaps', async () => {
      const everything = await h.call('listMessages', { search: 'the', limit: 500 });
      const { items } = await pageThrough({ search: 'the', limit: 7 });
      expect(items.map((m) => m.id)).toEqual(everything.items.map((m) => m.id));
    });

    // KNOWN BUG (handlers.ts with messages.ts): a search page's `total` is offset + the hits fetched
    // (at most limit + 1), not the number of matches, so the inbox says "8 messages" for 83 matches
    // until the last page. The repository has no count for a search. Remove `.fails` once it does.
    it('gives a search the total number of matches on every page', async () => {
      const everything = await h.call('listMessages', { search: 'the', status: all[0]!.status, limit: 500 });
      const page = await h.call('listMessages', { search: 'the', status: all[0]!.status, limit: 7 });
      expect(page.total).toBe(everything.items.length);
    });

    it('refuses a search cursor in a plain listing, and a plain cursor in a search, as bad_request', async () => {
      const search = await h.call('listMessages', { search: 'the', limit: 5 });
      const plain = await h.call('listMessages', { limit: 5 });
      expect(search.nextCursor).toMatch(/^s:\d+$/);
      expect(plain.nextCursor).not.toBeNull();

      const a = await h.failure('listMessages', { limit: 5, cursor: search.nextCursor });
      expect(a.failure.code).toBe('bad_request');
      const b = await h.failure('listMessages', { search: 'the', limit: 5, cursor: plain.nextCursor });
      expect(b.failure.code).toBe('bad_request');
      for (const cursor of ['garbage', '', 'W10', 's:', 's:-1', 's:abc', 'bnVsbA', '!!!!']) {
        if (cursor === '') continue; // an empty cursor is no cursor
        const e = await h.failure('listMessages', { cursor });
        expect(e.failure.code, cursor).toBe('bad_request');
      }
      for (const cursor of ['garbage', 's:', 's:-1', 's:1e3', 's:9999999999']) {
        const e = await h.failure('listMessages', { search: 'locked', cursor });
        expect(e.failure.code, cursor).toBe('bad_request');
      }
      // A search cursor past the end is an empty page, not an error.
      const past = await h.call('listMessages', { search: 'locked', cursor: 's:5000' });
      expect(past.items).toEqual([]);
      expect(past.nextCursor).toBeNull();
    });

    it('takes hostile search input without throwing', async () => {
      const inputs = [
        '"', '*', 'NEAR(', '-', '""', '"unbalanced', 'locked*', '-locked', 'NOT', 'AND OR NOT', 'NEAR(locked out, 2)',
        'subject:locked', '^locked', '(', ')', '{', 'a:b:c', "'; DROP TABLE messages; --", '\u0000', '\u0000locked',
        'x'.repeat(500), '🔒 locked', '\\', '%', '_', '+locked', 'locked OR billing', '" OR 1=1 --', 'text MATCH x',
      ];
      for (const search of inputs) {
        const page = await h.call('listMessages', { search, limit: 5 }).catch((e: unknown) => {
          throw new Error(`search ${JSON.stringify(search)} threw: ${String(e)}`);
        });
        expect(Array.isArray(page.items), search).toBe(true);
        if (page.nextCursor) await h.call('listMessages', { search, limit: 5, cursor: page.nextCursor });
      }
      // Operators are words, not syntax: NEAR( finds nothing special, and the table is still there.
      expect((await h.call('getCounts', {})).total).toBe(140);
      const near = await h.call('listMessages', { search: 'NEAR(locked out, 2)' });
      expect(near.items.every((m) => m.sender!.length > 0)).toBe(true);
    });

    it('treats a blank search as no search (and its cursors as plain ones)', async () => {
      const page = await h.call('listMessages', { search: '   ', limit: 10 });
      expect(page.total).toBe(140);
      expect(page.items.map((m) => m.id)).toEqual(all.slice(0, 10).map((m) => m.id));
      const next = await h.call('listMessages', { search: '   ', limit: 10, cursor: page.nextCursor });
      expect(next.items.map((m) => m.id)).toEqual(all.slice(10, 20).map((m) => m.id));
    });
  });

  describe('getMessage', () => {
    it('fails with not_found for an unknown id', async () => {
      for (const id of ['m_000000000000000000000000', 'nope', demoId('demo-001').toUpperCase(), "' OR 1=1 --"]) {
        const e = await h.failure('getMessage', { id });
        expect(e.failure.code, id).toBe('not_found');
        expect(e.message, id).toContain(id);
      }
    });

    it('returns a hostile message byte for byte as stored', async () => {
      for (const externalId of ['demo-033', 'demo-052', 'demo-067']) {
        const row = demoRow(externalId);
        const { message, extraction } = await h.call('getMessage', { id: demoId(externalId) });
        expect(message.text, externalId).toBe(row.text);
        expect(Buffer.from(message.text, 'utf8').equals(Buffer.from(row.text, 'utf8'))).toBe(true);
        expect(message.subject).toBe(row.subject);
        expect(message.sender).toBe(row.sender);
        expect(message.receivedAt).toBe(row.receivedAt);
        expect(message.source).toBe('demo');
        expect(extraction).not.toBeNull();
      }
      const script = await h.call('getMessage', { id: demoId('demo-033') });
      expect(script.message.text).toContain("<script>alert('x')</script>");
      const img = await h.call('getMessage', { id: demoId('demo-067') });
      expect(img.message.text).toContain('<img src=x onerror=alert(1)>');
    });

    it('returns the latest extraction with its trace, errors and validity', async () => {
      const reviewed = all.find((m) => m.status === 'needs_review');
      for (const m of [all[0]!, ...(reviewed ? [reviewed] : [])]) {
        const { message, extraction } = await h.call('getMessage', { id: m.id });
        expect(message.status).toBe(m.status);
        expect(extraction!.output).toEqual(m.output);
        expect(extraction!.valid).toBe(m.valid);
        expect(extraction!.valid).toBe(extraction!.errors.length === 0);
        // A draft extraction has no published version; it shows the draft's (1 with nothing published).
        expect(extraction!.rulebookVersion).toBe(1);
        expect(extraction!.id).toMatch(/^\d+$/);
        expect(extraction!.trace.rulebook.id).toBe('tidewell-support');
      }
    });
  });

  describe('getRulebook', () => {
    it('returns the draft: the 9 demo fields, rules and precedents from the tables, version 1', async () => {
      const rb = await h.call('getRulebook', {});
      expect(rb.id).toBe('tidewell-support');
      expect(rb.name).toBe('Tidewell support triage');
      expect(rb.version).toBe(1);
      expect(rb.schema.fields.map((f) => f.name)).toEqual(demoSchema.fields.map((f) => f.name));
      expect(rb.schema.fields).toHaveLength(9);
      expect(rb.rules.map((r) => r.id).sort()).toEqual(demoRules.map((r) => r.id).sort());
      expect(rb.precedents).toHaveLength(demoPrecedentCount);
      expect(rb.precedents.map((p) => p.id)).toEqual(Array.from({ length: demoPrecedentCount }, (_, i) => `p-demo-${String(i + 1).padStart(2, '0')}`));
      expect(rb.settings.provider).toBe('embedded');
      expect(rb.instructions).toMatch(/Tidewell/);

      // The same as the tables hold, read through a second connection to the file.
      const ws = openWorkspace(h.path, { mustExist: true });
      try {
        const repos = repositories(ws);
        expect(rb.rules).toEqual(repos.rules.active());
        expect(rb.precedents).toEqual(repos.precedents.active());
      } finally {
        ws.close();
      }
    });
  });
});

describe('"needs review" puts first what is most likely wrong', () => {
  it('lists invalid extractions first, then one that disagrees with its precedents, highest priority first on every page', async () => {
    const h = await harness();
    // A second connection re-extracts two messages under a rulebook whose precedents all say
    // "shipping", with an override per message: the older one gets "billing" (valid, but against
    // every precedent), the newer one an urgency the schema refuses (invalid).
    const ws = openWorkspace(h.path);
    try {
      const workspace = workspaceAccess(ws);
      const { repos } = workspace;
      const draft = draftArtifact(repos);
      const [older, newer] = repos.messages.ids({ status: 'extracted' }).slice(0, 2).map((id) => repos.messages.get(id)!);
      const rulebook = (target: typeof older, set: Record<string, string>): RulebookArtifact => ({
        ...draft,
        hash: `sha256:needs-review-test-${target!.id}`,
        precedents: draft.precedents.map((p) => ({ ...p, output: { ...p.output, issue_type: 'shipping' } })),
        rules: [
          {
            id: 'rule-test',
            kind: 'override',
            when: { kind: 'contains_any', phrases: [target!.text.slice(0, 20)] },
            set,
            rationale: 'test',
            enabled: true,
            provenance: { precedentIds: [], author: 'test', createdAt: '2026-03-01T00:00:00.000Z' },
          },
        ],
      });
      const disagree = new ExtractionService(workspace, () => rulebook(older, { issue_type: 'billing' }), () => ({ kind: 'embedded' }));
      const always = disagree.assess.bind(disagree);
      disagree.assess = (result, rb) => ({ ...always(result, rb), status: 'needs_review' });
      const r = await disagree.extractOne(older!);
      expect(r.valid).toBe(true);
      expect(r.output.issue_type).toBe('billing');
      const invalid = new ExtractionService(workspace, () => rulebook(newer, { issue_type: 'billing', urgency: 'whenever' }), () => ({ kind: 'embedded' }));
      expect((await invalid.extractOne(newer!)).valid).toBe(false);
    } finally {
      ws.close();
    }

    const { items, total } = await h.call('listMessages', { status: 'needs_review', limit: 500 });
    expect(total).toBe(items.length);
    const invalid = items.filter((m) => m.valid === false);
    expect(invalid.length).toBeGreaterThan(0);
    expect(items[0]).toMatchObject({ valid: false, output: { urgency: 'whenever' } });
    // Every invalid extraction first, then the disagreeing one.
    expect(items.slice(0, invalid.length).every((m) => m.valid === false)).toBe(true);
    // Then the valid ones, least confident first; the one sent to review against its precedents is among them.
    const confidences = items.slice(invalid.length).map((m) => m.confidence ?? 1);
    expect(confidences).toEqual([...confidences].sort((a, b) => a - b));
    expect(items.some((m) => m.valid === true && m.output?.issue_type === 'billing')).toBe(true);

    // Paging keeps that order, each message once; the queue and sort 'confidence' mean the same.
    const pages = async (args: Omit<ApiArgs<'listMessages'>, 'cursor' | 'limit'>) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: MessagePage = await h.call('listMessages', { ...args, limit: 2, cursor });
        ids.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return ids;
    };
    expect(await pages({ status: 'needs_review', sort: 'confidence' })).toEqual(items.map((m) => m.id));
    expect(await pages({ queue: true })).toEqual(items.map((m) => m.id));
    // The sort shown is the sort used: oldest first when asked.
    const oldest = await pages({ status: 'needs_review', sort: 'received_asc' });
    expect(new Set(oldest)).toEqual(new Set(items.map((m) => m.id)));
    const received = new Map(items.map((m) => [m.id, m.receivedAt ?? '']));
    expect(oldest.map((id) => received.get(id))).toEqual([...oldest.map((id) => received.get(id))].sort());
    // Its cursors are not a plain listing's.
    const first = await h.call('listMessages', { status: 'needs_review', limit: 1 });
    expect((await h.failure('listMessages', { limit: 1, cursor: first.nextCursor })).failure.code).toBe('bad_request');
  });
});

describe('published versions and the draft', () => {
  it('reports the version after the newest published one', async () => {
    const h = await harness();
    const ws = openWorkspace(h.path, { mustExist: true });
    try {
      const repos = repositories(ws);
      const artifact = draftArtifact(repos);
      repos.rulebookVersions.insert(artifact);
    } finally {
      ws.close();
    }
    expect((await h.call('getRulebook', {})).version).toBe(2);
  });
});

describe('settings and the API key', () => {
  function draftHash(path: string): string {
    const ws = openWorkspace(path, { mustExist: true });
    try {
      return draftArtifact(repositories(ws)).hash;
    } finally {
      ws.close();
    }
  }

  it('starts from the draft rulebook settings and the host defaults', async () => {
    const h = await harness();
    expect(await h.call('getSettings', {})).toEqual({ ...WEB_HOST_DEFAULT_SETTINGS, model: 'gpt-4o-mini' });
  });

  it('keeps the endpoint, concurrency and rate limit in the host settings, never in the draft; the draft\'s model settings through updateDraft', async () => {
    const h = await harness();
    const before = draftHash(h.path);

    const host = await h.call('updateSettings', { baseURL: 'http://127.0.0.1:9/v1', concurrency: 7, ratePerSecond: 2.5 });
    expect(host).toMatchObject({ provider: 'embedded', baseURL: 'http://127.0.0.1:9/v1', concurrency: 7, ratePerSecond: 2.5 });
    expect(h.settings.data.get(HOST_SETTING.ratePerSecond)).toBe(2.5);
    expect(h.settings.data.get(HOST_SETTING.baseURL)).toBe('http://127.0.0.1:9/v1');
    expect(h.settings.data.get(HOST_SETTING.concurrency)).toBe(7);
    expect(draftHash(h.path)).toBe(before);
    expect((await h.call('getRulebook', {})).settings).not.toHaveProperty('baseURL');

    // The model settings are the draft's: getSettings reports them as they are there.
    await h.call('updateDraft', { settings: { provider: 'openai', model: 'gpt-test-1', k: 3 } });
    expect(await h.call('getSettings', {})).toMatchObject({ provider: 'openai', model: 'gpt-test-1', k: 3, baseURL: 'http://127.0.0.1:9/v1' });
    expect(draftHash(h.path)).not.toBe(before);
    // ...and none of them went to this machine's settings.
    expect(JSON.stringify([...h.settings.data.entries()])).not.toMatch(/gpt-test-1|"openai"/);

    // An empty baseURL clears it.
    await h.call('updateSettings', { baseURL: '' });
    expect(await h.call('getSettings', {})).toMatchObject({ baseURL: '' });
  });

  it('refuses the draft\'s model settings sent as machine settings, naming them', async () => {
    const h = await harness();
    for (const args of [{ provider: 'openai' }, { model: 'gpt-test-1' }, { k: 3 }]) {
      const failure = await h.failure('updateSettings', args as ApiArgs<'updateSettings'>);
      expect(failure.failure.code).toBe('bad_request');
      expect(failure.message).toContain(Object.keys(args)[0]);
    }
    expect((await h.call('getRulebook', {})).settings).toMatchObject({ provider: 'embedded', k: 8 });
  });

  it('stores the API key through the SecretStore and never returns it', async () => {
    const h = await harness();
    const key = 'sk-test-SECRET-0123456789abcdef';
    const set = await h.call('setApiKey', { apiKey: `  ${key}\n` });
    expect(set.hasApiKey).toBe(true);
    expect(h.secrets.writes).toEqual([key]);
    expect(h.secrets.getApiKey()).toBe(key);

    // Everything the API can answer, after the key is set.
    await h.call('getSettings', {});
    await h.call('updateSettings', { baseURL: 'http://127.0.0.1:9/v1' });
    await h.call('updateDraft', { settings: { provider: 'openai', model: 'm' } });
    await h.call('getAppInfo', {});
    await h.call('getCounts', {});
    await h.call('getRulebook', {});
    const page = await h.call('listMessages', { limit: 3 });
    await h.call('getMessage', { id: page.items[0]!.id });
    await h.call('listMessages', { search: key });
    for (const result of h.results) {
      const json = JSON.stringify(result);
      expect(json).not.toContain(key);
      expect(json).not.toContain('SECRET');
    }
    expect(h.results).toHaveLength(10);
    expect(JSON.stringify([...h.settings.data.entries()])).not.toContain(key);

    // Removing it: an empty or blank key.
    const removed = await h.call('setApiKey', { apiKey: '   ' });
    expect(removed.hasApiKey).toBe(false);
    expect(h.secrets.getApiKey()).toBeNull();
    expect(h.secrets.writes.at(-1)).toBeNull();
  });

  it('on a workspace with no rulebook, keeps host settings and reports the defaults', async () => {
    const h = await harness({ demo: false });
    const result = await h.call('updateSettings', { baseURL: 'https://example.com/v1', concurrency: 2 });
    expect(result).toMatchObject({ baseURL: 'https://example.com/v1', concurrency: 2 });
    expect(h.settings.data.get(HOST_SETTING.baseURL)).toBe('https://example.com/v1');
  });
});

