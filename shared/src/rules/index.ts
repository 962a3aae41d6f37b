export { matchCondition, isTextOnly, compilePattern, type ConditionMatch } from './conditions.js';
export { applyOverrides, matchPreRules, ruleText, type PreRuleMatch } from './overrides.js';
