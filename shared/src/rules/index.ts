export { matchCondition, isTextOnly, type ConditionMatch } from './conditions.js';
export {
  compileRulePattern,
  rulePatternProblem,
  patternSpans,
  patternBudgetProblem,
  RulePatternError,
  MAX_PATTERN_CHARS,
  MAX_PATTERN_PROGRAM,
  MAX_RULEBOOK_PATTERN_PROGRAM,
  MAX_RULEBOOK_PATTERNS,
} from './pattern.js';
export { applyOverrides, matchPreRules, ruleText, type PreRuleMatch } from './overrides.js';
