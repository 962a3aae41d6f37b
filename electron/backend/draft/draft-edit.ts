// One edit of the draft's own part (name, instructions, model settings), worked out before it is
// written: the draft after it, what changed, the history entry that records it, and the problems
// that refuse it. Pure: the handler writes it in one transaction.
import type { ApiParsedArgs, DraftChangeKind } from '../../../shared/src/api/index.js';
import type { JsonValue, ModelSettings } from '../../../shared/src/domain.js';
import type { StoredDraft } from '../../services/workspace/index.js';

export type DraftEditArgs = ApiParsedArgs<'updateDraft'>;
type SettingKey = keyof ModelSettings;
const SETTING_KEYS_IN_ORDER: readonly SettingKey[] = ['provider', 'model', 'temperature', 'seed', 'k', 'maxTokens'];
const SETTING_LABELS: Record<SettingKey, string> = { provider: 'provider', model: 'model', temperature: 'temperature', seed: 'seed', k: 'k', maxTokens: 'max tokens' };

/** A problem with the argument it is about, as the API names arguments (`settings.model`). */
export interface EditProblem {
  path: string;
  message: string;
}

export interface DraftEdit {
  after: StoredDraft;
  /**
   * What to record, or null when the call changes nothing. One entry per call. Its kind is the most
   * telling part changed (instructions, then settings, then name); its undo restores every part the
   * call changed, as it was: `{ draft: { instructions?, settings?, name? }, after: { draft: <the
   * same parts as the edit left them> } }` (the payload schema-handlers.ts describes).
   */
  entry: { kind: DraftChangeKind; summary: string; change: JsonValue; undo: JsonValue } | null;
  problems: EditProblem[];
}

/** The settings with the call's values set: a key left out stays, `maxTokens: null` removes the limit. */
export function mergeSettings(before: ModelSettings, patch: NonNullable<DraftEditArgs['settings']>): ModelSettings {
  const { maxTokens, ...rest } = patch;
  const merged: ModelSettings = { ...before };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  if (maxTokens === null) delete merged.maxTokens;
  else if (maxTokens !== undefined) merged.maxTokens = maxTokens;
  return merged;
}

/** What the runtime refuses beyond the contract's ranges: an OpenAI-compatible provider needs a model to ask. */
export function settingsProblems(settings: ModelSettings): EditProblem[] {
  if (settings.provider === 'openai' && !settings.model.trim()) {
    return [{ path: 'settings.model', message: 'an OpenAI-compatible provider needs a model name (the embedded provider needs none)' }];
  }
  return [];
}

const show = (v: unknown) => (v === undefined ? 'none' : typeof v === 'string' ? `"${v}"` : String(v));

export function planDraftEdit(before: StoredDraft, args: DraftEditArgs): DraftEdit {
  const after: StoredDraft = {
    ...before,
    ...(args.name !== undefined ? { name: args.name } : {}),
    ...(args.instructions !== undefined ? { instructions: args.instructions } : {}),
    settings: args.settings ? mergeSettings(before.settings, args.settings) : before.settings,
  };
  const changedSettings = SETTING_KEYS_IN_ORDER.filter((k) => after.settings[k] !== before.settings[k]);
  const instructions = after.instructions !== before.instructions;
  const name = after.name !== before.name;
  const problems = changedSettings.length || args.settings ? settingsProblems(after.settings) : [];
  if (!instructions && !changedSettings.length && !name) return { after: before, entry: null, problems };

  const summaries: string[] = [];
  const change: Record<string, JsonValue> = {};
  const undo: Partial<Pick<StoredDraft, 'instructions' | 'settings' | 'name'>> = {};
  const left: Partial<Pick<StoredDraft, 'instructions' | 'settings' | 'name'>> = {};
  if (instructions) {
    summaries.push(
      after.instructions.trim()
        ? `Instructions edited (${before.instructions.length.toLocaleString('en-US')} → ${after.instructions.length.toLocaleString('en-US')} characters)`
        : "Instructions cleared (the runtime's default instructions apply)",
    );
    change.instructions = after.instructions;
    undo.instructions = before.instructions;
    left.instructions = after.instructions;
  }
  if (changedSettings.length) {
    summaries.push(`Model settings: ${changedSettings.map((k) => `${SETTING_LABELS[k]} ${show(before.settings[k])} → ${show(after.settings[k])}`).join(', ')}`);
    change.settings = Object.fromEntries(changedSettings.map((k) => [k, after.settings[k] ?? null]));
    undo.settings = before.settings;
    left.settings = after.settings;
  }
  if (name) {
    summaries.push(`Renamed "${before.name}" → "${after.name}"`);
    change.name = after.name;
    undo.name = before.name;
    left.name = after.name;
  }
  const kind: DraftChangeKind = instructions ? 'instructions' : changedSettings.length ? 'settings' : 'name';
  // The undo payload undo.ts reads: the parts as they were, and as this edit left them (undo is
  // refused once they differ). Plain data (StoredDraft is JSON), typed for the JSON column.
  const undoJson = { draft: undo, after: { draft: left } } as unknown as JsonValue;
  return { after, entry: { kind, summary: summaries.join('; '), change, undo: undoJson }, problems };
}

/**
 * The runtime's refusals of the draft (format errors as `pointer: message`) that are about what this
 * call changed, as argument problems. Problems elsewhere in the draft were there before the call.
 */
export function formatProblems(details: readonly string[]): EditProblem[] {
  const problems: EditProblem[] = [];
  for (const detail of details) {
    const m = /^\/?(settings\/[A-Za-z]+|instructions|name)(?:\/[^:]*)?: (.*)$/s.exec(detail);
    if (m) problems.push({ path: m[1]!.replace('/', '.'), message: m[2]! });
  }
  return problems;
}
