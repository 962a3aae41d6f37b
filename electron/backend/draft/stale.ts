// Stale extractions: made under an earlier shape of the draft's schema (schema-shape.ts in the
// workspace layer says what the shape is). Shown as they were, never validated again against the
// schema as it is; a re-run under the schema as it is clears the mark.
import type { RulebookArtifact } from '../../../shared/src/domain.js';
import { schemaShapeHash, type Repositories } from '../../services/workspace/index.js';
import { readDraft } from '../draft.js';

/** The hash of the draft's schema as it is, or null in a workspace without a draft. */
export function currentSchemaHash(repos: Repositories): string | null {
  const draft = readDraft(repos);
  return draft ? schemaShapeHash(draft.schema) : null;
}

/**
 * The schema hash an extraction made with this rulebook records. Null for a rulebook without a
 * schema (the runs' test doubles): the extraction is then stamped with the draft's as it is.
 */
export function schemaHashOf(rulebook: Pick<RulebookArtifact, 'schema'>): string | null {
  return rulebook.schema ? schemaShapeHash(rulebook.schema) : null;
}

/**
 * Whether an extraction made under the schema hash `made` is stale now: made under another schema
 * than the draft's (an extraction without a hash, made with no draft, never is; with no draft now,
 * every one with a hash is). The inbox filter's SQL (messages.ts) decides the same.
 */
export function isStale(made: string | null | undefined, current: string | null): boolean {
  return typeof made === 'string' && made !== (current ?? '');
}
