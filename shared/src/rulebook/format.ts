// Checks that parsed JSON is a well-formed rulebook: the JSON Schema of the file format (Ajv,
// compiled once per process) and then the semantic checks a schema cannot express (unique names
// and ids, references to existing fields, regexes that compile, override values that fit).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Condition, FieldSpec, JsonValue, RulebookArtifact } from '../domain.js';
import { RULEBOOK_FORMAT_VERSION } from '../domain.js';
import { escapePointer } from './canonical.js';
import { RULEBOOK_JSON_SCHEMA } from './schema-def.js';
import { patternBudgetProblem, rulePatternProblem } from '../rules/pattern.js';

export type FormatResult =
  | { ok: true; value: RulebookArtifact; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** The JSON Schema of the rulebook file (a fresh deep copy). */
export function rulebookJsonSchema(): Record<string, unknown> {
  return structuredClone(RULEBOOK_JSON_SCHEMA) as unknown as Record<string, unknown>;
}

/** `shared/rulebook.schema.json` as it should read. */
export function rulebookJsonSchemaText(): string {
  return `${JSON.stringify(RULEBOOK_JSON_SCHEMA, null, 2)}\n`;
}

const KNOWN_MINOR = Number(RULEBOOK_FORMAT_VERSION.split('.')[1] ?? 0);

const DATE_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

let strictValidator: ValidateFunction | undefined;
let lenientValidator: ValidateFunction | undefined;

function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, discriminator: true });
  // RFC 3339 date-time, checked by one regular expression: ajv-formats' full check costs a
  // third of the validation time of a rulebook with 10,000 precedents.
  ajv.addFormat('date-time', DATE_TIME);
  return ajv;
}

/** Drops `additionalProperties: false` everywhere: a newer 1.x minor may add properties this runtime does not know. */
function lenient(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lenient);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'else') continue; // the alias rule's "no `to` on key aliases"
    out[k] = lenient(v);
  }
  return out;
}

function validatorFor(minor: number): ValidateFunction {
  if (minor > KNOWN_MINOR) {
    lenientValidator ??= makeAjv().compile({ ...(lenient(RULEBOOK_JSON_SCHEMA) as object), $id: `${RULEBOOK_JSON_SCHEMA.$id}:lenient` });
    return lenientValidator;
  }
  strictValidator ??= makeAjv().compile(RULEBOOK_JSON_SCHEMA);
  return strictValidator;
}

/** `/rules/3/when` -> `rules/3/when`; the root is `(root)`. */
function at(pointer: string): string {
  return pointer === '' ? '(root)' : pointer.replace(/^\//, '');
}
const join = (pointer: string, key: string | number) => `${pointer}/${escapePointer(String(key))}`;

function describeAjvError(e: ErrorObject): string | null {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return null; // always accompanied by the failing `then`/`else` keyword's own error
    case 'required':
      return `${at(join(e.instancePath, String(p.missingProperty)))}: is required`;
    case 'additionalProperties':
      return `${at(join(e.instancePath, String(p.additionalProperty)))}: is not allowed (unknown property)`;
    case 'false schema':
      return `${at(e.instancePath)}: is not allowed here`;
    case 'enum':
      return `${at(e.instancePath)}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${at(e.instancePath)}: must be ${JSON.stringify(p.allowedValue)}`;
    case 'discriminator':
      return null; // the `kind` property's own enum or required error says it better
    case 'pattern':
      return `${at(e.instancePath)}: must match ${String(p.pattern)}`;
    default:
      return `${at(e.instancePath)}: ${e.message ?? 'is invalid'}`;
  }
}

function formatVersionMinor(json: unknown): number {
  const v = (json as { formatVersion?: unknown } | null)?.formatVersion;
  const m = typeof v === 'string' ? /^1\.(\d+)$/.exec(v) : null;
  return m ? Number(m[1]) : 0;
}

/**
 * Validates parsed JSON as a rulebook file. Errors name the JSON pointer of the problem
 * (`rules/3/when/pattern: must be string`). Warnings do not make the rulebook invalid (a precedent
 * whose output no longer fits the schema, a rule whose provenance names a missing precedent).
 * A file of a newer 1.x minor may carry properties this runtime does not know; they are allowed.
 */
