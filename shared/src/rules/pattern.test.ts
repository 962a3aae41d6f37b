import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { matchCondition } from './conditions.js';
import {
  compileRulePattern,
  MAX_PATTERN_CHARS,
  MAX_SPANS,
  patternBudgetProblem,
  patternSpans,
  RulePatternError,
  rulePatternProblem,
} from './pattern.js';
import { override } from '../testing/fixtures.js';

describe('rule patterns run in linear time', () => {
  it('matches a catastrophic pattern of a backtracking engine at once (issue 7: (a+)+$ hung extraction)', () => {
    const text = `${'a'.repeat(31)}!`;
    expect(patternSpans('(a+)+$', '', text)).toEqual([]);
    // Each extra character doubled the time under RegExp; here 20,000 cost no more than reading them.
    expect(patternSpans('(a+)+$', '', `${'a'.repeat(20_000)}!`)).toEqual([]);
    expect(patternSpans('(a|aa)+b', '', 'a'.repeat(20_000))).toEqual([]);
    expect(patternSpans('(a+)+$', '', 'aaa')).toEqual([{ start: 0, end: 3 }]);
  });

  it('refuses what RE2 cannot run, saying what to write instead', () => {
    const cases: [string, string, RegExp][] = [
      ['locked(?= out)', '', /lookahead and lookbehind .* are not supported \(rule patterns use RE2 syntax/],
      ['(?<!not )locked', '', /lookahead and lookbehind/],
      ['(a)\\1', '', /backreferences/],
      ['(?<n>a)\\k<n>', '', /backreferences/],
      ['caf\\u00e9', '', /write a code point as \\x\{00E9\}/],
      ['\\cA', '', /control escapes/],
      ['a++', '', /possessive quantifiers/],
      ['\\Qa.b\\E', '', /quoting is not supported/],
      ['(unclosed', '', /missing closing \)/],
      ['x*', '', /can match empty text/],
      ['a|', '', /can match empty text/],
      ['\\b', '', /can match empty text/],
      ['^', 'm', /can match empty text/],
      ['(?:locked out)?', 'i', /can match empty text/],
      ['.{0,400}x', '', /too complex: it compiles to \d+ steps, at most 500/],
      ['x{1001}', '', /invalid repeat count/],
      ['a', 'x', /unknown flag/],
      ['', '', /the pattern is empty/],
      ['a'.repeat(MAX_PATTERN_CHARS + 1), '', new RegExp(`characters long; at most ${MAX_PATTERN_CHARS}`)],
    ];
    for (const [pattern, flags, reason] of cases) {
      const problem = rulePatternProblem(pattern, flags);
      expect(problem, `/${pattern}/${flags}`).toMatch(reason);
      expect(problem, `/${pattern}/${flags}`).toMatch(/^invalid regular expression \//);
      expect(() => compileRulePattern(pattern, flags)).toThrow(RulePatternError);
    }
  });

  it('accepts what a support lead writes, with the same meaning as before', () => {
    for (const [pattern, flags] of [
      ['\\bTW-\\d{4,8}\\b', ''],
      ['locked\\s+out', 'i'],
      ['(?i)refund', ''],
      ['^subject: urgent', 'im'],
      ['order\\s*#?\\s*\\d+', 'i'],
      ['[(?=]', ''], // the characters, in a class: not a lookahead
      ['\\(\\?=', ''],
      ['\\-', ''],
      ['\\p{Lu}{3}', ''],
      ['é+', 'i'],
    ] as const) {
      expect(rulePatternProblem(pattern, flags), `/${pattern}/${flags}`).toBeNull();
    }
    const text = 'Order #4411 for ÉÉé café: still locked  out (TW-12345).';
    const at = (s: string) => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });
    expect(patternSpans('locked\\s+out', 'i', text)).toEqual([at('locked  out')]);
    expect(patternSpans('é+', 'i', text)).toEqual([at('ÉÉé'), at('é:')].map((s, i) => (i === 1 ? { start: s.start, end: s.end - 1 } : s)));
    expect(patternSpans('\\bTW-\\d{4,8}\\b', '', text)).toEqual([at('TW-12345')]);
    // Offsets are UTF-16 code units, as the window slices strings.
    expect(patternSpans('😀+', '', 'x😀😀y')).toEqual([{ start: 1, end: 5 }]);
  });

  it('reports at most MAX_SPANS matches', () => {
    expect(patternSpans('a', '', 'a'.repeat(500))).toHaveLength(MAX_SPANS);
  });

  it('caps a rulebook’s patterns together, counting disabled rules too', () => {
    const rule = (id: string, pattern: string, enabled = true) => ({ ...override(id, { kind: 'regex', pattern }, { urgency: 'high' }), enabled });
    expect(patternBudgetProblem([rule('a', '[a-z]{1,200}x'), rule('b', 'refund')])).toBeNull();
    const heavy = Array.from({ length: 6 }, (_, i) => rule(`r${i}`, `[a-z]{${i + 1},200}x`, i % 2 === 0));
    expect(patternBudgetProblem(heavy)).toMatch(/compile to \d+ steps in all; at most 2000/);
    const many = Array.from({ length: 101 }, (_, i) => rule(`r${i}`, `word${i}`));
    expect(patternBudgetProblem(many)).toMatch(/101 regular-expression conditions; at most 100/);
  });
});

