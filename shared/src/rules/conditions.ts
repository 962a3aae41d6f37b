// When an override rule applies. Text conditions are matched against the normalised message and
// report where they matched (the app highlights those spans); field conditions look at the output.
import type { Condition, Extraction, JsonValue, TextSpan } from '../domain.js';
import { patternSpans } from './pattern.js';

export interface ConditionMatch {
  matched: boolean;
  spans: TextSpan[];
}

const NO_MATCH: ConditionMatch = { matched: false, spans: [] };
const phraseCache = new Map<string, RegExp>();
/** Spans reported per phrase and message. */
const MAX_PHRASE_SPANS = 100;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A phrase as a JavaScript RegExp: an escaped literal has no quantifier or alternation, so it
 * cannot backtrack. Patterns written by people go through the linear-time engine (pattern.ts).
 */
function phraseRegExp(phrase: string, caseSensitive: boolean): RegExp {
  const flags = caseSensitive ? 'gu' : 'giu';
  const key = `${flags}/${phrase}`;
  let re = phraseCache.get(key);
  if (!re) {
    re = new RegExp(escapeRegExp(phrase), flags);
    if (phraseCache.size > 5000) phraseCache.clear();
    phraseCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

function phraseSpans(phrase: string, text: string, caseSensitive: boolean): TextSpan[] {
  if (!phrase.trim()) return [];
  const re = phraseRegExp(phrase, caseSensitive);
  const spans: TextSpan[] = [];
  for (let m = re.exec(text); m && spans.length < MAX_PHRASE_SPANS; m = re.exec(text)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
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
      const spans = patternSpans(cond.pattern, cond.flags, text);
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