export function validateRulebookFormat(json: unknown): FormatResult {
  const validate = validatorFor(formatVersionMinor(json));
  if (!validate(json)) {
    const errors = [...new Set((validate.errors ?? []).map(describeAjvError).filter((e): e is string => e !== null))];
    return { ok: false, errors: errors.length ? errors : ['(root): is not a valid rulebook'], warnings: [] };
  }
  const rb = json as RulebookArtifact;
  const errors: string[] = [];
  const warnings: string[] = [];
  const fields = checkFields(rb, errors);
  checkRules(rb, fields, errors, warnings);
  checkPrecedents(rb, fields, errors, warnings);
  return errors.length ? { ok: false, errors, warnings } : { ok: true, value: rb, warnings };
}

// ---------------------------------------------------------------------------------------------
// Semantic checks.

function checkFields(rb: RulebookArtifact, errors: string[]): Map<string, FieldSpec> {
  const byName = new Map<string, FieldSpec>();
  const firstAt = new Map<string, string>();
  const keys = new Map<string, string>(); // field names and key aliases -> where declared
  rb.schema.fields.forEach((f, i) => {
    const p = `schema/fields/${i}`;
    if (byName.has(f.name)) errors.push(`${p}/name: duplicate field name "${f.name}" (also ${firstAt.get(f.name)})`);
    else {
      byName.set(f.name, f);
      firstAt.set(f.name, `${p}/name`);
    }
  });
  rb.schema.fields.forEach((f, i) => {
    if (!keys.has(f.name)) keys.set(f.name, `schema/fields/${i}/name`);
  });
  rb.schema.fields.forEach((f, i) => {
    const p = `schema/fields/${i}`;
    (f.aliases ?? []).forEach((a, j) => {
      const prev = keys.get(a);
      if (prev !== undefined) errors.push(`${p}/aliases/${j}: key alias "${a}" is already used (${prev})`);
      else keys.set(a, `${p}/aliases/${j}`);
    });
    if (f.type === 'enum') {
      const values = f.values ?? [];
      if (values.length === 0) errors.push(`${p}/values: an enum field needs at least one value`);
      const spellings = new Map<string, string>();
      values.forEach((v, j) => {
        const prev = spellings.get(v.value);
        if (prev !== undefined) errors.push(`${p}/values/${j}/value: duplicate value "${v.value}" (also ${prev})`);
        else spellings.set(v.value, `${p}/values/${j}/value`);
      });
      values.forEach((v, j) => {
        (v.aliases ?? []).forEach((a, k) => {
          const prev = spellings.get(a);
          if (prev !== undefined) errors.push(`${p}/values/${j}/aliases/${k}: value alias "${a}" is already used (${prev})`);
          else spellings.set(a, `${p}/values/${j}/aliases/${k}`);
        });
      });
    } else if (f.values !== undefined) {
      errors.push(`${p}/values: only enum fields have values (field "${f.name}" is ${f.type})`);
    }
  });
  return byName;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const enumCache = new WeakMap<FieldSpec, Set<string>>();

function enumValues(field: FieldSpec): Set<string> {
  let set = enumCache.get(field);
  if (!set) {
    set = new Set((field.values ?? []).map((v) => v.value));
    enumCache.set(field, set);
  }
  return set;
}

/** Why `value` is not a valid value of the field, or null when it is. */
export function fieldValueProblem(field: FieldSpec, value: JsonValue): string | null {
  if (value === null) return field.nullable ? null : `must not be null (field "${field.name}" is not nullable)`;
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? null : `must be a string (field "${field.name}")`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `must be a number (field "${field.name}")`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `must be true or false (field "${field.name}")`;
    case 'string_list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : `must be a list of strings (field "${field.name}")`;
    case 'date': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      if (m) {
        const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
        if (d.toISOString().slice(0, 10) === value) return null;
      }
      return `must be a date as YYYY-MM-DD (field "${field.name}")`;
    }
    case 'enum': {
      if (typeof value === 'string' && enumValues(field).has(value)) return null;
      return `must be one of ${[...enumValues(field)].map((v) => JSON.stringify(v)).join(', ')} (field "${field.name}")`;
    }
  }
}

