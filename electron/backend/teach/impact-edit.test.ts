// The impact preview of an edit to a saved override: where the saved version changed a message's
// newest output, that change is taken back before the edited version is applied.
import { describe, expect, it } from 'vitest';
import type { OverrideRule } from '../../../shared/src/domain.js';
import { contextHarnesses } from '../test-support.js';

const { harness } = contextHarnesses('casebook-impact-edit-');
const CHARGEBACK = 'rule-demo-chargeback';

describe('previewRule for an edit of a saved override', () => {
  it('the rule unchanged changes nothing; narrowed, the messages it changed go back; its set changed, they follow', async () => {
    const h = harness();
    const { repos } = h.ctx;
    const rule = (await h.call('getRulebook', {})).rules.find((r) => r.id === CHARGEBACK) as OverrideRule;
    // The demo's model already agrees with the rule: make the newest answer of each message it fired
    // on one the rule changed (the model said low urgency, the rule made it high).
    const firedOn = repos.extractions.firedBy(CHARGEBACK, 100).rows.map((r) => r.messageId);
    expect(firedOn.length).toBeGreaterThan(0);
    for (const messageId of firedOn) {
      const latest = repos.extractions.latestForMessage(messageId)!;
      expect(latest.output.urgency).toBe('high');
      const trace = { ...latest.trace!, rulesFired: [{ ruleId: CHARGEBACK, kind: 'override' as const, changed: [{ field: 'urgency', from: 'low', to: 'high' }] }] };
      repos.extractions.insert({ messageId, result: { output: latest.output, valid: true, errors: [], trace } });
    }

    const unchanged = await h.call('previewRule', { rule });
    expect(unchanged.changed.filter((c) => firedOn.includes(c.messageId))).toEqual([]);

    const narrowed = await h.call('previewRule', { rule: { ...rule, when: { kind: 'contains_any', phrases: ['no message says this'] } } });
    for (const messageId of firedOn) {
      expect(narrowed.changed.find((c) => c.messageId === messageId)?.fields, messageId).toEqual([{ field: 'urgency', from: 'high', to: 'low' }]);
    }

    const harsher = await h.call('previewRule', { rule: { ...rule, set: { ...rule.set, urgency: 'critical' } } });
    for (const messageId of firedOn) {
      expect(harsher.changed.find((c) => c.messageId === messageId)?.fields).toEqual([{ field: 'urgency', from: 'high', to: 'critical' }]);
    }

    // A new rule (not saved) is previewed as before: nothing is taken back.
    const fresh = await h.call('previewRule', { rule: { ...rule, id: 'rule-new-one', when: { kind: 'contains_any', phrases: ['no message says this'] } } });
    expect(fresh.changed).toEqual([]);
  });
});
