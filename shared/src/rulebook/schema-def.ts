// The JSON Schema (draft 2020-12) of the rulebook file, format 1.x. `shared/rulebook.schema.json`
// is this object written out (a test keeps the two equal; `UPDATE_RULEBOOK_SCHEMA=1 npx vitest run
// shared/src/rulebook/format` rewrites the file). It follows domain.ts exactly. `discriminator` is
// Ajv's (OpenAPI) keyword for better errors; other validators ignore it and use the `oneOf`.

export const RULEBOOK_SCHEMA_ID = 'urn:casebook:rulebook-format:1';
export const RULE_KINDS = ['guidance', 'override', 'alias'] as const;
export const CONDITION_KINDS = ['contains_any', 'contains_all', 'regex', 'field_equals', 'all', 'any'] as const;
export const FIELD_TYPES = ['string', 'enum', 'number', 'boolean', 'date', 'string_list'] as const;
/** Field names are identifiers: they become JSON keys and JSON-Schema property names. */
export const FIELD_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
export const HASH_PATTERN_SOURCE = '^sha256:[0-9a-f]{64}$';

const str = (description?: string) => (description ? { type: 'string', description } : { type: 'string' });
const nonEmpty = (description?: string) => ({ ...str(description), minLength: 1 });
const strings = (description?: string) => ({ type: 'array', items: { type: 'string' }, ...(description ? { description } : {}) });
const dateTime = (description: string) => ({ type: 'string', format: 'date-time', description });
const ref = (name: string) => ({ $ref: `#/$defs/${name}` });

const ruleBase = {
  id: nonEmpty('Unique within the rulebook.'),
  rationale: str('Why the rule exists, in the words of the person who made it.'),
  enabled: { type: 'boolean' },
  provenance: ref('provenance'),
};
const ruleBaseRequired = ['id', 'kind', 'rationale', 'enabled', 'provenance'];

const textCondition = (kind: string, description: string) => ({
  type: 'object',
  description,
  required: ['kind', 'phrases'],
  properties: {
    kind: { const: kind },
    phrases: { type: 'array', items: nonEmpty(), minItems: 1 },
    caseSensitive: { type: 'boolean' },
  },
  additionalProperties: false,
});

const groupCondition = (kind: string, description: string) => ({
  type: 'object',
  description,
  required: ['kind', 'conditions'],
  properties: { kind: { const: kind }, conditions: { type: 'array', items: ref('condition'), minItems: 1 } },
  additionalProperties: false,
});

