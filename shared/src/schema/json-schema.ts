// Compiles an ExtractionSchema to the JSON Schema that OpenAI structured outputs accept in strict
// mode: every field required, null only through a type union, no additional properties.
import type { ExtractionSchema, FieldSpec } from '../domain.js';

export type JsonSchema = Record<string, unknown>;

export function compileJsonSchema(schema: ExtractionSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of schema.fields) properties[field.name] = fieldSchema(field);
  return {
    type: 'object',
    properties,
    required: schema.fields.map((f) => f.name),
    additionalProperties: false,
  };
}

function typeOf(base: string, nullable: boolean): string | string[] {
  return nullable ? [base, 'null'] : base;
}

function fieldSchema(field: FieldSpec): JsonSchema {
  const out: JsonSchema = {};
  const description = describeField(field);
  switch (field.type) {
    case 'string':
      out.type = typeOf('string', field.nullable);
      break;
    case 'enum': {
      const values: (string | null)[] = (field.values ?? []).map((v) => v.value);
      if (field.nullable) values.push(null);
      out.type = typeOf('string', field.nullable);
      out.enum = values;
      break;
    }
    case 'number':
      out.type = typeOf('number', field.nullable);
      break;
    case 'boolean':
      out.type = typeOf('boolean', field.nullable);
      break;
    case 'date':
      // A calendar date; `format: date` is accepted by strict structured outputs.
      out.type = typeOf('string', field.nullable);
      out.format = 'date';
      break;
    case 'string_list':
      out.type = typeOf('array', field.nullable);
      out.items = { type: 'string' };
      break;
  }
  if (description) out.description = description;
  return out;
}

/** The field's description, with enum value descriptions folded in so the model sees them. */
export function describeField(field: FieldSpec): string {
  const parts: string[] = [];
  if (field.description) parts.push(field.description);
  if (field.type === 'date') parts.push('A date as YYYY-MM-DD.');
  const described = (field.values ?? []).filter((v) => v.description);
  if (described.length) parts.push(described.map((v) => `"${v.value}": ${v.description}`).join('; '));
  return parts.join(' ');
}

/** A short, stable name for the schema in `response_format.json_schema.name` (a-z, 0-9, _ and -, max 64). */
export function schemaName(rulebookId: string): string {
  const cleaned = rulebookId.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 56);
  return `casebook_${cleaned || 'extraction'}`.slice(0, 64);
}
