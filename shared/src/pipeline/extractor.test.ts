// The whole pipeline: the embedded provider offline, and the real `openai` client over HTTP
// against the scripted server, with the failures production sees.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../testkit/scripted-server.js';
import { DROPPED_KEY_MESSAGE, droppedKeysOf } from '../api/names.js';
import type { Rule, RulebookArtifact } from '../domain.js';
import { ProviderError } from '../providers/types.js';
import { createRulebook } from '../rulebook/index.js';
import { lockoutRule, override, precedent, provenance, supportSchema } from '../testing/fixtures.js';
import { createExtractor } from './extractor.js';
import { FolderCache } from './cache.js';

const LOCKED = "It's me again. Still locked out. Billing said it wasn't them.";

function rulebook(rules: Rule[] = [], extra: Partial<RulebookArtifact['settings']> = {}): RulebookArtifact {
  return createRulebook({
    id: 'support',
    name: 'Support triage',
    schema: supportSchema,
    rules,
    precedents: [
      precedent('p-refund', 'I was charged twice, please refund the second charge', 'billing', 'medium'),
      precedent('p-invoice', 'Where can I download my invoice for March?', 'billing', 'low'),
      precedent('p-lock', 'I am locked out of my account after the password reset', 'account', 'high'),
      precedent('p-2fa', 'The two-factor code never arrives, cannot log in', 'account', 'high'),
      precedent('p-idea', 'It would be nice to have a dark mode', 'other', 'low'),
    ],
    settings: { provider: 'embedded', model: 'casebook-test-1', temperature: 0, seed: 7, k: 3, ...extra },
    createdAt: '2026-11-01T00:00:00.000Z',
  });
}

describe('pipeline with the embedded provider', () => {
  it('answers offline, valid, with a trace that explains it', async () => {
    const ex = createExtractor(rulebook());
    const r = await ex.extract({ id: 'm1', text: 'Hi, I was charged twice this month and need a refund.\nThanks,\nAna' });
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.output.issue_type).toBe('billing');
    expect(Object.keys(r.output)).toEqual(['name', 'issue_type', 'urgency']);
    expect(r.trace.provider.name).toBe('embedded');
    expect(r.trace.rulebook).toEqual({ id: 'support', version: 1, hash: ex.rulebook.hash });
    expect(r.trace.precedents[0]!.id).toBe('p-refund');
    expect(r.trace.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.trace.cacheHit).toBe(false);
  });

  it('gives the same output and prompt hash every time', async () => {
    const msg = { text: 'cannot log in, the code never arrives' };
    const a = await createExtractor(rulebook()).extract(msg);
    const b = await createExtractor(rulebook()).extract(msg);
    expect(a.output).toEqual(b.output);
    expect(a.trace.promptHash).toBe(b.trace.promptHash);
    expect(a.trace.precedents).toEqual(b.trace.precedents);
  });

  it('applies an override after the model and says which rule changed what', async () => {
    const ex = createExtractor(rulebook([lockoutRule]));
    const r = await ex.extract({ text: LOCKED });
    expect(r.output.issue_type).toBe('account');
    expect(r.trace.rulesFired).toHaveLength(1);
    expect(r.trace.rulesFired[0]!.ruleId).toBe('r-lockout');
    expect(r.trace.rulesFired[0]!.spans).toEqual([{ start: 21, end: 31 }]);
  });

  it('can leave a precedent out of its own replay', async () => {
    const ex = createExtractor(rulebook());
    const r = await ex.extract({ text: 'Where can I download my invoice for March?' }, { excludePrecedents: new Set(['p-invoice']) });
    expect(r.trace.precedents.map((p) => p.id)).not.toContain('p-invoice');
  });
});

