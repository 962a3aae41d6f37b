// Every teach use case is one unit of work: a failure midway (a repository method that fails after
// its own write) leaves the workspace exactly as it was, every table's rows compared, and no
// `messagesChanged` is sent for what did not happen.
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../shared/src/domain.js';
import type { Repositories } from '../../services/workspace/index.js';
import { contextHarnesses, failAfter, InjectedFailure, workspaceSnapshot, type ContextHarness } from '../test-support.js';

const { harness, restores } = contextHarnesses('casebook-teach-atomic-');

type Step = { [R in keyof Repositories]: `${R}.${string & keyof Repositories[R]}` }[keyof Repositories];

/** Makes a repository method fail after its write, for the rest of the test. */
function breakAfter(h: ContextHarness, step: Step): void {
  const [repo, method] = step.split('.') as [keyof Repositories, string];
  restores.push(failAfter(h.ctx.repos[repo] as unknown as Record<string, unknown>, method));
}

/** Runs the use case with `step` failing after its write; the workspace must be as it was, and nothing announced. */
async function expectNothingWritten(h: ContextHarness, step: Step, useCase: () => Promise<unknown>): Promise<void> {
  const before = workspaceSnapshot(h.ws);
  const events = h.opts.events.length;
  breakAfter(h, step);
  await expect(useCase()).rejects.toThrow(InjectedFailure);
  restores.pop()!();
  expect(workspaceSnapshot(h.ws), `after a failure in ${step}`).toEqual(before);
  expect(h.opts.events.slice(events)).toEqual([]);
}

/** A demo message with a valid extraction, and its output. */
function extracted(h: ContextHarness, n = 0) {
  const id = h.ctx.repos.messages.ids().filter((m) => h.ctx.repos.extractions.latestForMessage(m)?.valid)[n]!;
  return { id, output: h.ctx.repos.extractions.latestForMessage(id)!.output };
}

const guidance = (id: string, instruction = 'Judge by the current problem.'): Rule => ({
  id,
  kind: 'guidance',
  fields: ['issue_type'],
  instruction,
  rationale: 'a test rule',
  enabled: true,
  provenance: { precedentIds: [], author: 'test', createdAt: '2026-03-10T09:00:00.000Z' },
});

describe('correctExtraction is one unit of work', () => {
  it.each<Step>(['precedents.create', 'extractions.insert', 'messages.setStatus'])('a first correction: a failure after %s leaves the workspace as it was', async (step) => {
    const h = harness();
    const { id, output } = extracted(h);
    await expectNothingWritten(h, step, () => h.call('correctExtraction', { messageId: id, output: { ...output, issue_type: 'account' }, rationale: 'locked out now' }));
    // And it works once nothing fails.
    const done = await h.call('correctExtraction', { messageId: id, output: { ...output, issue_type: 'account' }, rationale: 'locked out now' });
    expect(done.detail.message.status).toBe('corrected');
  });

  it.each<Step>(['precedents.update', 'extractions.insert'])('a second correction: a failure after %s leaves the first one as it was', async (step) => {
    const h = harness();
    const { id, output } = extracted(h);
    await h.call('correctExtraction', { messageId: id, output: { ...output, issue_type: 'account' }, rationale: 'first' });
    await expectNothingWritten(h, step, () => h.call('correctExtraction', { messageId: id, output: { ...output, issue_type: 'billing' }, rationale: 'second' }));
  });
});

describe('updatePrecedent is one unit of work', () => {
  it.each<Step>(['precedents.update', 'extractions.insert'])('a failure after %s leaves the precedent and its message as they were', async (step) => {
    const h = harness();
    const { id, output } = extracted(h);
    const { precedent } = await h.call('correctExtraction', { messageId: id, output: { ...output, issue_type: 'account' }, rationale: 'first' });
    // The precedent of a corrected message is its correction: both change together, or neither.
    await expectNothingWritten(h, step, () => h.call('updatePrecedent', { id: precedent.id, output: { ...output, issue_type: 'billing' }, rationale: 'changed my mind' }));
    const updated = await h.call('updatePrecedent', { id: precedent.id, output: { ...output, issue_type: 'billing' } });
    expect(updated.output.issue_type).toBe('billing');
    expect(h.ctx.repos.extractions.latestForMessage(id)!.output.issue_type).toBe('billing');
  });
});

describe('the other teach use cases are units of work too', () => {
  it('acceptExtraction', async () => {
    const h = harness();
    await expectNothingWritten(h, 'messages.setStatus', () => h.call('acceptExtraction', { messageId: extracted(h).id }));
  });

  it('saveRule, new and replacing', async () => {
    const h = harness();
    await expectNothingWritten(h, 'rules.create', () => h.call('saveRule', { rule: guidance('g-new') }));
    await h.call('saveRule', { rule: guidance('g-new') });
    await expectNothingWritten(h, 'rules.update', () => h.call('saveRule', { rule: guidance('g-new', 'Another instruction.') }));
  });

  it('setRuleEnabled, deleteRule and restoreRule', async () => {
    const h = harness();
    await h.call('saveRule', { rule: guidance('g-1') });
    await expectNothingWritten(h, 'rules.setEnabled', () => h.call('setRuleEnabled', { id: 'g-1', enabled: false }));
    await expectNothingWritten(h, 'rules.delete', () => h.call('deleteRule', { id: 'g-1' }));
    await h.call('deleteRule', { id: 'g-1' });
    await expectNothingWritten(h, 'rules.restore', () => h.call('restoreRule', { id: 'g-1' }));
  });

  it('deletePrecedent and restorePrecedent', async () => {
    const h = harness();
    const precedent = h.ctx.repos.precedents.list()[0]!;
    await expectNothingWritten(h, 'precedents.delete', () => h.call('deletePrecedent', { id: precedent.id }));
    await h.call('deletePrecedent', { id: precedent.id });
    await expectNothingWritten(h, 'precedents.restore', () => h.call('restorePrecedent', { id: precedent.id }));
  });
});
