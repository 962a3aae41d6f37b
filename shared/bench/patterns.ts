// Rule patterns: what matching costs per message at the largest message the pipeline keeps
// (MAX_MESSAGE_CHARS), for the patterns people write and for the worst ones the limits allow.
// Baseline in the same run: a phrase condition (a literal, JavaScript's RegExp), which every
// rulebook has. JavaScript's RegExp is shown beside re2js for the typical patterns.
import type { Rule } from '../src/domain.js';
import { MAX_MESSAGE_CHARS } from '../src/pipeline/normalise.js';
import { matchPreRules } from '../src/rules/overrides.js';
import { compileRulePattern, MAX_SPANS, MAX_PATTERN_PROGRAM, MAX_RULEBOOK_PATTERN_PROGRAM, MAX_RULEBOOK_PATTERNS, patternSpans } from '../src/rules/pattern.js';
import { measure, printTimings, type Timing } from './measure.js';
import { seededRandom } from './retrieval.js';

const jsSpans = (re: RegExp, text: string) => {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(text); m && n < MAX_SPANS; m = re.exec(text)) n++;
  return n;
};

const rule = (id: string, when: Extract<Rule, { kind: 'override' }>['when']): Rule => ({
  id,
  kind: 'override',
  rationale: 'bench',
  enabled: true,
  provenance: { precedentIds: [], author: 'bench', createdAt: '2026-01-01T00:00:00.000Z' },
  when,
  set: { urgency: 'high' },
});

export async function benchPatterns(): Promise<void> {
  const rnd = seededRandom(5);
  const prose = 'Hi, I am still locked out of my account since the update. Order TW-48213 never arrived either. Can you help? ';
  const mail = prose.repeat(Math.ceil(MAX_MESSAGE_CHARS / prose.length)).slice(0, MAX_MESSAGE_CHARS);
  const runsOfA = 'a'.repeat(MAX_MESSAGE_CHARS);
  const ab = `${Array.from({ length: MAX_MESSAGE_CHARS - 1 }, () => (rnd() < 0.5 ? 'a' : 'b')).join('')}c`;

  // The worst single pattern found for each shape: the automaton falls back to simulating the
  // whole program at each character (a large counted repeat), or each of the MAX_SPANS matches scans to
  // the end of the text before it is known (an optional tail).
  const wide = '[ab]*a[ab]{490}c';
  const tail = 'a(?:.*y)?';
  console.log(`\n## Rule patterns, per message of ${MAX_MESSAGE_CHARS.toLocaleString('en')} characters`);
  console.log(`limits: a pattern compiles to at most ${MAX_PATTERN_PROGRAM} steps; a rulebook's together to ${MAX_RULEBOOK_PATTERN_PROGRAM}, in at most ${MAX_RULEBOOK_PATTERNS} patterns`);
  console.log(`programs: /${wide}/ ${compileRulePattern(wide).program} steps, /${tail}/ ${compileRulePattern(tail).program} steps`);

  const rows: Timing[] = [];
  const runs = { runs: 20, warmup: 3 };
  const phrase = /locked out/giu;
  rows.push(await measure('phrase "locked out" (baseline, RegExp literal)', () => jsSpans(phrase, mail), runs));
  rows.push(await measure('/\\bTW-\\d{4,8}\\b/ re2js', () => patternSpans('\\bTW-\\d{4,8}\\b', '', mail), runs));
  rows.push(await measure('/\\bTW-\\d{4,8}\\b/ RegExp (before)', () => jsSpans(/\bTW-\d{4,8}\b/gu, mail), runs));
  rows.push(await measure('/locked\\s+out/i re2js', () => patternSpans('locked\\s+out', 'i', mail), runs));
  rows.push(await measure('/locked\\s+out/i RegExp (before)', () => jsSpans(/locked\s+out/giu, mail), runs));
  rows.push(await measure('/(a+)+$/ on "a"x31 + "!" re2js', () => patternSpans('(a+)+$', '', `${'a'.repeat(31)}!`), runs));
  rows.push(await measure(`/(a+)+$/ on "a"x${MAX_MESSAGE_CHARS} + "!" re2js`, () => patternSpans('(a+)+$', '', `${runsOfA}!`), runs));
  rows.push(await measure(`/${wide}/ on random a|b (worst program)`, () => patternSpans(wide, '', ab), { runs: 5, warmup: 1 }));
  rows.push(await measure(`/${tail}/ on "a"x${MAX_MESSAGE_CHARS} (worst rescans)`, () => patternSpans(tail, '', runsOfA), { runs: 5, warmup: 1 }));
  printTimings('Rule pattern matching (JavaScript RegExp takes > 60 s on (a+)+$ with 31 "a"s, doubling with each more: not run)', rows);

  // A whole rulebook at the limits, every pattern the worst of its shape, on the text that hurts it most.
  const heavy = Math.floor(MAX_RULEBOOK_PATTERN_PROGRAM / compileRulePattern(wide).program) - 1;
  const light = MAX_RULEBOOK_PATTERNS - heavy;
  const rules = [
    ...Array.from({ length: heavy }, (_, i) => rule(`w${i}`, { kind: 'regex', pattern: `[ab]*a[ab]{${490 - i}}c` })),
    ...Array.from({ length: light }, (_, i) => rule(`t${i}`, { kind: 'regex', pattern: `a(?:.*y${i})?` })),
  ];
  const total = rules.reduce((sum, r) => sum + (r.kind === 'override' && r.when.kind === 'regex' ? compileRulePattern(r.when.pattern).program : 0), 0);
  const mixed = `${ab.slice(0, MAX_MESSAGE_CHARS / 2)}${runsOfA.slice(0, MAX_MESSAGE_CHARS / 2 - 1)}c`;
  const worst = await measure(`${rules.length} patterns, ${total} steps: a rulebook at the limits`, () => matchPreRules(rules, mixed), { runs: 3, warmup: 1 });
  const typical = await measure('20 typical patterns', () => matchPreRules(rules.slice(0, 0).concat(Array.from({ length: 20 }, (_, i) => rule(`p${i}`, { kind: 'regex', pattern: `\\border\\s+#?${i}\\d+\\b` }))), mail), runs);
  printTimings('Every pattern of a rulebook against one message (the pre-rules step)', [typical, worst]);

  const compileRows: Timing[] = [];
  let n = 0;
  compileRows.push(await measure('compile and check a short pattern', () => compileRulePattern(`\\bTW-\\d{4,8}\\b${n++}`), runs));
  compileRows.push(await measure(`compile and check a ${compileRulePattern(wide).program}-step pattern`, () => compileRulePattern(`[ab]*a[ab]{490}c${n++}`), { runs: 5, warmup: 1 }));
  printTimings('Checking a pattern (once per pattern: at save, at load; cached)', compileRows);
}
