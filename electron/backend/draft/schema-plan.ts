// One change of the draft's schema, worked out before anything is written: the schema after it, the
// precedents and rules it rewrites, what it does to each (the impact a person reads before saving),
// and the problems that refuse it. Pure: the handler writes the plan in one transaction.
//
// What each change carries through (README, "Schema editing"):
// - renaming a field or an enum value rewrites the precedents' outputs and the rules that name it
//   (override `set` keys and values, `field_equals` fields and values, guidance `fields`, alias rules'
//   `field` and `to`) and keeps the old name as an alias, so answers in the old shape still map;
// - merging values rewrites them to the kept value, whose aliases take the merged spellings;
// - removing a field or a value drops it from the precedents' outputs (the key goes: the right value
//   is no longer known) and sets aside the rules that name it (disabled, kept, out of the rulebook);
//   it needs a confirmation;
// - changing a type (or refusing null) converts what converts (CONVERSIONS below) and refuses while
//   a precedent or a rule holds a value that does not;
// - a name that already means something (a field, a key alias, a value or a value alias, compared
//   as the runtime compares them) is refused, naming what it collides with.
import type { SchemaChange, SchemaImpact } from '../../../shared/src/api/index.js';
import { MAX_ENUM_VALUES, MAX_FIELDS } from '../../../shared/src/api/names.js';
import {
  DEFAULT_SETTINGS,
  RULEBOOK_FORMAT,
  RULEBOOK_FORMAT_VERSION,
  type Condition,
  type EnumValue,
  type Extraction,
  type ExtractionSchema,
  type FieldSpec,
  type FieldType,
  type JsonValue,
  type Rule,
} from '../../../shared/src/domain.js';
import { fieldValueProblem, validateRulebookFormat } from '../../../shared/src/rulebook/format.js';
import { FIELD_NAME_PATTERN } from '../../../shared/src/rulebook/schema-def.js';
import { schemaShapeHash } from '../../services/workspace/index.js';

export interface PlanPrecedent {
  id: string;
  output: Extraction;
  /** A few words of its message, for the impact list. */
  preview: string;
}

export interface PlanRule {
  rule: Rule;
  /** Why an earlier schema change set it aside (out of the rulebook), or null. */
  setAside: string | null;
}

export interface PlanInput {
  schema: ExtractionSchema;
  /** The draft's precedents (not deleted). */
  precedents: readonly PlanPrecedent[];
  /** The draft's rules (not deleted), those set aside included. */
  rules: readonly PlanRule[];
  /** Messages whose newest extraction was made under the schema as it is: what a change of its shape makes stale. */
  currentExtractions: number;
}

export interface SchemaPlan {
  schema: ExtractionSchema;
  /** Precedents whose output changes, with the output after. */
  precedents: { id: string; output: Extraction }[];
  /** Rules that change: their content after, and why they are set aside (null: in the rulebook). */
  rules: PlanRule[];
  impact: SchemaImpact;
}

type Problem = SchemaImpact['problems'][number];
type PrecedentImpact = SchemaImpact['precedents'][number];
type RuleImpact = SchemaImpact['rules'][number];

/** How the runtime compares keys (schema/aliases.ts): case, spaces and dashes do not matter. */
export const keyForm = (k: string) => k.trim().toLowerCase().replace(/[\s-]+/g, '_');
/** How the runtime compares enum spellings: case and outer spaces do not matter. */
export const valueForm = (v: string) => v.trim().toLowerCase();

const FIELD_NAME = new RegExp(FIELD_NAME_PATTERN);
const q = (s: string) => JSON.stringify(s);
const show = (v: JsonValue | undefined) => (v === undefined ? 'nothing' : JSON.stringify(v));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const clone = <T>(v: T): T => structuredClone(v);

// ---------------------------------------------------------------------------------------------
// Conversions between types (update_field). A value that is already valid for the new type stays
// as it is; otherwise:
//   string       <- a number (its decimal form), a boolean ("true"/"false"), a list of one string;
//   enum         <- what becomes a string that is one of the values, or a spelling of one (its
//                   aliases, case and outer spaces ignored), which becomes that value;
//   number       <- a string that is a decimal number ("12", "-3.5");
//   boolean      <- "true" or "false" (any case);
//   date         <- a string that is a date as YYYY-MM-DD;
//   string_list  <- a list of strings as it is; anything that becomes a string, wrapped in a list;
//   null         <- stays null when the field allows null after the change.
// Anything else does not convert: the change is refused until the precedent or rule is fixed.