describe('pipeline with the openai provider over HTTP', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const openai = (opts: { maxRetries?: number; timeoutMs?: number } = {}) =>
    ({ kind: 'openai', baseURL: server.url, apiKey: 'sk-test-secret', model: 'casebook-test-1', ...opts }) as const;

  it('extracts with a strict JSON schema, temperature 0 and the seed; a re-run is a cache hit', async () => {
    const ex = createExtractor(rulebook(), { provider: openai() });
    const msg = { text: 'I am locked out, my name is Ana. This is urgent: high priority' };
    const first = await ex.extract(msg);
    expect(first.valid).toBe(true);
    expect(first.trace.provider).toMatchObject({ name: 'openai', model: 'casebook-test-1', params: { temperature: 0, seed: 7, responseFormat: 'json_schema' } });
    expect(first.trace.usage?.totalTokens).toBeGreaterThan(0);
    const body = server.chatRequests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ temperature: 0, seed: 7, response_format: { type: 'json_schema', json_schema: { strict: true, name: 'casebook_support' } } });

    const again = await ex.extract(msg);
    expect(again.output).toEqual(first.output);
    expect(again.trace.cacheHit).toBe(true);
    expect(again.trace.cacheKey).toBe(first.trace.cacheKey);
    expect(server.chatRequests).toHaveLength(1);
    expect(JSON.stringify(first.trace)).not.toContain('sk-test-secret');
  });

  it('a __proto__ key in the model\'s answer is dropped as not a field, never read through the prototype', async () => {
    // A prompt-injected model can answer anything: a value hidden behind `__proto__` must neither
    // become a field (through alias repair) nor fire an override that reads the output.
    const hidden = override('r-hidden', { kind: 'field_equals', field: 'urgency', value: 'high' }, { name: 'HIDDEN' });
    const ex = createExtractor(rulebook([hidden]), { provider: openai(), cache: false });
    const content = '{"__proto__":{"urgency":"ASAP","issue_type":"billing"},"name":null,"issue_type":"other"}';
    server.enqueue({ body: { id: 'x', object: 'chat.completion', created: 1, model: 'casebook-test-1', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] } });
    const r = await ex.extract({ text: 'anything' });
    expect(Object.getPrototypeOf(r.output)).toBe(Object.prototype);
    expect(r.output).toEqual({ name: null, issue_type: 'other' });
    expect(r.output.urgency).toBeUndefined();
    expect(r.trace.rulesFired.map((f) => f.ruleId)).not.toContain('r-hidden');
    expect(r.errors).toContainEqual({ path: '/__proto__', message: 'is not a field of the schema; dropped' });
    expect(r.valid).toBe(false);
  });

  it('keeps answers in a cache folder across extractors (a re-run costs nothing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-pipeline-cache-'));
    await createExtractor(rulebook(), { provider: openai(), cache: dir }).extract({ text: 'refund please' });
    const r = await createExtractor(rulebook(), { provider: openai(), cache: new FolderCache(dir) }).extract({ text: 'refund please' });
    expect(r.trace.cacheHit).toBe(true);
    expect(server.chatRequests).toHaveLength(1);
  });

  it('waits out a 429 and succeeds', async () => {
    server.script({ rateLimit: { times: 1, retryAfter: 0 } });
    const r = await createExtractor(rulebook(), { provider: openai() }).extract({ text: 'refund please' });
    expect(r.valid).toBe(true);
    expect(r.trace.attempts).toBe(2);
  });

  it('gives up after repeated 500s with an error that says so', async () => {
    server.script({ serverError: { times: 'always', status: 500 } });
    const err = await createExtractor(rulebook(), { provider: openai({ maxRetries: 2 }) }).extract({ text: 'refund please' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('server');
    expect((err as ProviderError).attempts).toBe(3);
    expect((err as Error).message).toMatch(/500/);
  });

  it('reports malformed output as invalid, with what came back, and still applies overrides', async () => {
    server.script({ malformed: true });
    const r = await createExtractor(rulebook([lockoutRule]), { provider: openai() }).extract({ text: LOCKED });
    expect(r.valid).toBe(false);
    expect(r.errors[0]!.message).toMatch(/not valid JSON/);
    expect(r.output.issue_type).toBe('account');
    expect(r.trace.rawOutput).toBeTruthy();
  });

  it('repairs a renamed key with an alias rule, and says so in the trace', async () => {
    server.script({ rename: { urgency: 'severity' } });
    const bare = await createExtractor(rulebook(), { provider: openai() }).extract({ text: 'refund please, high priority' });
    expect(bare.valid).toBe(false);
    expect(bare.errors).toContainEqual({ path: '/severity', message: 'is not a field of the schema; dropped' });
    expect(bare.errors).toContainEqual({ path: '/urgency', message: 'is missing' });
    // The app reads dropped keys back by the contract's text: the two must agree.
    expect(bare.errors).toContainEqual({ path: '/severity', message: DROPPED_KEY_MESSAGE });
    expect(droppedKeysOf(bare.errors)).toEqual(['severity']);

    const alias: Rule = { id: 'r-severity', kind: 'alias', target: 'key', field: 'urgency', from: 'severity', rationale: 'the model says severity', enabled: true, provenance };
    const fixed = await createExtractor(rulebook([alias]), { provider: openai() }).extract({ text: 'refund please, high priority' });
    expect(fixed.valid).toBe(true);
    expect(fixed.output.urgency).toBe('high');
    expect(fixed.trace.aliases).toEqual([{ target: 'key', field: 'urgency', from: 'severity', to: 'urgency', ruleId: 'r-severity' }]);
  });

  it('repairs the schema-declared key alias (priority means urgency) without any rule', async () => {
    server.script({ rename: { urgency: 'priority' } });
    const r = await createExtractor(rulebook(), { provider: openai() }).extract({ text: 'refund please, high priority' });
    expect(r.valid).toBe(true);
    expect(r.trace.aliases).toEqual([{ target: 'key', field: 'urgency', from: 'priority', to: 'urgency' }]);
  });

  it('the "still locked out" message: a model saying billing is corrected by an override rule', async () => {
    server.script({ answer: () => ({ name: null, issue_type: 'billing', urgency: 'high' }) });
    const before = await createExtractor(rulebook(), { provider: openai() }).extract({ text: LOCKED });
    expect(before.output.issue_type).toBe('billing');
    const after = await createExtractor(rulebook([lockoutRule]), { provider: openai() }).extract({ text: LOCKED });
    expect(after.output).toEqual({ name: null, issue_type: 'account', urgency: 'high' });
    expect(after.trace.rulesFired[0]!.changed).toEqual([{ field: 'issue_type', from: 'billing', to: 'account' }]);
  });
});
