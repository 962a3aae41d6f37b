// The domain of Casebook: what a rulebook holds, what an extraction returns, and the trace that
// explains it. Everything here is plain data (JSON-serialisable) so it can cross a process boundary,
// be stored in SQLite, written to a rulebook file and compared byte for byte.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Extraction = Record<string, JsonValue>;

// ---------------------------------------------------------------------------------------------
// Schema: the JSON a rulebook extracts.

export type FieldType = 'string' | 'enum' | 'number' | 'boolean' | 'date' | 'string_list';

export interface EnumValue {
  value: string;
  description?: string;
  /** Other spellings that mean this value (`ASAP` means `high`). */
  aliases?: string[];
}

export interface FieldSpec {
  name: string;
  type: FieldType;
  description?: string;
  nullable: boolean;
  /** For `enum` fields only. */
  values?: EnumValue[];
  /** Other keys that mean this field (`priority` means `urgency`). */
  aliases?: string[];
}

export interface ExtractionSchema {
  fields: FieldSpec[];
}

// ---------------------------------------------------------------------------------------------
// Rules.

export interface Provenance {
  /** The precedents the rule was drawn from. */
  precedentIds: string[];
  author: string;
  /** ISO 8601 time. */
  createdAt: string;
}

/** When an override applies. Text conditions look at the normalised message; field conditions at the extraction. */
export type Condition =
  | { kind: 'contains_any'; phrases: string[]; caseSensitive?: boolean }
  | { kind: 'contains_all'; phrases: string[]; caseSensitive?: boolean }
  | { kind: 'regex'; pattern: string; flags?: string }
  | { kind: 'field_equals'; field: string; value: JsonValue }
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] };

interface RuleBase {
  id: string;
  /** Why the rule exists, in the words of the person who made it. */
  rationale: string;
  enabled: boolean;
  provenance: Provenance;
}

/** An instruction given to the model, scoped to fields. */
export interface GuidanceRule extends RuleBase {
  kind: 'guidance';
  fields: string[];
  instruction: string;
}

/** After the model: when the condition holds, set fields to values. */
export interface OverrideRule extends RuleBase {
  kind: 'override';
  when: Condition;
  set: Extraction;
}

/** A key alias (`priority` -> `urgency`) or a value alias (`ASAP` -> `high` for `urgency`). */
export type AliasRule =
  | (RuleBase & { kind: 'alias'; target: 'key'; field: string; from: string })
  | (RuleBase & { kind: 'alias'; target: 'value'; field: string; from: string; to: string });

export type Rule = GuidanceRule | OverrideRule | AliasRule;
export type RuleKind = Rule['kind'];

// ---------------------------------------------------------------------------------------------
// Messages and precedents.

export interface MessageInput {
  /** The caller's id for the message; echoed back, never used in extraction. */
  id?: string;
  text: string;
  subject?: string;
  sender?: string;
  /** Earlier messages of the same conversation, oldest first. */
  context?: string[];
}

