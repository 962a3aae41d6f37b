// How deeply JSON may nest. Every structure Casebook reads (a rulebook, an import row, an API
// argument, a model's answer) is shallow; a value nested thousands of levels deep is an attack or
// an accident, and recursive code (validators, canonicalisers, renderers) would overflow the stack
// on it. Both checks are iterative, so they never overflow themselves.

/** The deepest nesting of arrays and objects accepted anywhere (a rulebook's conditions nest the most). */
export const MAX_JSON_DEPTH = 64;

/**
 * The offset in `text` of the bracket that first opens level `limit + 1`, or -1 when the text
 * never nests deeper than `limit`. Brackets inside strings do not count. It does not check that
 * the text is JSON: run it before `JSON.parse`, which then reports syntax errors as usual.
 */
export function jsonTextTooDeepAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** The JSON pointer of the first array or object nested deeper than `limit`, or null. */
export function valueTooDeepAt(value: unknown, limit = MAX_JSON_DEPTH): string | null {
  const found = walk(value, limit, false);
  return found && `/${found.path.map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export interface UnsafeValue {
  /** The keys from the root to the offending value. */
  path: string[];
  problem: 'too_deep' | 'prototype_key';
}

/**
 * The first place where a parsed value (an API argument, say) is nested deeper than `limit` or
 * holds an own key `__proto__`, or null. Such a key is lost or turned into a prototype by the next
 * plain-object copy, so it is refused where it arrives rather than silently dropped later.
 */
export function unsafeValueAt(value: unknown, limit = MAX_JSON_DEPTH): UnsafeValue | null {
  return walk(value, limit, true);
}

function walk(value: unknown, limit: number, refuseProtoKeys: boolean): UnsafeValue | null {
  const stack: { value: unknown; depth: number; path: string[] }[] = [{ value, depth: 0, path: [] }];
  // A shared reference (structured clones keep them) is walked again only when reached deeper than
  // before, so a DAG costs at most `limit` walks per object and a cycle ends at the limit.
  const deepest = new Map<object, number>();
  while (stack.length) {
    const { value: v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return { path, problem: 'too_deep' };
    if ((deepest.get(v) ?? -1) >= depth) continue;
    deepest.set(v, depth);
    const isArray = Array.isArray(v);
    if (refuseProtoKeys && !isArray && Object.prototype.hasOwnProperty.call(v, '__proto__')) return { path: [...path, '__proto__'], problem: 'prototype_key' };
    const entries = isArray ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [k, x] of entries) if (x !== null && typeof x === 'object') stack.push({ value: x, depth: depth + 1, path: [...path, k] });
  }
  return null;
}