type Converted = { ok: true; value: JsonValue } | { ok: false; why: string };

function asString(v: JsonValue): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return null;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function convertValue(value: JsonValue, field: FieldSpec): Converted {
  if (value === null) return field.nullable ? { ok: true, value: null } : { ok: false, why: `is null, and "${field.name}" does not allow null` };
  if (fieldValueProblem(field, value) === null) return { ok: true, value };
  const s = asString(value);
  const fail = (what: string): Converted => ({ ok: false, why: `${show(value)} is not ${what}` });
  switch (field.type) {
    case 'string':
      return s !== null ? { ok: true, value: s } : fail('a string');
    case 'enum': {
      const hit = s === null ? undefined : enumSpelling(field, s);
      return hit ? { ok: true, value: hit } : fail(`one of ${(field.values ?? []).map((v) => q(v.value)).join(', ')}`);
    }
    case 'number':
      return s !== null && DECIMAL.test(s.trim()) ? { ok: true, value: Number(s.trim()) } : fail('a number');
    case 'boolean': {
      const b = s?.trim().toLowerCase();
      return b === 'true' || b === 'false' ? { ok: true, value: b === 'true' } : fail('true or false');
    }
    case 'date':
      return s !== null && fieldValueProblem(field, s.trim()) === null ? { ok: true, value: s.trim() } : fail('a date as YYYY-MM-DD');
    case 'string_list':
      return s !== null ? { ok: true, value: [s] } : fail('a list of strings');
  }
}

