// How sure a model was of each field of its answer, from the log-probabilities of its tokens (when
// the server returns them: OpenAI's `logprobs: true`, vLLM, llama.cpp's server). A field's
// probability is that of its value's least likely token: one unsure token in "billing" makes the
// whole value unsure. Only a top-level JSON object is read, and only when the tokens spell the answer
// exactly; anything else gives no probabilities rather than wrong ones.
import type { FieldProbability } from '../domain.js';

export interface TokenLogprob {
  token: string;
  logprob: number;
}

/** Answers longer than this are not aligned (a structured answer is far shorter). */
export const MAX_LOGPROB_ANSWER_CHARS = 100_000;

/** Where each top-level value of a JSON object starts and ends in `text`; null when it is not one. */
export function topLevelValueSpans(text: string): { key: string; start: number; end: number }[] | null {
  if (text.length > MAX_LOGPROB_ANSWER_CHARS) return null;
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const string = (): string | null => {
    if (text[i] !== '"') return null;
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return null;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return null;
    }
  };
  /** Skips one value (any nesting: brackets counted outside strings); false when it is not one. */
  const value = (): boolean => {
    if (text[i] === '"') return string() !== null;
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '"') {
          if (string() === null) return false;
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
        i++;
        if (depth === 0) return true;
      }
      return false;
    }
    const start = i;
    while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
    return i > start;
  };

  ws();
  if (text[i] !== '{') return null;
  i++;
  const spans: { key: string; start: number; end: number }[] = [];
  ws();
  if (text[i] === '}') return spans;
  for (;;) {
    ws();
    const key = string();
    if (key === null) return null;
    ws();
    if (text[i] !== ':') return null;
    i++;
    ws();
    const start = i;
    if (!value()) return null;
    spans.push({ key, start, end: i });
    ws();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') return spans;
    return null;
  }
}

/**
 * Each top-level field's probability: exp of the lowest log-probability among the tokens that
 * overlap its value. Empty when the tokens do not spell `raw` exactly or `raw` is no JSON object.
 */
export function fieldProbabilities(raw: string, tokens: readonly TokenLogprob[]): FieldProbability[] {
  if (tokens.length === 0 || raw.length > MAX_LOGPROB_ANSWER_CHARS) return [];
  if (tokens.some((t) => typeof t?.token !== 'string' || typeof t.logprob !== 'number' || Number.isNaN(t.logprob))) return [];
  if (tokens.map((t) => t.token).join('') !== raw) return [];
  const spans = topLevelValueSpans(raw);
  if (!spans) return [];
  const starts: number[] = [];
  let at = 0;
  for (const t of tokens) {
    starts.push(at);
    at += t.token.length;
  }
  const out: FieldProbability[] = [];
  let first = 0;
  for (const span of spans) {
    // Spans come in order: move the first candidate token forward, never back.
    while (first < tokens.length && starts[first]! + tokens[first]!.token.length <= span.start) first++;
    let lowest = 0;
    for (let j = first; j < tokens.length && starts[j]! < span.end; j++) lowest = Math.min(lowest, tokens[j]!.logprob);
    out.push({ field: span.key, probability: Math.round(Math.exp(Math.min(0, lowest)) * 1e4) / 1e4 });
  }
  return out;
}
