// The scoring of phrase suggestions, by example and by property (fast-check, the project's fixed seed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../../../shared/src/testing/property.js';
import { candidatePhrases, isIdWord, personNames, PhraseCounter, phraseScore, PHRASE_LIMITS, rankPhrases, withoutSignature, wordRuns } from './phrases.js';

const keys = (message: Parameters<typeof candidatePhrases>[0], useSubject = true, names = personNames(message)) => candidatePhrases(message, { useSubject, names }).map((c) => c.key);

describe('words and runs', () => {
  it('a run ends at punctuation and newlines; e-mail addresses and URLs give no word', () => {
    const runs = wordRuns('Export last months sales, to csv\nmail me at a.b@x.com or see https://x.io/a?b=1 now');
    expect(runs.map((r) => r.map((w) => w.text).join(' '))).toEqual(['Export last months sales', 'to csv', 'mail me at', 'or see', 'now']);
  });

  it('a word with a digit is an id', () => {
    expect(['TW-48213', '4411', 'v2', '01.03', 'INV2024'].every(isIdWord)).toBe(true);
    expect(['refund', 'Bluetooth', "can't"].some(isIdWord)).toBe(false);
  });
});

describe('the person', () => {
  it('knows the sender, greetings, self-introductions, sign-offs and a closing name', () => {
    const names = personNames(
      {
        sender: 'Marcus Hale <marcus.hale@halehardware.com>',
        text: "Hi Anna,\n\nI'm Jo Baker from the shop. The reader will not pair.\n\nThanks,\nPriya Raman\nFernleaf Yoga",
      },
      ['Dana Okafor'],
    );
    for (const n of ['marcus', 'hale', 'halehardware', 'anna', 'jo', 'baker', 'priya', 'raman', 'fernleaf', 'yoga', 'dana', 'okafor']) expect(names, n).toContain(n);
    expect(names).not.toContain('reader');
    expect(names).not.toContain('thanks');
  });

  it('a closing line that is a name, or a name with a title, or a dash and a name', () => {
    expect(personNames({ text: 'Card reader is dead.\nDan' })).toContain('dan');
    expect(personNames({ text: 'The booking page is down.\nRobert Kim, DDS' })).toEqual(new Set(['robert', 'kim', 'dds']));
    expect(personNames({ text: 'Printer jams.\n— Lee' })).toContain('lee');
    expect(personNames({ text: 'Printer jams. Cheers, Lee' })).toContain('lee');
  });

  it('the signature is cut from the body', () => {
    expect(withoutSignature('Please refund me.\n\nMit freundlichen Grüßen\nLena Vogel\nCafé Vogel, Leipzig')).toEqual({ body: 'Please refund me.\n', signature: 'Mit freundlichen Grüßen\nLena Vogel\nCafé Vogel, Leipzig' });
  });
});

