// Regular expressions in rules run in linear time. A rulebook is code that production services
// run on untrusted text, so a rule's pattern must never be able to hang one: patterns are RE2
// syntax, matched by RE2JS (a pure-JavaScript port of RE2: automata, no backtracking), never by
// JavaScript's backtracking RegExp. The app and production share this module, so a pattern is
// refused, or matches, the same way in both.
//
// Linear is not yet bounded: the cost of a match grows with the compiled program times the text.
// Messages are cut at MAX_MESSAGE_CHARS and each pattern's program is capped, as is the sum over a
// rulebook, so the work per message has a fixed ceiling. It is a count, not a clock, so the same
// rulebook gives the same answer on a slow machine as on a fast one.
import { RE2JS } from 're2js';
import type { Condition, Rule, TextSpan } from '../domain.js';

/** Longest pattern a rule may hold, in characters. */
export const MAX_PATTERN_CHARS = 1000;
/**
 * Largest compiled program of one pattern (RE2 instructions). A counted repeat costs one
 * instruction per repetition: `\d{3}` is small, `.{0,900}` is 900.
 */
export const MAX_PATTERN_PROGRAM = 500;
/** Largest sum of the compiled programs of all the patterns in one rulebook. */
export const MAX_RULEBOOK_PATTERN_PROGRAM = 2000;
/** Most regular-expression conditions in one rulebook (phrases are cheaper and not counted). */
export const MAX_RULEBOOK_PATTERNS = 100;
/**
 * Spans reported per pattern and message; matching stops there (a rule needs one to fire). Each
 * further match can cost a scan to the end of the text (`a(?:.*y)?`), so few are looked for.
 */
export const MAX_SPANS = 5;

/** Flags a rule may carry: i (ignore case), m (^ and $ at line ends), s (. matches newlines). u is always on; g and y mean nothing here. */
export const PATTERN_FLAGS = /^[gimsuy]*$/;

export class RulePatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly flags: string,
    readonly reason: string,
  ) {
    super(`invalid regular expression /${pattern}/${flags}: ${reason}`);
    this.name = 'RulePatternError';
  }
}

export interface CompiledPattern {
  readonly re: RE2JS;
  /** Compiled size (RE2 instructions): what one match costs per character. */
  readonly program: number;
}

function re2Flags(flags: string): number {
  let out = 0;
  if (flags.includes('i')) out |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) out |= RE2JS.MULTILINE;
  if (flags.includes('s')) out |= RE2JS.DOTALL;
  return out;
}

// JavaScript syntax that RE2 does not have, with what to write instead. Checked before RE2's own
// message, which would only say "invalid escape sequence" or "invalid named capture".
const UNSUPPORTED: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
  [/\\[1-9]|\\k</, 'backreferences (\\1, \\k<name>) are not supported'],
  [/\\u\{?[0-9A-Fa-f]/, 'write a code point as \\x{00E9}, not \\u00E9'],
  [/\\c[A-Za-z]/, 'control escapes (\\cA) are not supported; write \\x01'],
  [/[+*?}]\+/, 'possessive quantifiers (a++, a*+) are not supported and not needed: matching never backtracks'],
];
const SYNTAX_NOTE = 'rule patterns use RE2 syntax, which always runs in linear time';

/** Whether `s` holds an unescaped occurrence of `re`'s match (a backslash before it escapes it). */
function hasUnescaped(pattern: string, re: RegExp): boolean {
  const global = new RegExp(re.source, 'g');
  for (let m = global.exec(pattern); m; m = global.exec(pattern)) {
    let slashes = 0;
    for (let i = m.index - 1; i >= 0 && pattern[i] === '\\'; i--) slashes++;
    if (slashes % 2 === 0) return true;
  }
  return false;
}

const cache = new Map<string, CompiledPattern | RulePatternError>();

