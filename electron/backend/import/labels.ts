// A labelled row's values as an output of the draft schema: aliases applied (renamed keys, other
// spellings of enum values), cells coerced to the field's type (a CSV cell is always text), missing
// fields null where the schema allows it, then validated. Anything else is a problem naming the field.
import { applyAliases, validateExtraction } from '../../../shared/src/schema/index.js';
import type { Extraction, ExtractionSchema, FieldSpec, JsonValue, Rule } from '../../../shared/src/domain.js';
import { jsonTextTooDeepAt } from '../../../shared/src/json/depth.js';

export type LabelResult = { output: Extraction } | { problem: string };

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

function coerce(value: JsonValue, field: FieldSpec): JsonValue {
  if (typeof value !== 'string') return value;
  const s = value.trim();
  if (s === '' || (field.type !== 'string' && field.type !== 'enum' && s.toLowerCase() === 'null')) {
    return field.nullable ? null : field.type === 'string_list' ? [] : s;
  }
  switch (field.type) {
    case 'number': {
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    }
    case 'boolean':
      return TRUE.has(s.toLowerCase()) ? true : FALSE.has(s.toLowerCase()) ? false : s;
    case 'string_list': {
      if (s.startsWith('[')) {
        // Nested past the app's depth limit, it stays text (so validation says it is not a list):
        // the aliasing and validation that follow recurse.
        if (jsonTextTooDeepAt(s) !== -1) return s;
        try {
          return JSON.parse(s) as JsonValue;
        } catch {
          return s;
        }
      }
      return s.split(/[;|,]/).map((x) => x.trim()).filter((x) => x !== '');
    }
    default:
      return s;
  }
}

/** True when no label carries a value (every cell empty). */
export function labelsEmpty(labels: Record<string, JsonValue> | undefined): boolean {
  return !labels || Object.values(labels).every((v) => v === null || (typeof v === 'string' && v.trim() === ''));
}

export function labelOutput(labels: Record<string, JsonValue>, schema: ExtractionSchema, rules: readonly Rule[]): LabelResult {
  const aliased = applyAliases(labels, schema, rules).output;
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const output: Extraction = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(aliased)) {
    const field = byName.get(key);
    if (!field) {
      problems.push(`${key}: not a field of the schema`);
      continue;
    }
    output[key] = coerce(value, field);
  }
  // Enum values may only now be trimmed of padding: one more pass of the value aliases.
  const repaired = applyAliases(output, schema, rules).output;
  for (const field of schema.fields) {
    if (Object.prototype.hasOwnProperty.call(repaired, field.name)) continue;
    if (field.nullable) repaired[field.name] = null;
    else problems.push(`${field.name}: missing, and the schema does not allow null`);
  }
  if (!problems.length) {
    for (const e of validateExtraction(repaired, schema)) {
      const field = e.path.replace(/^\//, '').split('/')[0] || '(output)';
      problems.push(`${field}: ${e.message}`);
    }
  }
  if (problems.length) return { problem: `labels not valid for the schema: ${[...new Set(problems)].join('; ')}` };
  return { output: repaired };
}
