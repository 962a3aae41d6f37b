// Working out an edit of the draft's own part before it is written: what changed, the history entry
// and its undo, and which of the runtime's refusals are the edit's.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/src/domain.js';
import type { StoredDraft } from '../../services/workspace/index.js';
import { formatProblems, mergeSettings, planDraftEdit } from './draft-edit.js';

const draft: StoredDraft = { id: 'rb', name: 'Triage', instructions: 'Extract.', schema: { fields: [] }, settings: { ...DEFAULT_SETTINGS } };

describe('planDraftEdit', () => {
  it('changes nothing when every value sent is the one stored (max tokens cleared when there is none)', () => {
    expect(planDraftEdit(draft, { name: 'Triage', instructions: 'Extract.', settings: { ...DEFAULT_SETTINGS, maxTokens: null } })).toEqual({ after: draft, entry: null, problems: [] });
  });

  it('names each setting changed, old and new, and keeps the whole settings as they were for undo', () => {
    const { after, entry } = planDraftEdit(draft, { settings: { provider: 'openai', model: 'llama3.1', maxTokens: 300 } });
    expect(after.settings).toEqual({ ...DEFAULT_SETTINGS, provider: 'openai', model: 'llama3.1', maxTokens: 300 });
    expect(entry).toEqual({
      kind: 'settings',
      summary: 'Model settings: provider "embedded" → "openai", model "gpt-4o-mini" → "llama3.1", max tokens none → 300',
      change: { settings: { provider: 'openai', model: 'llama3.1', maxTokens: 300 } },
      undo: { draft: { settings: DEFAULT_SETTINGS }, after: { draft: { settings: { ...DEFAULT_SETTINGS, provider: 'openai', model: 'llama3.1', maxTokens: 300 } } } },
    });
  });

  it('says when the instructions are cleared (the default ones apply)', () => {
    expect(planDraftEdit(draft, { instructions: '' }).entry?.summary).toBe("Instructions cleared (the runtime's default instructions apply)");
    expect(planDraftEdit(draft, { instructions: 'Extract every field.' }).entry?.summary).toBe('Instructions edited (8 → 20 characters)');
  });

  it('refuses an OpenAI-compatible provider without a model, at settings.model', () => {
    expect(planDraftEdit({ ...draft, settings: { ...draft.settings, model: '' } }, { settings: { provider: 'openai' } }).problems).toEqual([
      { path: 'settings.model', message: expect.stringContaining('needs a model name') },
    ]);
  });
});

describe('mergeSettings', () => {
  it('sets what is given, keeps what is left out, and removes max tokens on null', () => {
    const withLimit = mergeSettings(DEFAULT_SETTINGS, { maxTokens: 10 });
    expect(withLimit).toEqual({ ...DEFAULT_SETTINGS, maxTokens: 10 });
    expect(mergeSettings(withLimit, { k: 2, maxTokens: null })).toEqual({ ...DEFAULT_SETTINGS, k: 2 });
    expect('maxTokens' in mergeSettings(withLimit, { maxTokens: null })).toBe(false);
  });
});

describe('formatProblems', () => {
  it('takes the runtime format errors about the name, the instructions or the settings as argument problems, and no others', () => {
    expect(
      formatProblems(['settings/temperature: must be <= 2', 'name: must NOT have fewer than 1 characters', 'instructions: must be string', 'schema/fields/0/name: duplicate field name "a"', '(root): is not a valid rulebook']),
    ).toEqual([
      { path: 'settings.temperature', message: 'must be <= 2' },
      { path: 'name', message: 'must NOT have fewer than 1 characters' },
      { path: 'instructions', message: 'must be string' },
    ]);
  });
});
