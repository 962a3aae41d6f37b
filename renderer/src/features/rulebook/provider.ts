// How the window names a provider. The embedded provider is no model at all (it answers from the
// rules and the nearest precedents), so it is never shown beside a model name.

/** What the embedded provider is, in a few words. */
export const EMBEDDED_PROVIDER = 'embedded — no model';
/** What it does instead of asking a model. */
export const EMBEDDED_ANSWERS = 'answers from the rules and the nearest precedents';

/** "embedded — no model", or "OpenAI-compatible · gpt-4o-mini". */
export function providerLabel(provider: string, model: string | null | undefined): string {
  if (provider === 'embedded') return EMBEDDED_PROVIDER;
  const kind = provider === 'openai' ? 'OpenAI-compatible' : provider;
  return model ? `${kind} · ${model}` : kind;
}
