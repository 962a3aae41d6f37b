// Making a provider from settings: what the CLI, the app and services do with a rulebook.
import type { RulebookArtifact } from '../domain.js';
import type { PrecedentIndex } from '../retrieval/index.js';
import { createEmbeddedProvider } from './embedded.js';
import { createOpenAIProvider } from './openai.js';
import type { Provider } from './types.js';

export type ProviderConfig =
  | { kind: 'embedded'; model?: string }
  | {
      kind: 'openai';
      /** Defaults to OPENAI_BASE_URL, then the SDK's default (api.openai.com). */
      baseURL?: string;
      /** Defaults to OPENAI_API_KEY. Never logged, cached or written to a trace. */
      apiKey?: string;
      /** Defaults to the rulebook's model. */
      model?: string;
      timeoutMs?: number;
      maxRetries?: number;
      /** Ask for token log-probabilities (how sure the model was of each field). */
      logprobs?: boolean;
    };

export function createProvider(config: ProviderConfig, ctx: { rulebook: RulebookArtifact; index: PrecedentIndex }): Provider {
  if (config.kind === 'embedded') return createEmbeddedProvider({ precedents: ctx.rulebook.precedents, index: ctx.index });
  const baseURL = config.baseURL ?? process.env.OPENAI_BASE_URL;
  const apiKey = config.apiKey ?? process.env.OPENAI_API_KEY;
  return createOpenAIProvider({
    model: config.model ?? ctx.rulebook.settings.model,
    ...(baseURL ? { baseURL } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.maxRetries !== undefined ? { maxRetries: config.maxRetries } : {}),
    ...(config.logprobs ? { logprobs: true } : {}),
  });
}
