// The rulebook artifact: canonical form and hash, Ed25519 signatures, the file format and its JSON
// Schema, loading with verification, creating versions, diffs, and hot reloading.
export { assertPlainJson, canonicalJson, sha256Hex } from './canonical.js';
export { RulebookError, isRulebookError, type RulebookErrorCode } from './errors.js';
export { HASH_PATTERN, bodyOf, rulebookHash } from './hash.js';
export { generateSigningKey, keyIdOf, signRulebook, verifySignature, type SignatureCheck, type SigningKey } from './sign.js';
export { fieldValueProblem, rulebookJsonSchema, rulebookJsonSchemaText, validateRulebookFormat, type FormatResult } from './format.js';
export { RULEBOOK_SCHEMA_ID } from './schema-def.js';
export { loadRulebook, parseRulebook, type LoadOptions, type ParseOptions } from './load.js';
export { createRulebook, nextVersion, serializeRulebook, slugify, type CreateRulebookInput, type RulebookChanges } from './create.js';
export {
  diffRulebooks,
  formatRulebookDiff,
  isRulebookDiffEmpty,
  type FieldDiff,
  type OutputFieldChange,
  type PrecedentDiff,
  type PropertyChange,
  type RuleDiff,
  type RulebookDiff,
  type ValueChange,
} from './diff.js';
export { watchRulebook, type RulebookWatcher, type WatchOptions } from './watch.js';
