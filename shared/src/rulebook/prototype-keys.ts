// `__proto__` has no use in a rulebook, and code that copies objects by assignment takes it for
// the object's prototype rather than a key: a hash once left such a key out, and an extraction
// whose schema has a field of that name fails on every message. Rulebooks never hold one.
import type { RulebookBody } from '../domain.js';
import { escapePointer } from './canonical.js';

/** The JSON pointer of the first own `__proto__` key in `value` (plain JSON, shallow enough), or null. */
export function prototypeKeyAt(value: unknown, path = ''): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return `${path}/__proto__`;
  for (const [k, v] of Object.entries(value)) {
    const found = prototypeKeyAt(v, `${path}/${escapePointer(k)}`);
    if (found) return found;
  }
  return null;
}

/** Where a well-formed rulebook would make `__proto__` a key of outputs, as format errors (`pointer: message`). */
export function prototypeNameProblems(rb: Pick<RulebookBody, 'schema' | 'rules'>): string[] {
  const problems: string[] = [];
  rb.schema.fields.forEach((f, i) => {
    if (f.name === '__proto__') problems.push(`schema/fields/${i}/name: "__proto__" cannot be a field name`);
    (f.aliases ?? []).forEach((a, j) => {
      if (a === '__proto__') problems.push(`schema/fields/${i}/aliases/${j}: "__proto__" cannot be a key alias`);
    });
  });
  rb.rules.forEach((r, i) => {
    if (r.kind === 'alias' && r.target === 'key' && r.from === '__proto__') problems.push(`rules/${i}/from: "__proto__" cannot be a key alias`);
  });
  return problems;
}
