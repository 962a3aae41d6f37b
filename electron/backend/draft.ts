// The draft rulebook: what the workspace would publish now. Its settings live in the workspace's
// settings table; its rules and precedents in their own tables. It is assembled into the same
// artifact a production service loads, so the app extracts exactly as production will.
import { DEFAULT_SETTINGS, type RulebookArtifact } from '../../shared/src/domain.js';
import { createRulebook, nextVersion } from '../../shared/src/rulebook/index.js';
import { SETTING_KEYS, type StoredDraft, type Repositories } from '../services/workspace/index.js';

export function readDraft(repos: Repositories): StoredDraft | null {
  return repos.settings.get<StoredDraft>(SETTING_KEYS.draftRulebook);
}

/** The version the draft will publish as: one after the newest published version. */
export function draftVersion(repos: Repositories, rulebookId: string): number {
  const published = repos.rulebookVersions.list(rulebookId);
  return published.reduce((max, v) => Math.max(max, v.version), 0) + 1;
}

/**
 * The draft as a rulebook artifact: the version it will publish as, with the newest published
 * version (if any) as its parent. `createdAt` is fixed so the hash depends only on content and
 * lineage: the same rules and precedents always give the same draft hash (and the same cache keys).
 */
export function draftArtifact(repos: Repositories): RulebookArtifact {
  // Built once per change of what it is made of (every extraction asks for it).
  const revision = repos.draftRevision();
  const built = assembled.get(repos);
  if (built?.revision === revision) return built.artifact;
  const artifact = deepFreeze(assemble(repos));
  assembled.set(repos, { revision, artifact });
  return artifact;
}

/** The last draft assembled per workspace, and the revision it was assembled at; frozen, as it is shared. */
const assembled = new WeakMap<Repositories, { revision: string; artifact: RulebookArtifact }>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function assemble(repos: Repositories): RulebookArtifact {
  const draft = readDraft(repos);
  if (!draft) throw new Error('this workspace has no rulebook yet');
  const content = {
    name: draft.name,
    schema: draft.schema,
    instructions: draft.instructions,
    rules: repos.rules.active(),
    precedents: repos.precedents.active(),
  };
  const published = repos.rulebookVersions.latest(draft.id);
  if (published) {
    return nextVersion(published.artifact, { ...content, settings: { ...DEFAULT_SETTINGS, ...draft.settings } }, { createdAt: DRAFT_CREATED_AT });
  }
  return createRulebook({ id: draft.id, ...content, settings: draft.settings, createdAt: DRAFT_CREATED_AT });
}

const DRAFT_CREATED_AT = '1970-01-01T00:00:00.000Z';
