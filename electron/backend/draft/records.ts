// The draft and its history entries as the API hands them to the window.
import type { RulebookArtifact } from '../../../shared/src/domain.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import type { DraftHistoryEntry, DraftRulebook } from '../../../shared/src/api/index.js';
import type { Repositories, StoredDraftHistoryEntry } from '../../services/workspace/index.js';
import { draftArtifact, draftVersion, readDraft } from '../draft.js';

/** The whole draft (its own part, rules, precedents, the version it will publish as); null with no rulebook. */
export function draftRecord(repos: Repositories): DraftRulebook | null {
  const draft = readDraft(repos);
  if (!draft) return null;
  // A draft that cannot be a rulebook yet (no fields) has no hash: nothing could run under it.
  let artifact: RulebookArtifact | null = null;
  try {
    artifact = draftArtifact(repos);
  } catch {
    artifact = null;
  }
  const latest = repos.rulebookVersions.latest(draft.id);
  const published = latest ? { version: latest.version, hash: latest.hash } : null;
  return {
    id: draft.id,
    name: draft.name,
    version: draftVersion(repos, draft.id),
    instructions: draft.instructions,
    schema: draft.schema,
    rules: repos.rules.active(),
    precedents: repos.precedents.active(),
    settings: draft.settings,
    hash: artifact?.hash ?? '',
    published,
    // The draft's hash covers its lineage (parent and version), so compare content: the published
    // artifact made again as a draft would hash the same when nothing changed since.
    changedSincePublished: latest && artifact ? !sameContent(latest.artifact, artifact) : true,
  };
}

/** Whether two artifacts hold the same rulebook content (name, schema, instructions, rules, precedents, settings). */
function sameContent(a: RulebookArtifact, b: RulebookArtifact): boolean {
  const pick = (r: RulebookArtifact) => canonicalJson({ name: r.name, schema: r.schema, instructions: r.instructions, rules: r.rules, precedents: r.precedents, settings: r.settings });
  return pick(a) === pick(b);
}

/**
 * A history entry as the window sees it. Whether it can be undone is the caller's to say (the
 * newest entry, untouched since: see listDraftHistory); an entry without undo data never can.
 */
export function historyEntryRecord(entry: StoredDraftHistoryEntry, undoable: boolean): DraftHistoryEntry {
  return {
    id: entry.id,
    at: entry.at,
    author: entry.author,
    kind: entry.kind,
    summary: entry.summary,
    change: entry.change,
    undoable: undoable && entry.undo !== null && entry.undoneBy === null,
    undoneBy: entry.undoneBy,
    undoOf: entry.undoOf,
  };
}
