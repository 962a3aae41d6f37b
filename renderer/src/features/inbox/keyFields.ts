import type { ExtractionSchema } from '../../api/contract';

/** The output fields worth showing in a list row: the first two enum fields of the schema. */
export function keyFields(schema: ExtractionSchema | null | undefined): string[] {
  if (!schema) return ['issue_type', 'urgency'];
  const enums = schema.fields.filter((f) => f.type === 'enum').map((f) => f.name);
  return (enums.length ? enums : schema.fields.map((f) => f.name)).slice(0, 2);
}
