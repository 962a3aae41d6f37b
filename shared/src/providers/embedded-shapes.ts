// Id-like string fields for the embedded provider: the shape of the values precedents gave a field
// (learned from values that appear verbatim in their own texts, e.g. `TW-40511` -> literal `TW-`
// then 4 to 6 digits), and the first token of that shape in a new message. A field none of whose
// precedents' values look like ids (a digit, no spaces, found in the text) has no shape.
import type { Precedent } from '../domain.js';

type Part = { kind: 'lit'; text: string } | { kind: 'digits'; min: number; max: number } | { kind: 'letters'; min: number; max: number; upper: boolean | null };

export interface IdShape {
  /** Matches one whole token of the shape (case-insensitive), global. */
  pattern: RegExp;
  /** How many precedent values it was learned from. */
  examples: number;
}

const ID_LIKE = /^[\p{L}\p{N}][\p{L}\p{N}._/#-]{2,40}$/u;
const HAS_DIGIT = /\d/;

/** Runs of a value: letters, digits, single other characters. */
function runs(value: string): { kind: 'L' | 'D' | 'P'; text: string }[] {
  const out: { kind: 'L' | 'D' | 'P'; text: string }[] = [];
  for (const m of value.matchAll(/(\p{L}+)|(\d+)|(.)/gsu)) out.push({ kind: m[1] ? 'L' : m[2] ? 'D' : 'P', text: m[0] });
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The shape of `field`'s values among `precedents`, or null when fewer than `minExamples` values
 * look like ids and appear in their precedent's text, or when those values differ in structure.
 */
export function learnIdShape(precedents: readonly Precedent[], field: string, minExamples = 2): IdShape | null {
  const values: string[] = [];
  for (const p of precedents) {
    const v = p.output[field];
    if (typeof v !== 'string' || !ID_LIKE.test(v) || !HAS_DIGIT.test(v)) continue;
    const text = `${p.message.subject ?? ''}\n${p.message.text}`;
    if (!text.includes(v)) continue;
    values.push(v);
  }
  if (values.length < minExamples) return null;
  const shapes = values.map(runs);
  const n = shapes[0]!.length;
  if (shapes.some((s) => s.length !== n || s.some((r, i) => r.kind !== shapes[0]![i]!.kind))) return null;
  const parts: Part[] = [];
  for (let i = 0; i < n; i++) {
    const texts = shapes.map((s) => s[i]!.text);
    const kind = shapes[0]![i]!.kind;
    const same = texts.every((t) => t.toLowerCase() === texts[0]!.toLowerCase());
    if (kind === 'P' || (kind === 'L' && same)) parts.push({ kind: 'lit', text: texts[0]! });
    else {
      const lens = texts.map((t) => t.length);
      // One more or one fewer character than seen: order numbers grow.
      const min = Math.max(1, Math.min(...lens) - 1);
      const max = Math.max(...lens) + 1;
      if (kind === 'D') parts.push({ kind: 'digits', min, max });
      else parts.push({ kind: 'letters', min, max, upper: texts.every((t) => t === t.toUpperCase()) ? true : texts.every((t) => t === t.toLowerCase()) ? false : null });
    }
  }
  // A shape with no literal and no digits would match ordinary words.
  if (!parts.some((p) => p.kind === 'digits')) return null;
  const body = parts
    .map((p) => (p.kind === 'lit' ? escape(p.text) : p.kind === 'digits' ? `\\d{${p.min},${p.max}}` : `\\p{L}{${p.min},${p.max}}`))
    .join('');
  return { pattern: new RegExp(`(?<![\\p{L}\\p{N}_-])${body}(?![\\p{L}\\p{N}_]|-[\\p{L}\\p{N}])`, 'giu'), examples: values.length };
}

/** The first token of the shape in the texts, in order (subject first), as written. */
export function findId(shape: IdShape, texts: readonly (string | null | undefined)[]): string | null {
  for (const t of texts) {
    if (!t) continue;
    shape.pattern.lastIndex = 0;
    const m = shape.pattern.exec(t);
    if (m) return m[0];
  }
  return null;
}
