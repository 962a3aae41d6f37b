// Validation of an extraction against its schema, through Ajv (compiled once per schema).
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Extraction, ExtractionSchema, ValidationError } from '../domain.js';
import { compileJsonSchema } from './json-schema.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let ajv: Ajv | undefined;
const compiled = new WeakMap<ExtractionSchema, ValidateFunction>();

function validatorFor(schema: ExtractionSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
    }
    fn = ajv.compile(compileJsonSchema(schema));
    compiled.set(schema, fn);
  }
  return fn;
}

export function validateExtraction(output: Extraction, schema: ExtractionSchema): ValidationError[] {
  const fn = validatorFor(schema);
  if (fn(output)) return [];
  return (fn.errors ?? []).map((e) => {
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: string }).missingProperty);
      return { path: `/${missing}`, message: 'is missing' };
    }
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
      return { path: `/${extra}`, message: 'is not a field of the schema' };
    }
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      return { path: e.instancePath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    return { path: e.instancePath, message: e.message ?? e.keyword };
  });
}
