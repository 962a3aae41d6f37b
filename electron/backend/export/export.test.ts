// Exports over a copy of the demo (real SQLite): the file's shape, and the round trip: the export of
// a filter imported into a fresh workspace with the same schema, with the import's suggested
// mapping untouched and "as precedents", gives the same messages (ids, texts) and the same answers.
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportedFile } from '../../../shared/src/api/index.js';
import type { Extraction } from '../../../shared/src/domain.js';
import { SETTING_KEYS } from '../../services/workspace/index.js';
import { readDraft } from '../draft.js';
import { contextHarnesses, openContext, tempFolder, type ContextHarness } from '../test-support.js';
import { createExportHandlers } from './handlers.js';
import { MESSAGE_COLUMNS } from './messages.js';

const { harness } = contextHarnesses('casebook-export-');
const folder = tempFolder('casebook-export-fresh-');
const fresh: ContextHarness[] = [];
afterEach(() => {
  for (const h of fresh.splice(0)) h.close();
});

/** A new, empty workspace whose draft has the same schema (as one made from the same rulebook file). */
function freshWorkspaceLike(from: ContextHarness): ContextHarness {
  const h = openContext(folder.path());
  fresh.push(h);
  h.ctx.repos.settings.set(SETTING_KEYS.draftRulebook, readDraft(from.ctx.repos));
  return h;
}

/** The answer of record of each message, as the repositories have it. */
function answers(h: ContextHarness, ids: readonly string[]): Map<string, Extraction | null> {
  return new Map(
    ids.map((id) => {
      const m = h.ctx.repos.messages.get(id)!;
      return [id, m.latestExtractionId === null ? null : h.ctx.repos.extractions.get(m.latestExtractionId)!.output];
    }),
  );
}

describe('exportMessages', () => {
  it('writes JSONL and CSV with the message columns and one per field; CSV survives quotes, commas and newlines', async () => {
    const h = harness();
    const exports = createExportHandlers(h.ctx);
    const fields = readDraft(h.ctx.repos)!.schema.fields.map((f) => f.name);
    const total = h.ctx.repos.messages.count();
    const jsonl = await exports.exportMessages({ selection: { all: true }, format: 'jsonl' });
    expect(jsonl).toMatchObject({ mimeType: 'application/x-ndjson', count: total });
    expect(jsonl.name).toMatch(/^tidewell-support-triage-messages-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = jsonl.content.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(total);
    expect(Object.keys(lines[0]!)).toEqual([...MESSAGE_COLUMNS, 'output']);

    const csv = await exports.exportMessages({ selection: { all: true }, format: 'csv' });
    const parsed = Papa.parse<Record<string, string>>(csv.content, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...MESSAGE_COLUMNS, ...fields]);
    expect(parsed.data).toHaveLength(total);
    // Texts come back whole (the demo's have newlines, quotes and commas).
    const byId = new Map(parsed.data.map((r) => [r.id, r]));
    for (const line of lines) expect(byId.get(line.id as string)?.text).toBe(line.text);
    expect(lines.some((l) => /\n/.test(l.text as string) && /"/.test(l.text as string))).toBe(true);
  });

  it('exports the current filter: the messages the inbox lists for it', async () => {
    const h = harness();
    const exports = createExportHandlers(h.ctx);
    const filter = { field: { name: 'issue_type', value: 'billing' } } as const;
    const listed = await h.call('listMessages', { ...filter, limit: 500 });
    const file = await exports.exportMessages({ selection: { filter }, format: 'jsonl' });
    expect(file.count).toBe(listed.total);
    expect(file.count).toBeGreaterThan(0);
    const ids = file.content.trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids)).toEqual(new Set(listed.items.map((i) => i.id)));
    const searched = await exports.exportMessages({ selection: { filter: { search: 'refund' } }, format: 'csv' });
    expect(searched.count).toBe((await h.call('listMessages', { search: 'refund', limit: 500 })).total);
  });

  it.each(['jsonl', 'csv'] as const)('%s: the export of a filter re-imports into a fresh workspace with the same messages and answers, no mapping work', async (format) => {
    const h = harness();
    // A person's answer of record too: a correction replaces the machine's.
    const first = (await h.call('listMessages', { valid: true, limit: 1 })).items[0]!;
    const corrected = { ...first.output!, urgency: first.output!['urgency'] === 'low' ? 'high' : 'low' };
    await h.call('correctExtraction', { messageId: first.id, output: corrected });

    const file: ExportedFile = await createExportHandlers(h.ctx).exportMessages({ selection: { filter: { valid: true } }, format });
    const exportedIds = format === 'jsonl'
      ? file.content.trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)
      : Papa.parse<{ id: string }>(file.content, { header: true, skipEmptyLines: true }).data.map((r) => r.id);
    expect(exportedIds).toHaveLength(file.count);
    expect(file.count).toBeGreaterThan(20);
    expect(exportedIds).toContain(first.id);
    const before = answers(h, exportedIds);
    expect(before.get(first.id)).toEqual(corrected);

    const target = freshWorkspaceLike(h);
    const upload = { name: file.name, content: file.content };
    const preview = await target.call('previewImport', { file: upload });
    expect(preview.format).toBe(format);
    expect(preview.totalRows).toBe(file.count);
    const result = await target.call('importMessages', { file: upload, ...(preview.suggestedMapping ? { mapping: preview.suggestedMapping } : {}), asPrecedents: true });
    expect(result).toMatchObject({ inserted: file.count, skipped: 0, precedents: file.count, problems: [] });

    for (const id of exportedIds) {
      const original = h.ctx.repos.messages.get(id)!;
      const copy = target.ctx.repos.messages.get(id);
      expect(copy, id).not.toBeNull();
      expect({ text: copy!.text, subject: copy!.subject, sender: copy!.sender, receivedAt: copy!.receivedAt }).toEqual({
        text: original.text,
        subject: original.subject,
        sender: original.sender,
        receivedAt: original.receivedAt,
      });
      const precedents = target.ctx.repos.precedents.forMessage(id);
      expect(precedents, id).toHaveLength(1);
      expect(precedents[0]!.output, id).toEqual(before.get(id));
    }
    expect(target.ctx.repos.messages.count()).toBe(file.count);

    // Extracted there with the embedded provider, each message is its precedent's message: the inbox
    // of the new workspace shows the same answers (a person's correction included).
    const messages = exportedIds.map((id) => target.ctx.repos.messages.get(id)!);
    expect(await target.ctx.extraction.extractMany(messages)).toEqual({ done: messages.length, failed: 0 });
    expect(answers(target, exportedIds)).toEqual(before);
  });
});

describe('exportPrecedents', () => {
  it('writes the draft precedents with message, output, rationale and tags', async () => {
    const h = harness();
    const exports = createExportHandlers(h.ctx);
    const stored = h.ctx.repos.precedents.list();
    const jsonl = await exports.exportPrecedents({ format: 'jsonl', includeDeleted: false });
    expect(jsonl.count).toBe(stored.length);
    const lines = jsonl.content.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id)).toEqual(stored.map((p) => p.id));
    expect(lines[0]).toMatchObject({ text: stored[0]!.message.text, output: stored[0]!.output, rationale: stored[0]!.rationale ?? null, tags: stored[0]!.tags ?? [] });

    const csv = await exports.exportPrecedents({ format: 'csv', includeDeleted: false });
    const parsed = Papa.parse<Record<string, string>>(csv.content, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.map((r) => r.text)).toEqual(stored.map((p) => p.message.text));
    expect(parsed.meta.fields).toEqual(expect.arrayContaining(['rationale', 'tags', 'issue_type']));
  });
});
