// The shape of a draft's schema: what an extraction's output must look like to be valid (field
// names, types, nullability, enum values), and its hash. An extraction records the hash of the
// schema it was made under; one made under another shape is stale (shown as it was, not validated
// again; a re-run clears it). Order, descriptions and aliases are left out on purpose: they change
// the prompt or how answers map, not what a valid output is, and editing a description should not
// mark a hundred thousand extractions stale.
import type Database from 'better-sqlite3';
import type { ExtractionSchema, JsonValue } from '../../../shared/src/domain.js';
import { canonicalJson, sha256Hex } from '../../../shared/src/rulebook/canonical.js';

/** The name of the SQL function (registered on every connection) that gives a stored draft's schema hash. */
export const SCHEMA_HASH_FUNCTION = 'casebook_schema_hash';

/** The schema as its shape: fields by name, each with its type, nullability and sorted enum values. */
export function schemaShape(schema: ExtractionSchema): JsonValue {
  return [...schema.fields]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => ({
      name: f.name,
      type: f.type,
      nullable: f.nullable,
      ...(f.type === 'enum' ? { values: (f.values ?? []).map((v) => v.value).sort() } : {}),
    }));
}

const byObject = new WeakMap<ExtractionSchema, string>();

/** `s:` and 20 hex digits (80 bits) of the SHA-256 of the shape's canonical JSON: short, as 100,000 rows keep one. */
export function schemaShapeHash(schema: ExtractionSchema): string {
  let hash = byObject.get(schema);
  if (hash === undefined) {
    hash = `s:${sha256Hex(canonicalJson(schemaShape(schema))).slice(0, 20)}`;
    byObject.set(schema, hash);
  }
  return hash;
}

/**
 * Registers `casebook_schema_hash(draftJson)`: the schema hash of a stored draft (the
 * `rulebook.draft` setting's JSON), or NULL without one. Statements use it to stamp what is made
 * under the draft as it is (an extraction stored without a hash; migration 008's backfill).
 */
export function registerSchemaHashFunction(db: Database.Database): void {
  let lastInput: string | null = null;
  let lastHash: string | null = null;
  db.function(SCHEMA_HASH_FUNCTION, { deterministic: true }, (draftJson: unknown) => {
    if (typeof draftJson !== 'string') return null;
    if (draftJson !== lastInput) {
      let hash: string | null = null;
      try {
        const schema = (JSON.parse(draftJson) as { schema?: ExtractionSchema } | null)?.schema;
        hash = schema && Array.isArray(schema.fields) ? schemaShapeHash(schema) : null;
      } catch {
        hash = null;
      }
      lastInput = draftJson;
      lastHash = hash;
    }
    return lastHash;
  });
}