export const RULEBOOK_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: RULEBOOK_SCHEMA_ID,
  title: 'Casebook rulebook',
  description:
    'A versioned, content-hashed and optionally signed Casebook rulebook: the extraction schema, rules, precedents and model settings. ' +
    '`hash` is "sha256:" + hex SHA-256 of the RFC 8785 canonical JSON of the object without `hash` and `signature`.',
  type: 'object',
  required: ['format', 'formatVersion', 'id', 'name', 'version', 'parent', 'createdAt', 'instructions', 'schema', 'rules', 'precedents', 'settings', 'hash'],
  properties: {
    format: { const: 'casebook.rulebook' },
    formatVersion: { type: 'string', pattern: '^1\\.(0|[1-9][0-9]*)$', description: 'MAJOR.MINOR; this schema describes major 1.' },
    id: nonEmpty('Stable across versions of the same rulebook.'),
    name: nonEmpty(),
    version: { type: 'integer', minimum: 1 },
    parent: {
      type: ['object', 'null'],
      description: 'The version this one was made from; null for the first.',
      required: ['version', 'hash'],
      properties: { version: { type: 'integer', minimum: 1 }, hash: { type: 'string', pattern: HASH_PATTERN_SOURCE } },
      additionalProperties: false,
    },
    createdAt: dateTime('ISO 8601 time of publication.'),
    instructions: str('Instructions for the model, ahead of the guidance rules.'),
    schema: ref('extractionSchema'),
    rules: { type: 'array', items: ref('rule') },
    precedents: { type: 'array', items: ref('precedent') },
    settings: ref('settings'),
    hash: { type: 'string', pattern: HASH_PATTERN_SOURCE },
    signature: ref('signature'),
  },
  additionalProperties: false,
  $defs: {
    extractionSchema: {
      type: 'object',
      required: ['fields'],
      properties: { fields: { type: 'array', items: ref('field'), minItems: 1 } },
      additionalProperties: false,
    },
    field: {
      type: 'object',
      required: ['name', 'type', 'nullable'],
      properties: {
        name: { type: 'string', pattern: FIELD_NAME_PATTERN },
        type: { enum: [...FIELD_TYPES] },
        description: str(),
        nullable: { type: 'boolean' },
        values: { type: 'array', items: ref('enumValue'), description: 'For enum fields only; at least one, unique.' },
        aliases: strings('Other keys that mean this field.'),
      },
      additionalProperties: false,
    },
    enumValue: {
      type: 'object',
      required: ['value'],
      properties: { value: nonEmpty(), description: str(), aliases: strings('Other spellings that mean this value.') },
      additionalProperties: false,
    },
    provenance: {
      type: 'object',
      required: ['precedentIds', 'author', 'createdAt'],
      properties: { precedentIds: strings('The precedents the rule was drawn from.'), author: str(), createdAt: dateTime('ISO 8601 time.') },
      additionalProperties: false,
    },
    condition: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: [...CONDITION_KINDS] } },
      discriminator: { propertyName: 'kind' },
      oneOf: [ref('containsAny'), ref('containsAll'), ref('regex'), ref('fieldEquals'), ref('allOf'), ref('anyOf')],
    },
    containsAny: textCondition('contains_any', 'Holds when the normalised message contains any of the phrases.'),
    containsAll: textCondition('contains_all', 'Holds when the normalised message contains all of the phrases.'),
    regex: {
      type: 'object',
      description: 'Holds when the pattern (JavaScript syntax, compiled with the u flag) matches the normalised message.',
      required: ['kind', 'pattern'],
      properties: { kind: { const: 'regex' }, pattern: nonEmpty(), flags: { type: 'string', pattern: '^[gimsuy]*$' } },
      additionalProperties: false,
    },
    fieldEquals: {
      type: 'object',
      description: 'Holds when the extraction has `field` equal to `value`.',
      required: ['kind', 'field', 'value'],
      properties: { kind: { const: 'field_equals' }, field: nonEmpty(), value: true },
      additionalProperties: false,
    },
    allOf: groupCondition('all', 'Holds when every condition holds.'),
    anyOf: groupCondition('any', 'Holds when at least one condition holds.'),
    rule: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: [...RULE_KINDS] } },
      discriminator: { propertyName: 'kind' },
      oneOf: [ref('guidanceRule'), ref('overrideRule'), ref('aliasRule')],
    },
    guidanceRule: {
      type: 'object',
      description: 'An instruction given to the model, scoped to fields.',
      required: [...ruleBaseRequired, 'fields', 'instruction'],
      properties: { ...ruleBase, kind: { const: 'guidance' }, fields: strings(), instruction: nonEmpty() },
      additionalProperties: false,
    },
    overrideRule: {
      type: 'object',
      description: 'After the model: when the condition holds, set fields to values.',
      required: [...ruleBaseRequired, 'when', 'set'],
      properties: { ...ruleBase, kind: { const: 'override' }, when: ref('condition'), set: { type: 'object', minProperties: 1 } },
      additionalProperties: false,
    },
    aliasRule: {
      type: 'object',
      description: 'A key alias (`priority` means `urgency`) or, with target "value" and `to`, a value alias (`ASAP` means `high`).',
      required: [...ruleBaseRequired, 'target', 'field', 'from'],
      properties: {
        ...ruleBase,
        kind: { const: 'alias' },
        target: { enum: ['key', 'value'] },
        field: nonEmpty(),
        from: nonEmpty(),
        to: nonEmpty(),
      },
      additionalProperties: false,
      if: { properties: { target: { const: 'value' } } },
      then: { required: ['to'] },
      else: { properties: { to: false } },
    },
    messageInput: {
      type: 'object',
      required: ['text'],
      properties: { id: str(), text: str(), subject: str(), sender: str(), context: strings('Earlier messages of the conversation, oldest first.') },
      additionalProperties: false,
    },
    precedent: {
      type: 'object',
      required: ['id', 'message', 'output', 'createdAt'],
      properties: {
        id: nonEmpty('Unique within the rulebook.'),
        message: ref('messageInput'),
        output: { type: 'object', description: 'The correct output.' },
        rationale: str(),
        tags: strings(),
        author: str(),
        createdAt: dateTime('ISO 8601 time.'),
      },
      additionalProperties: false,
    },
    settings: {
      type: 'object',
      required: ['provider', 'model', 'temperature', 'seed', 'k'],
      properties: {
        provider: { enum: ['embedded', 'openai'] },
        model: str(),
        temperature: { type: 'number', minimum: 0, maximum: 2 },
        seed: { type: 'integer' },
        k: { type: 'integer', minimum: 0 },
        maxTokens: { type: 'integer', minimum: 1 },
      },
      additionalProperties: false,
    },
    signature: {
      type: 'object',
      required: ['alg', 'keyId', 'value'],
      properties: {
        alg: { const: 'ed25519' },
        keyId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
        value: { type: 'string', pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'base64 Ed25519 signature over the UTF-8 bytes of `hash`.' },
      },
      additionalProperties: false,
    },
  },
} as const;
