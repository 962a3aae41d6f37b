// Turning a model's text into an object. Strict servers send bare JSON; others wrap it in prose or
// a ```json fence, which is peeled off here. Anything else is reported with a snippet of what came.
import type { JsonValue } from '../domain.js';

export type ParseResult = { ok: true; value: Record<string, JsonValue> } | { ok: false; error: string };

const snippet = (s: string) => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

export function parseModelOutput(raw: string): ParseResult {
  const text = raw.trim();
  if (!text) return { ok: false, error: 'the model returned an empty answer' };
  const candidates = [text];
  const fence = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(text);
  if (fence?.[1]) candidates.push(fence[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      const v: unknown = JSON.parse(c);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return { ok: true, value: v as Record<string, JsonValue> };
      return { ok: false, error: `the model returned JSON that is not an object: ${snippet(text)}` };
    } catch {
      // try the next way of reading it
    }
  }
  return { ok: false, error: `the model's answer is not valid JSON: ${snippet(text)}` };
}