export interface Precedent {
  id: string;
  message: MessageInput;
  /** The correct output. */
  output: Extraction;
  rationale?: string;
  tags?: string[];
  author?: string;
  /** ISO 8601 time. */
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------
// Model settings.

export type ProviderName = 'embedded' | 'openai';

export interface ModelSettings {
  provider: ProviderName;
  /** The model name for OpenAI-compatible endpoints; ignored by the embedded provider. */
  model: string;
  temperature: number;
  seed: number;
  /** How many precedents are retrieved and shown to the model as examples. */
  k: number;
  /** Upper bound on output tokens. */
  maxTokens?: number;
}

export const DEFAULT_SETTINGS: ModelSettings = {
  provider: 'embedded',
  model: 'gpt-4o-mini',
  temperature: 0,
  seed: 7,
  k: 8,
};

// ---------------------------------------------------------------------------------------------
// The rulebook.

export const RULEBOOK_FORMAT = 'casebook.rulebook';
export const RULEBOOK_FORMAT_VERSION = '1.0';

/** The content of a rulebook: what is hashed and signed. */
export interface RulebookBody {
  format: typeof RULEBOOK_FORMAT;
  /** `MAJOR.MINOR`; a loader refuses an unknown major. */
  formatVersion: string;
  id: string;
  name: string;
  version: number;
  /** The version this one was made from. */
  parent: { version: number; hash: string } | null;
  createdAt: string;
  /** Instructions for the model, ahead of the guidance rules. */
  instructions: string;
  schema: ExtractionSchema;
  rules: Rule[];
  precedents: Precedent[];
  settings: ModelSettings;
}

export interface RulebookSignature {
  alg: 'ed25519';
  keyId: string;
  /** base64 Ed25519 signature over the UTF-8 bytes of `hash`. */
  value: string;
}

/** The file: the body, its hash, and an optional signature. */
export interface RulebookArtifact extends RulebookBody {
  /** `sha256:` + hex SHA-256 of the canonical JSON of the body. */
  hash: string;
  signature?: RulebookSignature;
}

// ---------------------------------------------------------------------------------------------
// Results and traces.

export interface FieldChange {
  field: string;
  from: JsonValue | undefined;
  to: JsonValue;
}

export interface TextSpan {
  start: number;
  end: number;
}

export interface RuleFiring {
  ruleId: string;
  kind: RuleKind;
  /** Fields the rule changed; empty when it matched but the output already agreed. */
  changed: FieldChange[];
  /** Where a text condition matched in the normalised message. */
  spans?: TextSpan[];
}

export interface AliasRewrite {
  target: 'key' | 'value';
  field: string;
  from: string;
  to: string;
  /** The alias rule that did it; absent when the alias came from the schema. */
  ruleId?: string;
}

export interface PrecedentUse {
  id: string;
  score: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface Trace {
  runtimeVersion: string;
  rulebook: { id: string; version: number; hash: string };
  provider: {
    name: string;
    model: string;
    params: { temperature: number; seed: number; k: number; maxTokens?: number; responseFormat?: string };
  };
  /** sha256 hex of the canonical prompt (messages and JSON schema). */
  promptHash: string;
  /** sha256 hex of the cache key; equal keys give equal answers. */
  cacheKey: string;
  precedents: PrecedentUse[];
  /** Guidance rules that were put in the prompt. */
  guidance: string[];
  /** Override rules whose condition held, in order of application. */
  rulesFired: RuleFiring[];
  aliases: AliasRewrite[];
  /** The model's answer as received; null when the provider failed before answering. */
  rawOutput: string | null;
  cacheHit: boolean;
  latencyMs: number;
  usage: TokenUsage | null;
  /** How many attempts the provider made (retries after 429, 5xx, timeouts). */
  attempts: number;
  /**
   * How sure the provider was of each enum and boolean field, when it says (the embedded provider
   * does; a chat model does not). Absent otherwise. Review priority reads it.
   */
  confidence?: FieldConfidence[];
  /**
   * The model's probability of each top-level field's value (its least likely token), when the
   * server returned log-probabilities. Absent otherwise. Review priority reads it.
   */
  logprobs?: FieldProbability[];
}

export interface FieldProbability {
  field: string;
  /** exp of the lowest token log-probability of the value, 0..1. */
  probability: number;
}

/** How sure a provider was of one field's value. */
export interface FieldConfidence {
  field: string;
  value: JsonValue;
  /** The winner's lead over the runner-up, as a share of all the evidence (0..1; 1 = no contest). */
  margin: number;
  /** How many of the precedents shown (`of`) gave the same value. */
  support: number;
  of: number;
  /** The id of the precedent whose message this one equals, when the answer is that precedent's output. */
  exact?: string;
}

export interface ValidationError {
  /** JSON pointer to the field, `` for the whole object. */
  path: string;
  message: string;
}

export interface ExtractionResult {
  output: Extraction;
  valid: boolean;
  errors: ValidationError[];
  trace: Trace;
}
