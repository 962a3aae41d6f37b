// Stale extractions end to end over the demo workspace: a change of the schema's shape marks the
// extractions made before it (summaries, the message's record, the inbox filter), a description
// does not, undo makes them current again, and a run over the stale filter clears them.
import { describe, expect, it } from 'vitest';
import { contextHarnesses, type ContextHarness } from '../test-support.js';

const { harness } = contextHarnesses('casebook-stale-');

async function runToEnd(h: ContextHarness, runId: string) {
  for (let i = 0; i < 600; i++) {
    const run = await h.call('getRun', { runId });
    if (run.status !== 'queued' && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${runId} did not end`);
}

describe('stale extractions', () => {
  it('are marked after a change of shape, filtered, current again after undo, and cleared by a re-run of the stale ones', async () => {
    const h = harness();
    const extracted = (await h.call('listMessages', { stale: false, limit: 500 })).items.filter((m) => m.output !== null).length;
    expect(extracted).toBeGreaterThan(100);
    expect((await h.call('listMessages', { stale: true })).total).toBe(0);

    // A description changes the prompt, not what a valid output is: nothing goes stale.
    await h.call('applySchemaChange', { change: { op: 'update_field', field: 'urgency', set: { description: 'How soon.' } } });
    expect((await h.call('listMessages', { stale: true })).total).toBe(0);

    const preview = await h.call('previewSchemaChange', { change: { op: 'remove_field', field: 'sentiment' } });
    expect(preview.staleExtractions).toBe(extracted);
    const { entry } = await h.call('applySchemaChange', { change: { op: 'remove_field', field: 'sentiment' }, confirm: true });
    const stale = await h.call('listMessages', { stale: true, limit: 5 });
    expect(stale.total).toBe(extracted);
    expect(stale.items.every((m) => m.stale)).toBe(true);
    // Shown as it was: the output still has the removed field, and its validity is the one it had.
    const detail = await h.call('getMessage', { id: stale.items[0]!.id });
    expect(detail.extraction).toMatchObject({ stale: true, output: expect.objectContaining({ sentiment: expect.any(String) }) });
    expect((await h.call('listMessages', { stale: false })).items.every((m) => !m.stale)).toBe(true);

    await h.call('undoDraftChange', { id: entry!.id });
    expect((await h.call('listMessages', { stale: true })).total).toBe(0);
    await h.call('applySchemaChange', { change: { op: 'add_field', field: { name: 'channel', type: 'string', nullable: true } } });
    expect((await h.call('listMessages', { stale: true })).total).toBe(extracted);

    // "Re-run the stale ones" is one selection.
    const run = await h.call('startRun', { selection: { filter: { stale: true } } });
    expect(run.total).toBe(extracted);
    expect(await runToEnd(h, run.id)).toMatchObject({ status: 'done', done: extracted, failed: 0 });
    expect((await h.call('listMessages', { stale: true })).total).toBe(0);
    const after = await h.call('getMessage', { id: stale.items[0]!.id });
    expect(after.extraction).toMatchObject({ stale: false });
  }, 60_000);
});
