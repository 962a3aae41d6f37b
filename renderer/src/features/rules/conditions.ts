// Building blocks for the condition builder: new conditions of each kind, converting between kinds,
// and where a condition starts. (The phrases a message suggests come from the backend: suggestPhrases.)
import type { Condition, ExtractionSchema, FieldSpec, JsonValue } from '../../api/contract';

export type ConditionKind = Condition['kind'];

export const KIND_LABELS: Record<ConditionKind, string> = {
  contains_any: 'The message contains any of',
  contains_all: 'The message contains all of',
  regex: 'The message matches the regular expression',
  field_equals: 'The output has the value',
  all: 'All of these hold',
  any: 'Any of these holds',
};

export function defaultValue(spec: FieldSpec | undefined): JsonValue {
  if (!spec) return '';
  if (spec.type === 'enum') return spec.values?.[0]?.value ?? '';
  if (spec.type === 'boolean') return true;
  if (spec.type === 'number') return 0;
  if (spec.type === 'string_list') return [];
  return '';
}

export function newCondition(kind: ConditionKind, schema: ExtractionSchema | null): Condition {
  switch (kind) {
    case 'contains_any':
    case 'contains_all':
      return { kind, phrases: [] };
    case 'regex':
      return { kind, pattern: '' };
    case 'field_equals': {
      const spec = schema?.fields.find((f) => f.type === 'enum') ?? schema?.fields[0];
      return { kind, field: spec?.name ?? 'field', value: defaultValue(spec) };
    }
    case 'all':
    case 'any':
      return { kind, conditions: [{ kind: 'contains_any', phrases: [] }] };
  }
}

/** The condition as another kind, keeping what carries over (phrases, children). */
export function convert(c: Condition, kind: ConditionKind, schema: ExtractionSchema | null): Condition {
  if (c.kind === kind) return c;
  const isPhrases = (k: ConditionKind) => k === 'contains_any' || k === 'contains_all';
  const isGroup = (k: ConditionKind) => k === 'all' || k === 'any';
  if ((c.kind === 'contains_any' || c.kind === 'contains_all') && isPhrases(kind)) return { ...c, kind: kind as 'contains_any' | 'contains_all' };
  if ((c.kind === 'all' || c.kind === 'any') && isGroup(kind)) return { kind: kind as 'all' | 'any', conditions: c.conditions };
  if (isGroup(kind)) return { kind: kind as 'all' | 'any', conditions: [c] };
  return newCondition(kind, schema);
}

/** Where the builder starts: the selected text as a phrase, else the first suggested phrase. */
export function initialCondition(selection: string, suggestions: readonly string[]): Condition {
  const phrase = selection.trim() || suggestions[0] || '';
  return { kind: 'contains_any', phrases: phrase ? [phrase] : [] };
}