describe('candidates', () => {
  const chat = { subject: 'Chat with Tidewell', sender: 'Marcus Hale <marcus@halehardware.com>', text: 'hey is there a way to export last months sales to csv\n\nthanks, Marcus' };

  it('a shared subject gives nothing; the body gives one to three words; no name, no greeting', () => {
    const got = keys(chat, false);
    expect(got).toContain('csv');
    expect(got).toContain('export last months');
    expect(got.some((k) => /chat|tidewell/.test(k))).toBe(false);
    expect(got.some((k) => /marcus|hale|\bhey\b|thanks/.test(k))).toBe(false);
    expect(got.every((k) => k.split(' ').length <= 3)).toBe(true);
  });

  it('a subject of its own is used when the caller says so', () => {
    expect(keys({ ...chat, subject: 'CSV export broken' }, true)).toContain('csv export broken');
  });

  it('ids are never phrases, nor phrases around them', () => {
    const got = keys({ text: 'Order TW-48213 never arrived, invoice #4411 of 01.03. Write to ops@shop.com or www.shop.com/track please' });
    expect(got.some((k) => /\d|@|www|shop\.com/.test(k))).toBe(false);
    expect(got).toContain('never arrived');
  });

  it('a 20,000-character message gives at most the limit', () => {
    const words = Array.from({ length: 4000 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) | 0) % 26)}x`);
    const got = candidatePhrases({ text: words.join(' ').slice(0, 20_000) }, { useSubject: true, names: new Set() });
    expect(got.length).toBe(PHRASE_LIMITS.maxCandidates);
  });
});

describe('scoring', () => {
  it('log-odds: more with the answer is better, more against is worse', () => {
    expect(phraseScore(5, 0, 10, 100)).toBeGreaterThan(phraseScore(1, 0, 10, 100));
    expect(phraseScore(1, 0, 10, 100)).toBeGreaterThan(phraseScore(5, 5, 10, 100));
    expect(phraseScore(5, 50, 10, 100)).toBeCloseTo(0);
    expect(phraseScore(5, 80, 10, 100)).toBeLessThan(0);
  });

  it('when the answer is most messages\' answer, a phrase mostly held by messages sharing it is still offered', () => {
    const message = { text: 'Still locked out.' };
    const counter = new PhraseCounter(candidatePhrases(message, { useSubject: true, names: new Set() }));
    for (let i = 0; i < 100; i++) counter.add(i < 2 ? 'locked out again' : `question ${i}`, true);
    counter.add('I was locked out, billing', false);
    for (let i = 0; i < 39; i++) counter.add(`refund ${i}`, false);
    counter.nWith++;
    counter.with.forEach((_, i) => counter.with[i]!++);
    const [best] = rankPhrases(counter, 3);
    expect(best).toMatchObject({ phrase: 'locked', with: 3, against: 1 });
    expect(best!.score).toBeLessThan(0);
  });

  it('ranks by distinctiveness; a template phrase shared by every answer is not offered', () => {
    const message = { text: 'locked out of the back office, chat transcript follows' };
    const counter = new PhraseCounter(candidatePhrases(message, { useSubject: true, names: new Set() }));
    counter.add(message.text, true);
    counter.add('locked out again', true);
    counter.add('I am locked out', true);
    for (let i = 0; i < 20; i++) counter.add(`chat transcript follows: refund ${i} please`, false);
    counter.add('back office printer', false);
    const ranked = rankPhrases(counter, 5);
    expect(ranked[0]).toMatchObject({ phrase: 'locked', with: 3, against: 0 });
    expect(ranked.map((r) => r.phrase)).not.toContain('chat transcript follows');
    expect(ranked.map((r) => r.phrase)).not.toContain('chat');
    // "locked out" is held by the same messages as "locked": only the shorter is offered.
    expect(ranked.map((r) => r.phrase)).not.toContain('locked out');
  });
});

describe('properties', () => {
  const word = fc.stringMatching(/^[a-zA-Zäöüé]{1,9}$/);
  const token = fc.oneof(word, word, word, fc.stringMatching(/^[A-Z]{2}-\d{3,6}$/), fc.constantFrom('a@b.co', 'https://x.io/p', '#44', 'the', 'hi', 'Anna'));
  const sep = fc.constantFrom(' ', ' ', ' ', ', ', '.\n', '\n\n', ' - ');
  const text = fc.array(fc.tuple(token, sep), { minLength: 1, maxLength: 60 }).map((parts) => parts.map(([t, s]) => t + s).join(''));
  const message = fc.record({ text, subject: fc.option(text, { nil: undefined }), sender: fc.option(fc.constantFrom('Anna Berg <anna@berg.se>', 'Kim', 'x@y.z'), { nil: undefined }) });

  it('every candidate occurs in the message as written (what a case-insensitive rule matches), holds no id and no name, and has one to three words', () => {
    fc.assert(
      fc.property(message, fc.boolean(), (m, useSubject) => {
        const names = personNames(m);
        const ruleText = `${useSubject && m.subject ? m.subject : ''}\n\n${m.text}`.toLowerCase();
        for (const c of candidatePhrases(m, { useSubject, names })) {
          expect(ruleText.includes(c.key)).toBe(true);
          expect(c.phrase.toLowerCase()).toBe(c.key);
          expect(/\d|@|https?:/.test(c.key)).toBe(false);
          expect(c.key.split(' ').some((w) => names.has(w))).toBe(false);
          expect(c.words).toBeGreaterThanOrEqual(1);
          expect(c.words).toBeLessThanOrEqual(PHRASE_LIMITS.maxWords);
        }
      }),
      propertyOptions(),
    );
  });

  it('without the subject, no candidate comes from it', () => {
    fc.assert(
      fc.property(text, fc.array(fc.stringMatching(/^[q-z]{4,8}$/), { minLength: 1, maxLength: 5 }), (body, subjectWords) => {
        const only = subjectWords.filter((w) => !body.toLowerCase().includes(w));
        const got = candidatePhrases({ text: body, subject: only.join(' ') }, { useSubject: false, names: new Set() });
        for (const c of got) for (const w of only) expect(c.key.split(' ')).not.toContain(w);
      }),
      propertyOptions(),
    );
  });

  it('a message counted as holding a phrase holds it as a substring (so the rule would match it)', () => {
    fc.assert(
      fc.property(message, fc.array(text, { maxLength: 8 }), (m, docs) => {
        const counter = new PhraseCounter(candidatePhrases(m, { useSubject: true, names: new Set() }));
        for (const doc of docs) {
          const before = [...counter.with];
          counter.add(doc, true);
          counter.candidates.forEach((c, i) => {
            if (counter.with[i]! > before[i]!) expect(doc.toLowerCase().includes(c.key)).toBe(true);
          });
        }
        expect(counter.nWith).toBe(docs.length);
      }),
      propertyOptions(),
    );
  });

  it('the score grows with `with` and falls with `against`', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), (w, a, extraW, extraA) => {
        const nW = w + extraW + 1;
        const nA = a + extraA + 1;
        if (w < nW) expect(phraseScore(w + 1, a, nW, nA)).toBeGreaterThan(phraseScore(w, a, nW, nA));
        if (a < nA) expect(phraseScore(w, a + 1, nW, nA)).toBeLessThan(phraseScore(w, a, nW, nA));
      }),
      propertyOptions(),
    );
  });

  it('ranked phrases are offered (positive, or mostly held by messages sharing the answer), best first, at most the limit', () => {
    fc.assert(
      fc.property(message, fc.array(fc.tuple(text, fc.boolean()), { maxLength: 12 }), fc.integer({ min: 1, max: 20 }), (m, docs, limit) => {
        const counter = new PhraseCounter(candidatePhrases(m, { useSubject: true, names: new Set() }));
        counter.add(m.text, true);
        for (const [doc, same] of docs) counter.add(doc, same);
        const ranked = rankPhrases(counter, limit);
        expect(ranked.length).toBeLessThanOrEqual(limit);
        ranked.forEach((r, i) => {
          expect(r.score > 0 || (r.with >= 2 && r.with >= 2 * r.against)).toBe(true);
          if (i > 0) expect(r.score).toBeLessThanOrEqual(ranked[i - 1]!.score);
        });
      }),
      propertyOptions(),
    );
  });
});