/** Compiles a rule's pattern (cached), or throws RulePatternError saying why it cannot run. */
export function compileRulePattern(pattern: string, flags = ''): CompiledPattern {
  const key = `${flags}/${pattern}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = compile(pattern, flags);
    if (cache.size >= 5000) cache.clear();
    cache.set(key, entry);
  }
  if (entry instanceof RulePatternError) throw entry;
  return entry;
}

function compile(pattern: string, flags: string): CompiledPattern | RulePatternError {
  const refuse = (reason: string) => new RulePatternError(pattern, flags, reason);
  if (pattern.length === 0) return refuse('the pattern is empty');
  if (pattern.length > MAX_PATTERN_CHARS) return refuse(`the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_CHARS}`);
  if (!PATTERN_FLAGS.test(flags)) return refuse(`unknown flag in "${flags}" (use i, m, s)`);
  // \Q quotes to the end of the pattern, so the pattern could not be checked inside a group.
  if (hasUnescaped(pattern, /\\Q/)) return refuse('\\Q...\\E quoting is not supported; escape each character with \\ instead');
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, re2Flags(flags));
  } catch (err) {
    // RE2 refused it: say why in the words of the JavaScript syntax the author most likely used.
    const hint = UNSUPPORTED.find(([construct]) => hasUnescaped(pattern, construct))?.[1];
    const message = hint ?? (err as Error).message.replace(/^error parsing regexp: /, '');
    return refuse(`${message} (${SYNTAX_NOTE})`);
  }
  const program = re.programSize();
  if (program > MAX_PATTERN_PROGRAM) {
    return refuse(`the pattern is too complex: it compiles to ${program} steps, at most ${MAX_PATTERN_PROGRAM} (each repetition in a counted repeat such as {500} is a step)`);
  }
  let empty: boolean;
  try {
    empty = matchesEmpty(pattern, flags);
  } catch {
    return refuse('the pattern cannot be checked as part of a larger one (an unbalanced group or quote?)');
  }
  if (empty) {
    return refuse('the pattern can match empty text (like x* or a|), so it would match anywhere; make it need at least one character');
  }
  return { re, program };
}

// Every context an empty match can depend on: RE2's empty-width assertions (^ $ \A \z \b \B, and
// line starts and ends under m) look only at the characters on either side and at the text's ends.
const SIDES = ['', 'a', ' ', '\n'];
const literal = (s: string) => (s === '\n' ? '\n' : s === ' ' ? '\x20' : s);

/**
 * Whether the pattern can match empty text somewhere. Such a pattern never fires a rule (empty
 * matches do not count) yet makes the search for its non-empty matches quadratic: each empty match
 * can cost a scan to the end of the text. Decided exactly by asking, for each context, whether
 * "left side, an empty match, right side" is the whole of "left side + right side".
 */
function matchesEmpty(pattern: string, flags: string): boolean {
  for (const left of SIDES) {
    for (const right of SIDES) {
      const probe = RE2JS.compile(`${literal(left)}(?:${pattern})${literal(right)}`, re2Flags(flags));
      if (probe.testExact(left + right)) return true;
    }
  }
  return false;
}

/** Why the pattern cannot run as a rule's pattern, or null when it can. */
export function rulePatternProblem(pattern: string, flags = ''): string | null {
  try {
    compileRulePattern(pattern, flags);
    return null;
  } catch (err) {
    if (err instanceof RulePatternError) return err.message;
    throw err;
  }
}

/**
 * Where the pattern matches `text`: its matches, left to right, at most MAX_SPANS, as UTF-16
 * offsets (what the window highlights). Compiled patterns never match empty text.
 */
export function patternSpans(pattern: string, flags: string | undefined, text: string): TextSpan[] {
  const { re } = compileRulePattern(pattern, flags ?? '');
  const spans: TextSpan[] = [];
  const m = re.matcher(text);
  while (spans.length < MAX_SPANS && m.find()) spans.push({ start: m.start(), end: m.end() });
  return spans;
}

/** Every regular-expression condition under a condition, with its JSON pointer suffix. */
export function conditionPatterns(cond: Condition, at = ''): { pattern: string; flags: string; at: string }[] {
  if (cond.kind === 'regex') return [{ pattern: cond.pattern, flags: cond.flags ?? '', at }];
  if (cond.kind === 'all' || cond.kind === 'any') return cond.conditions.flatMap((c, i) => conditionPatterns(c, `${at}/conditions/${i}`));
  return [];
}

/**
 * Why a rulebook's patterns together would cost too much per message, or null. Counts every
 * override rule, enabled or not (enabling one must not make a valid rulebook invalid). Patterns
 * that do not compile are reported on their own and not counted here.
 */
export function patternBudgetProblem(rules: readonly Rule[]): string | null {
  let count = 0;
  let program = 0;
  for (const r of rules) {
    if (r.kind !== 'override') continue;
    for (const { pattern, flags } of conditionPatterns(r.when)) {
      count++;
      try {
        program += compileRulePattern(pattern, flags).program;
      } catch {
        // reported where the pattern is
      }
    }
  }
  if (count > MAX_RULEBOOK_PATTERNS) return `${count} regular-expression conditions; at most ${MAX_RULEBOOK_PATTERNS} in one rulebook (phrase conditions are not limited)`;
  if (program > MAX_RULEBOOK_PATTERN_PROGRAM) {
    return `the regular expressions compile to ${program} steps in all; at most ${MAX_RULEBOOK_PATTERN_PROGRAM} in one rulebook, so that matching them stays fast on every message`;
  }
  return null;
}
