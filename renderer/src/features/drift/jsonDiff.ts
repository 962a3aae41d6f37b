// The field-level difference between two answers, computed by jsondiffpatch (a well-kept JSON diff
// library) and flattened into a list of changes with their paths. The window renders that list
// itself as text: never jsondiffpatch's HTML formatter, since the values come from untrusted messages.
import { create, type Delta } from 'jsondiffpatch';
import type { JsonValue } from '../../api/contract';

export type PathPart = string | number;

export type FieldChange =
  | { kind: 'added'; path: PathPart[]; to: JsonValue }
  | { kind: 'removed'; path: PathPart[]; from: JsonValue }
  | { kind: 'changed'; path: PathPart[]; from: JsonValue; to: JsonValue }
  | { kind: 'moved'; path: PathPart[]; toIndex: number; value: JsonValue | undefined };

const differ = create({
  // Array items are matched by their content, so a reordered list reads as moves, not as changes.
  objectHash: (item, index) => JSON.stringify(item) ?? String(index),
  arrays: { detectMove: true, includeValueOnMove: true },
  cloneDiffValues: true,
});

/** The jsondiffpatch delta between `a` and `b` (undefined when they are equal). */
export function jsonDelta(a: unknown, b: unknown): Delta {
  return differ.diff(a, b);
}

/** Every change from `a` to `b`, leaves first by path order as the delta lists them. */
export function jsonChanges(a: unknown, b: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  flatten(jsonDelta(a, b), [], out);
  return out;
}

function flatten(delta: Delta, path: PathPart[], out: FieldChange[]): void {
  if (delta === undefined) return;
  if (Array.isArray(delta)) {
    if (delta.length === 1) out.push({ kind: 'added', path, to: delta[0] as JsonValue });
    else if (delta.length === 2) out.push({ kind: 'changed', path, from: delta[0] as JsonValue, to: delta[1] as JsonValue });
    else if (delta[2] === 0) out.push({ kind: 'removed', path, from: delta[0] as JsonValue });
    else if (delta[2] === 3) out.push({ kind: 'moved', path, toIndex: delta[1] as number, value: delta[0] === '' ? undefined : (delta[0] as JsonValue) });
    // [unidiff, 0, 2]: a text diff, which this differ does not make (no diff-match-patch given).
    else out.push({ kind: 'changed', path, from: null, to: String(delta[0]) });
    return;
  }
  if (typeof delta !== 'object' || delta === null) return;
  const record = delta as Record<string, Delta>;
  if (record._t === ('a' as unknown)) {
    // An array: `_n` is index n of the old array (removed or moved), `n` index n of the new one.
    for (const key of Object.keys(record).sort(byIndex)) {
      if (key === '_t') continue;
      const index = Number(key.startsWith('_') ? key.slice(1) : key);
      flatten(record[key], [...path, index], out);
    }
    return;
  }
  for (const key of Object.keys(record)) flatten(record[key], [...path, key], out);
}

function byIndex(x: string, y: string): number {
  const n = (k: string) => Number(k.replace(/^_/, ''));
  return n(x) - n(y) || (x.startsWith('_') ? -1 : 1);
}

/** `urgency`, `tags[2]`, `contact.email`. */
export function formatPath(path: PathPart[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(whole answer)';
}