// Patterns from a grammar both engines read the same way: literals, classes, groups,
// alternation and quantifiers, nothing either engine reads differently (\s, \w Unicode tables).
// A repeated group never holds a branch that can match empty text: there the engines differ by
// design (RE2 and Perl-style backtrackers end an empty iteration differently), and a pattern
// like (a?|b)+ is a mistake a rule author would not make on purpose.
const atom = fc.constantFrom('a', 'b', 'c', ' ', '-', '\\.', '\\d', '[ab]', '[^a ]', '[a-c]', '.', 'x');
const piece = fc.tuple(atom, fc.constantFrom('', '', '+', '?', '*', '{2}', '{1,3}', '+?', '??')).map(([a, q]) => a + q);
const solidPiece = fc.tuple(atom, fc.constantFrom('', '', '+', '{2}', '{1,3}', '+?')).map(([a, q]) => a + q);
const branchOf = (p: fc.Arbitrary<string>) => fc.array(p, { minLength: 1, maxLength: 4 }).map((ps) => ps.join(''));
const groupOf = (p: fc.Arbitrary<string>) => fc.array(branchOf(p), { minLength: 1, maxLength: 3 }).map((bs) => bs.join('|'));
const patternArb = fc
  .tuple(
    fc.array(fc.oneof(piece, groupOf(piece).map((g) => `(?:${g})`), groupOf(solidPiece).map((g) => `(${g})+`), groupOf(solidPiece).map((g) => `(?:${g})*`)), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.constantFrom('', 'i'),
  )
  .map(([parts, flags]) => ({ pattern: parts.join(''), flags }));
const textArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', ' ', '-', '.', '1', 'x', '\n'), maxLength: 60 });

/** Non-empty matches as JavaScript's RegExp finds them (empty ones skipped, as the rules engine skipped them before). */
function jsSpans(pattern: string, flags: string, text: string) {
  const re = new RegExp(pattern, `${flags}gu`);
  const spans: { start: number; end: number }[] = [];
  for (let m = re.exec(text); m && spans.length < MAX_SPANS; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

describe('rule patterns (properties)', () => {
  it('find the same spans as JavaScript did, for every pattern both can read that cannot match empty text', () => {
    fc.assert(
      fc.property(patternArb, textArb, ({ pattern, flags }, text) => {
        const problem = rulePatternProblem(pattern, flags);
        if (problem !== null) {
          // Refused only for matching empty text (the grammar has nothing else RE2 lacks)...
          expect(problem).toMatch(/can match empty text/);
          // ...which JavaScript agrees it can.
          expect(new RegExp(`^(?:${pattern})$`, `${flags}u`).test('')).toBe(true);
          return;
        }
        expect(patternSpans(pattern, flags, text)).toEqual(jsSpans(pattern, flags, text));
      }),
      propertyOptions(2000),
    );
  });

  it('compile any string to a pattern or a RulePatternError, and never match empty text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom('', 'i', 'm', 's', 'ims', 'g', 'q'), textArb, (pattern, flags, text) => {
        let compiled = true;
        try {
          compileRulePattern(pattern, flags);
        } catch (err) {
          expect(err).toBeInstanceOf(RulePatternError);
          compiled = false;
        }
        if (!compiled) return;
        for (const s of patternSpans(pattern, flags, text)) expect(s.end).toBeGreaterThan(s.start);
        const m = matchCondition({ kind: 'regex', pattern, flags }, text, {});
        expect(m.matched).toBe(m.spans.length > 0);
      }),
      propertyOptions(2000),
    );
  });
});
