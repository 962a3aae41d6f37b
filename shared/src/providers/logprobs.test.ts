import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { fieldProbabilities, topLevelValueSpans, type TokenLogprob } from './logprobs.js';

/** Splits `text` at the given cut points into tokens, each with a log-probability. */
function tokenize(text: string, cuts: number[], logprobs: number[]): TokenLogprob[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].filter((c) => c > 0 && c < text.length).sort((a, b) => a - b);
  const bounds = [0, ...points, text.length];
  return bounds.slice(1).map((end, i) => ({ token: text.slice(bounds[i]!, end), logprob: logprobs[i % Math.max(1, logprobs.length)] ?? 0 }));
}

describe('fieldProbabilities', () => {
  it("gives each field its value's least likely token", () => {
    const raw = '{"issue_type":"billing","urgency":"high"}';
    const tokens: TokenLogprob[] = [
      { token: '{"', logprob: -0.001 },
      { token: 'issue_type', logprob: -0.001 },
      { token: '":"', logprob: -0.001 },
      { token: 'bill', logprob: -0.7 },
      { token: 'ing', logprob: -0.01 },
      { token: '","', logprob: -0.001 },
      { token: 'urgency', logprob: -0.001 },
      { token: '":"', logprob: -0.001 },
      { token: 'high', logprob: -0.05 },
      { token: '"}', logprob: -0.001 },
    ];
    expect(fieldProbabilities(raw, tokens)).toEqual([
      { field: 'issue_type', probability: Math.round(Math.exp(-0.7) * 1e4) / 1e4 },
      { field: 'urgency', probability: Math.round(Math.exp(-0.05) * 1e4) / 1e4 },
    ]);
  });

  it('gives nothing when the tokens do not spell the answer, or the answer is no object', () => {
    expect(fieldProbabilities('{"a":1}', [{ token: '{"a":2}', logprob: -1 }])).toEqual([]);
    expect(fieldProbabilities('[1,2]', [{ token: '[1,2]', logprob: -1 }])).toEqual([]);
    expect(fieldProbabilities('{"a":', [{ token: '{"a":', logprob: -1 }])).toEqual([]);
    expect(fieldProbabilities('{"a":1}', [])).toEqual([]);
    expect(fieldProbabilities('{"a":1}', [{ token: '{"a":1}', logprob: Number.NaN }])).toEqual([]);
  });

  it('finds the value spans of any JSON object, whitespace and nesting included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), fc.boolean(), (obj, pretty) => {
        const text = JSON.stringify(obj, null, pretty ? 2 : undefined);
        const spans = topLevelValueSpans(text);
        expect(spans).not.toBeNull();
        expect(spans!.map((s) => s.key)).toEqual(Object.keys(obj));
        for (const s of spans!) expect(JSON.parse(text.slice(s.start, s.end))).toEqual(JSON.parse(JSON.stringify(obj[s.key])));
      }),
      propertyOptions(300),
    );
  });

  it('matches a character-by-character reading for any tokenisation of a compact object', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.double({ min: -20, max: 0, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (obj, cuts, logprobs) => {
          const text = JSON.stringify(obj);
          const tokens = tokenize(text, cuts, logprobs);
          // Which token each character belongs to.
          const owner: number[] = [];
          tokens.forEach((t, i) => {
            for (let k = 0; k < t.token.length; k++) owner.push(i);
          });
          // Each value's offsets, from the way JSON.stringify writes a compact object.
          let at = 1;
          const expected = Object.keys(obj).map((key) => {
            const start = at + JSON.stringify(key).length + 1;
            const end = start + JSON.stringify(obj[key]).length;
            at = end + 1;
            let lowest = 0;
            for (let c = start; c < end; c++) lowest = Math.min(lowest, tokens[owner[c]!]!.logprob);
            return { field: key, probability: Math.round(Math.exp(lowest) * 1e4) / 1e4 };
          });
          expect(fieldProbabilities(text, tokens)).toEqual(expected);
        },
      ),
      propertyOptions(300),
    );
  });
});
