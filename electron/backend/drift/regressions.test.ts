// The regressions board (issue 12) over a real SQLite copy of the demo with the embedded provider:
// v1, v2 (a guidance rule, no change in answers), v3 (an override rule that breaks a precedent):
// the board of v3 and of the draft list that precedent failing since 3, passed in 1 and 2; v2's
// board does not list it; a second board replays nothing again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Rule } from '../../../shared/src/domain.js';
import * as replayModule from '../../../shared/src/rulebook/replay.js';
import { GateService } from '../publish/gate.js';
import { createPublishHandlers } from '../publish/handlers.js';
import { call, contextHarnesses, type ContextHarness } from '../test-support.js';
import { artifactFor } from './consistency.js';
import { closeInvestigations, createInvestigateHandlers } from './investigate-handlers.js';

vi.mock('../../../shared/src/rulebook/replay.js', { spy: true });

const { harness } = contextHarnesses('casebook-regressions-');
const opened: ContextHarness[] = [];
afterEach(() => {
  for (const h of opened.splice(0)) closeInvestigations(h.ctx);
});

async function publish(h: ContextHarness, note: string): Promise<number> {
  const gates = new GateService(h.ctx);
  const handlers = createPublishHandlers(h.ctx, { afterChange: () => undefined }, gates);
  const gate = await gates.settled((await call(handlers, 'startGate', {})).id);
  const published = await call(handlers, 'publishDraft', { gateId: gate.id, note, ...(gate.regressions > 0 ? { overrideReason: 'the test breaks it on purpose' } : {}) });
  return published.version;
}

const provenance = { precedentIds: [], author: 'test', createdAt: '2026-11-01T00:00:00Z' };

describe('regressions board', () => {
  it('shows a precedent broken by v3’s rule failing since 3, passed in 1 and 2', async () => {
    const h = harness();
    opened.push(h);
    const drift = createInvestigateHandlers(h.ctx);
    expect(await publish(h, 'v1')).toBe(1);
    const guidance: Rule = { id: 'r-test-guide', kind: 'guidance', fields: ['urgency'], instruction: 'Judge urgency by business impact.', rationale: '', enabled: true, provenance };
    await h.call('saveRule', { rule: guidance });
    expect(await publish(h, 'v2')).toBe(2);

    // A precedent with a phrase of its own; v3's rule sets another issue type where the phrase is.
    const { artifact } = artifactFor(h.ctx, 'draft');
    const issueTypes = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];
    const target = artifact.precedents.find((p) => {
      const phrase = p.message.text.slice(0, 40);
      return p.message.text.length > 60 && artifact.precedents.filter((q) => q.message.text.includes(phrase)).length === 1;
    })!;
    const phrase = target.message.text.slice(0, 40);
    const other = issueTypes.find((t) => t !== target.output.issue_type)!;
    const breaking: Rule = { id: 'r-test-break', kind: 'override', when: { kind: 'contains_any', phrases: [phrase] }, set: { issue_type: other }, rationale: '', enabled: true, provenance };
    await h.call('saveRule', { rule: breaking });
    expect(await publish(h, 'v3')).toBe(3);

    const spy = vi.mocked(replayModule.replayPrecedents);
    spy.mockClear();
    const board = await call(drift, 'regressionBoard', { version: 3 });
    expect(board).toMatchObject({ version: 3, total: artifact.precedents.length });
    const item = board.items.find((i) => i.precedentId === target.id)!;
    expect(item).toEqual({
      precedentId: target.id,
      excerpt: expect.any(String),
      fields: [{ field: 'issue_type', expected: target.output.issue_type, actual: other }],
      failingSince: 3,
      passedIn: [1, 2],
    });
    const replayed = spy.mock.calls.reduce((n, [, opts]) => n + (opts?.precedents?.length ?? 0), 0);
    expect(replayed).toBeGreaterThanOrEqual(artifact.precedents.length);

    // The same board again replays nothing.
    spy.mockClear();
    expect(await call(drift, 'regressionBoard', { version: 3 })).toEqual(board);
    expect(spy).not.toHaveBeenCalled();

    // The draft (v3's content, its own artifact): its precedents replayed once, the versions' results kept.
    const draftBoard = await call(drift, 'regressionBoard', { version: 'draft' });
    expect(draftBoard.items.find((i) => i.precedentId === target.id)).toMatchObject({ failingSince: 3, passedIn: [1, 2] });
    expect(spy).toHaveBeenCalledTimes(1);

    // Under v2 it passes.
    expect((await call(drift, 'regressionBoard', { version: 2 })).items.some((i) => i.precedentId === target.id)).toBe(false);
    // A precedent that fails everywhere never passed: failingSince null.
    for (const i of board.items) if (i.passedIn.length === 0) expect(i.failingSince).toBeNull();
  }, 120_000);
});
