// Confidence from a model's log-probabilities, end to end: the scripted server returns them (over
// real HTTP, through the openai client), the trace keeps them, and a field the model was unsure of
// sends a valid answer to review, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../../shared/testkit/scripted-server.js';
import { HOST_SETTING } from '../handlers.js';
import { PROVIDER_SETTING } from '../service.js';
import { contextHarnesses } from '../test-support.js';

const { harness } = contextHarnesses('casebook-confidence-');
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

/** Four-character tokens; those of `word` get `logprob`, the rest are near-certain. */
const unsure = (word: string, logprob: number) => (content: string) =>
  (content.match(/[\s\S]{1,4}/g) ?? []).map((token, i, all) => {
    const before = all.slice(0, i).join('').length;
    const at = content.indexOf(`"${word}"`);
    return { token, logprob: at >= 0 && before < at + word.length + 2 && before + token.length > at ? logprob : -0.0005 };
  });

async function withModel() {
  const h = harness();
  h.opts.settings.set(HOST_SETTING.baseURL, server.url);
  await h.call('updateDraft', { settings: { provider: 'openai', model: 'casebook-test-1' } });
  return h;
}

describe('confidence from log-probabilities', () => {
  it("caps a valid answer's confidence at the model's probability of its least sure field, and says which", async () => {
    const h = await withModel();
    h.opts.settings.set(HOST_SETTING.reviewThreshold, 0.5);
    server.script({ logprobs: unsure('billing', -1.5), answer: (_body, message) => ({ ...baseAnswer, issue_type: /refund/i.test(message.text) ? 'billing' : 'other' }) });
    const message = h.ctx.repos.messages.get(h.ctx.repos.messages.ids().find((id) => /refund/i.test(h.ctx.repos.messages.get(id)!.text))!)!;
    const result = await h.ctx.extraction.extractOne(message);
    expect(result.valid).toBe(true);
    expect(result.trace.logprobs!.find((p) => p.field === 'issue_type')!.probability).toBeCloseTo(Math.exp(-1.5), 3);
    const detail = await h.call('getMessage', { id: message.id });
    expect(detail.message.status).toBe('needs_review');
    expect(detail.extraction!.confidence!).toBeLessThanOrEqual(Math.exp(-1.5) + 1e-3);
    expect(detail.extraction!.reasons).toContainEqual(expect.objectContaining({ kind: 'logprobs', field: 'issue_type' }));
  });

  it('asks for none when the host says not to', async () => {
    const h = await withModel();
    h.opts.settings.set(PROVIDER_SETTING.logprobs, false);
    server.script({ logprobs: true });
    const asked = server.chatRequests.length;
    const message = h.ctx.repos.messages.get(h.ctx.repos.messages.ids()[3]!)!;
    const result = await h.ctx.extraction.extractOne(message);
    expect(server.chatRequests.length).toBe(asked + 1);
    expect((server.chatRequests.at(-1)!.body as { logprobs?: unknown }).logprobs).toBeUndefined();
    expect(result.trace.logprobs).toBeUndefined();
  });
});

const baseAnswer = {
  name: null,
  issue_type: 'other',
  urgency: 'low',
  product_area: 'other',
  sentiment: 'neutral',
  order_id: null,
  requested_action: null,
  language: 'en',
  is_repeat_contact: false,
};
