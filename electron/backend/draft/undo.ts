// Undoing a draft change: the state before it, as its history entry keeps it (the payload is
// documented at the top of schema-handlers.ts), checked against what the change left and put back
// exactly. Runs inside the caller's transaction.
import type { JsonValue, ModelSettings } from '../../../shared/src/domain.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import { SETTING_KEYS, type PrecedentOutputRow, type Repositories, type RuleRow, type StoredDraft, type StoredDraftHistoryEntry } from '../../services/workspace/index.js';
import { readDraft } from '../draft.js';

/** The parts of the stored draft an entry may put back. */
export type DraftParts = Partial<Pick<StoredDraft, 'name' | 'instructions' | 'settings' | 'schema'>>;
const DRAFT_PARTS = ['name', 'instructions', 'settings', 'schema'] as const;

export interface UndoState {
  draft?: DraftParts;
  precedents?: PrecedentOutputRow[];
  rules?: RuleRow[];
}

/** An entry's `undo`: the state before; `after`, when the change recorded it, what it left. */
export interface UndoPayload extends UndoState {
  after?: UndoState;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export function undoPayload(entry: StoredDraftHistoryEntry): UndoPayload | null {
  return isObject(entry.undo) ? (entry.undo as unknown as UndoPayload) : null;
}

/**
 * What the change left of each draft part it put in `undo.draft`. Recorded as `after` by schema
 * changes; for updateDraft's entries, read from the change as asked (its `name`, `instructions`,
 * and `settings`: the keys it set, merged over the settings before, null removing one). A part
 * neither says is not compared.
 */
function draftAfter(entry: StoredDraftHistoryEntry, payload: UndoPayload): DraftParts {
  if (payload.after?.draft) return payload.after.draft;
  const change = isObject(entry.change) ? entry.change : {};
  const after: Record<string, unknown> = {};
  for (const part of DRAFT_PARTS) {
    if (!payload.draft || !(part in payload.draft) || !(part in change)) continue;
    if (part === 'settings' && isObject(change.settings) && isObject(payload.draft.settings)) {
      const merged: Record<string, unknown> = { ...payload.draft.settings };
      for (const [k, v] of Object.entries(change.settings)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      after.settings = merged as unknown as ModelSettings;
    } else {
      after[part] = change[part];
    }
  }
  return after as DraftParts;
}

/**
 * How what the entry's change touched differs from what it left: one line per difference, empty
 * when everything is as the change left it (only then may it be undone).
 */
export function changedSince(repos: Repositories, entry: StoredDraftHistoryEntry, payload: UndoPayload): string[] {
  const found: string[] = [];
  const draft = readDraft(repos);
  const after = draftAfter(entry, payload);
  for (const part of DRAFT_PARTS) {
    if (!(part in after)) continue;
    if (!draft || !same(draft[part], after[part])) found.push(`the draft's ${part === 'schema' ? 'schema' : part} was changed since`);
  }
  const precedentsAfter = payload.after?.precedents ?? [];
  const precedentsNow = new Map(repos.precedents.outputRows(precedentsAfter.map((p) => p.id)).map((p) => [p.id, p]));
  for (const p of precedentsAfter) if (!same(precedentsNow.get(p.id), p)) found.push(`precedent ${p.id} was changed since`);
  const rulesAfter = payload.after?.rules ?? [];
  const rulesNow = new Map(repos.rules.rows(rulesAfter.map((r) => r.id)).map((r) => [r.id, r]));
  for (const r of rulesAfter) if (!same(rulesNow.get(r.id), r)) found.push(`rule ${r.id} was changed since`);
  return found;
}

/** Puts back the state before: the draft's parts, precedents' outputs and rules' rows, exactly. False when a row is gone. */
export function restore(repos: Repositories, payload: UndoPayload): boolean {
  if (payload.draft && Object.keys(payload.draft).length) {
    const draft = readDraft(repos);
    if (!draft) return false;
    repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, ...payload.draft } satisfies StoredDraft);
  }
  if (payload.precedents?.length && !repos.precedents.putOutputRows(payload.precedents)) return false;
  if (payload.rules?.length) repos.rules.putRows(payload.rules);
  return true;
}

/** The state as JSON for the history (the rows are plain JSON already). */
export function toJsonValue(payload: UndoPayload): JsonValue {
  return JSON.parse(JSON.stringify(payload)) as JsonValue;
}
