// The draft and its history entries as the API hands them to the window.
import type { DraftHistoryEntry, DraftRulebook } from '../../../shared/src/api/index.js';
import type { Repositories, StoredDraftHistoryEntry } from '../../services/workspace/index.js';
import { draftVersion, readDraft } from '../draft.js';

/** The whole draft (its own part, rules, precedents, the version it will publish as); null with no rulebook. */
export function draftRecord(repos: Repositories): DraftRulebook | null {
  const draft = readDraft(repos);
  if (!draft) return null;
  return {
    id: draft.id,
    name: draft.name,
    version: draftVersion(repos, draft.id),
    instructions: draft.instructions,
    schema: draft.schema,
    rules: repos.rules.active(),
    precedents: repos.precedents.active(),
    settings: draft.settings,
  };
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
