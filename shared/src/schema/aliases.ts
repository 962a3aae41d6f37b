// Repairs what a model says into what the schema says: renamed keys (`priority` -> `urgency`) and
// other spellings of enum values (`ASAP` -> `high`). Aliases come from the schema and from enabled
// alias rules; every rewrite is recorded so the trace can explain it.
import type { AliasRewrite, Extraction, ExtractionSchema, FieldSpec, JsonValue, Rule } from '../domain.js';

export interface AliasResult {
  output: Extraction;
  rewrites: AliasRewrite[];
}

interface AliasTables {
  /** lower-cased key -> field name, with the rule that said so. */
  keys: Map<string, { field: string; ruleId?: string }>;
  /** field -> lower-cased value -> canonical value. */
  values: Map<string, Map<string, { value: string; ruleId?: string }>>;
}

/** A key as written, made comparable: case, spaces and dashes do not matter (`Issue Type` is `issue_type`). */
const keyForm = (k: string) => k.trim().toLowerCase().replace(/[\s-]+/g, '_');
const valueForm = (v: string) => v.trim().toLowerCase();

const tableCache = new WeakMap<ExtractionSchema, WeakMap<readonly Rule[], AliasTables>>();

function tables(schema: ExtractionSchema, rules: readonly Rule[]): AliasTables {
  let bySchema = tableCache.get(schema);
  if (!bySchema) tableCache.set(schema, (bySchema = new WeakMap()));
  const hit = bySchema.get(rules);
  if (hit) return hit;

  const keys: AliasTables['keys'] = new Map();
  const values: AliasTables['values'] = new Map();
  for (const f of schema.fields) {
    keys.set(keyForm(f.name), { field: f.name });
    if (f.type === 'enum') {
      const m = new Map<string, { value: string; ruleId?: string }>();
      for (const v of f.values ?? []) m.set(valueForm(v.value), { value: v.value });
      for (const v of f.values ?? []) for (const a of v.aliases ?? []) if (!m.has(valueForm(a))) m.set(valueForm(a), { value: v.value });
      values.set(f.name, m);
    }
  }
  for (const f of schema.fields) for (const a of f.aliases ?? []) if (!keys.has(keyForm(a))) keys.set(keyForm(a), { field: f.name });
  for (const r of rules) {
    if (r.kind !== 'alias' || !r.enabled) continue;
    if (r.target === 'key') {
      if (!keys.has(keyForm(r.from))) keys.set(keyForm(r.from), { field: r.field, ruleId: r.id });
    } else {
      const m = values.get(r.field);
      if (m && !m.has(valueForm(r.from))) m.set(valueForm(r.from), { value: r.to, ruleId: r.id });
    }
  }
  const t = { keys, values };
  bySchema.set(rules, t);
  return t;
}

/**
 * Sets an own property, whatever its name. A model's answer is untrusted and JSON.parse makes a
 * `__proto__` key an own property: assigned, it would become the output's prototype, and its
 * hidden values would be read as fields (by alias repair, by an override's field condition).
 */
function put(target: Extraction, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

export function applyAliases(raw: Record<string, JsonValue>, schema: ExtractionSchema, rules: readonly Rule[]): AliasResult {
  const t = tables(schema, rules);
  const fieldsByName = new Map<string, FieldSpec>(schema.fields.map((f) => [f.name, f]));
  const output: Extraction = {};
  const rewrites: AliasRewrite[] = [];

  // Canonical keys first, so an alias never overwrites a field the model named correctly.
  const entries = Object.entries(raw).sort(([a], [b]) => Number(!fieldsByName.has(a)) - Number(!fieldsByName.has(b)));
  for (const [key, value] of entries) {
    if (fieldsByName.has(key)) {
      put(output, key, value);
      continue;
    }
    const hit = t.keys.get(keyForm(key));
    if (!hit || Object.prototype.hasOwnProperty.call(output, hit.field)) {
      put(output, key, value); // unknown or duplicate: left for validation to report
      continue;
    }
    put(output, hit.field, value);
    rewrites.push(withRule({ target: 'key', field: hit.field, from: key, to: hit.field }, hit.ruleId));
  }

  for (const [field, map] of t.values) {
    const value = Object.prototype.hasOwnProperty.call(output, field) ? output[field] : undefined;
    if (typeof value !== 'string' || map.get(value)?.value === value) continue;
    const hit = map.get(valueForm(value));
    if (!hit) continue;
    put(output, field, hit.value);
    rewrites.push(withRule({ target: 'value', field, from: value, to: hit.value }, hit.ruleId));
  }
  return { output, rewrites };
}

function withRule(r: AliasRewrite, ruleId: string | undefined): AliasRewrite {
  return ruleId ? { ...r, ruleId } : r;
}
