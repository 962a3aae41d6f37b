// suggestPhrases over copies of the demo workspace: phrases from the body, never a shared chat
// subject, the sender's name or an id; counted against the answer of record.
import { describe, expect, it } from 'vitest';
import { apiFailure, call, contextHarnesses, demoId, demoRows } from '../test-support.js';
import { createPhraseHandlers } from './phrase-handlers.js';

const { harness } = contextHarnesses('casebook-phrases-');

function open() {
  const h = harness();
  const phrases = createPhraseHandlers(h.ctx);
  const suggest = (messageId: string, field = 'issue_type', limit = 12) => call(phrases, 'suggestPhrases', { messageId, field, limit });
  return { h, suggest };
}

const nameParts = (sender: string) =>
  sender
    .replace(/<.*>/, '')
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());

describe('suggestPhrases', () => {
  it('a chat transcript: no word of its shared subject, no name, no id; the answer of record is the value', async () => {
    const { h, suggest } = open();
    const chats = demoRows.filter((r) => r.subject === 'Chat with Tidewell');
    expect(chats.length).toBeGreaterThan(5);
    for (const chat of chats) {
      const id = demoId(chat);
      const got = await suggest(id);
      const record = (await h.call('getMessage', { id })).extraction;
      expect(got.field).toBe('issue_type');
      expect(got.value).toEqual(record?.output.issue_type ?? null);
      for (const p of got.phrases) {
        const key = p.phrase.toLowerCase();
        expect(key, chat.id).not.toMatch(/\bchat\b|\btidewell\b/);
        if (/\btidewell\b/i.test(chat.text)) continue;
        for (const part of nameParts(chat.sender)) expect(key.split(' '), chat.id).not.toContain(part);
        expect(key).not.toMatch(/\d|@/);
        expect(p.with).toBeGreaterThanOrEqual(1);
        expect(p.score > 0 || p.with >= 2 * p.against).toBe(true);
      }
    }
    // One of them, in full: the words of the question, best first.
    const export_ = await suggest(demoId('demo-002'));
    expect(export_.phrases.map((p) => p.phrase)).toContain('csv');
  });

  it('a subject no other message has is used; ids in it are not', async () => {
    const { suggest } = open();
    const german = await suggest(demoId('demo-003'));
    expect(german.phrases.map((p) => p.phrase)).toContain('Rechnung');
    const order = await suggest(demoId('demo-008'), 'issue_type', 50);
    expect(order.phrases.some((p) => /\d/.test(p.phrase))).toBe(false);
    expect(order.phrases.some((p) => /ingrid|solberg/i.test(p.phrase))).toBe(false);
  });

  it('counts follow the answer of record: after a correction, the message sides with its new answer', async () => {
    const { h, suggest } = open();
    const id = demoId('demo-002');
    const before = await suggest(id);
    const record = (await h.call('getMessage', { id })).extraction!;
    const other = before.value === 'feature_request' ? 'other' : 'feature_request';
    await h.call('correctExtraction', { messageId: id, output: { ...record.output, issue_type: other }, rationale: '' });
    const after = await suggest(id);
    expect(after.value).toBe(other);
    expect(after.phrases.length).toBeGreaterThan(0);
  });

  it('limits, and refusals: an unknown field, an unknown message', async () => {
    const { suggest } = open();
    expect((await suggest(demoId('demo-001'), 'issue_type', 3)).phrases.length).toBeLessThanOrEqual(3);
    expect((await apiFailure(suggest(demoId('demo-001'), 'no_such_field'))).failure.code).toBe('bad_request');
    expect((await apiFailure(suggest('no-such-message'))).failure.code).toBe('not_found');
  });

  it('the sender and the signature never show, on any demo message', async () => {
    const { suggest } = open();
    for (const r of demoRows) {
      const got = await suggest(demoId(r), 'urgency', 50);
      for (const p of got.phrases) for (const part of nameParts(r.sender)) expect(p.phrase.toLowerCase().split(' '), `${r.id}: ${p.phrase}`).not.toContain(part);
    }
  });
});
