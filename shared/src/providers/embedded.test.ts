import { describe, expect, it } from 'vitest';
import type { ExtractionSchema, MessageInput, Precedent, Rule } from '../domain.js';
import { DEFAULT_SETTINGS } from '../domain.js';
import { PrecedentIndex } from '../retrieval/index.js';
import { EMBEDDED_RETRIEVAL_DEPTH, createEmbeddedProvider, findDate, findName } from './embedded.js';
import type { ProviderRequest } from './types.js';

const schema: ExtractionSchema = {
  fields: [
    { name: 'customer_name', type: 'string', nullable: true },
    {
      name: 'issue_type',
      type: 'enum',
      nullable: false,
      values: [{ value: 'billing' }, { value: 'account', aliases: ['login'] }, { value: 'shipping' }, { value: 'other' }],
    },
    { name: 'urgency', type: 'enum', nullable: true, values: [{ value: 'low' }, { value: 'high' }] },
    { name: 'refund_requested', type: 'boolean', nullable: false },
    { name: 'amount', type: 'number', nullable: true },
    { name: 'order_date', type: 'date', nullable: true },
    { name: 'tags', type: 'string_list', nullable: false },
  ],
};

const at = '2024-01-01T00:00:00.000Z';
const p = (id: string, text: string, output: Precedent['output']): Precedent => ({ id, message: { text }, output, createdAt: at });
const precedents: Precedent[] = [
  p('a1', 'I am locked out of my account after resetting the password', { issue_type: 'account', urgency: 'high', refund_requested: false, tags: ['lockout'] }),
  p('a2', 'Still locked out, cannot log in to my account', { issue_type: 'account', urgency: 'high', refund_requested: false, tags: ['lockout'] }),
  p('a3', 'Password reset email never arrives, locked out', { issue_type: 'account', urgency: 'high', refund_requested: false, tags: ['lockout'] }),
  p('b1', 'I was charged twice this month, please refund one charge', { issue_type: 'billing', urgency: 'low', refund_requested: true, tags: [] }),
  p('b2', 'Wrong amount on my invoice, I want a refund', { issue_type: 'billing', urgency: 'low', refund_requested: true, tags: [] }),
  p('s1', 'My package has not arrived yet, tracking shows nothing', { issue_type: 'shipping', urgency: 'low', refund_requested: false, tags: [] }),
];
const index = PrecedentIndex.build(precedents);

function request(message: MessageInput, rules: Rule[] = [], k = EMBEDDED_RETRIEVAL_DEPTH): ProviderRequest {
  return {
    messages: [],
    jsonSchema: {},
    schemaName: 'extraction',
    settings: DEFAULT_SETTINGS,
    schema,
    message,
    precedents: index.search(message, k).map((h) => ({ precedent: precedents[h.index]!, score: h.score })),
    rules,
  };
}

async function answer(message: MessageInput, opts: { rules?: Rule[]; centroids?: boolean; k?: number } = {}) {
  const provider = createEmbeddedProvider(opts.centroids === false ? undefined : { precedents, index });
  const res = await provider.complete(request(message, opts.rules, opts.k));
  expect(res).toMatchObject({ usage: null, attempts: 1, responseFormat: 'none', model: 'embedded-v1' });
  return JSON.parse(res.raw) as Record<string, unknown>;
}

describe('embedded provider', () => {
  it('names itself and answers every schema field', async () => {
    const provider = createEmbeddedProvider();
    expect(provider).toMatchObject({ name: 'embedded', model: 'embedded-v1', identity: 'embedded' });
    const out = await answer({ text: 'hello' }, { centroids: false });
    expect(Object.keys(out)).toEqual(schema.fields.map((f) => f.name));
  });

  it('follows the precedents rather than a mere mention (the "Billing said it was not them" trap)', async () => {
    const message = { text: "It's me again. Still locked out. Billing said it wasn't them." };
    for (const centroids of [true, false]) {
      const out = await answer(message, { centroids });
      expect(out.issue_type).toBe('account');
      expect(out.urgency).toBe('high');
      expect(out.refund_requested).toBe(false);
      expect(out.customer_name).toBeNull();
      expect(out.tags).toEqual(['lockout']);
    }
  });

  it('uses enum values and their aliases named in the text when precedents say nothing', async () => {
    const out = await answer({ text: 'zzz qqq shipping' }, { centroids: false });
    expect(out.issue_type).toBe('shipping');
    const viaAlias = await answer({ text: 'zzz qqq login' }, { centroids: false });
    expect(viaAlias.issue_type).toBe('account');
    const rule: Rule = {
      id: 'r1', kind: 'alias', target: 'value', field: 'urgency', from: 'ASAP', to: 'high',
      rationale: '', enabled: true, provenance: { precedentIds: [], author: 't', createdAt: at },
    };
    expect((await answer({ text: 'zzz qqq fix ASAP' }, { rules: [rule], centroids: false })).urgency).toBe('high');
    expect((await answer({ text: 'zzz qqq fix ASAP' }, { centroids: false })).urgency).toBeNull();
  });

  it('gives non-nullable fields a valid value with no evidence at all', async () => {
    const out = await answer({ text: 'zzz qqq' }, { centroids: false, k: 0 });
    expect(out).toEqual({ customer_name: null, issue_type: 'billing', urgency: null, refund_requested: false, amount: null, order_date: null, tags: [] });
  });

  it('extracts names, dates and numbers from the text', async () => {
    const out = await answer({ text: 'Hi, my name is Ana Lima. I was charged 42.50 twice on 2024-03-07, please refund.\n\nThanks' });
    expect(out.customer_name).toBe('Ana Lima');
    expect(out.order_date).toBe('2024-03-07');
    expect(out.amount).toBe(42.5);
    expect(out.issue_type).toBe('billing');
    expect(out.refund_requested).toBe(true);
  });

  it('is deterministic', async () => {
    const m = { text: 'Locked out again, charged twice?', subject: 'help' };
    const a = await createEmbeddedProvider({ precedents }).complete(request(m));
    const b = await createEmbeddedProvider({ precedents, index }).complete(request(m));
    expect(b.raw).toBe(a.raw);
  });
});