function checkCondition(c: Condition, p: string, fields: Map<string, FieldSpec>, errors: string[]): void {
  switch (c.kind) {
    case 'regex': {
      const problem = rulePatternProblem(c.pattern, c.flags);
      if (problem) errors.push(`${p}/pattern: ${problem}`);
      return;
    }
    case 'field_equals': {
      const f = fields.get(c.field);
      if (!f) errors.push(`${p}/field: unknown field "${c.field}"`);
      else {
        const problem = fieldValueProblem(f, c.value);
        if (problem) errors.push(`${p}/value: ${problem}`);
      }
      return;
    }
    case 'all':
    case 'any':
      c.conditions.forEach((sub, i) => checkCondition(sub, `${p}/conditions/${i}`, fields, errors));
      return;
    default:
      return;
  }
}

function checkRules(rb: RulebookArtifact, fields: Map<string, FieldSpec>, errors: string[], warnings: string[]): void {
  const ids = new Map<string, string>();
  const precedentIds = new Set(rb.precedents.map((x) => x.id));
  rb.rules.forEach((r, i) => {
    const p = `rules/${i}`;
    const prev = ids.get(r.id);
    if (prev !== undefined) errors.push(`${p}/id: duplicate rule id "${r.id}" (also ${prev})`);
    else ids.set(r.id, `${p}/id`);
    r.provenance.precedentIds.forEach((id, j) => {
      if (!precedentIds.has(id)) warnings.push(`${p}/provenance/precedentIds/${j}: no precedent "${id}" in this rulebook`);
    });
    switch (r.kind) {
      case 'guidance':
        r.fields.forEach((name, j) => {
          if (!fields.has(name)) errors.push(`${p}/fields/${j}: unknown field "${name}"`);
        });
        return;
      case 'override':
        checkCondition(r.when, `${p}/when`, fields, errors);
        for (const [name, value] of Object.entries(r.set)) {
          const f = fields.get(name);
          if (!f) errors.push(`${join(`${p}/set`, name)}: unknown field "${name}"`);
          else {
            const problem = fieldValueProblem(f, value);
            if (problem) errors.push(`${join(`${p}/set`, name)}: ${problem}`);
          }
        }
        return;
      case 'alias': {
        const f = fields.get(r.field);
        if (!f) {
          errors.push(`${p}/field: unknown field "${r.field}"`);
          return;
        }
        if (r.target === 'key') {
          if (fields.has(r.from)) errors.push(`${p}/from: "${r.from}" is itself a field; it cannot be an alias of "${r.field}"`);
        } else if (f.type !== 'enum') {
          errors.push(`${p}/field: value aliases need an enum field ("${r.field}" is ${f.type})`);
        } else if (!(f.values ?? []).some((v) => v.value === r.to)) {
          errors.push(`${p}/to: "${r.to}" is not a value of "${r.field}" (${(f.values ?? []).map((v) => JSON.stringify(v.value)).join(', ')})`);
        }
        return;
      }
    }
  });
  const budget = patternBudgetProblem(rb.rules);
  if (budget) errors.push(`rules: ${budget}`);
}

function checkPrecedents(rb: RulebookArtifact, fields: Map<string, FieldSpec>, errors: string[], warnings: string[]): void {
  const ids = new Map<string, number>();
  rb.precedents.forEach((x, i) => {
    const prev = ids.get(x.id);
    if (prev !== undefined) errors.push(`precedents/${i}/id: duplicate precedent id "${x.id}" (also precedents/${prev}/id)`);
    else ids.set(x.id, i);
    for (const [name, value] of Object.entries(x.output)) {
      const f = fields.get(name);
      if (!f) warnings.push(`${join(`precedents/${i}/output`, name)}: unknown field "${name}"`);
      else {
        const problem = fieldValueProblem(f, value);
        if (problem) warnings.push(`${join(`precedents/${i}/output`, name)}: ${problem}`);
      }
    }
  });
}
