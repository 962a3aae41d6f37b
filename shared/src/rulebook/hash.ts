// The content hash of a rulebook: `sha256:` + hex SHA-256 of the canonical JSON of the body, that
// is the artifact without `hash` and `signature`. It is computed from parsed JSON, never from file
// bytes, so pretty printing and key order in the file do not matter.
import type { RulebookArtifact, RulebookBody } from '../domain.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { HASH_PATTERN_SOURCE } from './schema-def.js';

export const HASH_PATTERN = new RegExp(HASH_PATTERN_SOURCE);

/** The body of an artifact: a shallow copy without `hash` and `signature`. */
export function bodyOf(artifact: RulebookArtifact | RulebookBody): RulebookBody {
  const { hash: _hash, signature: _signature, ...body } = artifact as RulebookArtifact;
  return body;
}

/** `sha256:<hex>` of the canonical body. Accepts an artifact too; its hash and signature are ignored. */
export function rulebookHash(body: RulebookBody | RulebookArtifact): string {
  return `sha256:${sha256Hex(canonicalJson(bodyOf(body)))}`;
}
