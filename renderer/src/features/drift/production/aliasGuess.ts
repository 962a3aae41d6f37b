// Which field a key outside the schema most likely means (`priority` → `urgency`), for "Add as alias":
// a field that already has it as an alias, then one whose name or aliases resemble it (the same words,
// one containing the other, few edits apart, or a known synonym), else none. And the schema change
// that adds the key to a field's aliases.
import type { FieldSpec } from '../../../../../shared/src/domain.js';
import type { SchemaChange } from '../../../../../shared/src/api/records.js';

/** Words that name the same thing in support triage outputs. */
const SYNONYMS: readonly (readonly string[])[] = [
  ['urgency', 'priority', 'severity', 'importance', 'urgent', 'prio'],
  ['issue_type', 'category', 'type', 'kind', 'topic', 'issue', 'classification', 'intent'],
  ['name', 'customer', 'customer_name', 'contact', 'sender'],
  ['language', 'lang', 'locale'],
  ['sentiment', 'tone', 'mood', 'emotion'],
  ['requested_action', 'action', 'ask', 'request', 'next_step'],
  ['product_area', 'area', 'component', 'product', 'module'],
  ['order_id', 'order', 'order_number', 'order_no'],
];

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-.]+/g, '_').replace(/^_|_$/g, '');

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** How much `word` resembles `key` (0: not at all). */
function resemblance(key: string, word: string): number {
  if (key === word) return 100;
  const kw = new Set(key.split('_'));
  const ww = word.split('_');
  if (ww.some((w) => w.length > 2 && kw.has(w))) return 60;
  if (key.length > 3 && word.length > 3 && (key.includes(word) || word.includes(key))) return 50;
  if (SYNONYMS.some((group) => group.includes(key) && group.includes(word))) return 40;
  const d = editDistance(key, word);
  if (d <= Math.max(1, Math.floor(Math.min(key.length, word.length) / 4))) return 30 - d;
  return 0;
}

/** The field that already has `key` as an alias (or as its name), if any. */
export function fieldWithAlias(fields: readonly FieldSpec[], key: string): FieldSpec | null {
  const k = norm(key);
  return fields.find((f) => norm(f.name) === k || (f.aliases ?? []).some((a) => norm(a) === k)) ?? null;
}

/** The field `key` most likely means, by its name and aliases; null when nothing resembles it. */
export function guessField(fields: readonly FieldSpec[], key: string): string | null {
  const k = norm(key);
  let best: { name: string; score: number } | null = null;
  for (const f of fields) {
    const score = Math.max(...[f.name, ...(f.aliases ?? [])].map((w) => resemblance(k, norm(w))));
    if (score > 0 && (!best || score > best.score)) best = { name: f.name, score };
  }
  return best?.name ?? null;
}

/** The change that makes `key` an alias of `field` (its aliases as they are, then the key). */
export function aliasChange(field: FieldSpec, key: string): SchemaChange {
  const existing = field.aliases ?? [];
  return { op: 'update_field', field: field.name, set: { aliases: existing.includes(key) ? existing : [...existing, key] } };
}
