import { describe, expect, it } from 'vitest';
import type { MessageInput, Precedent } from '../domain.js';
import { PrecedentIndex, messageSearchText, foldForSearch, charNgrams, stem } from './index.js';

const at = '2024-01-01T00:00:00.000Z';
function precedents(texts: (string | MessageInput)[]): Precedent[] {
  return texts.map((t, i) => ({ id: `p${i}`, message: typeof t === 'string' ? { text: t } : t, output: {}, createdAt: at }));
}

const corpus = precedents([
  'I was charged twice for my subscription this month',
  'My package never arrived, the tracking number shows delivered',
  'I cannot log in, my account is locked after too many password attempts',
  'Please cancel my subscription and refund the last payment',
  'The app crashes every time I open the settings screen',
  'How do I change the email address on my account?',
  'Invoice 2024-113 has the wrong billing address',
  'My card was declined when I tried to pay',
]);

describe('PrecedentIndex', () => {
  const index = PrecedentIndex.build(corpus);

  it('finds the most similar precedent first', () => {
    const hits = index.search({ text: 'locked out of my account, password does not work' }, 3);
    expect(hits[0]).toMatchObject({ index: 2, id: 'p2' });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]?.score ?? 0);
  });

  it('is deterministic: the same query and the same precedents give identical hits', () => {
    const q = { text: 'charged twice, please refund', subject: 'billing' };
    const a = index.search(q, 5);
    const b = PrecedentIndex.build(corpus).search(q, 5);
    expect(b).toEqual(a);
    expect(index.search(q, 5)).toEqual(a);
  });

  it('orders equal scores by precedent position', () => {
    const same = PrecedentIndex.build(precedents(['refund please', 'other thing', 'refund please', 'refund please']));
    const hits = same.search({ text: 'refund' }, 10);
    expect(hits.map((h) => h.index)).toEqual([0, 2, 3]);
    expect(hits[0]!.score).toBe(hits[2]!.score);
  });

  it('handles an empty index, an empty query and k larger than the index', () => {
    const empty = PrecedentIndex.build([]);
    expect(empty.size).toBe(0);
    expect(empty.search({ text: 'anything' }, 8)).toEqual([]);
    expect(index.search({ text: '' }, 8)).toEqual([]);
    expect(index.search({ text: '?!  ...' }, 8)).toEqual([]);
    expect(index.search({ text: 'account' }, 0)).toEqual([]);
    const all = index.search({ text: 'my account subscription card app' }, 100);
    expect(all.length).toBeLessThanOrEqual(index.size);
    expect(new Set(all.map((h) => h.index)).size).toBe(all.length);
  });

  it('is robust to typos and inflections', () => {
    expect(index.search({ text: 'the aplication crashed when opening setings' }, 1)[0]?.index).toBe(4);
    expect(index.search({ text: 'packages not arriving' }, 1)[0]?.index).toBe(1);
    expect(index.search({ text: 'subscripton charge doubled' }, 1)[0]?.index).toBe(0);
    expect(index.search({ text: 'declining cards' }, 1)[0]?.index).toBe(7);
  });

  it('handles unicode: diacritics, case and non-Latin scripts', () => {
    const idx = PrecedentIndex.build(
      precedents(['Mi pedido no llegó a tiempo', 'Die Rechnung ist FALSCH', 'Заказ не пришёл', '我的卡被拒绝了', 'café crème']),
    );
    expect(idx.search({ text: 'pedido no LLEGO' }, 1)[0]?.index).toBe(0);
    expect(idx.search({ text: 'rechnung falsch' }, 1)[0]?.index).toBe(1);
    expect(idx.search({ text: 'заказ пришел' }, 1)[0]?.index).toBe(2);
    expect(idx.search({ text: '卡被拒绝' }, 1)[0]?.index).toBe(3);
    expect(idx.search({ text: 'CAFE' }, 1)[0]?.index).toBe(4);
  });

  it('indexes the subject and, more weakly, the context', () => {
    const idx = PrecedentIndex.build(
      precedents([
        { text: 'see above', subject: 'refund request' },
        { text: 'see above', context: ['refund request'] },
        { text: 'see above' },
      ]),
    );
    const hits = idx.search({ text: 'refund' }, 3);
    expect(hits.map((h) => h.index)).toEqual([0, 1]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('keeps results stable at scale and returns k hits sorted by score', () => {
    const words = 'account billing card refund package login password invoice crash app order delivery'.split(' ');
    const many = precedents(Array.from({ length: 3000 }, (_, i) => `${words[i % 12]} ${words[(i * 7) % 12]} ${words[(i * 5) % 11]} message ${i}`));
    const idx = PrecedentIndex.build(many);
    const hits = idx.search({ text: 'refund for my card order' }, 8);
    expect(hits).toHaveLength(8);
    for (let i = 1; i < hits.length; i++) {
      const a = hits[i - 1]!;
      const b = hits[i]!;
      expect(a.score > b.score || (a.score === b.score && a.index < b.index)).toBe(true);
    }
    expect(PrecedentIndex.build(many).search({ text: 'refund for my card order' }, 8)).toEqual(hits);
  });
});

describe('text analysis', () => {
  it('builds the search text from subject and body', () => {
    expect(messageSearchText({ text: 'body', subject: 'Subject' })).toBe('Subject\nbody');
    expect(messageSearchText({ text: 'body' })).toBe('body');
  });
  it('normalises case, diacritics and apostrophes', () => {
    expect(foldForSearch("Wasn't CAFÉ")).toBe('wasnt cafe');
  });
  it('stems lightly and makes padded character n-grams', () => {
    expect(stem('charges')).toBe('charge');
    expect(stem('cards')).toBe('card');
    expect(stem('status')).toBe('status');
    expect(charNgrams('card')).toEqual(['^ca', 'car', 'ard', 'rd$', '^car', 'card', 'ard$']);
    expect(charNgrams('the')).toEqual([]);
    expect(charNgrams('2024')).toEqual([]);
  });
});
