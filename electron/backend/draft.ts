// The draft rulebook: what the workspace would publish now. Its settings live in the workspace's
// settings table; its rules and precedents in their own tables. It is assembled into the same
// artifact a production service loads, so the app extracts exactly as production will.
import type { RulebookArtifact } from '../../shared/src/domain.js';
import { createRulebook } from '../../shared/src/rulebook/index.js';
import { SETTING_KEYS, type DraftRulebook, type Repositories } from '../services/workspace/index.js';

export function readDraft(repos: Repositories): DraftRulebook | null {
  return repos.settings.get<DraftRulebook>(SETTING_KEYS.draftRulebook);
}

/** The version the draft will publish as: one after the newest published version. */
export function draftVersion(repos: Repositories, rulebookId: string): number {
  const published = repos.rulebookVersions.list(rulebookId);
  return published.reduce((max, v) => Math.max(max, v.version), 0) + 1;
}

/**
 * The draft as a rulebook artifact. `createdAt` is fixed so the hash depends only on content: the
 * same rules and precedents always give the same draft hash (and the same cache keys).
 */
export function draftArtifact(repos: Repositories): RulebookArtifact {
  const draft = readDraft(repos);
  if (!draft) throw new Error('this workspace has no rulebook yet');
  return createRulebook({
    id: draft.id,
    name: draft.name,
    schema: draft.schema,
    instructions: draft.instructions,
    rules: repos.rules.active(),
    precedents: repos.precedents.active(),
    settings: draft.settings,
    createdAt: '1970-01-01T00:00:00.000Z',
  });
}
