// The schema file people write (`casebook new --schema SCHEMA.json`), parsed into the domain's
// ExtractionSchema. The file shape is forgiving (enum values as plain strings or objects, value
// aliases inline or as a map); the parsed form is strict and the same everywhere.
import type { EnumValue, ExtractionSchema, FieldSpec, FieldType } from '../domain.js';

const FIELD_TYPES: readonly FieldType[] = ['string', 'enum', 'number', 'boolean', 'date', 'string_list'];
const TYPE_SYNONYMS: Record<string, FieldType> = {
  text: 'string',
  integer: 'number',
  bool: 'boolean',
  list: 'string_list',
  'list<string>': 'string_list',
  'string[]': 'string_list',
  array: 'string_list',
};
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class SchemaSpecError extends Error {
  constructor(readonly problems: string[], source?: string) {
    super(`${source ? `${source}: ` : ''}invalid schema:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SchemaSpecError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Parses and checks a schema file's JSON. Throws SchemaSpecError listing every problem with its place. */
export function parseSchemaSpec(json: unknown, source?: string): ExtractionSchema {
  const problems: string[] = [];
  if (!isObject(json) || !Array.isArray(json.fields)) {
    throw new SchemaSpecError(['expected an object with a "fields" array'], source);
  }
  const fields: FieldSpec[] = [];
  const seen = new Set<string>();
  json.fields.forEach((raw, i) => {
    const at = `fields[${i}]`;
    if (!isObject(raw)) return problems.push(`${at}: expected an object`);
    const name = raw.name;
    if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
      return problems.push(`${at}.name: expected an identifier (letters, digits, _), got ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) problems.push(`${at}.name: "${name}" is declared twice`);
    seen.add(name);
    const typeName = typeof raw.type === 'string' ? raw.type.trim().toLowerCase() : raw.values ? 'enum' : 'string';
    const type = (FIELD_TYPES as readonly string[]).includes(typeName) ? (typeName as FieldType) : TYPE_SYNONYMS[typeName];
    if (!type) return problems.push(`${at}.type: "${String(raw.type)}" is not one of ${FIELD_TYPES.join(', ')}`);
    if (raw.nullable !== undefined && typeof raw.nullable !== 'boolean') problems.push(`${at}.nullable: expected true or false`);
    if (raw.description !== undefined && typeof raw.description !== 'string') problems.push(`${at}.description: expected a string`);
    if (raw.aliases !== undefined && !stringList(raw.aliases)) problems.push(`${at}.aliases: expected a list of strings`);

    const field: FieldSpec = { name, type, nullable: raw.nullable === undefined ? true : raw.nullable === true };
    if (typeof raw.description === 'string' && raw.description.trim()) field.description = raw.description.trim();
    if (stringList(raw.aliases) && raw.aliases.length) field.aliases = dedupe(raw.aliases.map((a) => a.trim()).filter(Boolean));

    if (type === 'enum') {
      const values = parseEnumValues(raw, at, problems);
      if (values.length === 0) problems.push(`${at}.values: an enum needs at least one value`);
      field.values = values;
    } else if (raw.values !== undefined) {
      problems.push(`${at}.values: only enum fields have values`);
    }
    fields.push(field);
  });
  if (fields.length === 0 && problems.length === 0) problems.push('fields: declare at least one field');
  checkAliasCollisions(fields, problems);
  if (problems.length) throw new SchemaSpecError(problems, source);
  return { fields };
}

function parseEnumValues(raw: Record<string, unknown>, at: string, problems: string[]): EnumValue[] {
  if (!Array.isArray(raw.values)) {
    problems.push(`${at}.values: expected a list of values`);
    return [];
  }
  const values: EnumValue[] = [];
  const seen = new Set<string>();
  raw.values.forEach((v, j) => {
    const vat = `${at}.values[${j}]`;
    let value: EnumValue;
    if (typeof v === 'string') value = { value: v };
    else if (isObject(v) && typeof v.value === 'string') {
      value = { value: v.value };
      if (typeof v.description === 'string' && v.description.trim()) value.description = v.description.trim();
      if (v.aliases !== undefined) {
        if (!stringList(v.aliases)) problems.push(`${vat}.aliases: expected a list of strings`);
        else if (v.aliases.length) value.aliases = dedupe(v.aliases.map((a) => a.trim()).filter(Boolean));
      }
    } else {
      problems.push(`${vat}: expected a string or {"value": ...}`);
      return;
    }
    if (!value.value.trim()) return problems.push(`${vat}: empty value`);
    if (seen.has(value.value)) problems.push(`${vat}: "${value.value}" is listed twice`);
    seen.add(value.value);
    values.push(value);
  });
  // `"valueAliases": {"ASAP": "high"}` is accepted as another way to give value aliases.
  if (isObject(raw.valueAliases)) {
    for (const [alias, target] of Object.entries(raw.valueAliases)) {
      const v = values.find((x) => x.value === target);
      if (!v) problems.push(`${at}.valueAliases.${alias}: "${String(target)}" is not a value of this field`);
      else v.aliases = dedupe([...(v.aliases ?? []), alias]);
    }
  }
  return values;
}

/** An alias may not name another field (or another value), or aliasing would be ambiguous. */
function checkAliasCollisions(fields: FieldSpec[], problems: string[]): void {
  const owner = new Map<string, string>();
  for (const f of fields) owner.set(f.name.toLowerCase(), f.name);
  for (const f of fields) {
    for (const a of f.aliases ?? []) {
      const prev = owner.get(a.toLowerCase());
      if (prev && prev !== f.name) problems.push(`${f.name}.aliases: "${a}" already names field "${prev}"`);
      else owner.set(a.toLowerCase(), f.name);
    }
    if (f.values) {
      const valueOwner = new Map<string, string>();
      for (const v of f.values) valueOwner.set(v.value.toLowerCase(), v.value);
      for (const v of f.values) {
        for (const a of v.aliases ?? []) {
          const prev = valueOwner.get(a.toLowerCase());
          if (prev && prev !== v.value) problems.push(`${f.name}.values.${v.value}.aliases: "${a}" already means "${prev}"`);
          else valueOwner.set(a.toLowerCase(), v.value);
        }
      }
    }
  }
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