describe('heuristics', () => {
  it('finds names in introductions, sign-offs and the sender', () => {
    expect(findName({ text: "Hi, I'm Ana and my card is blocked" })).toBe('Ana');
    expect(findName({ text: 'Please help.\n\nThanks,\nJohn Smith' })).toBe('John Smith');
    expect(findName({ text: 'Order missing.\n-- Maria' })).toBe('Maria');
    expect(findName({ text: 'The export button crashes the app every time. - Priya' })).toBe('Priya');
    expect(findName({ text: 'Still no refund! — Tomás Ruiz' })).toBe('Tomás Ruiz');
    expect(findName({ text: 'Order TW-123456 - Urgent' })).toBeNull();
    expect(findName({ text: 'The app crashes - Help' })).toBeNull();
    expect(findName({ text: 'It broke again. - Thanks' })).toBeNull();
    expect(findName({ text: 'Regards, Wei Chen' })).toBe('Wei Chen');
    expect(findName({ text: "I'm still locked out" })).toBeNull();
    expect(findName({ text: 'help', sender: 'Fatima Zahra <fz@example.com>' })).toBe('Fatima Zahra');
    expect(findName({ text: 'help', sender: 'fz@example.com' })).toBeNull();
  });
  it('finds unambiguous dates', () => {
    expect(findDate('on 2024-02-30')).toBeNull();
    expect(findDate('since March 3rd, 2024')).toBe('2024-03-03');
    expect(findDate('since 3 March 2024')).toBe('2024-03-03');
    expect(findDate('on 25/12/2023')).toBe('2023-12-25');
    expect(findDate('on 03/04/2024')).toBeNull();
  });
});

describe('free-text fields', () => {
  const freeSchema: ExtractionSchema = { fields: [{ name: 'requested_action', type: 'string', nullable: true }] };
  const one = [p('x1', 'Please explain how the cashier role works for staff', { requested_action: 'explain cashier-only staff role' })];
  const two = [
    ...one,
    p('x2', 'How does the cashier role work for my staff?', { requested_action: 'explain cashier-only staff role' }),
  ];
  const ask = async (ps: Precedent[], text: string) => {
    const provider = createEmbeddedProvider({ precedents: ps });
    const idx = PrecedentIndex.build(ps);
    const retrieved = idx.search({ text }, 10).map((h) => ({ precedent: ps[h.index]!, score: h.score }));
    const r = await provider.complete({ messages: [], jsonSchema: {}, schemaName: 's', settings: DEFAULT_SETTINGS, schema: freeSchema, message: { text }, precedents: retrieved, rules: [] });
    return JSON.parse(r.raw) as Record<string, unknown>;
  };

  it("does not copy one precedent's free text into another message", async () => {
    expect(await ask(one, 'The cashier report is empty again today, the staff role page too')).toEqual({ requested_action: null });
    // What the message itself asks for is taken from its words, not from the precedent.
    expect(await ask(one, 'We want to export our data before we cancel; the cashier report too')).toEqual({ requested_action: 'export our data' });
  });

  it('copies a value that several close precedents agree on', async () => {
    expect(await ask(two, 'How does the cashier role work for staff?')).toEqual({ requested_action: 'explain cashier-only staff role' });
  });
});

describe('embedded provider: prepare', () => {
  it('builds its per-field models with turns for the event loop between fields, and answers the same after', async () => {
    const fresh = createEmbeddedProvider({ precedents, index });
    let turns = 0;
    let stop = false;
    const tick = (): void => {
      turns++;
      if (!stop) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await fresh.prepare!(schema);
    stop = true;
    const choiceFields = schema.fields.filter((f) => f.type === 'enum' || f.type === 'boolean').length;
    expect(turns).toBeGreaterThanOrEqual(choiceFields);
    const message = { text: 'I was charged twice this month, please refund' };
    const cold = createEmbeddedProvider({ precedents, index });
    expect((await fresh.complete(request(message))).raw).toBe((await cold.complete(request(message))).raw);
  });
});
