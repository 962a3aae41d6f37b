import { describe, expect, it, vi } from 'vitest';
import { createMockApi } from './mock';
import { demoData } from './mockData';

describe('mock API', () => {
  it('pages with a cursor and filters like the backend', async () => {
    const api = createMockApi(demoData({ count: 1000 }));
    const first = await api.listMessages({ limit: 300 });
    expect(first.items).toHaveLength(300);
    expect(first.total).toBe(1000);
    const second = await api.listMessages({ limit: 300, cursor: first.nextCursor });
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    const invalid = await api.listMessages({ valid: false });
    expect(invalid.items.every((m) => m.valid === false)).toBe(true);
  });

  it("refuses what the contract's validators refuse", async () => {
    const api = createMockApi(demoData());
    await expect(api.listMessages({ limit: 10_000 })).rejects.toMatchObject({ failure: { code: 'bad_request' } });
    await expect(api.getMessage({ id: 'nope' })).rejects.toMatchObject({ failure: { code: 'not_found' } });
  });
});

describe('mock API: triage and teach', () => {
  const lockedOut = (api: ReturnType<typeof createMockApi>) => api.data.messages.find((m) => m.text.includes('Still locked out'))!.id;

  it('stores a correction as a precedent and refuses an output the schema refuses', async () => {
    const api = createMockApi(demoData());
    const id = lockedOut(api);
    const { detail } = await api.getMessage({ id }).then(async (d) => api.correctExtraction({ messageId: id, output: { ...d.extraction!.output, issue_type: 'account' }, rationale: 'current problem' }));
    expect(detail.message.status).toBe('corrected');
    const precedents = await api.listPrecedents({});
    expect(precedents.find((p) => p.messageId === id)).toMatchObject({ rationale: 'current problem', output: { issue_type: 'account' } });
    await expect(api.correctExtraction({ messageId: id, output: { ...detail.extraction!.output, urgency: 'whenever' } })).rejects.toMatchObject({
      failure: { code: 'bad_request', issues: [{ path: 'output.urgency' }] },
    });
  });

  it('previews a rule, saves it, deletes and restores it', async () => {
    const api = createMockApi(demoData());
    const rule = {
      id: 'rule-export',
      kind: 'override' as const,
      when: { kind: 'contains_any' as const, phrases: ['export'] },
      set: { issue_type: 'bug' },
      rationale: '',
      enabled: true,
      provenance: { precedentIds: [], author: 'me', createdAt: '2026-03-04T00:00:00.000Z' },
    };
    const impact = await api.previewRule({ rule });
    expect(impact.changed).toHaveLength(1);
    expect(impact.changed[0]!.fields).toEqual([{ field: 'issue_type', from: 'feature_request', to: 'bug' }]);
    await api.saveRule({ rule });
    expect((await api.listRules({})).map((r) => r.rule.id)).toContain('rule-export');
    await api.deleteRule({ id: 'rule-export' });
    expect((await api.listRules({})).map((r) => r.rule.id)).not.toContain('rule-export');
    expect((await api.getRulebook({})).rules.map((r) => r.id)).not.toContain('rule-export');
    await api.restoreRule({ id: 'rule-export' });
    expect((await api.getRulebook({})).rules.map((r) => r.id)).toContain('rule-export');
  });

  it('runs over a selection with progress, errors and retry', async () => {
    const api = createMockApi(demoData());
    const ids = api.data.messages.map((m) => m.id);
    api.state.failing.add(ids[0]!);
    const events: { done: number; failed: number; status: string }[] = [];
    api.on('runProgress', (e) => events.push(e));
    const run = await api.startRun({ selection: { all: true } });
    await vi.waitFor(() => expect(events.at(-1)?.status).toBe('done'));
    expect(events.at(-1)).toMatchObject({ done: ids.length - 1, failed: 1 });
    expect(await api.listRunErrors({ runId: run.id })).toEqual([{ messageId: ids[0], error: expect.any(String) }]);
    api.state.failing.clear();
    await api.retryRunErrors({ runId: run.id });
    await vi.waitFor(async () => expect(await api.getRun({ runId: run.id })).toMatchObject({ status: 'done', failed: 0, done: ids.length }));
    expect(api.data.messages.find((m) => m.id === ids.at(-1))?.status).not.toBe('new');
  });

  it('imports a CSV: broken rows named by line, good rows in, duplicates skipped, labels as precedents', async () => {
    const api = createMockApi(demoData());
    const content = 'subject,body,issue_type\nHello,"first, with comma",billing\nBroken,"never closed,bug\nThird,third message,account\nDup,third message,account\n';
    const file = { name: 'tickets.csv', content };
    const preview = await api.previewImport({ file });
    expect(preview.format).toBe('csv');
    expect(preview.columns).toEqual(['subject', 'body', 'issue_type']);
    expect(preview.suggestedMapping).toMatchObject({ text: 'body', subject: 'subject', labels: { issue_type: 'issue_type' } });
    expect(preview.problems).toEqual([{ line: 3, reason: expect.stringContaining('quot') }]);
    const result = await api.importMessages({ file, asPrecedents: true });
    expect(result).toMatchObject({ inserted: 3, skipped: 0, precedents: 3 });
    const again = await api.importMessages({ file });
    expect(again).toMatchObject({ inserted: 0, skipped: 3 });
  });
});
