export { parseSchemaSpec, SchemaSpecError } from './spec.js';
export { compileJsonSchema, describeField, schemaName, type JsonSchema } from './json-schema.js';
export { validateExtraction } from './validate.js';
export { applyAliases, type AliasResult } from './aliases.js';
