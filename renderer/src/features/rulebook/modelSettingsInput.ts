// The Model tab's inputs: from the draft's settings, checked value by value, and the change to send.
// The ranges are the contract's (shared/src/api/contract.ts, updateDraft), which the window does not
// bundle (zod stays out of it); the backend's refusal is shown at the same place.
import type { ApiArgs, DraftRulebook } from '../../api/contract';
import type { ModelSettingsInput } from '../../stores/rulebook';

type Settings = DraftRulebook['settings'];
type SettingsArgs = NonNullable<ApiArgs<'updateDraft'>['settings']>;
export type SettingKey = keyof ModelSettingsInput;

const MAX_SEED = 2 ** 31 - 1;
const MAX_TOKENS = 100_000;

export function inputOf(s: Settings): ModelSettingsInput {
  return { provider: s.provider, model: s.model, temperature: String(s.temperature), seed: String(s.seed), k: String(s.k), maxTokens: s.maxTokens === undefined ? '' : String(s.maxTokens) };
}

const number = (text: string): number | null => (text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text));
const wholeIn = (text: string, min: number, max: number, what: string): string | null => {
  const n = number(text);
  return n === null || !Number.isInteger(n) || n < min || n > max ? `${what}: a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}` : null;
};

/** What is wrong with each input, by input; empty when everything can be saved. */
export function problemsOf(input: ModelSettingsInput): Partial<Record<SettingKey, string>> {
  const problems: Partial<Record<SettingKey, string>> = {};
  if (input.provider === 'openai' && !input.model.trim()) problems.model = 'An OpenAI-compatible provider needs a model name.';
  if (input.model.trim().length > 200) problems.model = 'At most 200 characters.';
  const t = number(input.temperature);
  if (t === null || t < 0 || t > 2) problems.temperature = 'Temperature: a number from 0 to 2.';
  const seed = wholeIn(input.seed, 0, MAX_SEED, 'Seed');
  if (seed) problems.seed = seed;
  const k = wholeIn(input.k, 0, 50, 'k');
  if (k) problems.k = k;
  if (input.maxTokens.trim() !== '') {
    const m = number(input.maxTokens);
    if (m === null || !Number.isInteger(m) || m < 1 || m > MAX_TOKENS) problems.maxTokens = `Max tokens: a whole number from 1 to ${MAX_TOKENS.toLocaleString('en-US')}, or empty for no limit.`;
  }
  return problems;
}

/** The settings that differ from the saved ones, as updateDraft takes them; null when none does. Call only without problems. */
export function changeOf(saved: Settings, input: ModelSettingsInput): SettingsArgs | null {
  const change: SettingsArgs = {};
  if (input.provider !== saved.provider) change.provider = input.provider;
  // The embedded provider keeps the model it has (it is not used); an empty name is never sent.
  if (input.model.trim() && input.model.trim() !== saved.model) change.model = input.model.trim();
  if (Number(input.temperature) !== saved.temperature) change.temperature = Number(input.temperature);
  if (Number(input.seed) !== saved.seed) change.seed = Number(input.seed);
  if (Number(input.k) !== saved.k) change.k = Number(input.k);
  const maxTokens = input.maxTokens.trim() === '' ? null : Number(input.maxTokens);
  if (maxTokens !== (saved.maxTokens ?? null)) change.maxTokens = maxTokens;
  return Object.keys(change).length ? change : null;
}

/** The input an API issue path names (`settings.temperature` → temperature). */
export function keyOfIssue(path: string): SettingKey | null {
  const m = /^settings\.(provider|model|temperature|seed|k|maxTokens)$/.exec(path);
  return m ? (m[1] as SettingKey) : null;
}
