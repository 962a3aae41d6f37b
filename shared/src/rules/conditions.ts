// When an override rule applies. Text conditions are matched against the normalised message and
// report where they matched (the app highlights those spans); field conditions look at the output.
import type { Condition, Extraction, JsonValue, TextSpan } from '../domain.js';

export interface ConditionMatch {
  matched: boolean;
  spans: TextSpan[];
}

const NO_MATCH: ConditionMatch = { matched: false, spans: [] };
const regexCache = new Map<string, RegExp>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A cached global RegExp; throws a clear error for an invalid pattern. */
export function compilePattern(pattern: string, flags = ''): RegExp {
  const cleanFlags = [...new Set((flags.replace(/[gy]/g, '') + 'gu').split(''))].sort().join('');
  const key = `${cleanFlags}/${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    try {
      re = new RegExp(pattern, cleanFlags);
    } catch (err) {
      throw new Error(`invalid regular expression /${pattern}/${flags}: ${(err as Error).message}`);
    }
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

function findAll(re: RegExp, text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++; // an empty match would loop forever
      continue;
    }
    spans.push({ start: m.index, end: m.index + m[0].length });
    if (spans.length >= 100) break;
  }
  return spans;
}

function phraseSpans(phrase: string, text: string, caseSensitive: boolean): TextSpan[] {
  if (!phrase.trim()) return [];
  return findAll(compilePattern(escapeRegExp(phrase), caseSensitive ? '' : 'i'), text);
}

function jsonEqual(a: JsonValue | undefined, b: JsonValue): boolean {
  if (a === undefined) return false;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function matchCondition(cond: Condition, text: string, output: Extraction): ConditionMatch {
  switch (cond.kind) {
    case 'contains_any': {
      const spans = cond.phrases.flatMap((p) => phraseSpans(p, text, cond.caseSensitive === true));
      return spans.length ? { matched: true, spans: sortSpans(spans) } : NO_MATCH;
    }
    case 'contains_all': {
      if (cond.phrases.length === 0) return NO_MATCH;
      const spans: TextSpan[] = [];
      for (const p of cond.phrases) {
        const found = phraseSpans(p, text, cond.caseSensitive === true);
        if (!found.length) return NO_MATCH;
        spans.push(...found);
      }
      return { matched: true, spans: sortSpans(spans) };
    }
    case 'regex': {
      const spans = findAll(compilePattern(cond.pattern, cond.flags), text);
      return spans.length ? { matched: true, spans } : NO_MATCH;
    }
    case 'field_equals':
      return jsonEqual(output[cond.field], cond.value) ? { matched: true, spans: [] } : NO_MATCH;
    case 'all': {
      if (cond.conditions.length === 0) return NO_MATCH;
      const spans: TextSpan[] = [];
      for (const c of cond.conditions) {
        const m = matchCondition(c, text, output);
        if (!m.matched) return NO_MATCH;
        spans.push(...m.spans);
      }
      return { matched: true, spans: sortSpans(spans) };
    }
    case 'any': {
      const spans: TextSpan[] = [];
      let matched = false;
      for (const c of cond.conditions) {
        const m = matchCondition(c, text, output);
        if (m.matched) {
          matched = true;
          spans.push(...m.spans);
        }
      }
      return matched ? { matched: true, spans: sortSpans(spans) } : NO_MATCH;
    }
  }
}

/** True when the condition looks only at the text, so it can be decided before the model runs. */
export function isTextOnly(cond: Condition): boolean {
  if (cond.kind === 'field_equals') return false;
  if (cond.kind === 'all' || cond.kind === 'any') return cond.conditions.every(isTextOnly);
  return true;
}

function sortSpans(spans: TextSpan[]): TextSpan[] {
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}
