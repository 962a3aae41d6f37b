// The answer of record: a person's correction or acceptance survives every later run; the machine's
// later answers are kept beside it, and one that disagrees puts the message in the review queue.
import { describe, expect, it } from 'vitest';
import type { ApiArgs, ApiMethod, ApiResults } from '../../../shared/src/api/index.js';
import type { Extraction } from '../../../shared/src/domain.js';
import { contextHarnesses, type ContextHarness } from '../test-support.js';
import { HOST_SETTING } from '../handlers.js';

const { harness } = contextHarnesses('casebook-record-');

type Caller = Pick<ContextHarness, 'call'>;

async function runAll(h: Caller): Promise<void> {
  const run = await h.call('startRun', { selection: { all: true } });
  for (let i = 0; i < 1200; i++) {
    const r = await h.call('getRun', { runId: run.id });
    if (r.status === 'done') return;
    if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`the run ended ${r.status}: ${r.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the run did not end');
}

/** A demo message with a name the embedded provider gets, and its record. */
async function someMessage(h: Caller, index = 0) {
  const page = await h.call('listMessages', { limit: 50 });
  const id = page.items[index]!.id;
  return { id, detail: await h.call('getMessage', { id }) };
}

const call = <M extends ApiMethod>(h: Caller, m: M, a: ApiArgs<M>): Promise<ApiResults[M]> => h.call(m, a);

describe('the answer of record', () => {
  it('keeps a correction as what the inbox shows after re-running everything, with both extractions in the history', async () => {
    const h = harness();
    const { id, detail } = await someMessage(h);
    const before = detail.extraction!;
    const corrected: Extraction = { ...before.output, name: 'Corrected Name', requested_action: 'a person wrote this' };
    await call(h, 'correctExtraction', { messageId: id, output: corrected, rationale: 'checked by hand' });
    await runAll(h);

    const after = await call(h, 'getMessage', { id });
    expect(after.message.status).toBe('corrected');
    expect(after.extraction!.output).toEqual(corrected);
    expect(after.extraction!.human).toBe(true);
    expect(after.extraction!.confidence).toBeNull();
    const row = (await call(h, 'listMessages', { limit: 500 })).items.find((m) => m.id === id)!;
    expect(row.output).toEqual(corrected);

    const history = await call(h, 'listExtractions', { messageId: id });
    expect(history.length).toBeGreaterThanOrEqual(3); // the first machine answer, the correction, the re-run's
    expect(history.filter((e) => e.isRecord)).toHaveLength(1);
    expect(history.find((e) => e.isRecord)!.human).toBe(true);
    expect(history[0]!.human).toBe(false); // newest first: the re-run's answer
    expect(history[0]!.provider).toBe('embedded');
    expect(history[0]!.current).toBe(true);
    // Whatever the re-run said, the regression names exactly the fields where it differs.
    expect(after.regression?.fields ?? []).toEqual(history[0]!.differsFromRecord);
  });

  it('keeps an accepted answer through a re-run, and undo brings back the status it had', async () => {
    const h = harness();
    const { id, detail } = await someMessage(h, 1);
    const recordId = detail.extraction!.id;
    const accepted = await call(h, 'acceptExtraction', { messageId: id });
    expect(accepted.undoable).toBe('accept');
    await runAll(h);
    const after = await call(h, 'getMessage', { id });
    expect(after.message.status).toBe('accepted');
    expect(after.extraction!.id).toBe(recordId);
    expect((await call(h, 'listExtractions', { messageId: id })).length).toBeGreaterThanOrEqual(2);

    const undone = await call(h, 'undoReview', { messageId: id });
    expect(undone.message.status).toBe(detail.message.status);
    expect(undone.undoable).toBeNull();
    expect((await h.failure('undoReview', { messageId: id })).failure.code).toBe('conflict');
  });

  it('puts a message in the queue as a regression when a later machine answer disagrees, and the person decides', async () => {
    const h = harness();
    const { id, detail } = await someMessage(h, 2);
    const machine = detail.extraction!.output;
    const corrected: Extraction = { ...machine, name: 'Someone Else' };
    const { precedent } = await call(h, 'correctExtraction', { messageId: id, output: corrected, rationale: '' });
    // Without the precedent the correction made, the machine says what it said before.
    await call(h, 'deletePrecedent', { id: precedent.id });
    const queueBefore = (await call(h, 'getCounts', {})).needsReview;
    await runAll(h);

    const after = await call(h, 'getMessage', { id });
    expect(after.extraction!.output).toEqual(corrected);
    expect(after.regression).not.toBeNull();
    expect(after.regression!.fields).toContain('name');
    expect(after.regression!.extraction.output.name).toEqual(machine.name);
    const counts = await call(h, 'getCounts', {});
    expect(counts.regressions).toBe(1);
    expect(counts.needsReview).toBeGreaterThanOrEqual(1);
    expect(counts.needsReview).toBeLessThanOrEqual(queueBefore + 1);
    const queue = await call(h, 'listMessages', { queue: true, limit: 500 });
    // A regression comes first in the queue, and says why.
    expect(queue.items[0]!.id).toBe(id);
    expect(queue.items[0]!.regression).toBe(true);
    expect(queue.items[0]!.reasons[0]).toMatch(/disagrees/);

    // Keeping the person's answer clears it; adopting the machine's replaces the record explicitly.
    const kept = await call(h, 'dismissRegression', { messageId: id });
    expect(kept.regression).toBeNull();
    expect(kept.extraction!.output).toEqual(corrected);
    await runAll(h);
    const again = await call(h, 'getMessage', { id });
    expect(again.regression).not.toBeNull();
    const adopted = await call(h, 'adoptExtraction', { messageId: id, extractionId: again.regression!.extraction.id });
    expect(adopted.message.status).toBe('accepted');
    expect(adopted.extraction!.output.name).toEqual(machine.name);
    expect(adopted.regression).toBeNull();
    expect((await call(h, 'getCounts', {})).regressions).toBe(0);
    // And that too can be undone: the correction is the record again, the regression back.
    const undone = await call(h, 'undoReview', { messageId: id });
    expect(undone.extraction!.output).toEqual(corrected);
    expect(undone.message.status).toBe('corrected');
    expect(undone.regression).not.toBeNull();
  });

  it('undoes a correction: its extraction and the precedent it made go, the machine answer is back', async () => {
    const h = harness();
    const { id, detail } = await someMessage(h, 3);
    const precedentsBefore = (await call(h, 'listPrecedents', {})).length;
    await call(h, 'correctExtraction', { messageId: id, output: { ...detail.extraction!.output, name: 'X' }, rationale: 'r' });
    expect((await call(h, 'listPrecedents', {})).length).toBe(precedentsBefore + 1);
    const undone = await call(h, 'undoReview', { messageId: id });
    expect(undone.message.status).toBe(detail.message.status);
    expect(undone.extraction!.id).toBe(detail.extraction!.id);
    expect((await call(h, 'listPrecedents', {})).length).toBe(precedentsBefore);
    expect((await call(h, 'listExtractions', { messageId: id })).some((e) => e.human)).toBe(false);
  });

  it('refuses to adopt an extraction of another message', async () => {
    const h = harness();
    const a = await someMessage(h, 0);
    const b = await someMessage(h, 1);
    expect((await h.failure('adoptExtraction', { messageId: a.id, extractionId: b.detail.extraction!.id })).failure.code).toBe('not_found');
    expect((await h.failure('dismissRegression', { messageId: a.id })).failure.code).toBe('conflict');
  });
});

describe('confidence and the review threshold', () => {
  it('gives every machine answer a confidence and reasons, and the threshold decides what needs review', async () => {
    const h = harness();
    const page = await call(h, 'listMessages', { limit: 500 });
    expect(page.items.every((m) => m.confidence !== null && m.confidence >= 0 && m.confidence <= 1)).toBe(true);
    const d = await call(h, 'getMessage', { id: page.items[0]!.id });
    expect(d.extraction!.rulebookHash).toBe((await call(h, 'getRulebook', {})).hash);
    expect(d.extraction!.current).toBe(true);

    // Listed confidences are rounded to 3 decimals: a threshold half-way between two of them splits
    // the listed values exactly as the stored ones.
    await call(h, 'updateSettings', { reviewThreshold: 0.9995 });
    const all = (await call(h, 'getCounts', {})).byStatus.needs_review;
    expect(all).toBe(page.items.filter((m) => (m.confidence ?? 1) < 0.9995 || m.valid === false).length);
    await call(h, 'updateSettings', { reviewThreshold: 0 });
    expect((await call(h, 'getCounts', {})).byStatus.needs_review).toBe(page.items.filter((m) => m.valid === false).length);
    expect(h.opts.settings.get(HOST_SETTING.reviewThreshold)).toBe(0);

    // The queue, least confident first, and the sort shown is the sort used.
    await call(h, 'updateSettings', { reviewThreshold: 0.9 });
    const queue = (await call(h, 'listMessages', { queue: true, limit: 500 })).items;
    const confidences = queue.map((m) => m.confidence ?? 1);
    expect(confidences).toEqual([...confidences].sort((x, y) => x - y));
    const newest = (await call(h, 'listMessages', { queue: true, sort: 'received_desc', limit: 500 })).items;
    const times = newest.map((m) => m.receivedAt ?? '');
    expect(times).toEqual([...times].sort().reverse());
  });

  it("says the draft's hash and whether it changed since the last published version", async () => {
    const h = harness();
    const rb = await call(h, 'getRulebook', {});
    expect(rb.hash).toMatch(/^sha256:/);
    expect(rb.published).toBeNull();
    expect(rb.changedSincePublished).toBe(true);
    const { detail } = await someMessage(h);
    await call(h, 'correctExtraction', { messageId: detail.message.id, output: { ...detail.extraction!.output, name: 'Y' }, rationale: '' });
    const changed = await call(h, 'getRulebook', {});
    expect(changed.hash).not.toBe(rb.hash);
    // An answer made under the earlier draft says so.
    const other = await call(h, 'getMessage', { id: (await someMessage(h, 5)).id });
    expect(other.extraction!.current).toBe(false);
  });
});
