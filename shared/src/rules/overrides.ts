// Deterministic overrides, applied after the model in rulebook order (a later rule wins).
import type { Extraction, FieldChange, JsonValue, OverrideRule, Rule, RuleFiring, TextSpan } from '../domain.js';
import { isTextOnly, matchCondition } from './conditions.js';

/** The text the rules read: subject and body, as the message is shown. */
export function ruleText(message: { text: string; subject?: string }): string {
  return message.subject ? `${message.subject}\n\n${message.text}` : message.text;
}

export interface PreRuleMatch {
  ruleId: string;
  spans: TextSpan[];
}

const enabledOverrides = (rules: readonly Rule[]) => rules.filter((r): r is OverrideRule => r.kind === 'override' && r.enabled);

/**
 * The pre-rules step: text-only override conditions decided before the model runs. Their result
 * cannot depend on the model, so the pipeline reuses it after the model instead of matching twice.
 */
export function matchPreRules(rules: readonly Rule[], text: string): Map<string, PreRuleMatch | null> {
  const out = new Map<string, PreRuleMatch | null>();
  for (const r of enabledOverrides(rules)) {
    if (!isTextOnly(r.when)) continue;
    const m = matchCondition(r.when, text, {});
    out.set(r.id, m.matched ? { ruleId: r.id, spans: m.spans } : null);
  }
  return out;
}

export function applyOverrides(
  rules: readonly Rule[],
  text: string,
  output: Extraction,
  pre: Map<string, PreRuleMatch | null> = matchPreRules(rules, text),
): { output: Extraction; firings: RuleFiring[] } {
  const result: Extraction = { ...output };
  const firings: RuleFiring[] = [];
  for (const rule of enabledOverrides(rules)) {
    let spans: TextSpan[];
    if (pre.has(rule.id)) {
      const m = pre.get(rule.id);
      if (!m) continue;
      spans = m.spans;
    } else {
      const m = matchCondition(rule.when, text, result);
      if (!m.matched) continue;
      spans = m.spans;
    }
    const changed: FieldChange[] = [];
    for (const [field, to] of Object.entries(rule.set)) {
      const from: JsonValue | undefined = result[field];
      if (from !== undefined && JSON.stringify(from) === JSON.stringify(to)) continue;
      result[field] = to;
      changed.push(from === undefined ? { field, from: undefined, to } : { field, from, to });
    }
    const firing: RuleFiring = { ruleId: rule.id, kind: 'override', changed };
    if (spans.length) firing.spans = spans;
    firings.push(firing);
  }
  return { output: result, firings };
}