/** The enum value a spelling means (its value or an alias, compared as the runtime compares them). */
function enumSpelling(field: FieldSpec, spelling: string): string | undefined {
  const form = valueForm(spelling);
  for (const v of field.values ?? []) if (valueForm(v.value) === form) return v.value;
  for (const v of field.values ?? []) if ((v.aliases ?? []).some((a) => valueForm(a) === form)) return v.value;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules: what names a field or a value, and rewriting them.

function conditionFields(c: Condition, out: { field: string; value: JsonValue }[] = []): { field: string; value: JsonValue }[] {
  if (c.kind === 'field_equals') out.push({ field: c.field, value: c.value });
  else if (c.kind === 'all' || c.kind === 'any') c.conditions.forEach((sub) => conditionFields(sub, out));
  return out;
}

function mapCondition(c: Condition, f: (field: string, value: JsonValue) => { field: string; value: JsonValue }): Condition {
  if (c.kind === 'field_equals') {
    const next = f(c.field, c.value);
    return { ...c, field: next.field, value: next.value };
  }
  if (c.kind === 'all' || c.kind === 'any') return { ...c, conditions: c.conditions.map((sub) => mapCondition(sub, f)) };
  return c;
}

export function ruleNamesField(rule: Rule, field: string): boolean {
  switch (rule.kind) {
    case 'guidance':
      return rule.fields.includes(field);
    case 'override':
      return has(rule.set, field) || conditionFields(rule.when).some((c) => c.field === field);
    case 'alias':
      return rule.field === field;
  }
}

/** The values of `field` a rule holds: override `set`, `field_equals` conditions, a value alias's `to`. */
function ruleValues(rule: Rule, field: string): JsonValue[] {
  if (rule.kind === 'override') {
    const values = conditionFields(rule.when)
      .filter((c) => c.field === field)
      .map((c) => c.value);
    if (has(rule.set, field)) values.unshift(rule.set[field]!);
    return values;
  }
  if (rule.kind === 'alias' && rule.target === 'value' && rule.field === field) return [rule.to];
  return [];
}

/** The rule with every value of `field` it holds mapped (`map` gives the new value). */
function mapRuleValues(rule: Rule, field: string, map: (v: JsonValue) => JsonValue): Rule {
  if (rule.kind === 'override') {
    const set: Extraction = {};
    for (const [k, v] of Object.entries(rule.set)) set[k] = k === field ? map(v) : v;
    return { ...rule, set, when: mapCondition(rule.when, (f, v) => ({ field: f, value: f === field ? map(v) : v })) };
  }
  if (rule.kind === 'alias' && rule.target === 'value' && rule.field === field) {
    const to = map(rule.to);
    return typeof to === 'string' ? { ...rule, to } : rule;
  }
  return rule;
}

function renameRuleField(rule: Rule, from: string, to: string): Rule {
  const name = (f: string) => (f === from ? to : f);
  switch (rule.kind) {
    case 'guidance':
      return { ...rule, fields: rule.fields.map(name) };
    case 'override': {
      const set: Extraction = {};
      for (const [k, v] of Object.entries(rule.set)) set[name(k)] = v;
      return { ...rule, set, when: mapCondition(rule.when, (f, v) => ({ field: name(f), value: v })) };
    }
    case 'alias':
      return { ...rule, field: name(rule.field) };
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function renameKey(output: Extraction, from: string, to: string): Extraction {
  const next: Extraction = {};
  for (const [k, v] of Object.entries(output)) {
    if (k === to && has(output, from)) continue; // the renamed field's value wins over a stray key
    next[k === from ? to : k] = v;
  }
  return next;
}

function withoutKey(output: Extraction, key: string): Extraction {
  const next: Extraction = {};
  for (const [k, v] of Object.entries(output)) if (k !== key) next[k] = v;
  return next;
}

// ---------------------------------------------------------------------------------------------
// The plan.

class Planner {
  readonly problems: Problem[] = [];
  readonly precedentImpacts: PrecedentImpact[] = [];
  readonly ruleImpacts: RuleImpact[] = [];
  readonly aliasesAdded: string[] = [];
  readonly precedentsAfter = new Map<string, Extraction>();
  readonly rulesAfter = new Map<string, PlanRule>();
  schema: ExtractionSchema;
  removes = false;

  constructor(readonly input: PlanInput) {
    this.schema = clone(input.schema);
  }

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  field(name: string, path = 'change.field'): FieldSpec | null {
    const f = this.schema.fields.find((x) => x.name === name);
    if (!f) this.problem(path, `there is no field ${q(name)} (fields: ${this.schema.fields.map((x) => x.name).join(', ')})`);
    return f ?? null;
  }

  enumField(name: string): FieldSpec | null {
    const f = this.field(name);
    if (f && f.type !== 'enum') {
      this.problem('change.field', `"${name}" is a ${f.type} field; only enum fields have values`);
      return null;
    }
    return f;
  }

  /** Rules in the rulebook (not set aside): what the names of a change may collide with. */
  get liveRules(): Rule[] {
    return this.input.rules.filter((r) => r.setAside === null).map((r) => r.rule);
  }

  // -- names --------------------------------------------------------------------------------

  /** A key (field name or key alias) the schema or a key alias rule already gives a meaning other than `owner`. */
  keyTaken(key: string, owner: string | null): string | null {
    const form = keyForm(key);
    for (const f of this.schema.fields) {
      if (f.name === owner) continue;
      if (keyForm(f.name) === form) return `is already the field ${q(f.name)}`;
      if ((f.aliases ?? []).some((a) => keyForm(a) === form)) return `is already an alias of the field ${q(f.name)}`;
    }
    for (const r of this.liveRules) {
      if (r.kind === 'alias' && r.target === 'key' && r.field !== owner && keyForm(r.from) === form) {
        return `is already an alias of the field ${q(r.field)} (rule ${r.id})`;
      }
    }
    return null;
  }

  checkFieldName(name: string, path: string, owner: string | null): void {
    if (!FIELD_NAME.test(name)) {
      this.problem(path, `${q(name)} is not a field name the runtime accepts (a letter or _, then letters, digits or _, at most 64)`);
      return;
    }
    const taken = this.keyTaken(name, owner);
    if (taken) this.problem(path, `${q(name)} ${taken}`);
  }

  checkKeyAliases(aliases: readonly string[], path: string, owner: string): void {
    const seen = new Map<string, number>();
    aliases.forEach((a, i) => {
      const form = keyForm(a);
      if (form === keyForm(owner)) this.problem(`${path}.${i}`, `${q(a)} is the field's own name`);
      else if (seen.has(form)) this.problem(`${path}.${i}`, `${q(a)} is listed twice (also ${path}.${seen.get(form)})`);
      else {
        const taken = this.keyTaken(a, owner);
        if (taken) this.problem(`${path}.${i}`, `${q(a)} ${taken}`);
      }
      seen.set(form, i);
    });
  }

  /** A spelling (value or value alias) the field already gives a meaning other than the value `owner`. */
  spellingTaken(field: FieldSpec, spelling: string, owner: string | null): string | null {
    const form = valueForm(spelling);
    for (const v of field.values ?? []) {
      if (v.value === owner) continue;
      if (valueForm(v.value) === form) return `is already the value ${q(v.value)} of "${field.name}"`;
      if ((v.aliases ?? []).some((a) => valueForm(a) === form)) return `already means ${q(v.value)} for "${field.name}"`;
    }
    for (const r of this.liveRules) {
      if (r.kind === 'alias' && r.target === 'value' && r.field === field.name && r.to !== owner && valueForm(r.from) === form) {
        return `already means ${q(r.to)} for "${field.name}" (rule ${r.id})`;
      }
    }
    return null;
  }

  checkValueAliases(field: FieldSpec, value: string, aliases: readonly string[], path: string): void {
    const seen = new Map<string, number>();
    aliases.forEach((a, i) => {
      const form = valueForm(a);
      if (form === valueForm(value)) this.problem(`${path}.${i}`, `${q(a)} is the value itself`);
      else if (seen.has(form)) this.problem(`${path}.${i}`, `${q(a)} is listed twice (also ${path}.${seen.get(form)})`);
      else {
        const taken = this.spellingTaken(field, a, value);
        if (taken) this.problem(`${path}.${i}`, `${q(a)} ${taken}`);
      }
      seen.set(form, i);
    });
  }

  // -- rewrites -----------------------------------------------------------------------------

  precedentOutput(p: PlanPrecedent): Extraction {
    return this.precedentsAfter.get(p.id) ?? p.output;
  }

  setPrecedent(p: PlanPrecedent, output: Extraction, impact: Omit<PrecedentImpact, 'id' | 'preview'>): void {
    this.precedentsAfter.set(p.id, output);
    this.precedentImpacts.push({ id: p.id, preview: p.preview, ...impact });
  }

  ruleNow(r: PlanRule): PlanRule {
    return this.rulesAfter.get(r.rule.id) ?? r;
  }

  rewriteRule(r: PlanRule, rule: Rule, detail: string): void {
    if (sameJson(rule, r.rule)) return;
    this.rulesAfter.set(rule.id, { rule, setAside: r.setAside });
    if (r.setAside === null) this.ruleImpacts.push({ id: rule.id, kind: rule.kind, action: 'rewritten', detail });
  }

  setAside(r: PlanRule, reason: string): void {
    if (r.setAside !== null) return; // already out of the rulebook; its reason stays
    this.rulesAfter.set(r.rule.id, { rule: { ...r.rule, enabled: false }, setAside: reason });
    this.ruleImpacts.push({ id: r.rule.id, kind: r.rule.kind, action: 'disabled', detail: `${reason}: set aside (disabled and kept, out of the rulebook until edited)` });
    this.removes = true;
  }

  /** Maps every precedent's and rule's value of a field (rename, merge): rewritten where it differs. */
  mapValues(field: string, map: (v: JsonValue) => JsonValue): void {
    for (const p of this.input.precedents) {
      const output = this.precedentOutput(p);
      if (!has(output, field)) continue;
      const to = map(output[field]!);
      if (sameJson(to, output[field])) continue;
      this.setPrecedent(p, { ...output, [field]: to }, { action: 'rewritten', field, from: output[field]!, to });
    }
    for (const r of this.input.rules) {
      const now = this.ruleNow(r);
      const rule = mapRuleValues(now.rule, field, map);
      const changed = ruleValues(now.rule, field)
        .map((v) => [v, map(v)] as const)
        .filter(([a, b]) => !sameJson(a, b));
      if (changed.length) this.rewriteRule(now, rule, `${field}: ${changed.map(([a, b]) => `${show(a)} → ${show(b)}`).join(', ')}`);
    }
  }

  // -- the operations -----------------------------------------------------------------------

  apply(change: SchemaChange): string {
    switch (change.op) {
      case 'add_field':
        return this.addField(change.field, change.index);
      case 'rename_field':
        return this.renameField(change.field, change.to);
      case 'move_field':
        return this.moveField(change.field, change.index);
      case 'remove_field':
        return this.removeField(change.field);
      case 'update_field':
        return this.updateField(change.field, change.set);
      case 'add_value':
        return this.addValue(change.field, change.value, change.index);
      case 'rename_value':
        return this.renameValue(change.field, change.value, change.to);
      case 'update_value':
        return this.updateValue(change.field, change.value, change.set);
      case 'merge_values':
        return this.mergeValues(change.field, change.values, change.into);
      case 'remove_value':
        return this.removeValue(change.field, change.value);
    }
  }

  addField(spec: FieldSpec, index: number | undefined): string {
    const title = `Add the field ${q(spec.name)} (${spec.type})`;
    if (this.schema.fields.length >= MAX_FIELDS) this.problem('change.field', `a schema holds at most ${MAX_FIELDS} fields`);
    this.checkFieldName(spec.name, 'change.field.name', null);
    this.checkKeyAliases(spec.aliases ?? [], 'change.field.aliases', spec.name);
    const field: FieldSpec = clone(spec);
    if (spec.type === 'enum') {
      const values = spec.values ?? [];
      if (values.length === 0) this.problem('change.field.values', 'an enum field needs at least one value');
      const probe: FieldSpec = { ...field, values: [] };
      values.forEach((v, i) => {
        const taken = this.spellingTaken(probe, v.value, null);
        if (taken) this.problem(`change.field.values.${i}.value`, `${q(v.value)} ${taken}`);
        probe.values!.push(v);
      });
      values.forEach((v, i) => this.checkValueAliases({ ...field, values: values.filter((_, j) => j !== i) }, v.value, v.aliases ?? [], `change.field.values.${i}.aliases`));
    } else if (spec.values !== undefined) {
      this.problem('change.field.values', `only enum fields have values ("${spec.name}" is ${spec.type})`);
      delete field.values;
    }
    const at = index ?? this.schema.fields.length;
    if (at > this.schema.fields.length) this.problem('change.index', `there are ${this.schema.fields.length} fields: the position is 0 to ${this.schema.fields.length}`);
    this.schema.fields.splice(Math.min(at, this.schema.fields.length), 0, field);
    return title;
  }

  renameField(from: string, to: string): string {
    const title = `Rename the field ${q(from)} to ${q(to)}`;
    const field = this.field(from);
    if (!field) return title;
    if (from === to) {
      this.problem('change.to', 'is the field\'s name already');
      return title;
    }
    this.checkFieldName(to, 'change.to', from);
    field.name = to;
    // The old name stays an alias, so answers in the old shape still map; the new one is no longer one.
    const aliases = (field.aliases ?? []).filter((a) => keyForm(a) !== keyForm(to));
    if (keyForm(from) !== keyForm(to) && !aliases.some((a) => keyForm(a) === keyForm(from))) {
      aliases.push(from);
      this.aliasesAdded.push(`key ${q(from)} → field ${q(to)}`);
    }
    field.aliases = aliases;
    if (aliases.length === 0) delete field.aliases;
    for (const p of this.input.precedents) {
      const output = this.precedentOutput(p);
      if (has(output, from)) this.setPrecedent(p, renameKey(output, from, to), { action: 'rewritten', field: to, from: from, to });
    }
    for (const r of this.input.rules) {
      const now = this.ruleNow(r);
      if (!ruleNamesField(now.rule, from)) continue;
      // A key alias rule whose spelling is now the field's own name has nothing left to do.
      if (now.rule.kind === 'alias' && now.rule.target === 'key' && now.rule.field === from && keyForm(now.rule.from) === keyForm(to)) {
        this.setAside(now, `its spelling ${q(now.rule.from)} is now the field's name`);
        continue;
      }
      this.rewriteRule(now, renameRuleField(now.rule, from, to), `field ${q(from)} → ${q(to)}`);
    }
    return title;
  }

  moveField(name: string, index: number): string {
    const title = `Move the field ${q(name)} to position ${index + 1}`;
    const at = this.schema.fields.findIndex((f) => f.name === name);
    if (!this.field(name)) return title;
    if (index >= this.schema.fields.length) {
      this.problem('change.index', `there are ${this.schema.fields.length} fields: the position is 0 to ${this.schema.fields.length - 1}`);
      return title;
    }
    if (index === at) {
      this.problem('change.index', `"${name}" is at that position already`);
      return title;
    }
    const [field] = this.schema.fields.splice(at, 1);
    this.schema.fields.splice(index, 0, field!);
    return title;
  }

  removeField(name: string): string {
    const title = `Remove the field ${q(name)}`;
    this.removes = true;
    if (!this.field(name)) return title;
    if (this.schema.fields.length === 1) {
      this.problem('change.field', 'a schema needs at least one field: add another before removing this one');
      return title;
    }
    this.schema.fields = this.schema.fields.filter((f) => f.name !== name);
    for (const p of this.input.precedents) {
      const output = this.precedentOutput(p);
      if (has(output, name)) this.setPrecedent(p, withoutKey(output, name), { action: 'field_dropped', field: name, from: output[name]!, to: null });
    }
    for (const r of this.input.rules) {
      const now = this.ruleNow(r);
      if (ruleNamesField(now.rule, name)) this.setAside(now, `names the field ${q(name)}, removed from the schema`);
    }
    return title;
  }

  updateField(name: string, set: Extract<SchemaChange, { op: 'update_field' }>['set']): string {
    const field = this.field(name);
    if (!field) return `Change the field ${q(name)}`;
    const before = clone(field);
    const parts: string[] = [];
    // An empty description is none.
    const description = set.description === '' ? null : set.description;
    if (description !== undefined && (description ?? undefined) !== before.description) {
      if (description === null) delete field.description;
      else field.description = description;
      parts.push('description');
    }
    if (set.aliases !== undefined && !sameJson(set.aliases, before.aliases ?? [])) {
      this.checkKeyAliases(set.aliases, 'change.set.aliases', name);
      if (set.aliases.length) field.aliases = [...set.aliases];
      else delete field.aliases;
      parts.push('aliases');
    }
    const type: FieldType = set.type ?? before.type;
    const nullable = set.nullable ?? before.nullable;
    if (set.values !== undefined && !(type === 'enum' && before.type !== 'enum')) {
      this.problem('change.set.values', 'values are given only when the type becomes enum (change the values of an enum one by one)');
    }
    if (type !== before.type || nullable !== before.nullable) {
      if (type !== before.type) parts.push(`type ${before.type} → ${type}`);
      if (nullable !== before.nullable) parts.push(nullable ? 'null allowed' : 'null no longer allowed');
      this.retype(field, type, nullable, set.values, type !== before.type ? 'change.set.type' : 'change.set.nullable');
    }
    if (parts.length === 0) this.problem('change.set', 'changes nothing');
    return `Change the field ${q(name)}: ${parts.join(', ') || 'nothing'}`;
  }

  retype(field: FieldSpec, type: FieldType, nullable: boolean, values: EnumValue[] | undefined, path: string): void {
    const name = field.name;
    const wasEnum = field.type === 'enum';
    field.type = type;
    field.nullable = nullable;
    if (type === 'enum' && !wasEnum) {
      if (values) {
        field.values = clone(values);
        values.forEach((v, i) => {
          const taken = this.spellingTaken({ ...field, values: values.slice(0, i) }, v.value, null);
          if (taken) this.problem(`change.set.values.${i}.value`, `${q(v.value)} ${taken}`);
        });
        values.forEach((v, i) => this.checkValueAliases({ ...field, values: values.filter((_, j) => j !== i) }, v.value, v.aliases ?? [], `change.set.values.${i}.aliases`));
      } else {
        field.values = this.valuesInUse(name).map((value) => ({ value }));
        if (field.values.length === 0) {
          this.problem(path, `an enum field needs values: give them (no precedent or rule has a value for "${name}")`);
        } else if (field.values.length > MAX_ENUM_VALUES) {
          this.problem(path, `the precedents and rules hold ${field.values.length} different values for "${name}"; an enum holds at most ${MAX_ENUM_VALUES}`);
        }
      }
    } else if (type !== 'enum') {
      delete field.values;
    }
    for (const p of this.input.precedents) {
      const output = this.precedentOutput(p);
      if (!has(output, name)) continue;
      const from = output[name]!;
      const converted = convertValue(from, field);
      if (!converted.ok) {
        this.precedentImpacts.push({ id: p.id, preview: p.preview, action: 'does_not_convert', field: name, from, to: null });
        this.problem(path, `precedent ${p.id}: ${converted.why}; fix or drop its value first`);
      } else if (!sameJson(converted.value, from)) {
        this.setPrecedent(p, { ...output, [name]: converted.value }, { action: 'rewritten', field: name, from, to: converted.value });
      }
    }
    for (const r of this.input.rules) {
      const now = this.ruleNow(r);
      if (now.setAside !== null) continue;
      if (now.rule.kind === 'alias' && now.rule.target === 'value' && now.rule.field === name && type !== 'enum') {
        this.setAside(now, `maps a value of "${name}", which is no longer an enum`);
        continue;
      }
      if (now.rule.kind !== 'override') continue;
      const failures: string[] = [];
      const rule = mapRuleValues(now.rule, name, (v) => {
        const converted = convertValue(v, field);
        if (converted.ok) return converted.value;
        failures.push(converted.why);
        return v;
      });
      if (failures.length) this.problem(path, `rule ${now.rule.id}: ${failures.join('; ')}; edit or disable the rule first`);
      else this.rewriteRule(now, rule, `${name}: values converted to ${type}`);
    }
  }

  /** The distinct values precedents and rules give a field, as strings, first seen first. */
  valuesInUse(name: string): string[] {
    const seen = new Map<string, string>();
    const add = (v: JsonValue) => {
      const s = v === null ? null : asString(v);
      if (s !== null && s.trim() !== '' && !seen.has(valueForm(s))) seen.set(valueForm(s), s.trim());
    };
    for (const p of this.input.precedents) if (has(p.output, name)) add(p.output[name]!);
    for (const r of this.liveRules) ruleValues(r, name).forEach(add);
    return [...seen.values()];
  }

  addValue(name: string, value: EnumValue, index: number | undefined): string {
    const title = `Add the value ${q(value.value)} to "${name}"`;
    const field = this.enumField(name);
    if (!field) return title;
    const values = field.values ?? [];
    if (values.length >= MAX_ENUM_VALUES) this.problem('change.value', `an enum holds at most ${MAX_ENUM_VALUES} values`);
    const taken = this.spellingTaken(field, value.value, null);
    if (taken) this.problem('change.value.value', `${q(value.value)} ${taken}`);
    this.checkValueAliases(field, value.value, value.aliases ?? [], 'change.value.aliases');
    const at = index ?? values.length;
    if (at > values.length) this.problem('change.index', `"${name}" has ${values.length} values: the position is 0 to ${values.length}`);
    values.splice(Math.min(at, values.length), 0, clone(value));
    field.values = values;
    return title;
  }

  value(field: FieldSpec, value: string, path = 'change.value'): EnumValue | null {
    const v = (field.values ?? []).find((x) => x.value === value);
    if (!v) this.problem(path, `${q(value)} is not a value of "${field.name}" (${(field.values ?? []).map((x) => q(x.value)).join(', ')})`);
    return v ?? null;
  }

  renameValue(name: string, from: string, to: string): string {
    const title = `Rename the value ${q(from)} of "${name}" to ${q(to)}`;
    const field = this.enumField(name);
    const v = field && this.value(field, from);
    if (!field || !v) return title;
    if (from === to) {
      this.problem('change.to', 'is the value already');
      return title;
    }
    const taken = this.spellingTaken(field, to, from);
    if (taken) this.problem('change.to', `${q(to)} ${taken}`);
    v.value = to;
    const aliases = (v.aliases ?? []).filter((a) => valueForm(a) !== valueForm(to));
    if (valueForm(from) !== valueForm(to) && !aliases.some((a) => valueForm(a) === valueForm(from))) {
      aliases.push(from);
      this.aliasesAdded.push(`value ${q(from)} → ${q(to)} (${name})`);
    }
    v.aliases = aliases;
    if (aliases.length === 0) delete v.aliases;
    this.mapValues(name, (x) => (x === from ? to : x));
    return title;
  }

  updateValue(name: string, value: string, set: { description?: string | null; aliases?: string[] }): string {
    const field = this.enumField(name);
    const v = field && this.value(field, value);
    if (!field || !v) return `Change the value ${q(value)} of "${name}"`;
    const parts: string[] = [];
    const description = set.description === '' ? null : set.description;
    if (description !== undefined && (description ?? undefined) !== v.description) {
      if (description === null) delete v.description;
      else v.description = description;
      parts.push('description');
    }
    if (set.aliases !== undefined && !sameJson(set.aliases, v.aliases ?? [])) {
      this.checkValueAliases(field, value, set.aliases, 'change.set.aliases');
      if (set.aliases.length) v.aliases = [...set.aliases];
      else delete v.aliases;
      parts.push('aliases');
    }
    if (parts.length === 0) this.problem('change.set', 'changes nothing');
    return `Change the value ${q(value)} of "${name}": ${parts.join(', ') || 'nothing'}`;
  }

  mergeValues(name: string, merged: readonly string[], into: string): string {
    const title = `Merge ${merged.map(q).join(', ')} of "${name}" into ${q(into)}`;
    const field = this.enumField(name);
    const kept = field && this.value(field, into, 'change.into');
    if (!field || !kept) return title;
    const seen = new Set<string>();
    merged.forEach((m, i) => {
      if (m === into) this.problem(`change.values.${i}`, `${q(m)} is the value they are merged into`);
      else if (seen.has(m)) this.problem(`change.values.${i}`, `${q(m)} is listed twice`);
      else this.value(field, m, `change.values.${i}`);
      seen.add(m);
    });
    if (this.problems.length) return title;
    const aliases = [...(kept.aliases ?? [])];
    for (const m of merged) {
      const v = field.values!.find((x) => x.value === m)!;
      for (const spelling of [v.value, ...(v.aliases ?? [])]) {
        if (valueForm(spelling) === valueForm(into) || aliases.some((a) => valueForm(a) === valueForm(spelling))) continue;
        aliases.push(spelling);
        this.aliasesAdded.push(`value ${q(spelling)} → ${q(into)} (${name})`);
      }
    }
    kept.aliases = aliases;
    if (aliases.length === 0) delete kept.aliases;
    field.values = field.values!.filter((x) => !merged.includes(x.value));
    this.mapValues(name, (x) => (typeof x === 'string' && merged.includes(x) ? into : x));
    return title;
  }

  removeValue(name: string, value: string): string {
    const title = `Remove the value ${q(value)} of "${name}"`;
    this.removes = true;
    const field = this.enumField(name);
    const v = field && this.value(field, value);
    if (!field || !v) return title;
    if ((field.values ?? []).length === 1) {
      this.problem('change.value', 'an enum field needs at least one value: remove the field, or change its type');
      return title;
    }
    field.values = field.values!.filter((x) => x.value !== value);
    for (const p of this.input.precedents) {
      const output = this.precedentOutput(p);
      if (has(output, name) && output[name] === value) {
        this.setPrecedent(p, withoutKey(output, name), { action: 'value_dropped', field: name, from: value, to: null });
      }
    }
    for (const r of this.input.rules) {
      const now = this.ruleNow(r);
      if (ruleValues(now.rule, name).some((x) => x === value)) this.setAside(now, `uses the value ${q(value)} of "${name}", removed from the schema`);
    }
    return title;
  }

  /** The runtime's rulebook format check of the schema and rules after the change (the handler checks the whole draft again). */
  formatCheck(): void {
    const rules = this.input.rules.map((r) => this.ruleNow(r)).filter((r) => r.setAside === null).map((r) => r.rule);
    const result = validateRulebookFormat(
      JSON.parse(
        JSON.stringify({
          format: RULEBOOK_FORMAT,
          formatVersion: RULEBOOK_FORMAT_VERSION,
          id: 'schema-check',
          name: 'schema check',
          version: 1,
          parent: null,
          createdAt: '2000-01-01T00:00:00.000Z',
          instructions: '',
          schema: this.schema,
          rules,
          precedents: [],
          settings: DEFAULT_SETTINGS,
          hash: `sha256:${'0'.repeat(64)}`,
        }),
      ) as unknown,
    );
    if (result.ok) return;
    for (const error of result.errors) {
      const m = /^rules\/(\d+)(\/[^:]*)?: (.*)$/s.exec(error);
      if (m) this.problem('change', `rule ${rules[Number(m[1])]?.id ?? m[1]}${m[2] ?? ''}: ${m[3]}`);
      else this.problem('change', `the schema after this change would not load: ${error}`);
    }
  }
}

/** Works out a schema change over the draft as it is. Refused changes have `allowed: false` and problems naming the change's path. */
export function planSchemaChange(change: SchemaChange, input: PlanInput): SchemaPlan {
  const planner = new Planner(input);
  const title = planner.apply(change);
  if (planner.problems.length === 0) planner.formatCheck();
  const allowed = planner.problems.length === 0;
  const shapeChanged = schemaShapeHash(planner.schema) !== schemaShapeHash(input.schema);
  const staleExtractions = allowed && shapeChanged ? input.currentExtractions : 0;
  const precedentCount = new Set(planner.precedentImpacts.map((p) => p.id)).size;
  const counts = [
    precedentCount ? plural(precedentCount, 'precedent') : null,
    planner.ruleImpacts.length ? plural(planner.ruleImpacts.length, 'rule') : null,
    staleExtractions ? `${plural(staleExtractions, 'extraction')} marked stale` : null,
  ].filter((x): x is string => x !== null);
  return {
    schema: planner.schema,
    precedents: [...planner.precedentsAfter].map(([id, output]) => ({ id, output })),
    rules: [...planner.rulesAfter.values()],
    impact: {
      summary: counts.length ? `${title}: ${counts.join(', ')}` : title,
      allowed,
      needsConfirmation: planner.removes,
      problems: planner.problems,
      schema: planner.schema,
      precedents: planner.precedentImpacts,
      rules: planner.ruleImpacts,
      aliasesAdded: planner.aliasesAdded,
      staleExtractions,
    },
  };
}
